package postgres_test

import (
	"database/sql"
	"fmt"
	"strconv"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// The dashboard's numbers for a county with two villages: a running goal setting overdue in
// one (with an overdue task and an ended draft step), a running one in the other, and a
// completed one; the counts follow the scope, and the campaign's progress is per unit.
func TestDashboard(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	holder := account(t, s, "holder", &w.person.ID)
	hill, hillTerm := w.sibling(t, s, "Hill village", termgoal.OrgVillage)

	c := w.change("goal-1/c/1", 0, termgoal.StepDraft, "started")
	c.Open = []termgoal.Task{task("goal-1-1", holder, "2026-03-16")}
	must(t, s.Apply(ctx, c))
	c = w.change("goal-1/c/2", 3*24*60, termgoal.StepConsultation, "draft_submitted") // the draft took three days
	c.Process.State.Template = &termgoal.TemplateRef{ID: w.template.ID, Version: 7}
	c.StepRecord = &termgoal.StepRecord{Seq: 1, Step: termgoal.StepDraft, Version: 1, Outcome: "submitted", At: c.At}
	must(t, s.Apply(ctx, c))
	c = w.change("goal-2/c/1", 30*24*60, termgoal.StepNotice, "started")
	c.Process.ID, c.Process.TermID, c.Process.OrgID = "goal-2", hillTerm.ID, hill.ID
	later := day("2026-04-30")
	c.Process.StepDueOn = &later
	must(t, s.Apply(ctx, c))
	c = w.change("goal-3/c/1", 9, termgoal.StepInForce, "in_force")
	c.Process.ID, c.Process.Status, c.Process.StepDueOn = "goal-3", "completed", nil
	must(t, s.Apply(ctx, c))

	f := postgres.DashboardFilter{OrgPaths: []string{w.county.Path}, Today: day("2026-04-01"), StuckBefore: day("2026-03-20")}
	d, err := s.Dashboard(ctx, f)
	must(t, err)
	tmpl := strconv.FormatInt(w.template.ID, 10)
	want := postgres.DashboardCounts{Running: 2, OverdueTasks: 1, OverdueProcesses: 1, Stuck: 1, // goal-1: last change on 03-05
		ByKind: []postgres.Count{{Key: "goal_setting", N: 2}},
		ByStep: []postgres.Count{{Key: "consultation", N: 1}, {Key: "notice", N: 1}},
		ByOrg: []postgres.Count{{Key: fmt.Sprint(w.village.ID), Label: "Village", N: 1},
			{Key: fmt.Sprint(hill.ID), Label: "Hill village", N: 1}},
		// goal-1 carries the template it started with; goal-2 counts its term's as it is now.
		ByTemplate: []postgres.Count{{Key: tmpl + ":1", Label: "Village v1", N: 1}, {Key: tmpl + ":7", Label: "Village v7", N: 1}},
	}
	if fmt.Sprintf("%+v", d) != fmt.Sprintf("%+v", want) {
		t.Errorf("Dashboard(county) =\n%+v\nwant\n%+v", d, want)
	}
	town := f
	town.OrgPaths = []string{w.town.Path}
	if d, err := s.Dashboard(ctx, town); err != nil || d.Running != 1 || d.OverdueTasks != 1 || len(d.ByOrg) != 1 || d.ByOrg[0].Label != "Village" {
		t.Errorf("Dashboard(town) = %+v, %v", d, err)
	}

	spans, err := s.StepSpans(ctx, f)
	must(t, err)
	if len(spans) != 1 || spans[0].Step != "draft" || spans[0].N != 1 ||
		!spans[0].From.Equal(day("2026-03-02")) || !spans[0].To.Equal(day("2026-03-05")) {
		t.Errorf("StepSpans = %+v", spans)
	}

	camp := termgoal.Campaign{Name: "Election 2026", Kind: "goal_setting", OrgID: w.county.ID, CreatedBy: "admin"}
	must(t, s.CreateCampaign(ctx, &camp))
	units, err := s.CampaignUnits(ctx, []string{w.county.Path}, day("2026-04-01"), 5)
	must(t, err)
	// The town's subtree holds the village's term with goal-1 (running, overdue) and goal-3.
	wantUnits := fmt.Sprint([]postgres.CampaignUnit{
		{OrgID: hill.ID, OrgName: "Hill village", Terms: 1, Started: 1, Running: 1},
		{OrgID: w.town.ID, OrgName: "Town", Terms: 1, Started: 2, Running: 1, Completed: 1, Overdue: 1},
	})
	if len(units) != 1 || units[0].Campaign.ID != camp.ID || fmt.Sprint(units[0].Units) != wantUnits {
		t.Errorf("CampaignUnits = %+v, want one campaign with %s", units, wantUnits)
	}
	if units, err := s.CampaignUnits(ctx, []string{w.town.Path}, day("2026-04-01"), 5); err != nil || len(units) != 0 {
		t.Errorf("a campaign on the county shows under the town: %+v, %v", units, err)
	}
	countsAgree(t, s)
}

// countsAgree checks the counts the triggers keep for the dashboard against the rows they count.
func countsAgree(t *testing.T, s *postgres.Store) {
	t.Helper()
	if n, err := s.DashboardDisagreements(ctx); err != nil || n != 0 {
		t.Errorf("%d of the dashboard's counts disagree with the rows they count (%v)", n, err)
	}
}

// Two writes in one org that change the counts in opposite orders (as a write that undoes a
// discarded change does against a plain write) queue on the org's lock instead of deadlocking.
func TestDashboardCountsDoNotDeadlock(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	for id, step := range map[string]termgoal.Step{"x1": termgoal.StepApproval, "x2": termgoal.StepNotice,
		"y1": termgoal.StepNotice, "y2": termgoal.StepApproval} {
		c := w.change(id+"/c/1", 0, step, "started")
		c.Process.ID = id
		must(t, s.Apply(ctx, c))
	}
	step := func(tx *sql.Tx, id string, to termgoal.Step) error {
		_, err := tx.ExecContext(ctx, `UPDATE processes SET step = $2 WHERE id = $1`, id, string(to))
		return err
	}
	t1, err := s.DB().BeginTx(ctx, nil)
	must(t, err)
	t2, err := s.DB().BeginTx(ctx, nil)
	must(t, err)
	must(t, step(t1, "x1", termgoal.StepDraft)) // the approval row, then the draft row
	done := make(chan error, 1)
	go func() {
		err := step(t2, "y1", termgoal.StepDraft) // the notice row…
		if err == nil {
			err = step(t2, "y2", termgoal.StepDraft) // …then the approval row
		}
		if err == nil {
			err = t2.Commit()
		}
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)          // t2 waits on the org's lock, holding no count row
	must(t, step(t1, "x2", termgoal.StepDraft)) // the notice row: free
	must(t, t1.Commit())
	if err := <-done; err != nil {
		t.Fatalf("the second write: %v", err)
	}
	countsAgree(t, s)
}
