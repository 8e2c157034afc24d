package postgres

import (
	"context"
	"database/sql"
	"time"

	"termgoal"
)

// What the steps of a process collect: how each step ended, opinions, reviews, votes, notices
// and objections. Each is upserted by its key, so a later change can record an answer, a
// changed vote, a notice closing or an objection's resolution.

func putStepRecord(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	r := c.StepRecord
	if r == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO process_steps (process_id, seq, step, version, outcome, at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (process_id, seq) DO UPDATE SET step = EXCLUDED.step, version = EXCLUDED.version,
			outcome = EXCLUDED.outcome, at = EXCLUDED.at`,
		c.Process.ID, r.Seq, r.Step, r.Version, r.Outcome, orAt(r.At, c))
	return err
}

func putOpinion(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	ops := c.Opinions
	if c.Opinion != nil {
		ops = append([]termgoal.Opinion{*c.Opinion}, ops...)
	}
	for _, o := range ops {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO opinions (process_id, seq, author_id, author_name, content, at, disposition, reason, revised_in)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (process_id, seq) DO UPDATE SET disposition = EXCLUDED.disposition, reason = EXCLUDED.reason, revised_in = EXCLUDED.revised_in`,
			c.Process.ID, o.Seq, o.AuthorID, o.AuthorName, o.Content, orAt(o.At, c), o.Disposition, o.Reason, o.RevisedIn)
		if err != nil {
			return err
		}
	}
	return nil
}

func putReview(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	r := c.Review
	if r == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO reviews (process_id, account_id, name, feasible, comment) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (process_id, account_id) DO UPDATE SET name = EXCLUDED.name, feasible = EXCLUDED.feasible,
			comment = EXCLUDED.comment`,
		c.Process.ID, r.AccountID, r.Name, r.Feasible, r.Comment)
	return err
}

func putVote(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	v := c.Vote
	if v == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO votes (process_id, round, account_id, name, choice) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (process_id, round, account_id) DO UPDATE SET name = EXCLUDED.name, choice = EXCLUDED.choice`,
		c.Process.ID, v.Round, v.AccountID, v.Name, v.Choice)
	return err
}

