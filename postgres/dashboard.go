package postgres

import (
	"context"
	"errors"
	"sync"
	"time"

	"termgoal"
)

// DashboardFilter scopes the administrator's dashboard (A1) to org subtrees. Today is the day
// overdue counts from; a running process whose last change came before StuckBefore is stuck.
type DashboardFilter struct {
	OrgPaths    []string
	Today       time.Time
	StuckBefore time.Time
}

// Count is one bar of the dashboard: a value (a kind, a step, an org's id, a template) and
// how many running processes have it.
type Count struct {
	Key   string `json:"key"`
	Label string `json:"label,omitempty"` // an org's or a template's name
	N     int    `json:"n"`
}

// StepSpan is how many steps of one name took from one day to another; the dashboard turns
// the spans into working days with the calendar.
type StepSpan struct {
	Step     string
	From, To time.Time
	N        int
}

// DashboardCounts are the dashboard's numbers the database counts.
type DashboardCounts struct {
	Running          int     `json:"running"`
	ByKind           []Count `json:"by_kind"`
	ByStep           []Count `json:"by_step"`
	ByOrg            []Count `json:"by_org"`
	ByTemplate       []Count `json:"by_template"`
	OverdueTasks     int     `json:"overdue_tasks"`
	OverdueProcesses int     `json:"overdue_processes"`
	Stuck            int     `json:"stuck"`
}

// Dashboard counts the running processes f selects by kind, step, org and template, with the
// overdue tasks and processes and the stuck processes. The groupings read process_counts,
// which triggers keep as the read model is written; the counts that depend on the day read the
// partial indexes of running processes and open tasks (migration 00013).
func (s *Store) Dashboard(ctx context.Context, f DashboardFilter) (DashboardCounts, error) {
	var d DashboardCounts
	roots := subtrees(f.OrgPaths)
	// When every org is in scope (a root administrator) there is nothing to filter, and the
	// counts skip the join with orgs, which costs more than the counting at 100,000 processes.
	var everyOrg bool
	if err := s.db.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM orgs o WHERE NOT o.path LIKE ANY($1))`, roots).Scan(&everyOrg); err != nil {
		return d, mapError(err, "dashboard")
	}
	scoped := func(from, alias string) string {
		if everyOrg {
			return from + ` WHERE $1::text[] IS NOT NULL`
		}
		return from + ` JOIN orgs o ON o.id = ` + alias + `.org_id WHERE o.path LIKE ANY($1)`
	}
	// A process that does not say which version of its template it started with counts under
	// its term's template as it is now.
	const version = `COALESCE(NULLIF(split_part(c.template, ':', 2), ''), tp.version::text)`
	groups := []struct {
		dst  *[]Count
		cols string
		from string
	}{
		{&d.ByKind, `c.kind, ''`, scoped("process_counts c", "c")},
		{&d.ByStep, `c.step, ''`, scoped("process_counts c", "c")},
		{&d.ByOrg, `o.id::text, o.name`, `process_counts c JOIN orgs o ON o.id = c.org_id WHERE o.path LIKE ANY($1)`},
		{&d.ByTemplate, `tp.id::text || ':' || ` + version + `, tp.name || ' v' || ` + version,
			scoped(`process_counts c LEFT JOIN templates tp ON tp.id = NULLIF(split_part(c.template, ':', 1), '')::bigint`, "c")},
	}
	// The statements are independent: they run at once, each on its own connection.
	day := []struct {
		dst  *int
		from string
		arg  any
	}{
		{&d.OverdueProcesses, scoped("processes p", "p") + ` AND p.status = 'running' AND p.step_due_on < $2`, dateArg(f.Today)},
		{&d.Stuck, scoped("processes p", "p") + ` AND p.status = 'running' AND p.updated_at < $2`, f.StuckBefore},
		{&d.OverdueTasks, scoped("tasks t", "t") + ` AND t.status = 'open' AND t.due_on < $2`, dateArg(f.Today)},
	}
	errs := make([]error, len(day)+len(groups))
	var wg sync.WaitGroup
	for i, c := range day {
		wg.Go(func() {
			errs[i] = s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+c.from, roots, c.arg).Scan(c.dst)
		})
	}
	for i, g := range groups {
		wg.Go(func() {
			*g.dst, errs[len(day)+i] = list(ctx, s.db, func(r scanner) (Count, error) {
				var c Count
				err := r.Scan(&c.Key, &c.Label, &c.N)
				return c, err
			}, `SELECT `+g.cols+`, sum(c.n)::int FROM `+g.from+` AND c.n > 0 GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 50`, roots)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return d, mapError(err, "dashboard")
	}
	for _, c := range d.ByKind {
		d.Running += c.N
	}
	return d, nil
}

// StepSpans answers, for the steps ended in processes under f's subtrees, how many took from
// which day to which (China days): a step starts when the one before it ended, the first when
// its process started. It reads step_spans, which a trigger keeps as steps are recorded.
func (s *Store) StepSpans(ctx context.Context, f DashboardFilter) ([]StepSpan, error) {
	return list(ctx, s.db, func(r scanner) (StepSpan, error) {
		var sp StepSpan
		err := r.Scan(&sp.Step, &sp.From, &sp.To, &sp.N)
		return sp, err
	}, `SELECT s.step, s.from_day, s.to_day, sum(s.n)::int FROM step_spans s JOIN orgs o ON o.id = s.org_id
		WHERE s.n > 0 AND o.path LIKE ANY($1) GROUP BY 1, 2, 3`, subtrees(f.OrgPaths))
}

// DashboardDisagreements counts the rows of the dashboard's stored counts (process_counts,
// step_spans) that differ from counting the rows themselves, both ways: 0 unless a write
// bypassed the triggers.
func (s *Store) DashboardDisagreements(ctx context.Context) (int, error) {
	n := 0
	for _, pair := range [][2]string{
		{`SELECT org_id, kind, step, template, n FROM process_counts WHERE n <> 0`,
			`SELECT org_id, kind, step, process_template(p), count(*)::int FROM processes p WHERE status = 'running' GROUP BY 1, 2, 3, 4`},
		{`SELECT org_id, step, from_day, to_day, n FROM step_spans WHERE n <> 0`,
			`SELECT org_id, step, from_day, to_day, count(*)::int FROM (SELECT p.org_id, ps.step,
				(COALESCE(lag(ps.at) OVER (PARTITION BY ps.process_id ORDER BY ps.seq), p.started_at) AT TIME ZONE 'Asia/Shanghai')::date AS from_day,
				(ps.at AT TIME ZONE 'Asia/Shanghai')::date AS to_day
			FROM process_steps ps JOIN processes p ON p.id = ps.process_id) s GROUP BY 1, 2, 3, 4`},
	} {
		var m int
		err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM ((`+pair[0]+` EXCEPT ALL `+pair[1]+`) UNION ALL (`+pair[1]+` EXCEPT ALL `+pair[0]+`)) d`).Scan(&m)
		if err != nil {
			return 0, mapError(err, "dashboard counts")
		}
		n += m
	}
	return n, nil
}

