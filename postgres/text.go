package postgres

import (
	"context"
	"time"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// Text is a text kept out of a workflow: written before the update that refers to it by ID.
type Text struct {
	ID        string
	ProcessID string
	Content   string
	IP        string
	At        time.Time
}

// TextCounts counts the texts other than id filed on process processID since since: from ip,
// and in all.
func (s *Store) TextCounts(ctx context.Context, id, processID, ip string, since time.Time) (fromIP, total int, err error) {
	err = s.db.QueryRowContext(ctx, `
		SELECT count(*) FILTER (WHERE ip = $3), count(*) FROM texts WHERE process_id = $2 AND at >= $4 AND id <> $1`,
		id, processID, ip, since).Scan(&fromIP, &total)
	return fromIP, total, mapError(err, "count texts")
}

// PutText stores t once: the same ID again (a retried request) changes nothing. An unknown
// process is ENOTFOUND.
func (s *Store) PutText(ctx context.Context, t Text) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO texts (id, process_id, content, ip, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
		t.ID, t.ProcessID, t.Content, t.IP, t.At)
	if pe := pq.As(err); pe != nil && pe.Code == pqerror.ForeignKeyViolation {
		return notFound("process", "")
	}
	return mapError(err, "put text")
}
