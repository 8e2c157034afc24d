package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lib/pq"

	"termgoal"
)

// putCopies writes the change's copies (抄送). A process copied to an account twice keeps the
// first copy, unread or read as it was: the key is (process, account).
func putCopies(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	for _, cp := range c.Copies {
		if cp.ProcessID == "" {
			cp.ProcessID = c.Process.ID
		}
		if cp.At.IsZero() {
			cp.At = c.At
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO copies (process_id, account_id, by_name, note, at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (process_id, account_id) DO NOTHING`,
			cp.ProcessID, cp.AccountID, cp.ByName, cp.Note, cp.At)
		if err != nil {
			return err
		}
	}
	return nil
}

// copySorts are the ORDER BY of each Sort for copies; -created follows the copies_inbox index.
var copySorts = map[string]string{
	"created":  `c.at, c.process_id DESC`,
	"-created": `c.at DESC, c.process_id`,
}

// Copies returns a page of the processes copied to an account (the "cc" box), the last copied
// first unless f.Sort is "created", and how many match. ProcessID, Step (the process's current
// step) and OrgID filter them; the due-date filters do not apply.
func (s *Store) Copies(ctx context.Context, f InboxFilter) ([]termgoal.Copy, int, error) {
	if f.Box == "" {
		f.Box = termgoal.BoxCC
	}
	if err := f.check(); err != nil {
		return nil, 0, err
	}
	if f.Box != termgoal.BoxCC {
		return nil, 0, invalid("inbox.box", "the box must be todo, done or cc", "box", f.Box)
	}
	w := &sqlWhere{}
	w.add(`c.account_id = $?`, f.AccountID)
	if f.ProcessID != "" {
		w.add(`c.process_id = $?`, f.ProcessID)
	}
	if f.Step != "" {
		w.add(`pr.step = $?`, string(f.Step))
	}
	if f.OrgID != 0 {
		w.add(underOrg(`pr.org_id`), f.OrgID)
	}
	from := `copies c` // the process is joined inside only to filter on it
	if f.Step != "" || f.OrgID != 0 {
		from = `copies c JOIN processes pr ON pr.id = c.process_id`
	}
	order := copySorts[f.Sort]
	n := len(w.args)
	query := fmt.Sprintf(`SELECT c.process_id, c.account_id, c.by_name, c.note, c.at, c.read_at, COALESCE(o.name, ''),
			COALESCE(pe.name, o.name, ''), pr.step, c.total
		FROM (
			SELECT c.*, count(*) OVER () AS total FROM %s WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d
		) c JOIN processes pr ON pr.id = c.process_id LEFT JOIN orgs o ON o.id = pr.org_id
		LEFT JOIN terms tm ON tm.id = pr.term_id LEFT JOIN people pe ON pe.id = tm.person_id
		ORDER BY %s`, from, w, order, n+1, n+2, order)
	count := `SELECT count(*) FROM ` + from + ` WHERE ` + w.String()
	return pageWithTotal(ctx, s.db, scanCopy, query, count, f, w.args)
}

func scanCopy(r scanner) (termgoal.Copy, error) {
	var c termgoal.Copy
	err := r.Scan(&c.ProcessID, &c.AccountID, &c.ByName, &c.Note, &c.At, &c.ReadAt, &c.OrgName, &c.HolderName, &c.Step)
	return c, err
}

// ReadCopies marks an account's copies of the given processes read at at; a copy read before
// keeps its first reading. It returns how many were unread.
func (s *Store) ReadCopies(ctx context.Context, accountID int64, processIDs []string, at time.Time) (int, error) {
	if len(processIDs) == 0 {
		return 0, nil
	}
	res, err := s.db.ExecContext(ctx, `UPDATE copies SET read_at = $3
		WHERE account_id = $1 AND process_id = ANY($2) AND read_at IS NULL`, accountID, pq.Array(processIDs), at)
	if err != nil {
		return 0, mapError(err, "read copies")
	}
	n, err := res.RowsAffected()
	return int(n), mapError(err, "read copies")
}
