package postgres

import (
	"context"
	"database/sql"
	"time"

	"termgoal"
)

const campaignCols = `c.id, c.name, c.kind, c.org_id, o.name, c.status, c.started, c.created_by, c.created_at, c.finished_at,
	c.year, c.schedule_id`

func scanCampaign(r scanner) (termgoal.Campaign, error) {
	var c termgoal.Campaign
	var finished sql.NullTime
	err := r.Scan(&c.ID, &c.Name, &c.Kind, &c.OrgID, &c.OrgName, &c.Status, &c.Started, &c.CreatedBy, &c.CreatedAt, &finished,
		&c.Year, &c.ScheduleID)
	if finished.Valid {
		c.FinishedAt = &finished.Time
	}
	return c, err
}

// CreateCampaign inserts c as running and sets its ID and creation time.
func (s *Store) CreateCampaign(ctx context.Context, c *termgoal.Campaign) error {
	err := s.db.QueryRowContext(ctx, `
		INSERT INTO campaigns (name, kind, org_id, created_by, year, schedule_id) VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id, status, created_at`, c.Name, c.Kind, c.OrgID, c.CreatedBy, c.Year, c.ScheduleID).Scan(&c.ID, &c.Status, &c.CreatedAt)
	return mapError(err, "create campaign")
}

// EnsureScheduledCampaign inserts c, a Temporal Schedule's campaign of c.Year, unless that
// schedule already made its campaign of the year; either way c is then the stored row, so
// every run of the schedule in a year (and every retry) works on one campaign.
func (s *Store) EnsureScheduledCampaign(ctx context.Context, c *termgoal.Campaign) error {
	if c.ScheduleID == "" || c.Year <= 0 {
		return invalid("campaign.schedule", "a scheduled campaign needs its schedule and its year")
	}
	var id int64
	// DO UPDATE, not DO NOTHING, so the row is returned in both cases.
	err := s.db.QueryRowContext(ctx, `
		INSERT INTO campaigns (name, kind, org_id, created_by, year, schedule_id) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (schedule_id, year) WHERE schedule_id <> '' DO UPDATE SET schedule_id = EXCLUDED.schedule_id
		RETURNING id`, c.Name, c.Kind, c.OrgID, c.CreatedBy, c.Year, c.ScheduleID).Scan(&id)
	if err != nil {
		return mapError(err, "ensure scheduled campaign")
	}
	got, err := s.Campaign(ctx, id)
	if err != nil {
		return err
	}
	*c = *got
	return nil
}

// Campaign returns campaign id.
func (s *Store) Campaign(ctx context.Context, id int64) (*termgoal.Campaign, error) {
	return get(ctx, s.db, scanCampaign, "campaign", id,
		`SELECT `+campaignCols+` FROM campaigns c JOIN orgs o ON o.id = c.org_id WHERE c.id = $1`, id)
}

// Campaigns lists the campaigns on orgs under underPath, newest first.
func (s *Store) Campaigns(ctx context.Context, underPath string, limit, offset int) ([]termgoal.Campaign, int, error) {
	return page(ctx, s.db, scanCampaign, campaignCols, `campaigns c JOIN orgs o ON o.id = c.org_id WHERE o.path LIKE $1 || '%'`,
		`c.created_at DESC, c.id DESC`, limit, offset, underPath)
}

// CampaignStarted adds n to the processes a campaign has started, and marks it done when done.
func (s *Store) CampaignStarted(ctx context.Context, id int64, n int, done bool) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE campaigns SET started = started + $2,
			status = CASE WHEN $3 THEN 'done' ELSE status END,
			finished_at = CASE WHEN $3 AND finished_at IS NULL THEN now() ELSE finished_at END
		WHERE id = $1`, id, n, done)
	return mapError(err, "campaign started")
}

// ReopenCampaign marks a campaign running again for a re-run.
func (s *Store) ReopenCampaign(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE campaigns SET status = 'running', finished_at = NULL WHERE id = $1`, id)
	return mapError(err, "reopen campaign")
}

// TermsWithoutProcess pages through the terms under underPath that have no goal setting yet,
// by ID after afterID: a campaign's work list, stable while it is being worked through.
func (s *Store) TermsWithoutProcess(ctx context.Context, underPath string, afterID int64, limit int) ([]termgoal.Term, error) {
	return list(ctx, s.db, scanTerm, `SELECT `+termCols+` FROM `+termFrom+`
		WHERE o.path LIKE $1 || '%' AND t.process_id IS NULL AND t.id > $2 ORDER BY t.id LIMIT $3`, underPath, afterID, limit)
}

