package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"termgoal"
)

// Apply writes a workflow's Change to the read model in one transaction. The change ID is
// recorded first: when it is already there (an activity retried after a timeout, or a replayed
// local activity) nothing else is written, so every change lands exactly once.
func (s *Store) Apply(ctx context.Context, c termgoal.Change) error {
	if c.ID == "" || c.Process.ID == "" {
		return invalid("change.id", "a change needs its ID and its process")
	}
	return s.inTx(ctx, "apply change "+c.ID, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO applied_changes (id) VALUES ($1) ON CONFLICT DO NOTHING`, c.ID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err // n == 0: applied before
		}
		// In foreign-key order: the process first, a notice before its objections.
		for _, write := range []func(context.Context, *sql.Tx, termgoal.Change) error{
			putProcess, openTasks, closeTasks, redueTasks, putCopies, putPlanVersion, putStepRecord,
			putOpinion, putReview, putVote, putNotice, putObjection, putInForce, putAppraisal, putSheet, useBallotCode,
			putProgress, auditChange,
		} {
			if err := write(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// redueTasks moves the due date of the process's open tasks when a deadline was extended or
// re-armed.
func redueTasks(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	if c.DueOn == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE tasks SET due_on = $1 WHERE process_id = $2 AND status = 'open'`, dateArg(*c.DueOn), c.Process.ID)
	return err
}

// putProcess upserts the process row. The guard on updated_at keeps the row from moving back
// in time should an older change ever arrive after a newer one.
func putProcess(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	p := c.Process
	if p.StartedAt.IsZero() {
		p.StartedAt = c.At
	}
	state, err := jsonObject(p.State)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO processes (id, kind, term_id, org_id, step, status, version, deadline_on, step_due_on, state, started_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (id) DO UPDATE SET step = EXCLUDED.step, status = EXCLUDED.status, version = EXCLUDED.version,
			deadline_on = EXCLUDED.deadline_on, step_due_on = EXCLUDED.step_due_on, state = EXCLUDED.state,
			updated_at = EXCLUDED.updated_at
		WHERE processes.updated_at <= EXCLUDED.updated_at`,
		p.ID, p.Kind, p.TermID, p.OrgID, p.Step, p.Status, p.Version, dateArg(p.DeadlineOn), optDateArg(p.StepDueOn),
		state, p.StartedAt, c.At)
	return err
}

// putInForce marks the term's goals in force.
func putInForce(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	if !c.InForce {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE terms SET status = 'goals_in_force' WHERE id = $1`, c.Process.TermID)
	return err
}

// jsonObject marshals m for a jsonb column, an empty object for nil.
func jsonObject(m map[string]any) ([]byte, error) {
	if m == nil {
		return []byte("{}"), nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	return b, nil
}

// jsonInto is a scan destination that unmarshals a jsonb column into v.
type jsonInto struct{ v any }

func (j jsonInto) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("json: cannot scan %T", src)
	}
	return json.Unmarshal(b, j.v)
}

const processCols = `p.id, p.kind, p.term_id, p.org_id, p.step, p.status, p.version, p.deadline_on, p.step_due_on,
	p.started_at, p.updated_at, p.state`

func scanProcess(r scanner) (termgoal.Process, error) {
	var p termgoal.Process
	err := r.Scan(&p.ID, &p.Kind, &p.TermID, &p.OrgID, &p.Step, &p.Status, &p.Version, date{&p.DeadlineOn},
		optDate{&p.StepDueOn}, &p.StartedAt, &p.UpdatedAt, jsonInto{&p.State})
	return p, err
}

// Process returns one process.
func (s *Store) Process(ctx context.Context, id string) (*termgoal.Process, error) {
	return get(ctx, s.db, scanProcess, "process", id, `SELECT `+processCols+` FROM processes p WHERE p.id = $1`, id)
}

// Processes returns a page of the processes of orgs under underPath, newest first, and how many
// there are.
func (s *Store) Processes(ctx context.Context, underPath string, limit, offset int) ([]termgoal.Process, int, error) {
	return page(ctx, s.db, scanProcess, processCols, `processes p JOIN orgs o ON o.id = p.org_id WHERE o.path LIKE $1 || '%'`,
		`p.started_at DESC, p.id`, limit, offset, underPath)
}

// RunningProcesses lists the processes the read model shows running, by ID.
func (s *Store) RunningProcesses(ctx context.Context) ([]termgoal.Process, error) {
	return list(ctx, s.db, scanProcess, `SELECT `+processCols+` FROM processes p WHERE p.status = 'running' ORDER BY p.id`)
}

// ProcessesOfTerm lists a term's processes, its goal setting and its amendments, oldest first.
func (s *Store) ProcessesOfTerm(ctx context.Context, termID int64) ([]termgoal.Process, error) {
	return list(ctx, s.db, scanProcess, `SELECT `+processCols+` FROM processes p WHERE p.term_id = $1 ORDER BY p.started_at, p.id`, termID)
}
