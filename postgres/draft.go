package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"termgoal"
)

// The plan editor's drafts (issue 25): what a drafter typed, kept on the server until the
// draft is submitted.

// SaveDraft keeps the plan editor's fields of task taskID as account accountID typed them.
func (s *Store) SaveDraft(ctx context.Context, taskID string, accountID int64, fields map[string][]string, at time.Time) error {
	b, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `
		INSERT INTO plan_drafts (task_id, account_id, form, saved_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (task_id) DO UPDATE SET account_id = EXCLUDED.account_id, form = EXCLUDED.form, saved_at = EXCLUDED.saved_at`,
		taskID, accountID, string(b), at)
	return mapError(err, "save draft")
}

// Draft returns the fields account accountID saved for task taskID and when; ENOTFOUND when
// there are none.
func (s *Store) Draft(ctx context.Context, taskID string, accountID int64) (map[string][]string, time.Time, error) {
	var b []byte
	var at time.Time
	err := s.db.QueryRowContext(ctx, `SELECT form, saved_at FROM plan_drafts WHERE task_id = $1 AND account_id = $2`, taskID, accountID).Scan(&b, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, at, termgoal.Errorf(termgoal.ENOTFOUND, "draft.not_found", "no saved draft")
	}
	if err != nil {
		return nil, at, mapError(err, "draft")
	}
	var fields map[string][]string
	return fields, at, json.Unmarshal(b, &fields)
}

// DeleteDraft forgets the saved draft of task taskID.
func (s *Store) DeleteDraft(ctx context.Context, taskID string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM plan_drafts WHERE task_id = $1`, taskID)
	return mapError(err, "delete draft")
}
