package e2e

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"golang.org/x/sync/errgroup"

	"termgoal"
	"termgoal/postgres"
	"termgoal/workflows"
)

// appraisalYear is the year the appraisal tests appraise: the fixture's terms start in
// October 2026, so they are in post during some of it.
const appraisalYear = 2026

// planItems is the plan the seeded terms have in force: two items weighted 60 and 40.
func planItems() []termgoal.PlanItem {
	tg := map[string]string{"2026": "1", "2027": "2", "2028": "3", "2029": "4"}
	return []termgoal.PlanItem{
		{Category: "中心工作", Title: "集体经济", Quantitative: true, Unit: "万元", Targets: tg, Weight: 60, Owner: "书记"},
		{Category: "党的建设", Title: "党员培训", Targets: tg, Weight: 40, Owner: "组织委员"},
	}
}

// planInForce puts a plan in force for each term straight in the store, as a finished goal
// setting would (the change workflows' inForce test helper applies): a term is appraised
// only with a plan in force. A few at a time, since a benchmark seeds thousands.
func (s *sys) planInForce(t testing.TB, terms ...int64) {
	t.Helper()
	at := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(8)
	for _, term := range terms {
		g.Go(func() error {
			return s.store.Apply(ctx, termgoal.Change{
				ID: fmt.Sprint("seed-plan-", term), At: at, Action: "plan_seeded",
				Process: termgoal.Process{ID: workflows.GoalSettingID(term), Kind: workflows.KindGoalSetting, TermID: term, OrgID: s.ids["village"],
					Step: termgoal.StepInForce, Status: "completed", Version: 1, DeadlineOn: at, StartedAt: at},
				PlanVersion: &termgoal.PlanVersion{TermID: term, Version: 1, Items: planItems(), Step: termgoal.StepPledge, Status: "in_force"},
				InForce:     true,
			})
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// startAppraisal starts the annual appraisal of term for appraisalYear, as its term's workflow
// would, and waits for the holder's task.
func (s *sys) startAppraisal(t testing.TB, term int64) string {
	t.Helper()
	p := workflows.AppraisalID(term, appraisalYear)
	if _, err := s.client.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: p, TaskQueue: workflows.TaskQueue},
		workflows.AppraisalWorkflowName, workflows.AppraisalInput{TermID: term, Kind: termgoal.AppraisalAnnual, Year: appraisalYear,
			Initiator: termgoal.Actor{Name: "admin"}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(s.inbox("holder", p)) == 1 })
	return p
}

// orgPath is the path of org key of the fixture.
func (s *sys) orgPath(t testing.TB, key string) string {
	t.Helper()
	o, err := s.store.Org(context.Background(), s.ids[key])
	if err != nil {
		t.Fatal(err)
	}
	return o.Path
}

// runCampaign starts a run of the campaign workflow as the API's runCampaign does (a finished
// run may be followed by another under the same ID) and waits for its result.
func (s *sys) runCampaign(t testing.TB, in workflows.CampaignInput) workflows.CampaignResult {
	t.Helper()
	ctx := context.Background()
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                                       workflows.CampaignID(in.CampaignID),
		TaskQueue:                                workflows.CampaignTaskQueue,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflows.CampaignWorkflowName, in)
	if err != nil {
		t.Fatal(err)
	}
	var res workflows.CampaignResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// appraisalsUnder counts the annual appraisals of year in the read model under path.
func (s *sys) appraisalsUnder(t testing.TB, path string, year int) int {
	t.Helper()
	_, n, err := s.store.Appraisals(context.Background(), postgres.AppraisalFilter{OrgPath: path, Year: year, Kind: termgoal.AppraisalAnnual, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// workflowCount counts the workflows of a type on the Temporal server (visibility, which
// lags the starts a little).
func (s *sys) workflowCount(t testing.TB, workflowType string) int64 {
	t.Helper()
	r, err := s.client.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{
		Query: fmt.Sprintf("WorkflowType = '%s'", workflowType)})
	if err != nil {
		t.Fatal(err)
	}
	return r.GetCount()
}

// An annual appraisal campaign of 2026 over 250 terms with a plan in force starts each one's
// appraisal once; run again after it finished, it starts none and finds them all (P7, P5).
func TestAppraisalCampaignStartsEachOnce(t *testing.T) {
	s := start(t)
	s.setup()
	const n = 250
	terms := s.fillTerms(t, n)
	s.planInForce(t, terms...)
	// A term without a plan in force is not appraised.
	bare := s.addTerm(t, mustTemplate(t, s))
	ctx := context.Background()
	county := s.orgPath(t, "county")

	camp := termgoal.Campaign{Name: "2026年度考核", Kind: termgoal.AppraisalAnnual, Year: appraisalYear, OrgID: s.ids["county"], CreatedBy: "admin"}
	if err := s.store.CreateCampaign(ctx, &camp); err != nil {
		t.Fatal(err)
	}
	in := workflows.CampaignInput{CampaignID: camp.ID, Kind: termgoal.AppraisalAnnual, Year: appraisalYear, OrgPath: county,
		Initiator: termgoal.Actor{Name: "admin"}}
	t0 := time.Now()
	if res := s.runCampaign(t, in); res != (workflows.CampaignResult{Started: n}) {
		t.Fatalf("first run: %+v, want %d started", res, n)
	}
	t.Logf("appraisal campaign of %d started in %s", n, time.Since(t0).Round(time.Millisecond))
	// Every appraisal writes its read model as it starts.
	waitLong(t, "appraisals written", func() bool { return s.appraisalsUnder(t, county, appraisalYear) == n })

	// Run again after the first run completed, as POST /campaigns/{id}/rerun does: nothing new.
	if err := s.store.ReopenCampaign(ctx, camp.ID); err != nil {
		t.Fatal(err)
	}
	if res := s.runCampaign(t, in); res != (workflows.CampaignResult{Existing: n}) {
		t.Fatalf("re-run: %+v, want all %d existing", res, n)
	}
	s.saveHistory(t, workflows.CampaignID(camp.ID), "appraisal_campaign_rerun")

	// One appraisal per term in the processes table, under its deterministic ID, of this campaign.
	for _, term := range append(terms, bare) {
		procs, err := s.store.ProcessesOfTerm(ctx, term)
		if err != nil {
			t.Fatal(err)
		}
		var appraisals []termgoal.Process
		for _, p := range procs {
			if p.Kind == termgoal.AppraisalAnnual {
				appraisals = append(appraisals, p)
			}
		}
		if term == bare {
			if len(appraisals) != 0 {
				t.Errorf("term %d without a plan was appraised: %+v", term, appraisals)
			}
			continue
		}
		id := workflows.AppraisalID(term, appraisalYear)
		if len(appraisals) != 1 || appraisals[0].ID != id || appraisals[0].Step != termgoal.StepSelfAssessment {
			t.Fatalf("term %d: appraisals %+v, want one %s at self-assessment", term, appraisals, id)
		}
		rec, err := s.store.Appraisal(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.CampaignID != camp.ID || rec.Year != appraisalYear || rec.Status != "running" {
			t.Fatalf("term %d: appraisal record %+v", term, rec)
		}
	}
	if got := s.appraisalsUnder(t, county, appraisalYear); got != n {
		t.Errorf("%d appraisals after the re-run, want %d", got, n)
	}
	// And on Temporal: n appraisal workflows, no more.
	waitLong(t, "visibility", func() bool { return s.workflowCount(t, workflows.AppraisalWorkflowName) >= n })
	if got := s.workflowCount(t, workflows.AppraisalWorkflowName); got != n {
		t.Errorf("%d appraisal workflows on Temporal, want %d", got, n)
	}

	got, err := s.store.Campaign(ctx, camp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Started != n || got.Status != "done" {
		t.Errorf("campaign row %+v, want %d started and done", got, n)
	}
	p, err := s.store.CampaignProgress(ctx, got, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if p.Terms != n || p.Started != n || p.Running != n || p.Completed != 0 || p.ByStep[string(termgoal.StepSelfAssessment)] != n {
		t.Errorf("progress %+v, want %d terms, started and running at self-assessment", p, n)
	}
	// The API reads the same progress.
	if _, prog := s.campaign(camp.ID); prog["terms"] != float64(n) || prog["started"] != float64(n) {
		t.Errorf("progress over the API %v", prog)
	}
}

// addAccount creates an account with grants over the API and signs it in.
func (s *sys) addAccount(name string, grants ...termgoal.Grant) {
	s.t.Helper()
	acc := id(s.must(201, "admin", "POST", "/api/v1/accounts", map[string]any{"username": name, "display_name": name, "password": "secret-" + name, "lang": "en"}))
	for _, g := range grants {
		s.must(201, "admin", "POST", fmt.Sprintf("/api/v1/accounts/%d/grants", acc), map[string]any{"role": g.Role, "org_id": g.OrgID})
	}
	s.ids[name] = acc
	s.signIn(name)
}

// auditOf returns the process's audit entries from the store, oldest first.
func (s *sys) auditOf(t *testing.T, process string) []termgoal.Audit {
	t.Helper()
	list, _, err := s.store.Audit(context.Background(), postgres.AuditFilter{ProcessID: process, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// An annual appraisal over HTTP: the holder's self-assessment (a repeated Idempotency-Key
// applies once), both superiors score, an override without a reason is refused, the result
// is determined, an administrator moves it past the notice, the holder appeals, a reviewer
// other than the decider changes the grade, the new result goes through notice again, the
// holder acknowledges and the record is archived with the appeal upheld.
func TestAppraisalOverHTTP(t *testing.T) {
	s := start(t)
	s.setup()
	county := s.ids["county"]
	// sup2 is a superior and a reviewer: the reviewer of an appeal against their own result
	// is somebody else.
	s.addAccount("sup2", termgoal.Grant{Role: termgoal.RoleSuperior, OrgID: county}, termgoal.Grant{Role: termgoal.RoleReviewer, OrgID: county})
	s.addAccount("reviewer", termgoal.Grant{Role: termgoal.RoleReviewer, OrgID: county})
	term := s.fillTerms(t, 1)[0]
	s.planInForce(t, term)

	ctx := context.Background()
	p := s.startAppraisal(t, term)
	s.expectInbox("holder", p, "self_assess")

	// Self-assessment: not by a superior; twice under one key applies once.
	self := map[string]any{
		"items": []map[string]any{
			{"no": 1, "actual": "1.2 万元", "evidence": "账目"},
			{"no": 2, "actual": "培训 4 次", "evidence": "签到表"},
		},
		"summary": "全年目标基本完成", "proposed_grade": termgoal.GradeCompleted,
	}
	s.act("sup", p, workflows.UpdateSelfAssess, self, "", 403)
	s.act("holder", p, workflows.UpdateSelfAssess, self, "self-1", 200)
	s.act("holder", p, workflows.UpdateSelfAssess, self, "self-1", 200)
	if got := count(s.auditActions(p), "self_assessed"); got != 1 {
		t.Fatalf("self_assessed %d times, want once", got)
	}
	s.act("holder", p, workflows.UpdateSelfAssess, self, "self-2", 409)
	// A goal-setting action is not one an appraisal registers: refused like any action at
	// the wrong step, in the caller's language.
	r0 := s.act("sup", p, workflows.UpdateVote, map[string]any{"choice": "for"}, "", 409)
	if e, _ := r0.body["error"].(map[string]any); e["code"] != termgoal.ECONFLICT || r0.message() == "" || bytes.Contains(r0.raw, []byte("unknown update")) {
		t.Errorf("a vote on an appraisal: %s", r0.raw)
	}

	// Scoring: the default template scores with the superiors, every one of them.
	s.expectInbox("sup", p, "score")
	s.expectInbox("sup2", p, "score")
	s.expectInbox("outsider", p)
	sheet := map[string]any{"scores": []map[string]any{{"no": 1, "score": 90}, {"no": 2, "score": 80}}, "comment": "基本完成"}
	s.act("outsider", p, workflows.UpdateScore, sheet, "", 404) // a process they may not see is not found
	s.act("sup", p, workflows.UpdateScore, map[string]any{"scores": []map[string]any{{"no": 1, "score": 101}, {"no": 2, "score": 80}}}, "", 422)
	s.act("sup", p, workflows.UpdateScore, sheet, "", 200)
	s.expectLastAudit(p, "scored")
	s.expectInbox("sup", p)
	s.act("sup2", p, workflows.UpdateScore, sheet, "", 200)

	// Result: 0.6×90 + 0.4×80 = 86, basically completed. Overriding it needs a reason.
	s.expectInbox("sup2", p, "determine")
	before := len(s.auditActions(p))
	r := s.act("sup2", p, workflows.UpdateDetermine, map[string]any{"grade": termgoal.GradeNotCompleted}, "", 422)
	if e, _ := r.body["error"].(map[string]any); e["code"] != termgoal.EINVALID || r.message() == "" {
		t.Errorf("override without a reason: %s", r.raw)
	}
	if got := len(s.auditActions(p)); got != before {
		t.Fatalf("the refused determination wrote %d audit entries", got-before)
	}
	s.act("sup2", p, workflows.UpdateDetermine, map[string]any{"grade": termgoal.GradeNotCompleted, "reason": "台账不实"}, "", 200)
	s.expectLastAudit(p, "result_determined")
	s.expectNotified("holder", p, "result_published")
	s.expectInbox("sup", p)
	if rec, err := s.store.Appraisal(ctx, p); err != nil || rec.Result == nil || rec.Result.Computed != termgoal.GradeBasicallyCompleted ||
		rec.Result.Grade != termgoal.GradeNotCompleted || rec.Result.Score != 86 {
		t.Fatalf("after the determination: %+v, %v", rec, err)
	}
	// On notice: the holder may not appeal yet. The notice lasts real working days, so an
	// administrator moves the appraisal on to the feedback.
	s.act("holder", p, workflows.UpdateAppeal, map[string]any{"reason": "台账属实"}, "", 409)
	s.act("sup", p, workflows.UpdateMoveTo, map[string]any{"step": termgoal.StepFeedback, "reason": "公示期满"}, "", 403)
	s.act("admin", p, workflows.UpdateMoveTo, map[string]any{"step": termgoal.StepFeedback, "reason": "公示期满"}, "", 200)
	s.expectInbox("holder", p, "feedback")

	// Appeal, answered by a reviewer other than the decider.
	s.act("holder", p, workflows.UpdateAppeal, map[string]any{}, "", 422)
	s.act("holder", p, workflows.UpdateAppeal, map[string]any{"reason": "台账属实，有凭证"}, "", 200)
	s.expectInbox("reviewer", p, "appeal_review")
	s.expectInbox("sup2", p)
	s.act("sup2", p, workflows.UpdateDecideAppeal, map[string]any{"grade": termgoal.GradeBasicallyCompleted, "answer": "x"}, "", 403)
	s.act("reviewer", p, workflows.UpdateDecideAppeal, map[string]any{"grade": termgoal.GradeBasicallyCompleted}, "", 422)
	s.act("reviewer", p, workflows.UpdateDecideAppeal, map[string]any{"grade": termgoal.GradeBasicallyCompleted, "answer": "凭证属实，改为基本完成"}, "", 200)
	s.expectNotified("holder", p, "appeal_answered")
	// A changed grade goes through the notice again.
	if pr, err := s.store.Process(ctx, p); err != nil || pr.Step != termgoal.StepNotice {
		t.Fatalf("after the appeal: %+v, %v", pr, err)
	}
	s.act("admin", p, workflows.UpdateMoveTo, map[string]any{"step": termgoal.StepFeedback, "reason": "公示期满"}, "", 200)
	s.act("holder", p, workflows.UpdateAppeal, map[string]any{"reason": "again"}, "", 409)
	s.act("holder", p, workflows.UpdateAcknowledge, map[string]any{}, "", 200)
	s.expectInbox("holder", p)

	rec, err := s.store.Appraisal(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != "archived" || rec.ArchivedAt == nil || rec.Self == nil || rec.Result == nil ||
		rec.Result.Grade != termgoal.GradeBasicallyCompleted || rec.Appeal == nil || !rec.Appeal.Upheld ||
		rec.Appeal.OldGrade != termgoal.GradeNotCompleted || rec.Appeal.NewGrade != termgoal.GradeBasicallyCompleted ||
		rec.Appeal.ReviewerID != s.ids["reviewer"] || rec.Result.DecidedBy != s.ids["sup2"] {
		t.Errorf("archived record %+v (result %+v, appeal %+v)", rec, rec.Result, rec.Appeal)
	}
	if sheets, err := s.store.ScoreSheets(ctx, p); err != nil || len(sheets) != 2 {
		t.Errorf("score sheets %+v, %v; want the two superiors'", sheets, err)
	}
	if pr, err := s.store.Process(ctx, p); err != nil || pr.Step != termgoal.StepArchived {
		t.Errorf("process %+v, %v", pr, err)
	}
	if err := s.client.GetWorkflow(ctx, p, "").Get(ctx, nil); err != nil {
		t.Errorf("the appraisal workflow ended with %v", err)
	}

	// The audit log: who did what, in order, and nothing for the refused actions.
	want := []struct{ action, actor string }{
		{"self_assessed", "holder"}, {"scored", "sup"}, {"scored", "sup2"}, {"result_determined", "sup2"},
		{"moved", "管理员"}, {"appealed", "holder"}, {"appeal_decided", "reviewer"}, {"moved", "管理员"},
		{"result_acknowledged", "holder"},
	}
	audit := s.auditOf(t, p)
	var got []string
	for _, a := range audit {
		if slices.ContainsFunc(want, func(w struct{ action, actor string }) bool { return w.action == a.Action }) {
			got = append(got, a.Action+"/"+a.ActorName)
		}
	}
	var wantS []string
	for _, w := range want {
		wantS = append(wantS, w.action+"/"+w.actor)
	}
	if fmt.Sprint(got) != fmt.Sprint(wantS) {
		t.Errorf("audit\n got %v\nwant %v", got, wantS)
	}
	// The API shows the same log.
	var all []string
	for _, a := range audit {
		all = append(all, a.Action)
	}
	if acts := s.auditActions(p); fmt.Sprint(acts) != fmt.Sprint(all) {
		t.Errorf("audit over the API %v, in the store %v", acts, all)
	}
	s.saveHistory(t, p, "appraisal_http_walk")
}
