package postgres_test

import (
	"database/sql"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// The inbox benchmark (PRODUCT.md, Qualities): an inbox page at 1,000,000 tasks and 50,000
// accounts has p99 under 5 ms and costs at most 1.2× the same query in raw SQL. `make bench`
// runs it; set TERMGOAL_BENCH_EXPLAIN=1 to log the query plans.
const (
	benchAccounts  = 50_000
	benchTasks     = 1_000_000
	benchProcesses = 100_000
	benchTerms     = 10_000
	benchCopies    = 200_000
	benchPage      = 20
)

var benchToday = day("2026-03-15")

// benchFill fills the database server-side with INSERT … SELECT generate_series: orgs (a
// county, 50 towns, 1,000 villages), a template, people and terms, the accounts, processes,
// tasks (a quarter open, due from 60 days ago to 60 days ahead; the rest done or closed) and
// copies (half of them read). setseed makes every run fill the same rows.
var benchFill = []string{
	`SELECT setseed(0.42)`,
	`INSERT INTO orgs (id, parent_id, name, type, path) VALUES (1, NULL, 'county', 'agency', '/1/')`,
	`INSERT INTO orgs (id, parent_id, name, type, path)
		SELECT i, 1, 'town ' || i, 'agency', '/1/' || i || '/' FROM generate_series(2, 51) i`,
	`INSERT INTO orgs (id, parent_id, name, type, path)
		SELECT i, 2 + i % 50, 'village ' || i, 'village', '/1/' || (2 + i % 50) || '/' || i || '/' FROM generate_series(52, 1051) i`,
	`SELECT setval('orgs_id_seq', 1051)`,
	`INSERT INTO templates (id, name, config) VALUES (1, 'bench', '{}')`,
	`INSERT INTO people (id, name) SELECT i, 'person ' || i FROM generate_series(1, 10000) i`,
	`INSERT INTO terms (id, org_id, holder_kind, person_id, appointment, start_on, end_on, template_id)
		SELECT i, 52 + i % 1000, 'person', i, 'elected', '2026-01-01', '2030-12-31', 1 FROM generate_series(1, 10000) i`,
	`INSERT INTO accounts (id, username, password_hash, display_name)
		SELECT i, 'u' || i, 'x', 'account ' || i FROM generate_series(1, 50000) i`,
	`SELECT setval('accounts_id_seq', 50000)`,
	`INSERT INTO processes (id, kind, term_id, org_id, step, status, deadline_on, started_at, updated_at)
		SELECT 'p' || i, 'goal_setting', 1 + i % 10000, 52 + (1 + i % 10000) % 1000,
			(ARRAY['draft','consultation','expert_review','committee','approval','congress','notice','filing','pledge'])[1 + i % 9],
			'running', '2026-05-01', '2026-01-01', '2026-01-01'
		FROM generate_series(1, 100000) i`,
	`INSERT INTO tasks (id, process_id, term_id, org_id, step, kind, account_id, status, due_on, created_at, done_at)
		SELECT 't' || g, 'p' || p, 1 + p % 10000, 52 + (1 + p % 10000) % 1000,
			(ARRAY['draft','consultation','expert_review','committee','approval','congress','notice','filing','pledge'])[1 + g % 9],
			'approve', a, s, d, d - 10, CASE WHEN s <> 'open' THEN d - 2 + make_interval(secs => g % 86400) END
		FROM (SELECT g, 1 + g % 100000 AS p, 1 + floor(random() * 50000)::bigint AS a,
				CASE WHEN random() < 0.25 THEN 'open' WHEN random() < 0.87 THEN 'done' ELSE 'closed' END AS s,
				date '2026-03-15' + (floor(random() * 121)::int - 60) AS d
			FROM generate_series(1, 1000000) g) x`,
	`INSERT INTO copies (process_id, account_id, by_name, at, read_at)
		SELECT 'p' || (1 + floor(random() * 100000)::bigint), 1 + floor(random() * 50000)::bigint, 'bench', at,
			CASE WHEN random() < 0.5 THEN at + interval '1 hour' END
		FROM (SELECT timestamptz '2026-01-01' + make_interval(mins => g) AS at FROM generate_series(1, 200000) g) x
		ON CONFLICT DO NOTHING`,
	// VACUUM sets the visibility map, so the counts are index-only scans as on a live table.
	`VACUUM ANALYZE orgs, people, terms, accounts, processes, tasks, copies`,
}

// The raw SQL of each page, as the store sends it for page 1 of a random account.
const (
	rawTaskCols = `t.id, t.process_id, t.term_id, t.org_id, t.step, t.kind, t.account_id, t.status, t.outcome, t.due_on,
		t.created_at, t.done_at, COALESCE(o.name, ''), COALESCE(p.name, o.name, ''), t.status = 'open' AND t.due_on < $1, t.total`
	rawTaskJoins = ` LEFT JOIN orgs o ON o.id = t.org_id LEFT JOIN terms tm ON tm.id = t.term_id
		LEFT JOIN people p ON p.id = tm.person_id`
	rawTodo = `SELECT ` + rawTaskCols + ` FROM (
			SELECT t.*, count(*) OVER () AS total FROM tasks t WHERE t.account_id = $2 AND t.status = 'open'
			ORDER BY t.due_on, t.id LIMIT $3 OFFSET 0
		) t` + rawTaskJoins + ` ORDER BY t.due_on, t.id`
	rawDone = `SELECT ` + rawTaskCols + ` FROM (
			SELECT t.*, count(*) OVER () AS total FROM tasks t WHERE t.account_id = $2 AND t.status <> 'open'
			ORDER BY t.done_at DESC, t.id DESC LIMIT $3 OFFSET 0
		) t` + rawTaskJoins + ` ORDER BY t.done_at DESC, t.id DESC`
	rawCC = `SELECT c.process_id, c.account_id, c.by_name, c.note, c.at, c.read_at, COALESCE(o.name, ''),
			COALESCE(pe.name, o.name, ''), pr.step, c.total
		FROM (
			SELECT c.*, count(*) OVER () AS total FROM copies c WHERE c.account_id = $1
			ORDER BY c.at DESC, c.process_id LIMIT $2 OFFSET 0
		) c JOIN processes pr ON pr.id = c.process_id LEFT JOIN orgs o ON o.id = pr.org_id
		LEFT JOIN terms tm ON tm.id = pr.term_id LEFT JOIN people pe ON pe.id = tm.person_id
		ORDER BY c.at DESC, c.process_id`
	rawCounts = `
		SELECT count(*), count(*) FILTER (WHERE due_on < $2), count(*) FILTER (WHERE due_on >= $2 AND due_on <= $3),
			(SELECT count(*) FROM tasks WHERE account_id = $1 AND status <> 'open'),
			(SELECT count(*) FROM copies WHERE account_id = $1 AND read_at IS NULL)
		FROM tasks WHERE account_id = $1 AND status = 'open'`
)

// BenchmarkInbox fills one database and measures each box's first page, and the badge counts,
// through the store and in raw SQL for random accounts. The fill happens once per run of this
// parent benchmark: a benchmark with sub-benchmarks runs its body once, not once per b.N, and
// the database postgrestest made for it lives until the body returns.
func BenchmarkInbox(b *testing.B) {
	s := postgrestest.New(b)
	start := time.Now()
	for _, q := range benchFill {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			b.Fatalf("fill: %v\n%s", err, q)
		}
	}
	var tasks, accounts int
	must2(b, s.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM tasks), (SELECT count(DISTINCT account_id) FROM tasks)`).
		Scan(&tasks, &accounts))
	b.Logf("filled %d tasks for %d accounts in %s", tasks, accounts, time.Since(start).Round(time.Millisecond))
	if os.Getenv("TERMGOAL_BENCH_EXPLAIN") != "" {
		explain(b, s.DB())
	}

	today := dateText(benchToday)
	soon := dateText(benchToday.AddDate(0, 0, termgoal.DueSoonDays))
	page := func(box string) func(acc int64) error {
		return func(acc int64) error {
			f := postgres.InboxFilter{AccountID: acc, Box: box, Today: benchToday, Limit: benchPage}
			if box == termgoal.BoxCC {
				_, _, err := s.Copies(ctx, f)
				return err
			}
			_, _, err := s.Inbox(ctx, f)
			return err
		}
	}
	benchPair(b, "todo", page(termgoal.BoxTodo), func(acc int64) error { return rawTasks(s.DB(), rawTodo, today, acc) })
	benchPair(b, "done", page(termgoal.BoxDone), func(acc int64) error { return rawTasks(s.DB(), rawDone, today, acc) })
	benchPair(b, "cc", page(termgoal.BoxCC), func(acc int64) error { return rawCopies(s.DB(), acc) })
	benchPair(b, "counts", func(acc int64) error {
		_, err := s.InboxCounts(ctx, acc, benchToday)
		return err
	}, func(acc int64) error {
		var n [5]int
		return s.DB().QueryRowContext(ctx, rawCounts, acc, today, soon).Scan(&n[0], &n[1], &n[2], &n[3], &n[4])
	})
}

// benchPair times store and raw on the same random accounts, alternating which goes first, and
// reports both percentiles and their ratios.
func benchPair(b *testing.B, name string, store, raw func(acc int64) error) {
	b.Run(name, func(b *testing.B) {
		rng := rand.New(rand.NewPCG(7, uint64(len(name))))
		for range 200 { // warm the pool and the caches
			acc := 1 + rng.Int64N(benchAccounts)
			must2(b, store(acc))
			must2(b, raw(acc))
		}
		storeTimes, rawTimes := make([]time.Duration, 0, b.N), make([]time.Duration, 0, b.N)
		timed := func(fn func(int64) error, acc int64, into *[]time.Duration) {
			t := time.Now()
			must2(b, fn(acc))
			*into = append(*into, time.Since(t))
		}
		b.ResetTimer()
		for i := range b.N {
			acc := 1 + rng.Int64N(benchAccounts)
			if i%2 == 0 {
				timed(store, acc, &storeTimes)
				timed(raw, acc, &rawTimes)
			} else {
				timed(raw, acc, &rawTimes)
				timed(store, acc, &storeTimes)
			}
		}
		b.StopTimer()
		p50, p99 := percentile(storeTimes, 50), percentile(storeTimes, 99)
		r50, r99 := percentile(rawTimes, 50), percentile(rawTimes, 99)
		b.ReportMetric(ms(p50), "p50-ms")
		b.ReportMetric(ms(p99), "p99-ms")
		b.ReportMetric(ms(r50), "raw-p50-ms")
		b.ReportMetric(ms(r99), "raw-p99-ms")
		b.ReportMetric(ms(p50)/ms(r50), "ratio-p50")
		b.ReportMetric(ms(p99)/ms(r99), "ratio-p99")
	})
}

// rawTasks reads a page of tasks as plainly as database/sql allows.
func rawTasks(db *sql.DB, query, today string, acc int64) error {
	rows, err := db.QueryContext(ctx, query, today, acc, benchPage)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id, process, step, kind, status, outcome, org, holder string
			term, orgID, account, total                           int64
			due, created                                          time.Time
			done                                                  sql.NullTime
			overdue                                               bool
		)
		if err := rows.Scan(&id, &process, &term, &orgID, &step, &kind, &account, &status, &outcome, &due, &created,
			&done, &org, &holder, &overdue, &total); err != nil {
			return err
		}
	}
	return rows.Err()
}

// rawCopies reads a page of copies as plainly as database/sql allows.
func rawCopies(db *sql.DB, acc int64) error {
	rows, err := db.QueryContext(ctx, rawCC, acc, benchPage)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			process, by, note, org, holder, step string
			account, total                       int64
			at                                   time.Time
			read                                 sql.NullTime
		)
		if err := rows.Scan(&process, &account, &by, &note, &at, &read, &org, &holder, &step, &total); err != nil {
			return err
		}
	}
	return rows.Err()
}

// explain logs the plan of each page for one account.
func explain(b *testing.B, db *sql.DB) {
	for _, q := range []struct {
		name, sql string
		args      []any
	}{
		{"todo", rawTodo, []any{dateText(benchToday), 4242, benchPage}},
		{"done", rawDone, []any{dateText(benchToday), 4242, benchPage}},
		{"cc", rawCC, []any{4242, benchPage}},
		{"counts", rawCounts, []any{4242, dateText(benchToday), dateText(benchToday.AddDate(0, 0, termgoal.DueSoonDays))}},
	} {
		logPlan(b, db, q.name, q.sql, q.args...)
	}
}

// logPlan logs the plan of query with args, as executed.
func logPlan(b *testing.B, db *sql.DB, name, query string, args ...any) {
	rows, err := db.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+query, args...)
	must2(b, err)
	plan := ""
	for rows.Next() {
		var line string
		must2(b, rows.Scan(&line))
		plan += line + "\n"
	}
	rows.Close()
	b.Logf("plan of %s:\n%s", name, plan)
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, (len(s)*p+99)/100-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func dateText(t time.Time) string { return t.Format(time.DateOnly) }

func must2(b testing.TB, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
