package postgres_test

import (
	"testing"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// A background batch's progress sums its chunks, a retried chunk counts once, and finishing
// it twice audits it once.
func TestBatchProgress(t *testing.T) {
	s := postgrestest.New(t)
	b := postgres.BatchRun{ID: "b1", Action: "batch_remind", ActorID: 0, ActorName: "admin", Total: 5,
		Detail: map[string]any{"reason": "催办"}}
	must(t, s.CreateBatch(ctx, b))
	b.Total = 99
	must(t, s.CreateBatch(ctx, b)) // the form sent again: the first stays
	must(t, s.BatchChunkDone(ctx, "b1", 0, 2, 0))
	must(t, s.BatchChunkDone(ctx, "b1", 1, 1, 1))
	must(t, s.BatchChunkDone(ctx, "b1", 1, 2, 1)) // chunk 1 retried
	got, err := s.Batch(ctx, "b1")
	must(t, err)
	if got.Total != 5 || got.Done != 4 || got.Failed != 1 || got.Status != "running" || got.FinishedAt != nil {
		t.Errorf("progress %+v", got)
	}
	must(t, s.FinishBatch(ctx, "b1", t0))
	must(t, s.FinishBatch(ctx, "b1", t0.Add(1)))
	got, err = s.Batch(ctx, "b1")
	must(t, err)
	if got.Status != "done" || got.FinishedAt == nil || !got.FinishedAt.Equal(t0) {
		t.Errorf("finished %+v", got)
	}
	lines, n, err := s.Audit(ctx, postgres.AuditFilter{Action: "batch_remind"})
	must(t, err)
	if n != 1 || lines[0].Detail["done"] != 4.0 || lines[0].Detail["failed"] != 1.0 || lines[0].Detail["reason"] != "催办" ||
		lines[0].Detail["batch_id"] != "b1" {
		t.Errorf("audit %d %+v", n, lines)
	}
	if _, err := s.Batch(ctx, "nope"); termgoal.ErrorCode(err) != termgoal.ENOTFOUND {
		t.Errorf("unknown batch: %v", err)
	}
}
