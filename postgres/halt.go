package postgres

import (
	"context"
	"database/sql"
	"time"

	"termgoal"
)

// StatusHalted is the status of a process whose workflow ended without reaching the process's
// end: terminated, failed or timed out in Temporal. The process's state keeps why under
// "halted" until an administrator restarts it.
const StatusHalted = "halted"

// HaltProcess records that the workflow of running process id ended as why (terminated,
// failed, timed_out, canceled) at at, with an audit line. A process not running is left alone.
func (s *Store) HaltProcess(ctx context.Context, id, why string, at time.Time) error {
	return s.inTx(ctx, "halt process "+id, func(tx *sql.Tx) error {
		var termID int64
		err := tx.QueryRowContext(ctx, `
			UPDATE processes SET status = $2, state = state || jsonb_build_object('halted', jsonb_build_object('status', $3::text, 'at', $4::timestamptz))
			WHERE id = $1 AND status = 'running' RETURNING term_id`, id, StatusHalted, why, at).Scan(&termID)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, termgoal.Audit{At: at, ActorName: "Temporal", Action: "workflow_halted", ProcessID: id, TermID: termID,
			Detail: map[string]any{"status": why}})
	})
}

// ResumeProcess records that actor restarted halted process id for reason: it runs again.
func (s *Store) ResumeProcess(ctx context.Context, id string, actor termgoal.Actor, reason string, at time.Time) error {
	return s.inTx(ctx, "resume process "+id, func(tx *sql.Tx) error {
		var termID int64
		var why sql.NullString
		err := tx.QueryRowContext(ctx, `
			UPDATE processes p SET status = 'running', state = p.state - 'halted', updated_at = $2
			FROM processes old WHERE p.id = $1 AND old.id = p.id AND p.status = $3
			RETURNING p.term_id, old.state->'halted'->>'status'`, id, at, StatusHalted).Scan(&termID, &why)
		if err == sql.ErrNoRows {
			return termgoal.Errorf(termgoal.ECONFLICT, "process.not_halted", "the process is not halted")
		}
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, termgoal.Audit{At: at, ActorID: actor.AccountID, ActorName: actor.Name, IP: actor.IP,
			Action: "process_restarted", ProcessID: id, TermID: termID, Detail: map[string]any{"reason": reason, "was": why.String}})
	})
}
