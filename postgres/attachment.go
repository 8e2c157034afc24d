package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"maps"
	"time"

	"termgoal"
)

// Attachment is a file on a process (T3), with its bytes only when read one by one.
type Attachment struct {
	ID          int64         `json:"id"`
	ProcessID   string        `json:"process_id"`
	Step        termgoal.Step `json:"step,omitempty"`
	AccountID   int64         `json:"account_id"`
	AccountName string        `json:"account_name"`
	Filename    string        `json:"filename"`
	ContentType string        `json:"content_type"`
	Size        int64         `json:"size"`
	SHA256      string        `json:"sha256"` // hex
	CreatedAt   time.Time     `json:"created_at"`
	Data        []byte        `json:"-"`
}

// MaxAttachments bounds the attachments of one process.
const MaxAttachments = 100

// AddAttachment stores a.Data as an attachment of a.ProcessID and writes its audit line in the
// same transaction, so no file is ever stored unaudited. It sets a's ID, Size, SHA256 and
// CreatedAt; audit's Detail gains the attachment's id, name, type, size and hash. A process
// holds at most MaxAttachments.
func (s *Store) AddAttachment(ctx context.Context, a *Attachment, audit termgoal.Audit) error {
	if a.ProcessID == "" || a.AccountID == 0 || a.Filename == "" || a.ContentType == "" {
		return invalid("attachment.fields", "an attachment needs its process, account, file name and type")
	}
	sum := sha256.Sum256(a.Data)
	a.Size, a.SHA256 = int64(len(a.Data)), hex.EncodeToString(sum[:])
	return s.inTx(ctx, "add attachment", func(tx *sql.Tx) error {
		// The process row's lock serializes the count.
		var n int
		err := tx.QueryRowContext(ctx, `
			SELECT (SELECT count(*) FROM attachments WHERE process_id = p.id) FROM processes p WHERE p.id = $1 FOR UPDATE`,
			a.ProcessID).Scan(&n)
		if err == sql.ErrNoRows {
			return invalid("db.reference", "a referenced record does not exist")
		}
		if err != nil {
			return err
		}
		if n >= MaxAttachments {
			return invalid("attachment.too_many", fmt.Sprintf("a process holds at most %d attachments", MaxAttachments), "max", MaxAttachments)
		}
		err = tx.QueryRowContext(ctx, `
			INSERT INTO attachments (process_id, step, account_id, filename, content_type, size, sha256, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, created_at`,
			a.ProcessID, string(a.Step), a.AccountID, a.Filename, a.ContentType, a.Size, sum[:], a.Data).
			Scan(&a.ID, &a.CreatedAt)
		if err != nil {
			return err
		}
		audit.Detail = maps.Clone(audit.Detail)
		if audit.Detail == nil {
			audit.Detail = map[string]any{}
		}
		audit.Detail["attachment_id"], audit.Detail["filename"], audit.Detail["content_type"] = a.ID, a.Filename, a.ContentType
		audit.Detail["size"], audit.Detail["sha256"], audit.Detail["step"] = a.Size, a.SHA256, string(a.Step)
		return insertAudit(ctx, tx, audit)
	})
}

const attachmentCols = `a.id, a.process_id, a.step, a.account_id, COALESCE(ac.display_name, ''), a.filename,
	a.content_type, a.size, a.sha256, a.created_at`

// attachmentScanner scans attachmentCols, and the bytes after them withData.
func attachmentScanner(withData bool) func(scanner) (Attachment, error) {
	return func(r scanner) (Attachment, error) {
		var a Attachment
		var sum []byte
		dest := []any{&a.ID, &a.ProcessID, &a.Step, &a.AccountID, &a.AccountName, &a.Filename, &a.ContentType, &a.Size,
			&sum, &a.CreatedAt}
		if withData {
			dest = append(dest, &a.Data)
		}
		err := r.Scan(dest...)
		a.SHA256 = hex.EncodeToString(sum)
		return a, err
	}
}

// Attachments returns a page of a process's attachments, oldest first, without their bytes,
// and how many there are. A limit <= 0 means all.
func (s *Store) Attachments(ctx context.Context, processID string, limit, offset int) ([]Attachment, int, error) {
	items, total, err := page(ctx, s.db, attachmentScanner(false), attachmentCols,
		`attachments a LEFT JOIN accounts ac ON ac.id = a.account_id WHERE a.process_id = $1`, `a.id`,
		limit, offset, processID)
	return items, total, mapError(err, "attachments")
}

// Attachment returns one attachment with its bytes.
func (s *Store) Attachment(ctx context.Context, id int64) (*Attachment, error) {
	return get(ctx, s.db, attachmentScanner(true), "attachment", id, `SELECT `+attachmentCols+`, a.data
		FROM attachments a LEFT JOIN accounts ac ON ac.id = a.account_id WHERE a.id = $1`, id)
}
