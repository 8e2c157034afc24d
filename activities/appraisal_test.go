package activities_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"termgoal"
	"termgoal/activities"
)

// fakeTemporal starts and signals workflows in memory: a second start of an ID is refused as
// Temporal refuses it, and a signal to an ID in gone finds no workflow. The embedded nil
// interface panics on anything else.
type fakeTemporal struct {
	client.Client
	mu      sync.Mutex
	started map[string]string // workflow ID → type and input JSON
	signals []string
	gone    map[string]bool
}

func newFakeTemporal() *fakeTemporal {
	return &fakeTemporal{started: map[string]string{}, gone: map[string]bool{}}
}

func (f *fakeTemporal) ExecuteWorkflow(ctx context.Context, o client.StartWorkflowOptions, wf any, args ...any) (client.WorkflowRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.started[o.ID]; ok {
		return nil, serviceerror.NewWorkflowExecutionAlreadyStarted("workflow execution already started", "", "")
	}
	b, err := json.Marshal(args[0])
	f.started[o.ID] = fmt.Sprintf("%v %s", wf, b)
	return nil, err
}

func (f *fakeTemporal) SignalWorkflow(ctx context.Context, id, runID, name string, arg any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone[id] {
		return serviceerror.NewNotFound("workflow execution already completed")
	}
	b, err := json.Marshal(arg)
	f.signals = append(f.signals, fmt.Sprintf("%s %s %s", id, name, b))
	return err
}

// withTemporal returns an activity environment whose activities use fake as their client.
func (f *fixture) withTemporal(t *testing.T, fake *fakeTemporal) (*activities.Activities, *testsuite.TestActivityEnvironment) {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(t.Output(), nil))))
	env := suite.NewTestActivityEnvironment()
	acts := &activities.Activities{Store: f.store, Temporal: fake}
	env.RegisterActivity(acts)
	return acts, env
}

// process applies a change that writes process id of term at step with status, and rec as
// its appraisal row when given.
func (f *fixture) process(t *testing.T, id string, term termgoal.Term, at time.Time, status string, rec *termgoal.AppraisalRecord) {
	t.Helper()
	kind := "goal_setting"
	if rec != nil {
		rec.TermID, rec.OrgID, kind = term.ID, term.OrgID, rec.Kind
	}
	must(t, f.store.Apply(ctx, termgoal.Change{ID: id + "/" + at.Format(time.RFC3339), At: at, Action: "started",
		Process: termgoal.Process{ID: id, Kind: kind, TermID: term.ID, OrgID: term.OrgID, Step: termgoal.StepDraft,
			Status: status, DeadlineOn: at.AddDate(0, 2, 0)},
		Appraisal: rec}))
}

// inForce brings version v of the term's plan into force at at.
func (f *fixture) inForce(t *testing.T, term termgoal.Term, v int, at time.Time) {
	t.Helper()
	items := []termgoal.PlanItem{{Category: "economy", Title: fmt.Sprintf("Income v%d", v), Quantitative: true,
		Targets: map[string]string{"2026": "5"}, Weight: 100, Owner: "Li"}}
	must(t, f.store.Apply(ctx, termgoal.Change{ID: fmt.Sprintf("plan-%d-%d", term.ID, v), At: at, Action: "in_force",
		Process: termgoal.Process{ID: fmt.Sprintf("goal-%d-%d", term.ID, v), Kind: "goal_setting", TermID: term.ID, OrgID: term.OrgID,
			Step: termgoal.StepInForce, Status: "completed", DeadlineOn: at},
		PlanVersion: &termgoal.PlanVersion{Version: v, Items: items, Step: termgoal.StepApproval, Status: "in_force"},
		InForce:     true}))
}

func archived(kind string, year int, grade string) *termgoal.AppraisalRecord {
	at := time.Date(year+1, 3, 1, 0, 0, 0, 0, time.UTC)
	return &termgoal.AppraisalRecord{Kind: kind, Year: year, Status: "archived", ArchivedAt: &at, Scale: termgoal.CadreScale.ID,
		Result: &termgoal.AppraisalResult{Score: 95, Computed: grade, Grade: grade}}
}

