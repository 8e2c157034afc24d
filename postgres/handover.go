package postgres

import (
	"context"
	"database/sql"
	"errors"

	"termgoal"
)

// RecordHandover hands term h.TermID over to the person h.ToPersonID on h.On (P10): it records
// the handover, with the term's current holder as h.FromPersonID, and makes the successor the
// term's person, in one transaction under the term's row lock. A handover already recorded for
// the same term, successor and day records nothing new and fills h.FromPersonID from it, so a
// retried call succeeds. Only a person's term is handed over; handing it to its own holder is
// EINVALID, to an unknown person ENOTFOUND.
func (s *Store) RecordHandover(ctx context.Context, h *termgoal.Handover, createdBy string) error {
	if h.On.IsZero() {
		return invalid("handover.on", "the handover needs its date")
	}
	return s.inTx(ctx, "record handover", func(tx *sql.Tx) error {
		var from sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT person_id FROM terms WHERE id = $1 FOR UPDATE`, h.TermID).Scan(&from)
		if err != nil {
			return rowError(err, "term", h.TermID)
		}
		var done int64
		err = tx.QueryRowContext(ctx, `SELECT from_person_id FROM handovers WHERE term_id = $1 AND to_person_id = $2 AND on_date = $3`,
			h.TermID, h.ToPersonID, dateArg(h.On)).Scan(&done)
		switch {
		case err == nil:
			h.FromPersonID = done
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		case !from.Valid:
			return invalid("handover.org_term", "only a person's term is handed over")
		case from.Int64 == h.ToPersonID:
			return invalid("handover.same_person", "the successor already holds the term", "id", h.ToPersonID)
		}
		var to int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM people WHERE id = $1`, h.ToPersonID).Scan(&to); err != nil {
			return rowError(err, "person", h.ToPersonID)
		}
		h.FromPersonID = from.Int64
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO handovers (term_id, from_person_id, to_person_id, on_date, reason, appraisal_id, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			h.TermID, h.FromPersonID, h.ToPersonID, dateArg(h.On), h.Reason, h.AppraisalID, createdBy); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE terms SET person_id = $2 WHERE id = $1`, h.TermID, h.ToPersonID)
		return err
	})
}

// RunningProcessesOfTerm returns the IDs of a term's running processes, oldest first.
func (s *Store) RunningProcessesOfTerm(ctx context.Context, termID int64) ([]string, error) {
	return list(ctx, s.db, func(r scanner) (string, error) {
		var id string
		err := r.Scan(&id)
		return id, err
	}, `SELECT id FROM processes WHERE term_id = $1 AND status = 'running' ORDER BY started_at, id`, termID)
}