func putNotice(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	n := c.Notice
	if n == nil {
		return nil
	}
	termID, orgID := n.TermID, n.OrgID
	if termID == 0 {
		termID, orgID = c.Process.TermID, c.Process.OrgID
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO notices (process_id, round, term_id, org_id, title, version, starts_on, ends_on, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (process_id, round) DO UPDATE SET title = EXCLUDED.title, version = EXCLUDED.version,
			starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on, status = EXCLUDED.status`,
		c.Process.ID, n.Round, termID, orgID, n.Title, n.Version, dateArg(n.StartsOn), dateArg(n.EndsOn), n.Status)
	return err
}

func putObjection(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	o := c.Objection
	if o == nil {
		return nil
	}
	// The content comes from the texts table when the workflow carried only its ID.
	_, err := tx.ExecContext(ctx, `
		INSERT INTO objections (process_id, seq, round, author_id, author_name, anonymous, content, at, resolution, reason)
		VALUES ($1, $2, $3, $4, $5, $6, COALESCE((SELECT content FROM texts WHERE id = NULLIF($11, '')), $7), $8, $9, $10)
		ON CONFLICT (process_id, seq) DO UPDATE SET resolution = EXCLUDED.resolution, reason = EXCLUDED.reason`,
		c.Process.ID, o.Seq, o.Round, nullIfZero(o.AuthorID), o.AuthorName, o.Anonymous, o.Content, orAt(o.At, c),
		o.Resolution, o.Reason, o.TextID)
	return err
}

// orAt defaults a record's time to the change's.
func orAt(at time.Time, c termgoal.Change) time.Time {
	if at.IsZero() {
		return c.At
	}
	return at
}

func scanStepRecord(r scanner) (termgoal.StepRecord, error) {
	var x termgoal.StepRecord
	err := r.Scan(&x.Seq, &x.Step, &x.Version, &x.Outcome, &x.At)
	return x, err
}

// StepRecords returns how each step of a process ended, in order.
func (s *Store) StepRecords(ctx context.Context, processID string) ([]termgoal.StepRecord, error) {
	return list(ctx, s.db, scanStepRecord, `SELECT seq, step, version, outcome, at FROM process_steps WHERE process_id = $1 ORDER BY seq`, processID)
}

func scanOpinion(r scanner) (termgoal.Opinion, error) {
	var o termgoal.Opinion
	err := r.Scan(&o.Seq, &o.AuthorID, &o.AuthorName, &o.Content, &o.At, &o.Disposition, &o.Reason, &o.RevisedIn)
	return o, err
}

// Opinions returns a process's consultation opinions in order.
func (s *Store) Opinions(ctx context.Context, processID string) ([]termgoal.Opinion, error) {
	return list(ctx, s.db, scanOpinion, `
		SELECT seq, author_id, author_name, content, at, disposition, reason, revised_in FROM opinions WHERE process_id = $1 ORDER BY seq`, processID)
}

func scanReview(r scanner) (termgoal.Review, error) {
	var x termgoal.Review
	err := r.Scan(&x.AccountID, &x.Name, &x.Feasible, &x.Comment)
	return x, err
}

// Reviews returns a process's expert reviews.
func (s *Store) Reviews(ctx context.Context, processID string) ([]termgoal.Review, error) {
	return list(ctx, s.db, scanReview, `SELECT account_id, name, feasible, comment FROM reviews WHERE process_id = $1 ORDER BY account_id`, processID)
}

func scanVote(r scanner) (termgoal.Vote, error) {
	var v termgoal.Vote
	err := r.Scan(&v.Round, &v.AccountID, &v.Name, &v.Choice)
	return v, err
}

// Votes returns a process's committee votes, by round.
func (s *Store) Votes(ctx context.Context, processID string) ([]termgoal.Vote, error) {
	return list(ctx, s.db, scanVote, `SELECT round, account_id, name, choice FROM votes WHERE process_id = $1 ORDER BY round, account_id`, processID)
}

const noticeCols = `n.process_id, n.round, n.term_id, n.org_id, n.title, n.version, n.starts_on, n.ends_on, n.status, p.kind`

func scanNotice(r scanner) (termgoal.Notice, error) {
	var n termgoal.Notice
	err := r.Scan(&n.ProcessID, &n.Round, &n.TermID, &n.OrgID, &n.Title, &n.Version, date{&n.StartsOn}, date{&n.EndsOn}, &n.Status, &n.Kind)
	return n, err
}

// Notice returns the latest notice round of a process.
func (s *Store) Notice(ctx context.Context, processID string) (*termgoal.Notice, error) {
	return get(ctx, s.db, scanNotice, "notice", processID,
		`SELECT `+noticeCols+` FROM notices n JOIN processes p ON p.id = n.process_id WHERE n.process_id = $1 ORDER BY n.round DESC LIMIT 1`, processID)
}

// Notices returns a page of notices with status (empty: any), newest first, and how many
// there are.
func (s *Store) Notices(ctx context.Context, status string, limit, offset int) ([]termgoal.Notice, int, error) {
	return page(ctx, s.db, scanNotice, noticeCols, `notices n JOIN processes p ON p.id = n.process_id WHERE ($1::text = '' OR n.status = $1)`,
		`n.starts_on DESC, n.process_id, n.round`, limit, offset, status)
}

func scanObjection(r scanner) (termgoal.Objection, error) {
	var o termgoal.Objection
	err := r.Scan(&o.Seq, &o.Round, &o.AuthorID, &o.AuthorName, &o.Anonymous, &o.Content, &o.At, &o.Resolution, &o.Reason)
	return o, err
}

// Objections returns the objections filed against a process's notices, in order.
func (s *Store) Objections(ctx context.Context, processID string) ([]termgoal.Objection, error) {
	return list(ctx, s.db, scanObjection, `
		SELECT seq, round, COALESCE(author_id, 0), author_name, anonymous, content, at, resolution, reason
		FROM objections WHERE process_id = $1 ORDER BY seq`, processID)
}
