package postgres

import (
	"bytes"
	"context"
	"database/sql"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"termgoal"
)

// ClaimKey records that update updateID of process processID is action with input hash sum.
// The same update ID again with the same action and hash is fine (a retry); with another, the
// key was reused for a different request: EINVALID. An unknown process is ENOTFOUND.
func (s *Store) ClaimKey(ctx context.Context, processID, updateID, action string, sum []byte) error {
	var gotAction string
	var got []byte
	err := s.db.QueryRowContext(ctx, `
		WITH ins AS (
			INSERT INTO idempotency_keys (process_id, update_id, action, body_hash) VALUES ($1, $2, $3, $4)
			ON CONFLICT (process_id, update_id) DO NOTHING RETURNING action, body_hash)
		SELECT action, body_hash FROM ins
		UNION ALL SELECT action, body_hash FROM idempotency_keys WHERE process_id = $1 AND update_id = $2
		LIMIT 1`, processID, updateID, action, sum).Scan(&gotAction, &got)
	if pe := pq.As(err); pe != nil && pe.Code == pqerror.ForeignKeyViolation {
		return notFound("process", "")
	}
	if err == sql.ErrNoRows {
		// Inserted by a concurrent request after this statement's snapshot: read it now.
		err = s.db.QueryRowContext(ctx, `SELECT action, body_hash FROM idempotency_keys WHERE process_id = $1 AND update_id = $2`,
			processID, updateID).Scan(&gotAction, &got)
	}
	if err != nil {
		return mapError(err, "claim key")
	}
	if gotAction != action || !bytes.Equal(got, sum) {
		return termgoal.Errorf(termgoal.EINVALID, "idempotency.reused",
			"this Idempotency-Key was already used for a different request; use a new key", "action", gotAction)
	}
	return nil
}