func TestAppraisalInfo(t *testing.T) {
	f := newFixture(t)
	tpl, err := f.store.Template(ctx, f.personTerm.TemplateID)
	must(t, err)
	cfg := termgoal.DefaultAppraisal()
	cfg.TopQuota = 0.15
	tpl.Appraisal = &cfg
	must(t, f.store.UpdateTemplate(ctx, tpl))
	// Li Wei held the village's previous term too: a further one is at the limit.
	earlier := f.personTerm
	earlier.ID, earlier.Start, earlier.End = 0, day("2023-03-01"), day("2026-02-28")
	must(t, f.store.CreateTerm(ctx, &earlier))
	// Version 1 in force from April, version 2 (an amendment) from September.
	f.inForce(t, f.personTerm, 1, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	f.inForce(t, f.personTerm, 2, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
	f.process(t, "appraisal-2026", f.personTerm, time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC), "completed",
		archived(termgoal.AppraisalAnnual, 2026, termgoal.GradeExcellent))
	f.process(t, "termend", f.personTerm, time.Date(2027, 1, 6, 0, 0, 0, 0, time.UTC), "completed",
		archived(termgoal.AppraisalTermEnd, 2027, termgoal.GradeCompetent))

	info := func(term termgoal.Term, asOf string) activities.AppraisalInfo {
		t.Helper()
		val, err := f.env.ExecuteActivity(f.acts.AppraisalInfo, activities.AppraisalInfoInput{TermID: term.ID, AsOf: day(asOf)})
		must(t, err)
		var got activities.AppraisalInfo
		must(t, val.Get(&got))
		return got
	}
	got := info(f.personTerm, "2026-06-30")
	if got.Term.ID != f.personTerm.ID || got.OrgPath != f.village.Path || got.Holder != "Li Wei" || got.ParentOrgID != f.town.ID ||
		got.Template.AppraisalConfig().TopQuota != 0.15 || got.Plan == nil || got.Plan.Version != 1 ||
		got.Plan.Items[0].Title != "Income v1" || len(got.Annual) != 1 || got.Annual[0].ProcessID != "appraisal-2026" ||
		got.Annual[0].Result.Grade != termgoal.GradeExcellent {
		t.Errorf("AppraisalInfo = %+v", got)
	}
	var terms *termgoal.Warning
	for i, w := range got.Warnings {
		if w.Code == termgoal.WarnConsecutiveTerms {
			terms = &got.Warnings[i]
		}
	}
	// At the limit of two terms, a nomination is a violation (without one it is a warning).
	if terms == nil || terms.Severity != termgoal.SeverityViolation {
		t.Errorf("Warnings = %+v, want a consecutive-terms violation", got.Warnings)
	}
	if got := info(f.personTerm, "2026-12-31"); got.Plan == nil || got.Plan.Version != 2 {
		t.Errorf("plan at the year's end = %+v", got.Plan)
	}
	// Before any plan came into force: the latest that did.
	if got := info(f.personTerm, "2026-03-15"); got.Plan == nil || got.Plan.Version != 2 {
		t.Errorf("plan before any in force = %+v", got.Plan)
	}
	if got := info(f.orgTerm, "2026-12-31"); got.Plan != nil || len(got.Warnings) != 0 || got.Holder != "Village" || len(got.Annual) != 0 {
		t.Errorf("org term's AppraisalInfo = %+v", got)
	}
	townTerm := f.orgTerm
	townTerm.ID, townTerm.OrgID = 0, f.town.ID
	must(t, f.store.CreateTerm(ctx, &townTerm))
	if got := info(townTerm, "2026-12-31"); got.ParentOrgID != 0 || got.OrgPath != f.town.Path {
		t.Errorf("root org's AppraisalInfo = %+v", got)
	}
	_, err = f.env.ExecuteActivity(f.acts.AppraisalInfo, activities.AppraisalInfoInput{TermID: 999, AsOf: day("2026-12-31")})
	wantDomainError(t, err, termgoal.ENOTFOUND, "term.not_found")
}

func TestQuotaRound(t *testing.T) {
	f := newFixture(t)
	f.process(t, "a-person", f.personTerm, time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC), "completed",
		archived(termgoal.AppraisalAnnual, 2026, termgoal.GradeExcellent))
	f.process(t, "a-org", f.orgTerm, time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC), "running",
		&termgoal.AppraisalRecord{Kind: termgoal.AppraisalAnnual, Year: 2026, Status: "running"})
	for _, c := range []struct {
		in         activities.QuotaInput
		round, top int
	}{
		{activities.QuotaInput{Kind: termgoal.AppraisalAnnual, Year: 2026, ParentOrgID: f.town.ID, ProcessID: "a-org", Top: termgoal.GradeExcellent}, 2, 1},
		{activities.QuotaInput{Kind: termgoal.AppraisalAnnual, Year: 2026, ParentOrgID: f.town.ID, ProcessID: "a-person", Top: termgoal.GradeExcellent}, 2, 0},
		{activities.QuotaInput{Kind: termgoal.AppraisalAnnual, Year: 2025, ParentOrgID: f.town.ID, ProcessID: "new", Top: termgoal.GradeExcellent}, 1, 0},
	} {
		val, err := f.env.ExecuteActivity(f.acts.QuotaRound, c.in)
		must(t, err)
		var q activities.QuotaRound
		must(t, val.Get(&q))
		if q.Round != c.round || q.Top != c.top {
			t.Errorf("QuotaRound(%+v) = %+v, want %d, %d", c.in, q, c.round, c.top)
		}
	}
}

