package workflows

import (
	"testing"
	"time"

	"termgoal"
	"termgoal/activities"
)

// The end-of-term appraisal starts its template's months before the term ends: by default 3
// for a university's template, 2 for a party organization's, and what the template sets when
// it sets a number.
func TestTermEndAppraisalStartsByOrgType(t *testing.T) {
	end := time.Date(2030, 6, 30, 0, 0, 0, 0, time.UTC)
	set := termgoal.DefaultAppraisal()
	set.TermEndMonths = 5
	for _, c := range []struct {
		tmpl termgoal.Template
		want string
	}{
		{termgoal.Template{OrgType: termgoal.OrgUniversity}, "2030-03-30"},
		{termgoal.Template{OrgType: termgoal.OrgVillage}, "2030-04-30"},
		{termgoal.Template{OrgType: termgoal.OrgUniversity, Appraisal: &set}, "2030-01-30"},
	} {
		info := activities.StartInfo{Term: termgoal.Term{Start: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), End: end}, Template: c.tmpl}
		var got string
		for _, ev := range termEvents(1, info, termgoal.Actor{}) {
			if ev.ID == TermEndID(1) {
				got = ev.At.Format(time.DateOnly)
			}
		}
		if got != c.want {
			t.Errorf("%s template (appraisal %v): the end-of-term appraisal starts %s, want %s", c.tmpl.OrgType, c.tmpl.Appraisal != nil, got, c.want)
		}
	}
}

// A company template's cycle appraises each month or quarter of the term the day after it
// ends, over that period; a template without a cycle appraises none.
func TestCycleAppraisalsFollowTheCalendar(t *testing.T) {
	term := termgoal.Term{Start: time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	periods := func(cycle string) (out []string) {
		cfg := termgoal.DefaultAppraisal()
		cfg.Cycle = cycle
		for _, ev := range termEvents(7, activities.StartInfo{Term: term, Template: termgoal.Template{Appraisal: &cfg}}, termgoal.Actor{}) {
			in, ok := ev.Input.(AppraisalInput)
			if !ok || !termgoal.IsPeriodAppraisal(in.Kind) {
				continue
			}
			period := termgoal.PeriodName(in.Kind, in.From)
			if ev.ID != AppraisalPeriodID(7, period) || !ev.At.Equal(time.Date(in.To.Year(), in.To.Month(), in.To.Day()+1, 0, 0, 0, 0, chinaTime)) {
				t.Errorf("%s: %s at %v", period, ev.ID, ev.At)
			}
			out = append(out, period+" "+in.From.Format(time.DateOnly)+".."+in.To.Format(time.DateOnly))
		}
		return out
	}
	if got := periods(termgoal.CycleAnnual); len(got) != 0 {
		t.Errorf("without a cycle: %v", got)
	}
	if got := periods(termgoal.CycleMonthly); len(got) != 11 || got[0] != "2026-02 2026-02-01..2026-02-28" || got[10] != "2026-12 2026-12-01..2026-12-31" {
		t.Errorf("monthly: %v", got)
	}
	if got := periods(termgoal.CycleQuarterly); len(got) != 4 || got[0] != "2026-Q1 2026-01-01..2026-03-31" || got[3] != "2026-Q4 2026-10-01..2026-12-31" {
		t.Errorf("quarterly: %v", got)
	}
}
