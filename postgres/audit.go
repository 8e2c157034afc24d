package postgres

import (
	"context"
	"database/sql"
	"maps"
	"time"

	"termgoal"
)

// auditChange writes the audit line of a change: who did what to which process, with the step
// and plan version it happened at. Workflow-driven changes without an actor are the system's.
func auditChange(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	a := termgoal.Audit{At: c.At, ActorName: "system", Action: c.Action, ProcessID: c.Process.ID, TermID: c.Process.TermID}
	if c.Actor != nil {
		a.ActorID, a.ActorName, a.IP = c.Actor.AccountID, c.Actor.Name, c.Actor.IP
	}
	a.Detail = maps.Clone(c.Detail) // the caller's map stays as it was
	if a.Detail == nil {
		a.Detail = map[string]any{}
	}
	a.Detail["step"], a.Detail["version"] = c.Process.Step, c.Process.Version
	if c.Seq == 0 {
		return insertAudit(ctx, tx, a)
	}
	// A sequenced change's line stays unconfirmed until a later workflow task builds on it.
	detail, err := jsonObject(a.Detail)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO audit_log (at, actor_id, actor_name, ip, action, process_id, term_id, detail, change_seq, change_task, confirmed)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, false)`,
		a.At, nullIfZero(a.ActorID), a.ActorName, a.IP, a.Action, a.ProcessID, nullIfZero(a.TermID), detail, c.Seq, c.Task)
	return err
}

func insertAudit(ctx context.Context, q querier, a termgoal.Audit) error {
	if a.At.IsZero() {
		a.At = time.Now()
	}
	if a.ActorName == "" {
		a.ActorName = "system"
	}
	detail, err := jsonObject(a.Detail)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `
		INSERT INTO audit_log (at, actor_id, actor_name, ip, action, process_id, term_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.At, nullIfZero(a.ActorID), a.ActorName, a.IP, a.Action, nullIfEmpty(a.ProcessID), nullIfZero(a.TermID), detail)
	return err
}

// AppendAudit records an admin action done outside workflows (creating orgs, terms, …). The
// table refuses UPDATE and DELETE, so the log only grows.
func (s *Store) AppendAudit(ctx context.Context, a termgoal.Audit) error {
	return mapError(insertAudit(ctx, s.db, a), "append audit")
}

func scanAudit(r scanner) (termgoal.Audit, error) {
	var a termgoal.Audit
	err := r.Scan(&a.ID, &a.At, &a.ActorID, &a.ActorName, &a.IP, &a.Action, &a.ProcessID, &a.TermID, jsonInto{&a.Detail})
	return a, err
}

// AuditFilter selects audit lines; zero fields match everything.
type AuditFilter struct {
	ProcessID string
	TermID    int64
	Limit     int // <= 0: all
	Offset    int
}

// Audit returns a page of audit lines oldest first, as a process timeline reads, and how many
// match.
func (s *Store) Audit(ctx context.Context, f AuditFilter) ([]termgoal.Audit, int, error) {
	return page(ctx, s.db, scanAudit,
		`id, at, COALESCE(actor_id, 0), actor_name, ip, action, COALESCE(process_id, ''), COALESCE(term_id, 0), detail`,
		`audit_log WHERE ($1::text = '' OR process_id = $1) AND ($2::bigint = 0 OR term_id = $2)`,
		`id`, f.Limit, f.Offset, f.ProcessID, f.TermID)
}

// nullIfEmpty stores "" as NULL.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
