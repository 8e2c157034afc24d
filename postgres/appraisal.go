package postgres

// The appraisal read model (DOMAIN.md "Appraisal"): one row per appraisal process, written by
// Apply as the workflow moves, the named raters' sheets, the quota round, and the reads of
// archived results.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"termgoal"
)

// putAppraisal upserts the appraisal's row. The result's grade and score are copied into
// columns for the quota and the lists. As for the process row, the guard on updated_at keeps
// an older change from undoing a newer one.
func putAppraisal(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	r := c.Appraisal
	if r == nil {
		return nil
	}
	termID, orgID := r.TermID, r.OrgID
	if termID == 0 {
		termID, orgID = c.Process.TermID, c.Process.OrgID
	}
	kind := r.Kind
	if kind == "" {
		kind = c.Process.Kind
	}
	var grade string
	var score any
	if r.Result != nil {
		grade, score = r.Result.Grade, r.Result.Score
	}
	self, err := optJSON(r.Self)
	if err != nil {
		return err
	}
	result, err := optJSON(r.Result)
	if err != nil {
		return err
	}
	appeal, err := optJSON(r.Appeal)
	if err != nil {
		return err
	}
	consequences, err := jsonList(r.Consequences)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO appraisals (process_id, term_id, org_id, kind, year, period_from, period_to, campaign_id, holder, scale,
			self, result, appeal, grade, score, status, archived_at, consequences, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		ON CONFLICT (process_id) DO UPDATE SET term_id = EXCLUDED.term_id, org_id = EXCLUDED.org_id, kind = EXCLUDED.kind,
			year = EXCLUDED.year, period_from = EXCLUDED.period_from, period_to = EXCLUDED.period_to,
			campaign_id = EXCLUDED.campaign_id, holder = EXCLUDED.holder, scale = EXCLUDED.scale, self = EXCLUDED.self,
			result = EXCLUDED.result, appeal = EXCLUDED.appeal, grade = EXCLUDED.grade, score = EXCLUDED.score,
			status = EXCLUDED.status, archived_at = EXCLUDED.archived_at, consequences = EXCLUDED.consequences,
			updated_at = EXCLUDED.updated_at
		WHERE appraisals.updated_at <= EXCLUDED.updated_at`,
		c.Process.ID, termID, orgID, kind, r.Year, zeroDateArg(r.PeriodFrom), zeroDateArg(r.PeriodTo), nullIfZero(r.CampaignID),
		r.Holder, r.Scale, self, result, appeal, grade, score, r.Status, r.ArchivedAt, consequences, c.At)
	return err
}

// putSheet upserts a named rater's sheet: scoring again before scoring closes replaces it.
func putSheet(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	sh := c.Sheet
	if sh == nil {
		return nil
	}
	scores, err := jsonList(sh.Scores)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO score_sheets (process_id, account_id, grp, name, scores, comment, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (process_id, account_id) DO UPDATE SET grp = EXCLUDED.grp, name = EXCLUDED.name,
			scores = EXCLUDED.scores, comment = EXCLUDED.comment, at = EXCLUDED.at`,
		c.Process.ID, sh.AccountID, sh.Group, sh.Name, scores, sh.Comment, c.At)
	return err
}

const appraisalCols = `a.process_id, a.term_id, a.org_id, a.kind, a.year, a.period_from, a.period_to,
	COALESCE(a.campaign_id, 0), a.holder, a.scale, a.self, a.result, a.appeal, a.status, a.archived_at, a.consequences`

func scanAppraisal(r scanner) (termgoal.AppraisalRecord, error) {
	var a termgoal.AppraisalRecord
	var archived sql.NullTime
	err := r.Scan(&a.ProcessID, &a.TermID, &a.OrgID, &a.Kind, &a.Year, zeroDate{&a.PeriodFrom}, zeroDate{&a.PeriodTo},
		&a.CampaignID, &a.Holder, &a.Scale, nullJSON{&a.Self}, nullJSON{&a.Result}, nullJSON{&a.Appeal}, &a.Status,
		&archived, jsonInto{&a.Consequences})
	a.ArchivedAt = optTime(archived)
	return a, err
}