func TestHandover(t *testing.T) {
	f := newFixture(t)
	successor := termgoal.Person{Name: "Zhang San"}
	must(t, f.store.CreatePerson(ctx, &successor))
	var to []termgoal.Actor
	for _, name := range []string{"zhang", "zhang2"} {
		acc := termgoal.Account{Username: name, DisplayName: "Mr " + name, PersonID: &successor.ID}
		must(t, f.store.CreateAccount(ctx, &acc, "x"))
		to = append(to, termgoal.Actor{AccountID: acc.ID, Name: acc.DisplayName})
	}
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	f.process(t, "goal", f.personTerm, start, "running", nil)
	f.process(t, "report", f.personTerm, start.Add(time.Hour), "running", nil)
	f.process(t, "leaver", f.personTerm, start.Add(2*time.Hour), "running", nil) // the leaver's own appraisal
	f.process(t, "done", f.personTerm, start.Add(3*time.Hour), "completed", nil)
	f.process(t, "other", f.orgTerm, start, "running", nil)
	in := activities.HandoverActivityInput{TermID: f.personTerm.ID, ToPersonID: successor.ID, On: day("2027-06-01"),
		Reason: "transferred", Actor: termgoal.Actor{AccountID: f.boss.ID, Name: "Mr boss"}, AppraisalID: "leaver"}
	handover := func(env *testsuite.TestActivityEnvironment, acts *activities.Activities) activities.HandoverResult {
		t.Helper()
		val, err := env.ExecuteActivity(acts.Handover, in)
		must(t, err)
		var r activities.HandoverResult
		must(t, val.Get(&r))
		return r
	}
	want := func(r activities.HandoverResult) {
		t.Helper()
		if r.FromPersonID != *f.personTerm.PersonID || fmt.Sprint(r.From) != fmt.Sprint([]termgoal.Actor{{AccountID: f.holder.ID, Name: f.holder.DisplayName}}) ||
			fmt.Sprint(r.To) != fmt.Sprint(to) || fmt.Sprint(r.Processes) != "[goal report]" {
			t.Errorf("Handover = %+v", r)
		}
	}
	// Without a client the handover is recorded and nothing is signalled.
	want(handover(f.env, f.acts))
	term, err := f.store.Term(ctx, f.personTerm.ID)
	must(t, err)
	if *term.PersonID != successor.ID {
		t.Errorf("term person = %d, want the successor %d", *term.PersonID, successor.ID)
	}

	// Retried with a client: nothing new is recorded, the running processes are signalled, and
	// one that ended meanwhile is skipped.
	fake := newFakeTemporal()
	fake.gone["report"] = true
	acts, env := f.withTemporal(t, fake)
	want(handover(env, acts))
	payload, err := json.Marshal(struct {
		To     []termgoal.Actor `json:"to"`
		Reason string           `json:"reason"`
	}{to, "transferred"}) // workflows.HolderChange
	must(t, err)
	if fmt.Sprint(fake.signals) != fmt.Sprintf("[goal holder_changed %s]", payload) {
		t.Errorf("signals = %v", fake.signals)
	}
	var n int
	must(t, f.store.DB().QueryRowContext(ctx, `SELECT count(*) FROM handovers`).Scan(&n))
	if n != 1 {
		t.Errorf("%d handovers recorded, want 1", n)
	}

	// Handing it over again to the one who now holds it is refused.
	in.On = day("2027-07-01")
	_, err = env.ExecuteActivity(acts.Handover, in)
	wantDomainError(t, err, termgoal.EINVALID, "handover.same_person")
}

