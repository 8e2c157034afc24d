package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"termgoal"
)

// termCols and termFrom read a term with its org's name and the holder's name: the person, or
// the org for an org's term.
const (
	termCols = `t.id, t.org_id, t.holder_kind, t.person_id, t.post_id, t.appointment, t.probation_start,
		t.start_on, t.end_on, t.template_id, COALESCE(t.process_id, ''), t.status, o.name, COALESCE(p.name, o.name)`
	termFrom = `terms t JOIN orgs o ON o.id = t.org_id LEFT JOIN people p ON p.id = t.person_id`
)

func scanTerm(r scanner) (termgoal.Term, error) {
	var t termgoal.Term
	err := r.Scan(&t.ID, &t.OrgID, &t.HolderKind, &t.PersonID, &t.PostID, &t.Appointment, optDate{&t.ProbationStart},
		date{&t.Start}, date{&t.End}, &t.TemplateID, &t.ProcessID, &t.Status, &t.OrgName, &t.HolderName)
	return t, err
}

// CreateTerm validates and inserts t, setting t.ID and t.Status ("registered" unless given).
// References that do not exist fail their foreign key (EINVALID).
func (s *Store) CreateTerm(ctx context.Context, t *termgoal.Term) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if t.Status == "" {
		t.Status = "registered"
	}
	err := s.db.QueryRowContext(ctx, `
		INSERT INTO terms (org_id, holder_kind, person_id, post_id, appointment, probation_start, start_on, end_on, template_id, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		t.OrgID, t.HolderKind, t.PersonID, t.PostID, t.Appointment, optDateArg(t.ProbationStart),
		dateArg(t.Start), dateArg(t.End), t.TemplateID, t.Status).Scan(&t.ID)
	return mapError(err, "create term")
}

// Term returns one term.
func (s *Store) Term(ctx context.Context, id int64) (*termgoal.Term, error) {
	return get(ctx, s.db, scanTerm, "term", id, `SELECT `+termCols+` FROM `+termFrom+` WHERE t.id = $1`, id)
}

// Terms returns a page of the terms of orgs under underPath, newest start first, and how many
// there are.
func (s *Store) Terms(ctx context.Context, underPath string, limit, offset int) ([]termgoal.Term, int, error) {
	return page(ctx, s.db, scanTerm, termCols, termFrom+` WHERE o.path LIKE $1 || '%'`, `t.start_on DESC, t.id`, limit, offset, underPath)
}

// TermsOfOrg returns the terms of org id itself (not of its sub-orgs), newest start first.
func (s *Store) TermsOfOrg(ctx context.Context, id int64) ([]termgoal.Term, error) {
	return list(ctx, s.db, scanTerm, `SELECT `+termCols+` FROM `+termFrom+` WHERE t.org_id = $1 ORDER BY t.start_on DESC, t.id`, id)
}

// SetTermProcess records the goal-setting process of a term. Setting the same process again is
// a no-op (a retried start); another process is ECONFLICT, because a term has one.
func (s *Store) SetTermProcess(ctx context.Context, termID int64, processID string) error {
	var current sql.NullString
	err := s.db.QueryRowContext(ctx, `
		UPDATE terms SET process_id = COALESCE(process_id, $2) WHERE id = $1
		RETURNING process_id`, termID, processID).Scan(&current)
	if err != nil {
		return rowError(err, "term", termID)
	}
	if current.String != processID {
		return termgoal.Errorf(termgoal.ECONFLICT, "term.has_process",
			fmt.Sprintf("term %d already has process %s", termID, current.String), "id", termID, "process", current.String)
	}
	return nil
}

// UpdateTerm sets what term t.ID records (its org stays): holder, post, appointment, dates and
// template. Only a term whose goal setting has not started may change: once it has, the
// process holds what it started with (ECONFLICT).
func (s *Store) UpdateTerm(ctx context.Context, t *termgoal.Term) error {
	if err := t.Validate(); err != nil {
		return err
	}
	var status string
	err := s.db.QueryRowContext(ctx, `
		WITH old AS (SELECT id, status, process_id FROM terms WHERE id = $1 FOR UPDATE)
		UPDATE terms t SET holder_kind = $2, person_id = $3, post_id = $4, appointment = $5, probation_start = $6,
			start_on = $7, end_on = $8, template_id = $9
		FROM old WHERE t.id = old.id AND old.status = 'registered' AND old.process_id IS NULL
		RETURNING old.status`,
		t.ID, t.HolderKind, t.PersonID, t.PostID, t.Appointment, optDateArg(t.ProbationStart), dateArg(t.Start), dateArg(t.End), t.TemplateID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.Term(ctx, t.ID); err != nil {
			return err
		}
		return termgoal.Errorf(termgoal.ECONFLICT, "term.started", "the term's goal setting has started; the term no longer changes")
	}
	return mapError(err, "update term")
}
