package postgres_test

import (
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres/postgrestest"
)

func TestAppraisalCampaigns(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	// The world's term (2026-03 to 2031-02) gets a plan in force; a second one in the village
	// never does; a third has its plan but ended in 2025.
	must(t, s.Apply(ctx, w.inForce("f1", 0, 1)))
	noPlan := w.term
	noPlan.ID = 0
	must(t, s.CreateTerm(ctx, &noPlan))
	ended := w.term
	ended.ID, ended.Start, ended.End = 0, day("2021-01-01"), day("2025-12-31")
	must(t, s.CreateTerm(ctx, &ended))
	c := w.inForce("f2", 1, 1)
	c.Process.ID, c.Process.TermID, c.PlanVersion.TermID = "goal-ended", ended.ID, ended.ID
	must(t, s.Apply(ctx, c))

	for _, c := range []struct {
		path  string
		year  int
		after int64
		want  []int64
	}{
		{w.county.Path, 2026, 0, []int64{w.term.ID}},
		{w.county.Path, 2025, 0, []int64{ended.ID}},
		{w.county.Path, 2031, 0, []int64{w.term.ID}},
		{w.county.Path, 2032, 0, nil},
		{w.county.Path, 2026, w.term.ID, nil},
		{w.village.Path + "x", 2026, 0, nil},
	} {
		terms, err := s.TermsForAppraisal(ctx, c.path, c.year, c.after, 10)
		must(t, err)
		var got []int64
		for _, tm := range terms {
			got = append(got, tm.ID)
		}
		if len(got) != len(c.want) || len(got) == 1 && got[0] != c.want[0] {
			t.Errorf("TermsForAppraisal(%s, %d, %d) = %v, want %v", c.path, c.year, c.after, got, c.want)
		}
	}

	camp := termgoal.Campaign{Name: "2026 appraisal", Kind: termgoal.AppraisalAnnual, OrgID: w.town.ID, Year: 2026, CreatedBy: "admin"}
	must(t, s.CreateCampaign(ctx, &camp))
	got, err := s.Campaign(ctx, camp.ID)
	must(t, err)
	if got.Year != 2026 || got.ScheduleID != "" || got.Kind != termgoal.AppraisalAnnual {
		t.Errorf("Campaign = %+v", got)
	}
	p, err := s.CampaignProgress(ctx, got, day("2026-03-10"))
	must(t, err)
	if p.Terms != 1 || p.Started != 0 {
		t.Errorf("progress before any appraisal = %+v", p)
	}
	// Appraisals of the campaign's kind and year count; another year's, the goal setting and a
	// term-end appraisal do not.
	due := day("2026-03-05")
	for _, a := range []struct {
		id, kind string
		year     int
	}{{"a-2026", termgoal.AppraisalAnnual, 2026}, {"a-2025", termgoal.AppraisalAnnual, 2025}, {"end", termgoal.AppraisalTermEnd, 2026}} {
		c := appraisal(a.id, w.term, 5, termgoal.StepSelfAssessment, "running", termgoal.AppraisalRecord{Kind: a.kind, Year: a.year, Status: "running"})
		c.Process.StepDueOn = &due
		must(t, s.Apply(ctx, c))
	}
	p, err = s.CampaignProgress(ctx, got, day("2026-03-10"))
	must(t, err)
	if p.Terms != 1 || p.Started != 1 || p.Running != 1 || p.Overdue != 1 || p.Completed != 0 ||
		len(p.ByStep) != 1 || p.ByStep[string(termgoal.StepSelfAssessment)] != 1 {
		t.Errorf("progress = %+v", p)
	}
	// A campaign of 2025 covers the ended term and the 2025 appraisal of the current one.
	got.Year = 2025
	if p, _ := s.CampaignProgress(ctx, got, day("2026-03-10")); p.Terms != 2 || p.Started != 1 {
		t.Errorf("progress of 2025 = %+v", p)
	}
	// Goal setting is counted as before: every term under the org, its goal-setting processes.
	goal := termgoal.Campaign{Name: "换届", Kind: "goal_setting", OrgID: w.town.ID, CreatedBy: "admin"}
	must(t, s.CreateCampaign(ctx, &goal))
	if p, _ := s.CampaignProgress(ctx, &goal, time.Now()); p.Terms != 3 || p.Started != 2 || p.Completed != 2 {
		t.Errorf("goal-setting progress = %+v", p)
	}

	sched := termgoal.Campaign{Name: "年度考核 2026", Kind: termgoal.AppraisalAnnual, OrgID: w.county.ID, Year: 2026,
		ScheduleID: "annual-appraisal", CreatedBy: "schedule"}
	must(t, s.EnsureScheduledCampaign(ctx, &sched))
	first := sched
	again := termgoal.Campaign{Name: "another name", Kind: termgoal.AppraisalAnnual, OrgID: w.county.ID, Year: 2026,
		ScheduleID: "annual-appraisal", CreatedBy: "schedule"}
	must(t, s.EnsureScheduledCampaign(ctx, &again))
	if first.ID == 0 || again.ID != first.ID || again.Name != "年度考核 2026" || again.OrgName != "County" || again.Status != "running" {
		t.Errorf("EnsureScheduledCampaign: first %+v, again %+v", first, again)
	}
	next := again
	next.ID, next.Year = 0, 2027
	must(t, s.EnsureScheduledCampaign(ctx, &next))
	if next.ID == first.ID || next.Year != 2027 {
		t.Errorf("next year's = %+v", next)
	}
	next.ScheduleID = ""
	wantCode(t, s.EnsureScheduledCampaign(ctx, &next), termgoal.EINVALID)
	unknownOrg := termgoal.Campaign{Name: "x", Kind: termgoal.AppraisalAnnual, Year: 2026, ScheduleID: "elsewhere", CreatedBy: "schedule"}
	err = s.EnsureScheduledCampaign(ctx, &unknownOrg)
	if e, ok := err.(*termgoal.Error); !ok || e.Key != "campaign.org_unknown" {
		t.Errorf("a campaign of no org: %v", err)
	}
	// By hand, a campaign of the same year is another one.
	byHand := termgoal.Campaign{Name: "by hand", Kind: termgoal.AppraisalAnnual, OrgID: w.county.ID, Year: 2026, CreatedBy: "admin"}
	must(t, s.CreateCampaign(ctx, &byHand))
	if byHand.ID == first.ID {
		t.Error("a campaign by hand took the scheduled one")
	}
}
