package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/app"
	"termgoal/devenv"
	"termgoal/postgres"
	"termgoal/worker"
	"termgoal/workflows"
)

// silentSDK silences the Temporal SDK's logs.
type silentSDK struct{}

func (silentSDK) Debug(string, ...any) {}
func (silentSDK) Info(string, ...any)  {}
func (silentSDK) Warn(string, ...any)  {}
func (silentSDK) Error(string, ...any) {}

// withTemporal starts a Temporal dev server for this test and the worker on the fixture's
// store, and points the handler at it.
func withTemporal(t *testing.T, f *fixture) client.Client {
	t.Helper()
	root, err := devenv.Root()
	if err != nil {
		t.Fatal(err)
	}
	hostPort, stop, err := devenv.TemporalForTests(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	c, err := client.Dial(client.Options{HostPort: hostPort, Logger: silentSDK{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	w := worker.New(c, f.store)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	f.h.setTemporal(c)
	f.h.ops.ActionTimeout = 10 * time.Second
	return c
}

// eventually polls cond for up to 20 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 20 s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// On a real Temporal server and worker: an appraisal started by hand runs once (a second start
// is 409); the holder's self-assessment moves it to scoring; ballot codes cast one anonymous
// ballot each, counted by the workflow and used up in the store, while a second use (409) and
// an unknown code (404) change nothing. Then a yearly campaign schedule is created once (409
// again), listed, described as 09:00 Asia/Shanghai on its day, and deleted (404 again).
func TestAppraisalBallotsAndSchedulesOnTemporal(t *testing.T) {
	f := newFixture(t)
	c := withTemporal(t, f)
	ctx := context.Background()
	f.account("sup", termgoal.RoleSuperior, f.a.ID)
	term := f.appraisalTerm(f.a1, f.ballotTemplate(), 0)
	f.planInForce(term)

	req := app.AppraisalRequest{TermID: term.ID, Kind: termgoal.AppraisalAnnual, Year: 2025}
	var out struct {
		ProcessID string `json:"process_id"`
	}
	f.do("POST", "/api/v1/appraisals", f.aTok, req, 201, &out)
	id := out.ProcessID
	f.errCode("POST", "/api/v1/appraisals", f.aTok, req, 409)

	holder := f.accounts["holderA1"].ID
	eventually(t, "the self-assessment task", func() bool {
		tasks, _, err := f.store.Inbox(ctx, postgres.InboxFilter{AccountID: holder, Today: time.Now(), Limit: 10})
		return err == nil && len(tasks) == 1 && tasks[0].Kind == "self_assess"
	})
	self := map[string]any{"items": []map[string]any{{"no": 1, "actual": "12 万元", "evidence": "账目"}, {"no": 2, "actual": "全覆盖"}},
		"summary": "全年完成", "proposed_grade": termgoal.GradeCompleted, "score": 95}
	f.do("POST", "/api/v1/processes/"+id+"/actions/"+workflows.UpdateSelfAssess, f.a1Tok, self, 200, nil)
	var v app.AppraisalView
	f.do("GET", "/api/v1/appraisals/"+id, f.aTok, nil, 200, &v)
	if v.Process.Step != termgoal.StepScoring || v.Appraisal.Self == nil || v.Appraisal.Self.Proposed != termgoal.GradeCompleted {
		t.Fatalf("after the self-assessment %+v", v)
	}

	var codes app.BallotCodes
	f.do("POST", "/api/v1/processes/"+id+"/ballot-codes", f.aTok, app.BallotCodesRequest{Group: termgoal.RaterPublic, Count: 2}, 201, &codes)
	ballots := func() int {
		p, err := f.store.Process(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return p.State.Appraisal.Ballots
	}
	before := ballots() // the holder's own score
	f.do("POST", "/api/v1/ballots", "", app.BallotRequest{Code: codes.Codes[0], Score: ptr(70)}, 200, nil)
	if n := ballots(); n != before+1 {
		t.Errorf("ballots %d, want %d", n, before+1)
	}
	if _, _, used, err := f.store.BallotCode(ctx, app.CodeHash(codes.Codes[0])); err != nil || !used {
		t.Errorf("the code is not used up: %v %v", used, err)
	}
	f.errCode("POST", "/api/v1/ballots", "", app.BallotRequest{Code: codes.Codes[0], Score: ptr(10)}, 409)
	f.errCode("POST", "/api/v1/ballots", "", app.BallotRequest{Code: "ZZZZZZZZZZ", Score: ptr(10)}, 404)
	if n := ballots(); n != before+1 {
		t.Errorf("a refused ballot counted: %d", n)
	}
	if _, _, used, _ := f.store.BallotCode(ctx, app.CodeHash(codes.Codes[1])); used {
		t.Error("the other code was used")
	}
	// The same ballot sent again under its update ID is the same update: counted once.
	var res workflows.ActionResult
	hash := app.CodeHash(codes.Codes[0])
	err := f.h.ops.Update(ctx, id, workflows.UpdateCastBallot, hash, &workflows.BallotInput{CodeHash: hash, Group: termgoal.RaterPublic, Score: 70}, &res)
	if err != nil || ballots() != before+1 {
		t.Errorf("a retried ballot: %v, %d ballots", err, ballots())
	}

	// An administrator closes the scoring early (the superior never scored): the result step
	// follows, from the ballots so far. The holder may not.
	body, _ := f.page("GET", "/processes/"+id, f.aTok, 200)
	if !strings.Contains(body, `id="op-close_scoring"`) || !strings.Contains(body, `id="appraisal-link"`) {
		t.Error("the process page offers no close of the scoring")
	}
	f.errCode("POST", "/api/v1/processes/"+id+"/actions/"+workflows.UpdateCloseScoring, f.a1Tok, map[string]any{"reason": "到期"}, 403)
	f.do("POST", "/api/v1/processes/"+id+"/actions/"+workflows.UpdateCloseScoring, f.aTok, map[string]any{"reason": "测评期已到"}, 200, nil)
	f.do("GET", "/api/v1/appraisals/"+id, f.aTok, nil, 200, &v)
	if v.Process.Step != termgoal.StepResult {
		t.Errorf("after closing the scoring: %s", v.Process.Step)
	}
	f.errCode("POST", "/api/v1/ballots", "", app.BallotRequest{Code: codes.Codes[1], Score: ptr(10)}, 409) // the ballot is closed

	// Campaign schedules.
	sreq := app.CampaignScheduleRequest{OrgID: f.a.ID, Kind: termgoal.AppraisalAnnual, Month: 3, Day: 15}
	f.errCode("POST", "/api/v1/campaign-schedules", f.a1Tok, sreq, 403)
	f.errCode("POST", "/api/v1/campaign-schedules", f.aTok, app.CampaignScheduleRequest{OrgID: f.a.ID, Kind: termgoal.AppraisalAnnual, Month: 2, Day: 29}, 422)
	f.errCode("POST", "/api/v1/campaign-schedules", f.aTok, app.CampaignScheduleRequest{OrgID: f.a.ID, Kind: "goal_setting", Month: 2, Day: 1}, 422)
	var s app.CampaignSchedule
	f.do("POST", "/api/v1/campaign-schedules", f.aTok, sreq, 201, &s)
	sid := app.CampaignScheduleID(f.a.ID, termgoal.AppraisalAnnual)
	if s.ID != sid || s.Month != 3 || s.Day != 15 || s.OrgName != "a" {
		t.Errorf("schedule %+v", s)
	}
	f.errCode("POST", "/api/v1/campaign-schedules", f.aTok, sreq, 409)
	d, err := c.ScheduleClient().GetHandle(ctx, sid).Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	act, _ := d.Schedule.Action.(*client.ScheduleWorkflowAction)
	cal := d.Schedule.Spec.Calendars
	if d.Schedule.Spec.TimeZoneName != "Asia/Shanghai" || len(cal) != 1 || cal[0].Hour[0].Start != 9 || cal[0].Month[0].Start != 3 ||
		cal[0].DayOfMonth[0].Start != 15 || act == nil || fmt.Sprint(act.Workflow) != workflows.CampaignWorkflowName || act.TaskQueue != workflows.CampaignTaskQueue {
		t.Errorf("described %+v %+v", d.Schedule.Spec, d.Schedule.Action)
	}
	if next := d.Info.NextActionTimes; len(next) == 0 || next[0].In(app.ChinaTime).Hour() != 9 || next[0].In(app.ChinaTime).Day() != 15 {
		t.Errorf("next runs %v", next)
	}
	var l List[app.CampaignSchedule]
	eventually(t, "the schedule in the list", func() bool {
		f.do("GET", "/api/v1/campaign-schedules", f.aTok, nil, 200, &l)
		return l.Total == 1
	})
	if l.Items[0].ID != sid || l.Items[0].Month != 3 || l.Items[0].Day != 15 || l.Items[0].Kind != termgoal.AppraisalAnnual {
		t.Errorf("listed %+v", l.Items)
	}
	f.do("GET", "/api/v1/campaign-schedules", f.a1Tok, nil, 200, &l)
	if l.Total != 0 {
		t.Errorf("a holder sees schedules %+v", l)
	}
	body, _ = f.page("GET", "/campaign-schedules", f.aTok, 200)
	if !strings.Contains(body, `data-id="`+sid+`"`) || !strings.Contains(body, "每年 3 月 15 日 9:00") {
		t.Errorf("schedules page:\n%s", body)
	}
	f.errCode("DELETE", "/api/v1/campaign-schedules/"+sid, f.a1Tok, nil, 403)
	f.errCode("DELETE", "/api/v1/campaign-schedules/campaign-schedule-x", f.aTok, nil, 404)
	f.do("DELETE", "/api/v1/campaign-schedules/"+sid, f.aTok, nil, 204, nil)
	f.errCode("DELETE", "/api/v1/campaign-schedules/"+sid, f.aTok, nil, 404)
}
