package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	"termgoal"
)

// Apply writes a workflow's Change to the read model in one transaction, keyed by the
// process's change sequence (see termgoal.Change): a write is applied once, a discarded
// workflow task's writes are undone by the next write that builds on an earlier sequence, and a
// late write of an older task is dropped. A change without a sequence (seed data, tests) is
// applied once by its ID.
func (s *Store) Apply(ctx context.Context, c termgoal.Change) error {
	if c.ID == "" || c.Process.ID == "" {
		return invalid("change.id", "a change needs its ID and its process")
	}
	return s.inTx(ctx, "apply change "+c.ID, func(tx *sql.Tx) error {
		apply, err := keyChange(ctx, tx, &c)
		if err != nil || !apply {
			return err
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

// keyChange decides, under the process row's lock, whether c is to be written, and prepares the
// transaction for it: it undoes what a discarded workflow task wrote beyond c.Base, confirms
// what earlier tasks wrote up to it, and names the change to the journal triggers.
func keyChange(ctx context.Context, tx *sql.Tx, c *termgoal.Change) (bool, error) {
	if c.Seq == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO applied_changes (id) VALUES ($1) ON CONFLICT DO NOTHING`, c.ID)
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		return n == 1, err
	}
	var seq int
	var task int64
	var taskAt sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT seq, task, task_at FROM processes WHERE id = $1 FOR UPDATE`, c.Process.ID).Scan(&seq, &task, &taskAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	switch {
	case seq == c.Seq && task == c.Task && (!taskAt.Valid || sameInstant(taskAt.Time, c.At)):
		return false, nil // written before: an activity retried after a timeout
	case taskAt.Valid && taskAt.Time.After(c.At.Add(time.Microsecond)):
		// The row was written by a workflow task that started after the one that made c: c
		// comes from a discarded task whose local activity finished late, after the task that
		// replaced it had written. (The store keeps microseconds, hence the margin.)
		return false, nil
	case seq >= c.Seq && task > c.Task:
		// A task that timed out and was retried elsewhere: the retry has written this far. (Only
		// when the read model is this far: a new run's history, and its task numbers, start
		// again from the beginning.)
		return false, nil
	case seq > c.Base:
		// A workflow task wrote this far and was discarded: its rows are undone.
		if _, err := tx.ExecContext(ctx, `SELECT undo_changes($1, $2)`, c.Process.ID, c.Base); err != nil {
			return false, err
		}
	case seq < c.Base:
		// Never seen: a write the workflow made is missing. This one brings the process row back
		// in line; the audit line says so.
		c.Detail = maps.Clone(c.Detail)
		if c.Detail == nil {
			c.Detail = map[string]any{}
		}
		c.Detail["read_model_gap"] = []int{seq, c.Base}
	}
	_, err = tx.ExecContext(ctx, `
		WITH confirmed AS (
			UPDATE audit_log SET confirmed = true
			WHERE process_id = $1 AND NOT confirmed AND change_seq <= $2 AND change_task < $3),
		forgotten AS (DELETE FROM change_journal WHERE process_id = $1 AND seq <= $2 AND task < $3)
		SELECT set_config('termgoal.process', $1, true), set_config('termgoal.seq', $4::text, true),
			set_config('termgoal.task', $3::text, true)`,
		c.Process.ID, c.Base, c.Task, c.Seq)
	return true, err
}

// sameInstant reports whether a time read back from the store is t: the store keeps
// microseconds. Two workflow tasks the server discarded under concurrent updates can write the
// same sequence at the same history length; only their start tells them apart, and the later
// one's write replaces the earlier's (keyChange).
func sameInstant(stored, t time.Time) bool {
	d := stored.Sub(t)
	return d <= time.Microsecond && d >= -time.Microsecond
}

// Confirm confirms what the run of process id wrote up to seq and undoes anything beyond it. A
// run calls it through a regular activity as it closes or continues as new, once its last
// workflow task is in history: nothing later will build on those writes.
func (s *Store) Confirm(ctx context.Context, id string, seq int) error {
	return s.inTx(ctx, "confirm "+id, func(tx *sql.Tx) error {
		var at int
		err := tx.QueryRowContext(ctx, `SELECT seq FROM processes WHERE id = $1 FOR UPDATE`, id).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if at > seq {
			if _, err := tx.ExecContext(ctx, `SELECT undo_changes($1, $2)`, id, seq); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `
			WITH confirmed AS (UPDATE audit_log SET confirmed = true WHERE process_id = $1 AND NOT confirmed AND change_seq <= $2)
			DELETE FROM change_journal WHERE process_id = $1 AND seq <= $2`, id, seq)
		return err
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
	state, err := optJSON(&p.State)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO processes (id, kind, term_id, org_id, step, status, version, deadline_on, step_due_on, state, started_at, updated_at, seq, task, task_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, CASE WHEN $13 > 0 THEN $12::timestamptz END)
		ON CONFLICT (id) DO UPDATE SET step = EXCLUDED.step, status = EXCLUDED.status, version = EXCLUDED.version,
			deadline_on = EXCLUDED.deadline_on, step_due_on = EXCLUDED.step_due_on, state = EXCLUDED.state,
			updated_at = EXCLUDED.updated_at, seq = EXCLUDED.seq, task = EXCLUDED.task, task_at = COALESCE(EXCLUDED.task_at, processes.task_at)
		WHERE processes.updated_at <= EXCLUDED.updated_at OR EXCLUDED.seq > 0`,
		p.ID, p.Kind, p.TermID, p.OrgID, p.Step, p.Status, p.Version, dateArg(p.DeadlineOn), optDateArg(p.StepDueOn),
		state, p.StartedAt, c.At, c.Seq, c.Task)
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

// jsonObject marshals m for a jsonb column, an empty object for nil. JSON goes to PostgreSQL
// as text: the store's connections send parameters in binary (Open), where a []byte is bytea.
func jsonObject(m map[string]any) (string, error) {
	if m == nil {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("marshal: %w", err)
	}
	return string(b), nil
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

// ProcessFilter selects a page of the process list (A2): the processes under OrgPaths (an
// administrator's scope) that match every field set.
type ProcessFilter struct {
	OrgPaths []string
	Kind     string
	Step     termgoal.Step
	Status   string
	Holder   string // part of the holder's or the org's name, any case
	// OrgID keeps the processes in that org's subtree (0: anywhere under OrgPaths, which still
	// bound what is seen); TemplateID those of terms on that template (0: any).
	OrgID      int64
	TemplateID int64
	// Overdue keeps running processes whose step was due before Today; DueWithinDays > 0
	// those whose step is due from Today to Today + DueWithinDays calendar days.
	Overdue       bool
	DueWithinDays int
	Today         time.Time
	Limit         int
	Offset        int
}

// ProcessRow is a process in the list, with the names it is known by.
type ProcessRow struct {
	termgoal.Process
	OrgName    string `json:"org_name"`
	HolderName string `json:"holder_name"`
	Overdue    bool   `json:"overdue"`
}

// ProcessList answers a page of the processes f selects, newest first, and how many match.
func (s *Store) ProcessList(ctx context.Context, f ProcessFilter) ([]ProcessRow, int, error) {
	if f.DueWithinDays < 0 || f.DueWithinDays > maxDueWithin {
		return nil, 0, invalid("inbox.due_within", "due within is 1 to 366 days", "max", maxDueWithin)
	}
	return page(ctx, s.db, func(r scanner) (ProcessRow, error) {
		var p ProcessRow
		err := r.Scan(&p.ID, &p.Kind, &p.TermID, &p.OrgID, &p.Step, &p.Status, &p.Version, date{&p.DeadlineOn},
			optDate{&p.StepDueOn}, &p.StartedAt, &p.UpdatedAt, jsonInto{&p.State}, &p.OrgName, &p.HolderName, &p.Overdue)
		return p, err
	}, processCols+`, o.name, COALESCE(pe.name, o.name), COALESCE(p.status = 'running' AND p.step_due_on < $7, false)`,
		`processes p JOIN orgs o ON o.id = p.org_id LEFT JOIN terms tm ON tm.id = p.term_id LEFT JOIN people pe ON pe.id = tm.person_id
		WHERE o.path LIKE ANY($1) AND ($2::text = '' OR p.kind = $2) AND ($3::text = '' OR p.step = $3)
			AND ($4::text = '' OR p.status = $4)
			AND ($5::text = '' OR o.name ILIKE '%' || $5 || '%' OR pe.name ILIKE '%' || $5 || '%')
			AND (NOT $6 OR (p.status = 'running' AND p.step_due_on < $7))
			AND ($8::bigint = 0 OR tm.template_id = $8)
			AND ($9::bigint = 0 OR o.path LIKE (SELECT sub.path FROM orgs sub WHERE sub.id = $9) || '%')
			AND ($10::int = 0 OR (p.status = 'running' AND p.step_due_on >= $7 AND p.step_due_on <= $7::date + $10::int))`,
		`p.started_at DESC, p.id`, f.Limit, f.Offset, subtrees(f.OrgPaths), f.Kind, string(f.Step), f.Status, likeEscape(f.Holder),
		f.Overdue, dateArg(f.Today), f.TemplateID, f.OrgID, f.DueWithinDays)
}
