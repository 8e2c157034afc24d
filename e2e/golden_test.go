package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/api/temporalproto"
)

// openPayloads decodes every sealed payload of h in place (search attributes are never sealed).
func (s *sys) openPayloads(h *historypb.History) error {
	return proxy.VisitPayloads(context.Background(), h, proxy.VisitPayloadsOptions{SkipSearchAttributes: true,
		Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
			return s.codec.Decode(ps)
		}})
}

// saveHistory stores the workflow's history under workflows/testdata when TERMGOAL_GOLDEN=1,
// so the replay test proves that later code still replays it (O6).
func (s *sys) saveHistory(t *testing.T, workflowID, name string) {
	s.saveRunHistory(t, workflowID, "", name)
}

// saveRunHistory stores the history of one run of the workflow ("": the latest) as saveHistory.
func (s *sys) saveRunHistory(t *testing.T, workflowID, runID, name string) {
	if os.Getenv("TERMGOAL_GOLDEN") != "1" {
		return
	}
	it := s.client.GetWorkflowHistory(context.Background(), workflowID, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var h historypb.History
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	// Stored in the clear: the replay test has no key of this run.
	if err := s.openPayloads(&h); err != nil {
		t.Fatal(err)
	}
	b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "workflows", "testdata")
	if err := os.WriteFile(filepath.Join(dir, name+".json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	// The replay runs under the original workflow ID: a child's ID is made from it.
	if err := os.WriteFile(filepath.Join(dir, name+".id"), []byte(workflowID+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
