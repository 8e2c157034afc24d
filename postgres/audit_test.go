package postgres_test

import (
	"fmt"
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

// TestAuditFilters: the audit page's filters (action, actor, time) and an administrator's
// scope (the org subtrees of their grants: lines of processes and terms there, nothing else).
func TestAuditFilters(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	other, otherTerm := w.sibling(t, s, "Other town", termgoal.OrgAgency)
	c := w.change("goal-1/c/1", 0, termgoal.StepDraft, "started")
	must(t, s.Apply(ctx, c)) // a system line on the village's process, at t0
	for _, a := range []termgoal.Audit{
		{ActorID: 7, ActorName: "王_管理员", Action: "term_created", TermID: w.term.ID},
		{ActorID: 8, ActorName: "Li Admin", Action: "term_created", TermID: otherTerm.ID},
		{ActorID: 7, ActorName: "王_管理员", Action: "signed_in"},
	} {
		must(t, s.AppendAudit(ctx, a))
	}
	want := func(f postgres.AuditFilter, actions ...string) {
		t.Helper()
		lines, total, err := s.Audit(ctx, f)
		must(t, err)
		var got []string
		for _, l := range lines {
			got = append(got, l.Action+"/"+l.ActorName)
		}
		if total != len(actions) || fmt.Sprint(got) != fmt.Sprint(actions) {
			t.Errorf("Audit(%+v) = %v (%d), want %v", f, got, total, actions)
		}
	}
	want(postgres.AuditFilter{NewestFirst: true}, "signed_in/王_管理员", "term_created/Li Admin", "term_created/王_管理员", "started/system")
	want(postgres.AuditFilter{Action: "term_created"}, "term_created/王_管理员", "term_created/Li Admin")
	want(postgres.AuditFilter{ActorID: 7}, "term_created/王_管理员", "signed_in/王_管理员")
	want(postgres.AuditFilter{Actor: "admin"}, "term_created/Li Admin")
	want(postgres.AuditFilter{Actor: "_"}, "term_created/王_管理员", "signed_in/王_管理员") // a wildcard taken literally
	want(postgres.AuditFilter{Before: t0.Add(time.Minute)}, "started/system")
	want(postgres.AuditFilter{Since: t0.Add(time.Minute)}, "term_created/王_管理员", "term_created/Li Admin", "signed_in/王_管理员")
	want(postgres.AuditFilter{OrgPaths: []string{w.town.Path}}, "started/system", "term_created/王_管理员")
	want(postgres.AuditFilter{OrgPaths: []string{w.town.Path, other.Path}}, "started/system", "term_created/王_管理员", "term_created/Li Admin")
	want(postgres.AuditFilter{OrgPaths: []string{other.Path}, ProcessID: "goal-1"})
}