func TestStartCampaignPage(t *testing.T) {
	f := newFixture(t)
	fake := newFakeTemporal()
	acts, env := f.withTemporal(t, fake)
	run := func(in activities.CampaignPageInput) activities.CampaignPageResult {
		t.Helper()
		val, err := env.ExecuteActivity(acts.StartCampaignPage, in)
		must(t, err)
		var r activities.CampaignPageResult
		must(t, val.Get(&r))
		return r
	}
	initiator := termgoal.Actor{AccountID: f.boss.ID, Name: "Mr boss"}
	initiatorJSON, err := json.Marshal(initiator)
	must(t, err)

	// Goal setting, as before: every term without its process, each linked to it.
	goal := termgoal.Campaign{Name: "换届", Kind: "goal_setting", OrgID: f.town.ID, CreatedBy: "admin"}
	must(t, f.store.CreateCampaign(ctx, &goal))
	r := run(activities.CampaignPageInput{CampaignID: goal.ID, OrgPath: f.town.Path, Limit: 10, WorkflowType: "GoalSetting",
		TaskQueue: "q", IDFormat: "goalsetting-term-%d", Initiator: initiator})
	if r.Started != 2 || r.Existing != 0 || !r.Done || r.LastTermID != f.orgTerm.ID {
		t.Errorf("goal-setting page = %+v", r)
	}
	id := fmt.Sprintf("goalsetting-term-%d", f.personTerm.ID)
	if want := fmt.Sprintf(`GoalSetting {"initiator":%s,"term_id":%d}`, initiatorJSON, f.personTerm.ID); fake.started[id] != want {
		t.Errorf("started %s = %s, want %s", id, fake.started[id], want)
	}
	if term, _ := f.store.Term(ctx, f.personTerm.ID); term.ProcessID != id {
		t.Errorf("term process = %q", term.ProcessID)
	}

	// The 2026 appraisal: the terms with a plan in force, by term and year, linking nothing.
	f.inForce(t, f.personTerm, 1, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	appraisal := termgoal.Campaign{Name: "2026", Kind: termgoal.AppraisalAnnual, Year: 2026, OrgID: f.town.ID, CreatedBy: "admin"}
	must(t, f.store.CreateCampaign(ctx, &appraisal))
	in := activities.CampaignPageInput{CampaignID: appraisal.ID, OrgPath: f.town.Path, Limit: 10, WorkflowType: "Appraisal",
		TaskQueue: "q", IDFormat: "appraisal-term-%d-%d", Initiator: initiator, Kind: termgoal.AppraisalAnnual, Year: 2026}
	r = run(in)
	if r.Started != 1 || r.Existing != 0 || !r.Done || r.LastTermID != f.personTerm.ID {
		t.Errorf("appraisal page = %+v", r)
	}
	id = fmt.Sprintf("appraisal-term-%d-2026", f.personTerm.ID)
	want := fmt.Sprintf(`Appraisal {"term_id":%d,"kind":"annual_appraisal","year":2026,"campaign_id":%d,"initiator":%s}`,
		f.personTerm.ID, appraisal.ID, initiatorJSON)
	if fake.started[id] != want {
		t.Errorf("started %s = %s, want %s", id, fake.started[id], want)
	}
	// Run again: already started, nothing twice.
	if r := run(in); r.Started != 0 || r.Existing != 1 {
		t.Errorf("second run = %+v", r)
	}
	if c, _ := f.store.Campaign(ctx, appraisal.ID); c.Started != 1 || c.Status != "done" {
		t.Errorf("campaign = %+v", c)
	}
	if len(fake.started) != 3 {
		t.Errorf("started = %v", fake.started)
	}
}

func TestEnsureCampaign(t *testing.T) {
	f := newFixture(t)
	c := termgoal.Campaign{Name: "2026", Kind: termgoal.AppraisalAnnual, Year: 2026, OrgID: f.town.ID, ScheduleID: "annual", CreatedBy: "schedule"}
	var ids []int64
	for range 2 {
		val, err := f.env.ExecuteActivity(f.acts.EnsureCampaign, c)
		must(t, err)
		var id int64
		must(t, val.Get(&id))
		ids = append(ids, id)
	}
	if ids[0] == 0 || ids[1] != ids[0] {
		t.Errorf("EnsureCampaign = %v, want one campaign", ids)
	}
	c.ScheduleID = ""
	_, err := f.env.ExecuteActivity(f.acts.EnsureCampaign, c)
	wantDomainError(t, err, termgoal.EINVALID, "campaign.schedule")
}
