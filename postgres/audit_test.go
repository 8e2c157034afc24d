package postgres_test

import (
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

func TestAuditIsAppendOnly(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	for _, action := range []string{"org_created", "term_created"} {
		must(t, s.AppendAudit(ctx, termgoal.Audit{ActorID: 1, ActorName: "admin", Action: action, TermID: w.term.ID,
			Detail: map[string]any{"org": w.village.Name}}))
	}
	lines, total, err := s.Audit(ctx, postgres.AuditFilter{TermID: w.term.ID, Limit: 1, Offset: 1})
	must(t, err)
	if total != 2 || len(lines) != 1 || lines[0].Action != "term_created" || lines[0].Detail["org"] != "Village" ||
		time.Since(lines[0].At) > time.Minute {
		t.Errorf("Audit = %+v, %d", lines, total)
	}

	if _, err := s.DB().ExecContext(ctx, `UPDATE audit_log SET action = 'nothing'`); err == nil {
		t.Error("UPDATE of audit_log succeeded")
	}
	if _, err := s.DB().ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
		t.Error("DELETE from audit_log succeeded")
	}
	if _, total, _ := s.Audit(ctx, postgres.AuditFilter{}); total != 2 {
		t.Errorf("audit rows = %d after refused changes, want 2", total)
	}
}
