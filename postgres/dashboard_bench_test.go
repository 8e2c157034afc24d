package postgres_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// The dashboard benchmark (issue 21): the dashboard's aggregates over 1,000,000 tasks and
// 100,000 processes (the inbox benchmark's fill, plus three ended steps per process), for a
// town's subtree (2,000 processes) and for the whole county, through the store and as the same
// statements in raw SQL; the target is p99 under 50 ms. `make bench-all` runs it.
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
		`VACUUM ANALYZE orgs, people, terms, accounts, processes, tasks, copies, process_steps, process_counts, step_spans`)
	for _, q := range fill {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			b.Fatalf("fill: %v\n%s", err, q)
		}
	}
	b.Logf("filled in %s", time.Since(start).Round(time.Millisecond))
	if os.Getenv("TERMGOAL_BENCH_EXPLAIN") != "" {
		for path, every := range map[string]bool{"/1/5/%": false, "/1/%": true} {
			logPlan(b, s.DB(), path, rawDayCounts(every), path, dateText(benchToday), day("2026-02-01"))
		}
	}
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

// rawScoped is the FROM and WHERE of a table under the org path $1: without the join with orgs
// when every org is under it, as the store does.
func rawScoped(every bool, from, alias string) string {
	if every {
		return from + ` WHERE $1::text IS NOT NULL`
	}
	return from + ` JOIN orgs o ON o.id = ` + alias + `.org_id WHERE o.path LIKE $1`
}

// rawDayCounts is the dashboard's statement of the counts that depend on the day.
func rawDayCounts(every bool) string {
	return `SELECT (SELECT count(*) FROM ` + rawScoped(every, "processes p", "p") + ` AND p.status = 'running' AND p.step_due_on < $2),
		(SELECT count(*) FROM ` + rawScoped(every, "processes p", "p") + ` AND p.status = 'running' AND p.updated_at < $3),
		(SELECT count(*) FROM ` + rawScoped(every, "tasks t", "t") + ` AND t.status = 'open' AND t.due_on < $2)`
}

// rawDashboard sends the statements Store.Dashboard sends, scanned plainly.
func rawDashboard(s *postgres.Store, f postgres.DashboardFilter) error {
	like := f.OrgPaths[0] + "%"
	var every bool
	if err := s.DB().QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM orgs o WHERE NOT o.path LIKE $1)`, like).Scan(&every); err != nil {
		return err
	}
	var n [3]int
	if err := s.DB().QueryRowContext(ctx, rawDayCounts(every), like, dateText(f.Today), f.StuckBefore).Scan(&n[0], &n[1], &n[2]); err != nil {
		return err
	}
	const version = `COALESCE(NULLIF(split_part(c.template, ':', 2), ''), tp.version::text)`
	for _, q := range []string{
		`SELECT c.kind, '', sum(c.n)::int FROM ` + rawScoped(every, "process_counts c", "c"),
		`SELECT c.step, '', sum(c.n)::int FROM ` + rawScoped(every, "process_counts c", "c"),
		`SELECT o.id::text, o.name, sum(c.n)::int FROM process_counts c JOIN orgs o ON o.id = c.org_id WHERE o.path LIKE $1`,
		`SELECT tp.id::text || ':' || ` + version + `, tp.name, sum(c.n)::int FROM ` +
			rawScoped(every, `process_counts c LEFT JOIN templates tp ON tp.id = NULLIF(split_part(c.template, ':', 1), '')::bigint`, "c"),
	} {
		rows, err := s.DB().QueryContext(ctx, q+` AND c.n > 0 GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 50`, like)
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

// rawSpans sends the statement Store.StepSpans sends, scanned plainly.
func rawSpans(s *postgres.Store, f postgres.DashboardFilter) error {
	rows, err := s.DB().QueryContext(ctx, `SELECT s.step, s.from_day, s.to_day, sum(s.n)::int FROM step_spans s
		JOIN orgs o ON o.id = s.org_id WHERE s.n > 0 AND o.path LIKE $1 GROUP BY 1, 2, 3`, f.OrgPaths[0]+"%")
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
