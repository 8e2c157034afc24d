package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/app"
	"termgoal/workflows"
)

// startingTemporal records workflow starts (answering "already started" while running is
// set) and the updates of recordingTemporal.
type startingTemporal struct {
	recordingTemporal
	starts  []client.StartWorkflowOptions
	inputs  []workflows.CampaignInput
	running bool
}

func (s *startingTemporal) ExecuteWorkflow(ctx context.Context, o client.StartWorkflowOptions, wf any, args ...any) (client.WorkflowRun, error) {
	if wf != workflows.CampaignWorkflowName || len(args) != 1 {
		return nil, fmt.Errorf("unexpected start of %v", wf)
	}
	if s.running {
		return nil, serviceerror.NewWorkflowExecutionAlreadyStarted("running", "", "")
	}
	s.starts = append(s.starts, o)
	s.inputs = append(s.inputs, args[0].(workflows.CampaignInput))
	return startedRun{id: o.ID}, nil
}

// startedRun is a started run; the embedded nil interface panics on anything but its IDs.
type startedRun struct {
	client.WorkflowRun
	id string
}

func (r startedRun) GetID() string    { return r.id }
func (r startedRun) GetRunID() string { return "run-" + r.id }

func TestCampaigns(t *testing.T) {
	f := newFixture(t)
	tmp := &startingTemporal{}
	f.h.setTemporal(tmp)
	const path = "/api/v1/campaigns"
	req := app.CampaignRequest{Name: "2026年换届", OrgID: f.a.ID, Kind: "goal_setting"}

	// Authorization and validation start nothing.
	f.errCode("POST", path, f.a1Tok, req, 403)
	f.errCode("POST", path, f.no, req, 403)
	f.errCode("POST", path, "", req, 401)
	inB := req
	inB.OrgID = f.b.ID
	f.errCode("POST", path, f.aTok, inB, 403)
	bad := req
	bad.OrgID = 99999
	f.errCode("POST", path, f.aTok, bad, 422)
	bad = req
	bad.Name = "  "
	f.errCode("POST", path, f.aTok, bad, 422)
	bad = req
	bad.Kind = "plan_amendment"
	e := f.errCode("POST", path+"?lang=en", f.aTok, bad, 422)
	if !strings.Contains(e.Error.Message, `"plan_amendment" is not a campaign kind`) {
		t.Errorf("kind: %+v", e)
	}
	// An annual appraisal campaign needs its year.
	bad.Kind = termgoal.AppraisalAnnual
	e = f.errCode("POST", path+"?lang=en", f.aTok, bad, 422)
	if !strings.Contains(e.Error.Message, "needs the year it appraises") {
		t.Errorf("year: %+v", e)
	}
	bad.Year = 1999
	f.errCode("POST", path, f.aTok, bad, 422)
	f.errCode("POST", path, f.aTok, `{"name":"x","org_id":1,"kind":"goal_setting","cron":"@yearly"}`, 400)
	if len(tmp.starts) != 0 {
		t.Fatalf("refused campaigns started %+v", tmp.starts)
	}

	// Created and started: its workflow, on the org's path, by the caller.
	var camp termgoal.Campaign
	f.do("POST", path, f.aTok, req, 201, &camp)
	if camp.ID == 0 || camp.Status != "running" || camp.CreatedBy != "adminA 姓名" || camp.OrgName != "a" || camp.Kind != "goal_setting" {
		t.Errorf("campaign %+v", camp)
	}
	if len(tmp.starts) != 1 {
		t.Fatalf("starts %+v", tmp.starts)
	}
	o, in := tmp.starts[0], tmp.inputs[0]
	if o.ID != workflows.CampaignID(camp.ID) || o.TaskQueue != workflows.CampaignTaskQueue ||
		o.WorkflowIDReusePolicy != enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE ||
		in.CampaignID != camp.ID || in.OrgPath != f.a.Path || in.Initiator.AccountID != f.accounts["adminA"].ID {
		t.Errorf("start %+v %+v", o, in)
	}
	f.do("POST", path, f.rootTok, app.CampaignRequest{Name: "b", OrgID: f.b.ID, Kind: "goal_setting"}, 201, nil)

	// An annual appraisal campaign of a year: its kind and year go to the workflow.
	var appr termgoal.Campaign
	f.do("POST", path, f.rootTok, app.CampaignRequest{Name: "2026年度考核", OrgID: f.b.ID, Kind: termgoal.AppraisalAnnual, Year: 2026}, 201, &appr)
	if in := tmp.inputs[len(tmp.inputs)-1]; appr.Kind != termgoal.AppraisalAnnual || appr.Year != 2026 ||
		in.Kind != termgoal.AppraisalAnnual || in.Year != 2026 || in.CampaignID != appr.ID || in.OrgPath != f.b.Path {
		t.Errorf("appraisal campaign %+v, input %+v", appr, in)
	}
	var av CampaignView
	f.do("GET", fmt.Sprintf("%s/%d", path, appr.ID), f.rootTok, nil, 200, &av)
	if av.Campaign.Year != 2026 || av.Progress.Terms != 0 {
		t.Errorf("appraisal campaign view %+v", av)
	}

	// Listed for the administrators of its org only.
	var l List[termgoal.Campaign]
	f.do("GET", path, f.aTok, nil, 200, &l)
	if l.Total != 1 || l.Items[0].ID != camp.ID {
		t.Errorf("adminA's campaigns %+v", l)
	}
	f.do("GET", path, f.rootTok, nil, 200, &l)
	if l.Total != 3 {
		t.Errorf("root's campaigns %+v", l)
	}
	f.do("GET", path, f.a1Tok, nil, 200, &l)
	if l.Total != 0 {
		t.Errorf("a holder's campaigns %+v", l)
	}

	// Progress: a term without its process, one overdue at the draft, one completed, an
	// amendment (another kind), and one outside the org.
	one := fmt.Sprintf("%s/%d", path, camp.ID)
	term := termgoal.Term{OrgID: f.a1.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: mustDay("2026-01-10"), End: mustDay("2030-01-09"), TemplateID: f.tmpl.ID}
	if err := f.store.CreateTerm(context.Background(), &term); err != nil {
		t.Fatal(err)
	}
	f.seedProcess("gs-overdue", f.a1, termgoal.StepDraft, "running", "2020-01-10")
	f.seedProcess("gs-done", f.a1, termgoal.StepInForce, "completed", "2020-01-10")
	f.seedProcess("gs-b", f.b, termgoal.StepDraft, "running", "2020-01-10")
	var v CampaignView
	f.do("GET", one, f.aTok, nil, 200, &v)
	p := v.Progress
	if v.Campaign.ID != camp.ID || p.Terms != 3 || p.Started != 2 || p.Running != 1 || p.Completed != 1 || p.Overdue != 1 ||
		p.ByStep["draft"] != 1 || p.ByStep["in_force"] != 1 || len(p.ByStep) != 2 {
		t.Errorf("view %+v", v)
	}
	f.errCode("GET", one, f.a1Tok, nil, 403)
	f.errCode("GET", path+"/99999", f.aTok, nil, 404)
	f.errCode("GET", path+"/abc", f.aTok, nil, 404)

	// Run again: a new run of the same workflow ID; while one runs, a conflict.
	var run app.CampaignRun
	f.do("POST", one+"/rerun", f.aTok, nil, 202, &run)
	if run.WorkflowID != workflows.CampaignID(camp.ID) || run.RunID == "" || len(tmp.starts) != 4 || tmp.inputs[3].CampaignID != camp.ID {
		t.Errorf("rerun %+v %+v", run, tmp.starts)
	}
	tmp.running = true
	f.errCode("POST", one+"/rerun", f.aTok, nil, 409)
	f.errCode("POST", one+"/rerun", f.a1Tok, nil, 403)
	tmp.running = false

	// Remind the laggards: the overdue goal setting under a, nothing else.
	f.errCode("POST", one+"/remind", f.aTok, CampaignRemindRequest{Reason: " "}, 422)
	f.errCode("POST", one+"/remind", f.a1Tok, CampaignRemindRequest{Reason: "催"}, 403)
	res := f.batchPost(one+"/remind", f.aTok, "C1", CampaignRemindRequest{Reason: "请尽快制定目标"}, 200)
	got := tmp.take()
	if res.Done != 1 || len(got) != 1 || got[0].WorkflowID != "gs-overdue" || got[0].UpdateName != workflows.UpdateRemind ||
		got[0].UpdateID != app.UpdateID(termgoal.Actor{AccountID: f.accounts["adminA"].ID}, app.BatchKey("C1", workflows.UpdateRemind, "gs-overdue")) {
		t.Errorf("remind %+v %+v", res, got)
	}

	var audit List[termgoal.Audit]
	f.do("GET", "/api/v1/audit", f.rootTok, nil, 200, &audit)
	actions := map[string]int{}
	for _, a := range audit.Items {
		actions[a.Action]++
	}
	if actions["campaign_started"] != 3 || actions["campaign_rerun"] != 1 || actions["campaign_remind"] != 1 {
		t.Errorf("audit %v", actions)
	}
}