// CampaignProgress counts the terms under the campaign's org and where their processes of the
// campaign's kind stand, today being today (for overdue). An appraisal campaign counts the
// terms it covers and their appraisals of its kind and year (appraisalProgress).
func (s *Store) CampaignProgress(ctx context.Context, c *termgoal.Campaign, today time.Time) (termgoal.CampaignProgress, error) {
	p := termgoal.CampaignProgress{ByStep: map[string]int{}}
	org, err := s.Org(ctx, c.OrgID)
	if err != nil {
		return p, err
	}
	if termgoal.IsAppraisal(c.Kind) {
		return s.appraisalProgress(ctx, c, org.Path, today)
	}
	err = s.db.QueryRowContext(ctx, `
		SELECT count(*), count(pr.id),
			count(*) FILTER (WHERE pr.status = 'running'),
			count(*) FILTER (WHERE pr.status = 'completed'),
			count(*) FILTER (WHERE pr.status = 'running' AND pr.step_due_on < $3)
		FROM terms t JOIN orgs o ON o.id = t.org_id
		LEFT JOIN processes pr ON pr.term_id = t.id AND pr.kind = $2
		WHERE o.path LIKE $1 || '%'`, org.Path, c.Kind, dateArg(today)).
		Scan(&p.Terms, &p.Started, &p.Running, &p.Completed, &p.Overdue)
	if err != nil {
		return p, mapError(err, "campaign progress")
	}
	rows, err := list(ctx, s.db, func(r scanner) (struct {
		step string
		n    int
	}, error) {
		var v struct {
			step string
			n    int
		}
		err := r.Scan(&v.step, &v.n)
		return v, err
	}, `SELECT pr.step, count(*) FROM processes pr JOIN orgs o ON o.id = pr.org_id
		WHERE o.path LIKE $1 || '%' AND pr.kind = $2 GROUP BY pr.step`, org.Path, c.Kind)
	if err != nil {
		return p, err
	}
	for _, r := range rows {
		p.ByStep[r.step] = r.n
	}
	return p, nil
}

// appraisedTerms is the condition on terms t of orgs o an appraisal campaign covers: under the
// path $1, in post during some of the year $2, with a plan in force.
const appraisedTerms = `o.path LIKE $1 || '%' AND t.start_on <= make_date($2, 12, 31) AND t.end_on >= make_date($2, 1, 1)
	AND EXISTS (SELECT 1 FROM plan_versions v WHERE v.term_id = t.id AND v.status = 'in_force')`

// TermsForAppraisal pages through the terms an appraisal campaign of year covers under
// underPath (appraisedTerms), by ID after afterID.
func (s *Store) TermsForAppraisal(ctx context.Context, underPath string, year int, afterID int64, limit int) ([]termgoal.Term, error) {
	return list(ctx, s.db, scanTerm, `SELECT `+termCols+` FROM `+termFrom+`
		WHERE `+appraisedTerms+` AND t.id > $3 ORDER BY t.id LIMIT $4`, underPath, year, afterID, limit)
}

// appraisalProgress is CampaignProgress for an appraisal campaign: the terms it covers (and
// any other with an appraisal of the campaign's kind and year, so Started never exceeds
// Terms) and where those appraisals stand.
func (s *Store) appraisalProgress(ctx context.Context, c *termgoal.Campaign, orgPath string, today time.Time) (termgoal.CampaignProgress, error) {
	p := termgoal.CampaignProgress{ByStep: map[string]int{}}
	err := s.db.QueryRowContext(ctx, `
		SELECT count(*), count(pr.id),
			count(*) FILTER (WHERE pr.status = 'running'),
			count(*) FILTER (WHERE pr.status = 'completed'),
			count(*) FILTER (WHERE pr.status = 'running' AND pr.step_due_on < $4)
		FROM terms t JOIN orgs o ON o.id = t.org_id
		LEFT JOIN (appraisals a JOIN processes pr ON pr.id = a.process_id) ON a.term_id = t.id AND a.kind = $3 AND a.year = $2
		WHERE (`+appraisedTerms+`) OR (o.path LIKE $1 || '%' AND pr.id IS NOT NULL)`,
		orgPath, c.Year, c.Kind, dateArg(today)).
		Scan(&p.Terms, &p.Started, &p.Running, &p.Completed, &p.Overdue)
	if err != nil {
		return p, mapError(err, "campaign progress")
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT pr.step, count(*) FROM appraisals a JOIN processes pr ON pr.id = a.process_id JOIN orgs o ON o.id = a.org_id
		WHERE o.path LIKE $1 || '%' AND a.kind = $2 AND a.year = $3 GROUP BY pr.step`, orgPath, c.Kind, c.Year)
	if err != nil {
		return p, mapError(err, "campaign progress")
	}
	defer rows.Close()
	for rows.Next() {
		var step string
		var n int
		if err := rows.Scan(&step, &n); err != nil {
			return p, mapError(err, "campaign progress")
		}
		p.ByStep[step] = n
	}
	return p, mapError(rows.Err(), "campaign progress")
}