// CampaignUnit is one unit of a campaign's progress: an org directly under the campaign's org
// with its subtree (or the campaign's org itself, for its own terms), the terms the campaign
// covers there and where their processes stand.
type CampaignUnit struct {
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	Terms     int    `json:"terms"`
	Started   int    `json:"started"`
	Running   int    `json:"running"`
	Completed int    `json:"completed"`
	Overdue   int    `json:"overdue"`
}

// CampaignUnits is a campaign with its progress per unit.
type CampaignUnits struct {
	Campaign termgoal.Campaign `json:"campaign"`
	Units    []CampaignUnit    `json:"units"`
}

// unitsOf is the FROM part that maps each term t of org o under campaign org $1 to its unit u.
const unitsOf = `orgs u JOIN orgs o ON o.id = u.id OR (u.id <> $1 AND o.path LIKE u.path || '%')
	JOIN terms t ON t.org_id = o.id`

// CampaignUnits answers the newest campaigns (at most limit) on orgs under roots, each with its
// progress per unit, today being the day overdue counts from. A goal-setting campaign covers
// every term of its subtree; an appraisal campaign the terms its year appraises (as
// CampaignProgress counts them).
func (s *Store) CampaignUnits(ctx context.Context, roots []string, today time.Time, limit int) ([]CampaignUnits, error) {
	camps, err := list(ctx, s.db, scanCampaign, `SELECT `+campaignCols+` FROM campaigns c JOIN orgs o ON o.id = c.org_id
		WHERE o.path LIKE ANY($1) ORDER BY c.created_at DESC, c.id DESC LIMIT $2`, subtrees(roots), limit)
	if err != nil {
		return nil, err
	}
	out := make([]CampaignUnits, len(camps))
	for i, c := range camps {
		units, err := s.UnitsOfCampaign(ctx, &c, today)
		if err != nil {
			return nil, err
		}
		out[i] = CampaignUnits{Campaign: c, Units: units}
	}
	return out, nil
}

// UnitsOfCampaign answers campaign c's progress per unit (CampaignUnit), its own org first and
// then its sub-orgs by name, today being the day overdue counts from.
func (s *Store) UnitsOfCampaign(ctx context.Context, c *termgoal.Campaign, today time.Time) ([]CampaignUnit, error) {
	q := `SELECT u.id, u.name, count(DISTINCT t.id), count(pr.id),
			count(pr.id) FILTER (WHERE pr.status = 'running'), count(pr.id) FILTER (WHERE pr.status = 'completed'),
			count(pr.id) FILTER (WHERE pr.status = 'running' AND pr.step_due_on < $3)
		FROM ` + unitsOf + ` LEFT JOIN processes pr ON pr.term_id = t.id AND pr.kind = $2
		WHERE (u.id = $1 OR u.parent_id = $1) GROUP BY u.id, u.name ORDER BY u.id <> $1, u.name`
	args := []any{c.OrgID, c.Kind, dateArg(today)}
	if termgoal.IsAppraisal(c.Kind) {
		q = `SELECT u.id, u.name, count(DISTINCT t.id), count(pr.id),
				count(pr.id) FILTER (WHERE pr.status = 'running'), count(pr.id) FILTER (WHERE pr.status = 'completed'),
				count(pr.id) FILTER (WHERE pr.status = 'running' AND pr.step_due_on < $3)
			FROM ` + unitsOf + ` LEFT JOIN (appraisals a JOIN processes pr ON pr.id = a.process_id)
				ON a.term_id = t.id AND a.kind = $2 AND a.year = $4
			WHERE (u.id = $1 OR u.parent_id = $1) AND (pr.id IS NOT NULL OR (t.start_on <= make_date($4, 12, 31)
				AND t.end_on >= make_date($4, 1, 1)
				AND EXISTS (SELECT 1 FROM plan_versions v WHERE v.term_id = t.id AND v.status = 'in_force')))
			GROUP BY u.id, u.name ORDER BY u.id <> $1, u.name`
		args = append(args, c.Year)
	}
	return list(ctx, s.db, func(r scanner) (CampaignUnit, error) {
		var u CampaignUnit
		err := r.Scan(&u.OrgID, &u.OrgName, &u.Terms, &u.Started, &u.Running, &u.Completed, &u.Overdue)
		return u, err
	}, q, args...)
}