// formPost posts a web form with a bearer token and checks the status; it answers the body
// and the Location header.
func (f *fixture) formPost(path, token string, form url.Values, want int) (string, string) {
	f.t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	if w.Code != want {
		f.t.Fatalf("POST %s: %d, want %d: %s", path, w.Code, want, w.Body.String())
	}
	return w.Body.String(), w.Header().Get("Location")
}

// The campaign pages: the list with its form for administrators (and the header's link), a
// refusal shown on the form, a started campaign's progress by step, remind and run again.
func TestWebCampaigns(t *testing.T) {
	f := newFixture(t)
	tmp := &startingTemporal{}
	f.h.setTemporal(tmp)

	body, _ := f.page("GET", "/campaigns", f.aTok, 200)
	for _, want := range []string{`id="nav-campaigns"`, `id="campaign-form"`, `<option value="` + fmt.Sprint(f.a1.ID) + `"`, `id="no-campaigns"`} {
		if !strings.Contains(body, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	if strings.Contains(body, fmt.Sprintf(`<option value="%d"`, f.b.ID)) {
		t.Error("the form offers an org the caller does not administer")
	}
	f.page("GET", "/campaigns", f.a1Tok, 403)
	if body, _ := f.page("GET", "/inbox", f.a1Tok, 200); strings.Contains(body, `id="nav-campaigns"`) {
		t.Error("a holder sees the campaigns link")
	}

	body, _ = f.formPost("/campaigns", f.aTok, url.Values{"name": {" "}, "org_id": {fmt.Sprint(f.a.ID)}, "kind": {"goal_setting"}}, 422)
	if !strings.Contains(body, "批量任务须有名称") {
		t.Errorf("refusal not shown:\n%s", body)
	}
	f.formPost("/campaigns", f.aTok, url.Values{"name": {"x"}, "org_id": {fmt.Sprint(f.b.ID)}, "kind": {"goal_setting"}}, 403)
	_, loc := f.formPost("/campaigns", f.aTok, url.Values{"name": {"青山换届"}, "org_id": {fmt.Sprint(f.a.ID)}, "kind": {"goal_setting"}}, 303)
	if len(tmp.starts) != 1 || loc != "/campaigns/1" {
		t.Fatalf("started %+v, to %q", tmp.starts, loc)
	}

	f.seedProcess("gs-late", f.a1, termgoal.StepDraft, "running", "2020-01-10")
	f.seedProcess("gs-vote", f.a1, termgoal.StepCommittee, "running", "2099-01-10")
	body, _ = f.page("GET", loc, f.aTok, 200)
	for _, want := range []string{"青山换届", `id="progress-started">2<`, `id="progress-overdue">1<`,
		`data-step="draft"><td>起草</td><td class="num">1<`, `data-step="committee"><td>集体研究</td>`, `id="campaign-rerun-submit"`, `name="key"`} {
		if !strings.Contains(body, want) {
			t.Errorf("campaign page lacks %q:\n%s", want, body)
		}
	}
	f.page("GET", loc, f.a1Tok, 403)

	_, back := f.formPost(loc+"/act", f.aTok, url.Values{"action": {"remind"}, "reason": {"请按期办理"}, "key": {"k1"}}, 303)
	if got := tmp.take(); back != loc || len(got) != 1 || got[0].WorkflowID != "gs-late" {
		t.Errorf("remind: %q %+v", back, got)
	}
	f.formPost(loc+"/act", f.aTok, url.Values{"action": {"remind"}, "reason": {""}, "key": {"k2"}}, 422)
	f.formPost(loc+"/act", f.aTok, url.Values{"action": {"rerun"}}, 303)
	tmp.running = true
	if body, _ := f.formPost(loc+"/act", f.aTok, url.Values{"action": {"rerun"}}, 409); !strings.Contains(body, "仍在运行") {
		t.Errorf("running: %s", body)
	}
	if len(tmp.starts) != 2 {
		t.Errorf("starts %+v", tmp.starts)
	}
}
