package postgres

import (
	"context"
	"database/sql"
	"maps"
	"strings"
	"time"

	"github.com/lib/pq"

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
	// OrgPaths, when set, keep the lines of the processes and terms of those orgs' subtrees
	// (an administrator's scope); lines of neither (sign-ins, campaigns) are then left out.
	OrgPaths []string
	Action   string
	ActorID  int64
	Actor    string    // part of the actor's name, any case
	Since    time.Time // lines at or after it (zero: from the first)
	Before   time.Time // lines before it (zero: to the last)
	// NewestFirst orders the newest line first, as the audit page reads; else oldest first,
	// as a process timeline reads.
	NewestFirst bool
	Limit       int // <= 0: all
	Offset      int
}

// auditCols and auditFrom select the audit lines of an AuditFilter's arguments (auditArgs).
const (
	auditCols = `a.id, a.at, COALESCE(a.actor_id, 0), a.actor_name, a.ip, a.action, COALESCE(a.process_id, ''), COALESCE(a.term_id, 0), a.detail`
	auditFrom = `audit_log a WHERE ($1::text = '' OR a.process_id = $1) AND ($2::bigint = 0 OR a.term_id = $2)
			AND ($3::text = '' OR a.action = $3) AND ($4::bigint = 0 OR a.actor_id = $4)
			AND ($5::text = '' OR a.actor_name ILIKE '%' || $5 || '%')
			AND ($6::timestamptz IS NULL OR a.at >= $6) AND ($7::timestamptz IS NULL OR a.at < $7)
			AND (cardinality($8::text[]) = 0
				OR EXISTS (SELECT 1 FROM processes p JOIN orgs o ON o.id = p.org_id WHERE p.id = a.process_id AND o.path LIKE ANY($8))
				OR EXISTS (SELECT 1 FROM terms t JOIN orgs o ON o.id = t.org_id WHERE t.id = a.term_id AND o.path LIKE ANY($8)))`
)

func (f AuditFilter) args() []any {
	return []any{f.ProcessID, f.TermID, f.Action, f.ActorID, likeEscape(f.Actor), timeArg(f.Since), timeArg(f.Before), subtrees(f.OrgPaths)}
}

func (f AuditFilter) order() string {
	if f.NewestFirst {
		return "a.id DESC"
	}
	return "a.id"
}

// Audit returns a page of the audit lines f selects and how many match.
func (s *Store) Audit(ctx context.Context, f AuditFilter) ([]termgoal.Audit, int, error) {
	return page(ctx, s.db, scanAudit, auditCols, auditFrom, f.order(), f.Limit, f.Offset, f.args()...)
}

// EachAudit hands every audit line f selects to fn in f's order, paging ignored, as the rows
// arrive (an export of any length).
func (s *Store) EachAudit(ctx context.Context, f AuditFilter, fn func(termgoal.Audit) error) error {
	return each(ctx, s.db, scanAudit, fn, "SELECT "+auditCols+" FROM "+auditFrom+" ORDER BY "+f.order(), f.args()...)
}

// subtrees is the LIKE ANY argument matching the org paths under paths (an empty array, not
// NULL, for none).
func subtrees(paths []string) any {
	patterns := make([]string, len(paths))
	for i, p := range paths {
		patterns[i] = p + "%"
	}
	return pq.Array(patterns)
}

// likeEscape escapes the wildcards of a LIKE pattern.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// timeArg is t, or NULL for the zero time.
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// nullIfEmpty stores "" as NULL.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
