package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// The dashboard benchmark (issue 21): the dashboard's aggregates over 1,000,000 tasks and
// 100,000 processes (the inbox benchmark's fill, plus three ended steps per process), for a
// town's subtree (2,000 processes) and for the whole county, beside the same counts in raw SQL.
// `make bench-all` runs it.
func BenchmarkDashboard(b *testing.B) {
	s := postgrestest.New(b)
	start := time.Now()
	fill := append(benchFill[:len(benchFill)-1:len(benchFill)-1],
		`INSERT INTO process_steps (process_id, seq, step, version, outcome, at)
			SELECT 'p' || i, q, (ARRAY['draft','consultation','committee'])[q], 1, 'done',
				timestamptz '2026-01-01' + make_interval(days => q * (1 + i % 7))
			FROM generate_series(1, 100000) i, generate_series(1, 3) q`,
		`UPDATE processes SET updated_at = timestamptz '2026-01-01' + make_interval(days => (hashtext(id) & 63)),
			step_due_on = date '2026-02-01' + (hashtext(id) & 63)`,
		`VACUUM ANALYZE orgs, people, terms, accounts, processes, tasks, copies, process_steps`)
	for _, q := range fill {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			b.Fatalf("fill: %v\n%s", err, q)
		}
	}
	b.Logf("filled in %s", time.Since(start).Round(time.Millisecond))
	town := func(acc int64) []string { return []string{fmt.Sprintf("/1/%d/", 2+acc%50)} }
	county := func(int64) []string { return []string{"/1/"} }
	for _, scope := range []struct {
		name  string
		paths func(int64) []string
	}{{"town", town}, {"county", county}} {
		filter := func(acc int64) postgres.DashboardFilter {
			return postgres.DashboardFilter{OrgPaths: scope.paths(acc), Today: benchToday, StuckBefore: day("2026-02-01")}
		}
		benchPair(b, "counts-"+scope.name, func(acc int64) error {
			_, err := s.Dashboard(ctx, filter(acc))
			return err
		}, func(acc int64) error { return rawDashboard(s, filter(acc)) })
		benchPair(b, "step-spans-"+scope.name, func(acc int64) error {
			_, err := s.StepSpans(ctx, filter(acc))
			return err
		}, func(acc int64) error { return rawSpans(s, filter(acc)) })
	}
}

// rawDashboard counts what Store.Dashboard counts, in one statement per number, scanned plainly.
func rawDashboard(s *postgres.Store, f postgres.DashboardFilter) error {
	like := f.OrgPaths[0] + "%"
	var n [4]int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE p.step_due_on < $2), count(*) FILTER (WHERE p.updated_at < $3),
			(SELECT count(*) FROM tasks t JOIN orgs o ON o.id = t.org_id WHERE t.status = 'open' AND t.due_on < $2 AND o.path LIKE $1)
		FROM processes p JOIN orgs o ON o.id = p.org_id WHERE p.status = 'running' AND o.path LIKE $1`,
		like, dateText(f.Today), f.StuckBefore).Scan(&n[0], &n[1], &n[2], &n[3]); err != nil {
		return err
	}
	for _, cols := range []string{`p.kind, ''`, `p.step, ''`, `o.id::text, o.name`, `tp.id::text, tp.name`} {
		rows, err := s.DB().QueryContext(ctx, `SELECT `+cols+`, count(*) FROM processes p JOIN orgs o ON o.id = p.org_id
			JOIN terms tm ON tm.id = p.term_id JOIN templates tp ON tp.id = tm.template_id
			WHERE p.status = 'running' AND o.path LIKE $1 GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 50`, like)
		if err != nil {
			return err
		}
		for rows.Next() {
			var key, label string
			var c int
			if err := rows.Scan(&key, &label, &c); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
	}
	return nil
}

// rawSpans groups the ended steps' spans as Store.StepSpans does.
func rawSpans(s *postgres.Store, f postgres.DashboardFilter) error {
	rows, err := s.DB().QueryContext(ctx, `SELECT step, from_day, to_day, count(*) FROM (
			SELECT ps.step, (COALESCE(lag(ps.at) OVER (PARTITION BY ps.process_id ORDER BY ps.seq), p.started_at) AT TIME ZONE 'Asia/Shanghai')::date AS from_day,
				(ps.at AT TIME ZONE 'Asia/Shanghai')::date AS to_day
			FROM process_steps ps JOIN processes p ON p.id = ps.process_id JOIN orgs o ON o.id = p.org_id
			WHERE o.path LIKE $1) x GROUP BY 1, 2, 3`, f.OrgPaths[0]+"%")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var step string
		var from, to time.Time
		var n int
		if err := rows.Scan(&step, &from, &to, &n); err != nil {
			return err
		}
	}
	return rows.Err()
}