// Appraisal returns the appraisal row of a process.
func (s *Store) Appraisal(ctx context.Context, processID string) (*termgoal.AppraisalRecord, error) {
	return get(ctx, s.db, scanAppraisal, "appraisal", processID,
		`SELECT `+appraisalCols+` FROM appraisals a WHERE a.process_id = $1`, processID)
}

// AppraisalFilter selects appraisals: those of orgs under OrgPath, and of Year, Kind, Grade,
// Status and CampaignID when set; with Use, the archived ones whose consequences include
// that use's (resultUses), as the results in use list them.
type AppraisalFilter struct {
	OrgPath    string
	Year       int
	Kind       string
	Grade      string
	Status     string
	CampaignID int64
	Use        string
	Limit      int
	Offset     int
}

const (
	appraisalsFrom = `appraisals a JOIN orgs o ON o.id = a.org_id
		JOIN processes p ON p.id = a.process_id
		WHERE o.path LIKE $1 || '%' AND ($2::int = 0 OR a.year = $2) AND ($3::text = '' OR a.kind = $3)
			AND ($4::text = '' OR a.grade = $4) AND ($5::text = '' OR a.status = $5)
			AND ($6::bigint = 0 OR a.campaign_id = $6)
			AND ($7::text = '' OR a.status = 'archived' AND a.consequences @> jsonb_build_array($7::text))`
	appraisalsOrder = `p.started_at DESC, a.process_id DESC`
)

// check refuses a Use that is no use of results.
func (f AppraisalFilter) check() error {
	if _, ok := resultUses[f.Use]; f.Use != "" && !ok {
		return invalidUse(f.Use)
	}
	return nil
}

func (f AppraisalFilter) args() []any {
	return []any{f.OrgPath, f.Year, f.Kind, f.Grade, f.Status, f.CampaignID, string(resultUses[f.Use])}
}

// Appraisals returns a page of the appraisals f selects, newest first, and how many there are.
func (s *Store) Appraisals(ctx context.Context, f AppraisalFilter) ([]termgoal.AppraisalRecord, int, error) {
	if err := f.check(); err != nil {
		return nil, 0, err
	}
	return page(ctx, s.db, scanAppraisal, appraisalCols, appraisalsFrom, appraisalsOrder, f.Limit, f.Offset, f.args()...)
}

// EachAppraisal hands every appraisal f selects to fn, newest first, paging ignored, as the
// rows arrive (an export).
func (s *Store) EachAppraisal(ctx context.Context, f AppraisalFilter, fn func(termgoal.AppraisalRecord) error) error {
	if err := f.check(); err != nil {
		return err
	}
	return each(ctx, s.db, scanAppraisal, fn, "SELECT "+appraisalCols+" FROM "+appraisalsFrom+" ORDER BY "+appraisalsOrder, f.args()...)
}

func scanSheet(r scanner) (termgoal.ScoreSheet, error) {
	var sh termgoal.ScoreSheet
	err := r.Scan(&sh.Group, &sh.AccountID, &sh.Name, jsonInto{&sh.Scores}, &sh.Comment)
	return sh, err
}

// ScoreSheets returns the named raters' sheets of an appraisal, by group and account.
func (s *Store) ScoreSheets(ctx context.Context, processID string) ([]termgoal.ScoreSheet, error) {
	return list(ctx, s.db, scanSheet, `
		SELECT grp, account_id, name, scores, comment FROM score_sheets WHERE process_id = $1 ORDER BY grp, account_id`, processID)
}

// QuotaRound counts the quota round of an appraisal (termgoal.QuotaAllows): round is how many
// appraisals of kind and year there are in the orgs whose parent is parentOrgID (0: the root
// orgs), cancelled ones left out, exceptProcess always counted (so at least 1); top is how many
// of the others already hold topGrade in their result. A period appraisal's round is its
// period's, the one starting on from; zero from counts the whole year.
func (s *Store) QuotaRound(ctx context.Context, kind string, year int, from time.Time, parentOrgID int64, exceptProcess, topGrade string) (round, top int, err error) {
	err = s.db.QueryRowContext(ctx, `
		SELECT count(*), count(*) FILTER (WHERE $5::text <> '' AND a.grade = $5)
		FROM appraisals a JOIN orgs o ON o.id = a.org_id JOIN processes p ON p.id = a.process_id
		WHERE a.kind = $1 AND a.year = $2 AND o.parent_id IS NOT DISTINCT FROM $3::bigint AND a.process_id <> $4
			AND ($6::date IS NULL OR a.period_from = $6)
			AND a.status <> 'cancelled' AND p.status <> 'cancelled'`,
		kind, year, nullIfZero(parentOrgID), exceptProcess, topGrade, zeroDateArg(from)).Scan(&round, &top)
	if err != nil {
		return 0, 0, mapError(err, "quota round")
	}
	return round + 1, top, nil
}

