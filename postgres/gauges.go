package postgres

import "context"

// LevelCount is how many open tasks the orgs at one depth of the tree hold, and how many of
// them are overdue (against today in China).
type LevelCount struct {
	Level         string
	Open, Overdue int
}

// TaskCountsByLevel counts the open tasks by the depth of their org (1: the root).
func (s *Store) TaskCountsByLevel(ctx context.Context) ([]LevelCount, error) {
	return list(ctx, s.db, func(r scanner) (c LevelCount, err error) {
		err = r.Scan(&c.Level, &c.Open, &c.Overdue)
		return c, err
	}, `
		SELECT cardinality(string_to_array(trim(both '/' from o.path), '/'))::text AS level, count(*),
			count(*) FILTER (WHERE t.due_on < (now() AT TIME ZONE 'Asia/Shanghai')::date)
		FROM tasks t JOIN orgs o ON o.id = t.org_id
		WHERE t.status = 'open' GROUP BY level ORDER BY level`)
}

// CampaignProgress is how far a running campaign has come.
type CampaignProgress struct {
	ID, Kind string
	Started  int
}

// RunningCampaignProgress lists the running campaigns with the processes each has started.
func (s *Store) RunningCampaignProgress(ctx context.Context) ([]CampaignProgress, error) {
	return list(ctx, s.db, func(r scanner) (c CampaignProgress, err error) {
		err = r.Scan(&c.ID, &c.Kind, &c.Started)
		return c, err
	}, `SELECT id::text, kind, started FROM campaigns WHERE status = 'running' ORDER BY id`)
}
