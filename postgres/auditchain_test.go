package postgres_test

import (
	"fmt"
	"strings"
	"testing"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// auditWorld writes global lines, lines of two processes, and a workflow task's line that is
// sealed only once confirmed.
func auditWorld(t *testing.T) *postgres.Store {
	t.Helper()
	s := postgrestest.New(t)
	for i, p := range []string{"", "goalsetting-term-1", "", "goalsetting-term-2", "goalsetting-term-1", ""} {
		must(t, s.AppendAudit(ctx, termgoal.Audit{ActorID: int64(i + 1), ActorName: "李部长\n伪造的一行", IP: "203.0.113.9", Action: "org_created",
			ProcessID: p, Detail: map[string]any{"n": i, "text": "第 " + fmt.Sprint(i) + " 行", "float": 1.5}}))
	}
	_, err := s.DB().ExecContext(ctx, `INSERT INTO audit_log (at, actor_name, action, process_id, detail, change_seq, change_task, confirmed)
		VALUES (now(), 'system', 'approved', 'goalsetting-term-1', '{"step":"approval"}', 3, 7, false)`)
	must(t, err)
	return s
}

func verify(t *testing.T, s *postgres.Store) postgres.AuditReport {
	t.Helper()
	rep, err := s.VerifyAudit(ctx)
	must(t, err)
	return rep
}

// TestAuditChainHolds: every confirmed line is sealed in its process's chain (or the global
// one) and the chains verify; an unconfirmed line joins its chain when confirmed.
func TestAuditChainHolds(t *testing.T) {
	s := auditWorld(t)
	if rep := verify(t, s); rep.Problem != nil || rep.Lines != 6 || rep.Chains != 3 {
		t.Fatalf("report %+v %v", rep, rep.Problem)
	}
	_, err := s.DB().ExecContext(ctx, `UPDATE audit_log SET confirmed = true WHERE NOT confirmed`)
	must(t, err)
	var seq int64
	must(t, s.DB().QueryRowContext(ctx, `SELECT chain_seq FROM audit_log WHERE action = 'approved'`).Scan(&seq))
	if rep := verify(t, s); rep.Problem != nil || rep.Lines != 7 || seq != 3 {
		t.Errorf("after confirming: %+v %v, the confirmed line at #%d", rep, rep.Problem, seq)
	}
	for _, stmt := range []string{`UPDATE audit_log SET ip = ''`, `DELETE FROM audit_log WHERE chain = 'global'`, `TRUNCATE audit_log`,
		`TRUNCATE audit_chains`} {
		if _, err := s.DB().ExecContext(ctx, stmt); err == nil {
			t.Errorf("%s succeeded", stmt)
		}
	}
}

// TestAuditVerifyFindsTampering: whoever gets past the triggers (the table's owner) and changes,
// removes or adds a line is found, with the line.
func TestAuditVerifyFindsTampering(t *testing.T) {
	for name, c := range map[string]struct {
		tamper, kind string
	}{
		"changed detail":  {`UPDATE audit_log SET detail = '{"n": 9}' WHERE chain = 'global' AND chain_seq = 2`, "changed"},
		"changed actor":   {`UPDATE audit_log SET actor_name = '别人' WHERE chain = 'goalsetting-term-1' AND chain_seq = 1`, "changed"},
		"changed time":    {`UPDATE audit_log SET at = at + interval '1 microsecond' WHERE chain = 'goalsetting-term-2'`, "changed"},
		"removed middle":  {`DELETE FROM audit_log WHERE chain = 'global' AND chain_seq = 2`, "removed"},
		"removed last":    {`DELETE FROM audit_log WHERE chain = 'global' AND chain_seq = 3`, "removed"},
		"removed chain":   {`DELETE FROM audit_log WHERE chain = 'goalsetting-term-2'`, "removed"},
		"inserted bare":   {`INSERT INTO audit_log (at, actor_name, action) VALUES (now(), 'x', 'org_created')`, "unsealed"},
		"inserted sealed": {`INSERT INTO audit_log (at, actor_name, action, chain, chain_seq, prev_hash, hash) SELECT now(), 'x', 'org_created', 'global', 4, hash, hash FROM audit_log WHERE chain = 'global' AND chain_seq = 3`, "changed"},
		"reordered": {`UPDATE audit_log SET chain_seq = 100 WHERE chain = 'goalsetting-term-1' AND chain_seq = 1;
			UPDATE audit_log SET chain_seq = 1 WHERE chain = 'goalsetting-term-1' AND chain_seq = 2;
			UPDATE audit_log SET chain_seq = 2 WHERE chain = 'goalsetting-term-1' AND chain_seq = 100`, "inserted"},
	} {
		t.Run(name, func(t *testing.T) {
			s := auditWorld(t)
			_, err := s.DB().ExecContext(ctx, `ALTER TABLE audit_log DISABLE TRIGGER USER`)
			must(t, err)
			if _, err := s.DB().ExecContext(ctx, c.tamper); err != nil {
				t.Fatal(err)
			}
			rep := verify(t, s)
			if rep.Problem == nil || rep.Problem.Kind != c.kind || !strings.Contains(rep.Problem.String(), c.kind) {
				t.Errorf("want %s, got %+v", c.kind, rep.Problem)
			}
		})
	}
}
