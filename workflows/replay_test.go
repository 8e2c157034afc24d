package workflows_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"termgoal/workflows"
)

// TestReplayStoredHistories replays every history in testdata/ (recorded from real runs on a
// Temporal dev server by the end-to-end test with TERMGOAL_GOLDEN=1) against today's code. A
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
			if err := r.ReplayWorkflowHistoryFromJSONFile(logger, f); err != nil {
				t.Fatal(err)
			}
		})
	}
}
