package postgres

import (
	"context"
	"database/sql"
	"time"

	"termgoal"
)

// BatchRun is a batch over many processes running in the background, with its progress.
type BatchRun struct {
	ID         string         `json:"id"`
	Action     string         `json:"action"`
	ActorID    int64          `json:"actor_id,omitempty"`
	ActorName  string         `json:"actor_name"`
	IP         string         `json:"-"`
	Total      int            `json:"total"`
	Done       int            `json:"done"`
	Failed     int            `json:"failed"`
	Status     string         `json:"status"` // running, done
	Detail     map[string]any `json:"detail,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
	FinishedAt *time.Time     `json:"finished_at,omitempty"`
}

// CreateBatch records a batch about to start; the same ID again (a form sent twice) leaves the
// first one as it is.
func (s *Store) CreateBatch(ctx context.Context, b BatchRun) error {
	detail, err := jsonObject(b.Detail)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `
		INSERT INTO batches (id, action, actor_id, actor_name, ip, total, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO NOTHING`, b.ID, b.Action, nullIfZero(b.ActorID), b.ActorName, b.IP, b.Total, detail)
	return mapError(err, "create batch")
}

// BatchChunkDone records what one chunk of a batch did; a retried chunk replaces its counts.
func (s *Store) BatchChunkDone(ctx context.Context, id string, chunk, done, failed int) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO batch_chunks (batch_id, chunk, done, failed) VALUES ($1, $2, $3, $4)
		ON CONFLICT (batch_id, chunk) DO UPDATE SET done = EXCLUDED.done, failed = EXCLUDED.failed`, id, chunk, done, failed)
	return mapError(err, "batch progress")
}

// FinishBatch marks the batch done and appends its one audit line (its action, the counts and
// the detail it started with) in the same transaction; a second call changes nothing.
func (s *Store) FinishBatch(ctx context.Context, id string, at time.Time) error {
	return s.inTx(ctx, "finish batch", func(tx *sql.Tx) error {
		b, err := batchRun(ctx, tx, id)
		if err != nil || b.Status == "done" {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE batches SET status = 'done', finished_at = $2 WHERE id = $1`, id, at); err != nil {
			return err
		}
		detail := map[string]any{"batch_id": id, "matched": b.Total, "done": b.Done, "failed": b.Failed}
		for k, v := range b.Detail {
			detail[k] = v
		}
		return insertAudit(ctx, tx, termgoal.Audit{At: at, ActorID: b.ActorID, ActorName: b.ActorName, IP: b.IP, Action: b.Action, Detail: detail})
	})
}

// Batch returns batch id with its progress.
func (s *Store) Batch(ctx context.Context, id string) (*BatchRun, error) {
	return batchRun(ctx, s.db, id)
}

func batchRun(ctx context.Context, q querier, id string) (*BatchRun, error) {
	return get(ctx, q, scanBatchRun, "batch", id, `
		SELECT b.id, b.action, b.actor_id, b.actor_name, b.ip, b.total, COALESCE(sum(c.done), 0), COALESCE(sum(c.failed), 0),
			b.status, b.detail, b.created_at, b.finished_at
		FROM batches b LEFT JOIN batch_chunks c ON c.batch_id = b.id WHERE b.id = $1 GROUP BY b.id`, id)
}

func scanBatchRun(r scanner) (BatchRun, error) {
	var b BatchRun
	var actor sql.NullInt64
	var finished sql.NullTime
	err := r.Scan(&b.ID, &b.Action, &actor, &b.ActorName, &b.IP, &b.Total, &b.Done, &b.Failed, &b.Status, jsonInto{&b.Detail},
		&b.CreatedAt, &finished)
	b.ActorID = actor.Int64
	if finished.Valid {
		b.FinishedAt = &finished.Time
	}
	return b, err
}
