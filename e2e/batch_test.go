package e2e

import (
	"fmt"
	"testing"
	"time"

	"termgoal/app"
)

// A batch reminder over more processes than app.BackgroundOver runs in the background on
// Temporal: the request answers 202 with the batch, its progress is readable until it is
// done, every process is reminded once (the same request again starts nothing), and the
// batch is audited once with its counts (A2).
func TestBatchOverManyProcessesRunsInTheBackground(t *testing.T) {
	s := start(t)
	s.setup()
	n := app.BackgroundOver + 20
	s.fillTerms(t, n)
	c := id(s.must(201, "admin", "POST", "/api/v1/campaigns", map[string]any{"name": "换届", "org_id": s.ids["county"], "kind": "goal_setting"}))
	waitLong(t, "campaign started", func() bool {
		camp, _ := s.campaign(c)
		return camp["status"] == "done" && s.processCount() >= n
	})
	filter := map[string]any{"kind": "goal_setting", "step": "draft", "action": "remind", "reason": "请按期起草目标"}
	r := s.do("admin", "POST", "/api/v1/processes/batch", filter, "big-batch-1")
	if r.status != 202 || r.body["batch_id"] == nil {
		t.Fatalf("batch: %d %s", r.status, r.raw)
	}
	batch, total := fmt.Sprint(r.body["batch_id"]), r.body["total"].(float64)
	if total < float64(n) || r.body["status"] != "/api/v1/batches/"+batch {
		t.Fatalf("batch answer %s", r.raw)
	}
	s.must(403, "otheradmin", "GET", "/api/v1/batches/"+batch, nil)
	var progress map[string]any
	waitLong(t, "batch done", func() bool {
		progress = s.must(200, "admin", "GET", "/api/v1/batches/"+batch, nil).body
		return progress["status"] == "done"
	})
	if progress["done"] != total || progress["failed"] != 0.0 || progress["total"] != total || progress["action"] != "batch_remind" {
		t.Fatalf("progress %v", progress)
	}
	// The same request again: the same batch, nothing applied twice.
	again := s.do("admin", "POST", "/api/v1/processes/batch", filter, "big-batch-1")
	if again.status != 202 || again.body["batch_id"] != batch {
		t.Fatalf("sent again: %d %s", again.status, again.raw)
	}
	time.Sleep(time.Second)
	reminded := s.must(200, "admin", "GET", "/api/v1/audit?action=reminded&limit=1", nil)
	if reminded.body["total"] != total {
		t.Errorf("%v reminders for %v processes", reminded.body["total"], total)
	}
	audit := s.must(200, "admin", "GET", "/api/v1/audit?action=batch_remind", nil)
	items := audit.body["items"].([]any)
	if audit.body["total"] != 1.0 {
		t.Fatalf("batch audited %s", audit.raw)
	}
	detail := items[0].(map[string]any)["detail"].(map[string]any)
	if detail["batch_id"] != batch || detail["done"] != total || detail["reason"] != "请按期起草目标" {
		t.Errorf("audit detail %v", detail)
	}
	s.saveHistory(t, "batch-"+batch, "batch_remind")
}