// AnnualResults returns the archived annual appraisals of a term, by year.
func (s *Store) AnnualResults(ctx context.Context, termID int64) ([]termgoal.AppraisalRecord, error) {
	return list(ctx, s.db, scanAppraisal, `SELECT `+appraisalCols+` FROM appraisals a
		WHERE a.term_id = $1 AND a.kind = $2 AND a.status = 'archived' ORDER BY a.year, a.process_id`,
		termID, termgoal.AppraisalAnnual)
}

// PeriodResults returns the archived appraisals of kind (a period appraisal's) of a term whose
// period starts from from to to, oldest first.
func (s *Store) PeriodResults(ctx context.Context, termID int64, kind string, from, to time.Time) ([]termgoal.AppraisalRecord, error) {
	return list(ctx, s.db, scanAppraisal, `SELECT `+appraisalCols+` FROM appraisals a
		WHERE a.term_id = $1 AND a.kind = $2 AND a.status = 'archived' AND a.period_from BETWEEN $3 AND $4
		ORDER BY a.period_from, a.process_id`, termID, kind, dateArg(from), dateArg(to))
}

// resultUses names the results in use a list can ask for, by the consequence they drive.
var resultUses = map[string]termgoal.Consequence{
	"advanced":  termgoal.ConsequenceAdvancedEligible,
	"promotion": termgoal.ConsequencePromotionBasis,
	"improve":   termgoal.ConsequenceImprovementTalk,
	"rectify":   termgoal.ConsequenceRectification,
	"measure":   termgoal.ConsequenceOrganizationalMeasure,
}

// ResultsInUse returns a page of the archived appraisals of year (0: any) under orgPath whose
// consequences include use's (resultUses), latest archived first, and how many there are.
func (s *Store) ResultsInUse(ctx context.Context, orgPath string, year int, use string, limit, offset int) ([]termgoal.AppraisalRecord, int, error) {
	if _, ok := resultUses[use]; !ok {
		return nil, 0, invalidUse(use)
	}
	f := AppraisalFilter{OrgPath: orgPath, Year: year, Use: use}
	return page(ctx, s.db, scanAppraisal, appraisalCols, appraisalsFrom, `a.archived_at DESC, a.process_id`, limit, offset, f.args()...)
}

func invalidUse(use string) error {
	return invalid("appraisal.use", fmt.Sprintf("%q is not a use of results", use), "use", use)
}

// optJSON marshals v for a nullable jsonb column: NULL for nil.
func optJSON[T any](v *T) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	return string(b), nil
}

// jsonList marshals a list for a jsonb column, an empty array for nil.
func jsonList[T any](v []T) (string, error) {
	if v == nil {
		v = []T{}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("marshal: %w", err)
	}
	return string(b), nil
}

// nullJSON is jsonInto for a nullable jsonb column: NULL leaves v as it is.
type nullJSON struct{ v any }

func (j nullJSON) Scan(src any) error {
	if src == nil {
		return nil
	}
	return jsonInto(j).Scan(src)
}

// zeroDateArg is dateArg for a date the domain leaves zero when unknown, stored as NULL.
func zeroDateArg(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return dateArg(t)
}

// zeroDate scans a nullable date column into a time.Time, zero for NULL.
type zeroDate struct{ t *time.Time }

func (d zeroDate) Scan(src any) error {
	if src == nil {
		*d.t = time.Time{}
		return nil
	}
	return date(d).Scan(src)
}

// TermAppraisals returns every appraisal of a term, of any kind and status, oldest first.
func (s *Store) TermAppraisals(ctx context.Context, termID int64) ([]termgoal.AppraisalRecord, error) {
	return list(ctx, s.db, scanAppraisal, `SELECT `+appraisalCols+` FROM appraisals a
		WHERE a.term_id = $1 ORDER BY a.year, a.period_from, a.process_id`, termID)
}
