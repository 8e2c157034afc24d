package workflows_test

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"termgoal/workflows"
)

// TestReplayStoredHistories replays every history in testdata/ (recorded from real runs on a
// Temporal dev server by the end-to-end test with TERMGOAL_GOLDEN=1, with its workflow ID in
// name.id) against today's code. A
// change to the workflow that is not guarded by workflow.GetVersion fails here.
func TestReplayStoredHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no stored histories in testdata/")
	}
	r := worker.NewWorkflowReplayer()
	workflows.Register(r)
	logger := log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			h, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			history, err := client.HistoryFromJSON(h, client.HistoryJSONOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// The original workflow ID, where the recording kept it (name.id): a child's ID is
			// made from it. Older recordings replay under the replayer's own ID.
			var opts worker.ReplayWorkflowHistoryOptions
			if id, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".id"); err == nil {
				opts.OriginalExecution.ID = strings.TrimSpace(string(id))
			}
			if err := r.ReplayWorkflowHistoryWithOptions(logger, history, opts); err != nil {
				t.Fatal(err)
			}
		})
	}
}
