package postgres

import (
	"context"
	"database/sql"
	"time"

	"termgoal"
)

const campaignCols = `c.id, c.name, c.kind, c.org_id, o.name, c.status, c.started, c.created_by, c.created_at, c.finished_at`

func scanCampaign(r scanner) (termgoal.Campaign, error) {
	var c termgoal.Campaign
	var finished sql.NullTime
	err := r.Scan(&c.ID, &c.Name, &c.Kind, &c.OrgID, &c.OrgName, &c.Status, &c.Started, &c.CreatedBy, &c.CreatedAt, &finished)
	if finished.Valid {
		c.FinishedAt = &finished.Time
	}
	return c, err
}

// CreateCampaign inserts c as running and sets its ID and creation time.
func (s *Store) CreateCampaign(ctx context.Context, c *termgoal.Campaign) error {
	err := s.db.QueryRowContext(ctx, `
		INSERT INTO campaigns (name, kind, org_id, created_by) VALUES ($1, $2, $3, $4)
		RETURNING id, status, created_at`, c.Name, c.Kind, c.OrgID, c.CreatedBy).Scan(&c.ID, &c.Status, &c.CreatedAt)
	return mapError(err, "create campaign")
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
// campaign's kind stand, today being today (for overdue).
func (s *Store) CampaignProgress(ctx context.Context, c *termgoal.Campaign, today time.Time) (termgoal.CampaignProgress, error) {
	p := termgoal.CampaignProgress{ByStep: map[string]int{}}
	org, err := s.Org(ctx, c.OrgID)
	if err != nil {
		return p, err
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
