package postgres

import (
	"context"
	"fmt"
)

// LevelCount is how many open tasks the orgs at one depth of the tree hold, and how many of
// them are overdue (against today in China).
type LevelCount struct {
	Level         string
	Open, Overdue int
}

// TaskCountsByLevel counts the open tasks by the depth of their org (1: the root).
func (s *Store) TaskCountsByLevel(ctx context.Context) ([]LevelCount, error) {
	return list(ctx, s.db, func(r scanner) (LevelCount, error) {
		var c LevelCount
		var level int
		err := r.Scan(&level, &c.Open, &c.Overdue)
		c.Level = fmt.Sprint(level)
		return c, err
	}, `
		SELECT cardinality(string_to_array(trim(both '/' from o.path), '/')) AS level, count(*),
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
	return list(ctx, s.db, func(r scanner) (CampaignProgress, error) {
		var c CampaignProgress
		var id int64
		err := r.Scan(&id, &c.Kind, &c.Started)
		c.ID = fmt.Sprint(id)
		return c, err
	}, `SELECT id, kind, started FROM campaigns WHERE status = 'running' ORDER BY id`)
}
