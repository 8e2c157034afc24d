package app

import (
	"cmp"
	"context"
	"slices"
	"time"

	"termgoal"
	"termgoal/postgres"
)

// DefaultStuckDays is how many working days without a change make a running process stuck,
// unless the dashboard is asked for another number.
const DefaultStuckDays = 10

// Dashboard is the administrator's overview (A1) of the processes in the orgs they administer.
type Dashboard struct {
	postgres.DashboardCounts
	StuckDays int                      `json:"stuck_days"`
	StepTimes []StepTime               `json:"step_times"`
	Campaigns []postgres.CampaignUnits `json:"campaigns"`
	// Undelivered counts the notifications a channel still fails to take (FailedDeliveries).
	Undelivered int `json:"undelivered"`
}

// StepTime is how long a step took, in working days, over the steps ended in the scope.
type StepTime struct {
	Step   string `json:"step"`
	N      int    `json:"n"`
	Median int    `json:"median"`
	P90    int    `json:"p90"`
}

// Dashboard counts the running processes in the orgs acc administers (orgID: only that org's
// subtree), with the processes stuck for stuckDays working days, the working days each step
// took and the progress of the recent campaigns per unit.
func (s *Service) Dashboard(ctx context.Context, acc *termgoal.Account, orgID int64, stuckDays int) (*Dashboard, error) {
	roots := AdminRoots(acc)
	if orgID != 0 {
		path, err := s.OrgPath(ctx, orgID)
		if err != nil {
			return nil, err
		}
		if !IsAdmin(acc, path) {
			return nil, ErrForbidden()
		}
		roots = []string{path}
	}
	if len(roots) == 0 {
		return nil, ErrForbidden()
	}
	if stuckDays < 1 || stuckDays > 250 {
		return nil, termgoal.Errorf(termgoal.EINVALID, "dashboard.stuck_days", "the days without a change are 1 to 250 working days", "min", 1, "max", 250)
	}
	cal, err := s.Store.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	since, err := cal.AddWorkingDays(today, -stuckDays)
	if err != nil {
		return nil, err
	}
	f := postgres.DashboardFilter{OrgPaths: roots, Today: today, StuckBefore: time.Date(since.Year(), since.Month(), since.Day(), 0, 0, 0, 0, ChinaTime)}
	d := &Dashboard{StuckDays: stuckDays}
	if d.DashboardCounts, err = s.Store.Dashboard(ctx, f); err != nil {
		return nil, err
	}
	spans, err := s.Store.StepSpans(ctx, f)
	if err != nil {
		return nil, err
	}
	if d.StepTimes, err = stepTimes(spans, cal.WorkingDaysBetween); err != nil {
		return nil, err
	}
	if d.Campaigns, err = s.Store.CampaignUnits(ctx, roots, today, 5); err != nil {
		return nil, err
	}
	if _, d.Undelivered, err = s.Store.FailedDeliveries(ctx, roots, 1, 0); err != nil { // the count, one row
		return nil, err
	}
	return d, nil
}

// stepTimes turns the spans of each step into working days, and those into the median and the
// 90th percentile (nearest rank), steps in the order of goal setting.
func stepTimes(spans []postgres.StepSpan, workingDays func(from, to time.Time) (int, error)) ([]StepTime, error) {
	type weighted struct{ days, n int }
	by := map[string][]weighted{}
	for _, sp := range spans {
		days, err := workingDays(sp.From, sp.To)
		if err != nil {
			return nil, err
		}
		by[sp.Step] = append(by[sp.Step], weighted{days, sp.N})
	}
	out := make([]StepTime, 0, len(by))
	for step, ws := range by {
		slices.SortFunc(ws, func(a, b weighted) int { return a.days - b.days })
		total := 0
		for _, w := range ws {
			total += w.n
		}
		rank := func(percent int) int {
			need, seen := max((total*percent+99)/100, 1), 0 // the nearest rank: ⌈percent·n/100⌉
			for _, w := range ws {
				if seen += w.n; seen >= need {
					return w.days
				}
			}
			return ws[len(ws)-1].days
		}
		out = append(out, StepTime{Step: step, N: total, Median: rank(50), P90: rank(90)})
	}
	order := func(step string) int {
		if i := slices.Index(termgoal.GoalSteps, termgoal.Step(step)); i >= 0 {
			return i
		}
		return len(termgoal.GoalSteps)
	}
	slices.SortFunc(out, func(a, b StepTime) int {
		if d := order(a.Step) - order(b.Step); d != 0 {
			return d
		}
		return cmp.Compare(a.Step, b.Step)
	})
	return out, nil
}
