package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"

	"termgoal"
	"termgoal/app"
	"termgoal/workflows"
)

// ballotTemplate scores with the superiors (60%), anonymous public ballots (30%) and the
// holder's own score (10%).
func (f *fixture) ballotTemplate() termgoal.Template {
	f.t.Helper()
	cfg := termgoal.DefaultAppraisal()
	cfg.Groups = []termgoal.RaterConfig{
		{Key: termgoal.RaterSuperior, Weight: 60, Role: termgoal.RoleSuperior},
		{Key: termgoal.RaterPublic, Weight: 30, Ballots: true},
		{Key: termgoal.RaterSelf, Weight: 10},
	}
	cfg.VetoItems = []string{"major_safety_accident"}
	tpl := termgoal.Template{Name: "考核模板", NoticeDays: 5, DeadlineMonths: 2, Appraisal: &cfg}
	if err := f.store.CreateTemplate(context.Background(), &tpl); err != nil {
		f.t.Fatal(err)
	}
	return tpl
}

// appraisalTerm registers a term of org on template tpl (an org's term when person is 0).
func (f *fixture) appraisalTerm(org termgoal.Org, tpl termgoal.Template, person int64) termgoal.Term {
	f.t.Helper()
	t := termgoal.Term{OrgID: org.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: mustDay("2025-01-01"), End: mustDay("2027-12-31"), TemplateID: tpl.ID}
	if person != 0 {
		t.HolderKind, t.PersonID, t.Appointment = termgoal.HolderPerson, &person, termgoal.Appointed
	}
	if err := f.store.CreateTerm(context.Background(), &t); err != nil {
		f.t.Fatal(err)
	}
	return t
}

// planInForce puts a two-item plan in force for term, as a finished goal setting would.
func (f *fixture) planInForce(term termgoal.Term) {
	f.t.Helper()
	at := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	items := []termgoal.PlanItem{
		{Category: "中心工作", Title: "发展村集体经济", Quantitative: true, Unit: "万元", Weight: 60, Targets: map[string]string{"2025": "10", "2026": "20", "2027": "30"}},
		{Category: "党的建设", Title: "党员培训全覆盖", Weight: 40, Targets: map[string]string{"2025": "培训率100%"}},
	}
	err := f.store.Apply(context.Background(), termgoal.Change{ID: fmt.Sprintf("seed-plan-%d", term.ID), At: at, Action: "plan_seeded",
		Process: termgoal.Process{ID: workflows.GoalSettingID(term.ID), Kind: workflows.KindGoalSetting, TermID: term.ID, OrgID: term.OrgID,
			Step: termgoal.StepInForce, Status: "completed", Version: 1, DeadlineOn: at, StartedAt: at},
		PlanVersion: &termgoal.PlanVersion{TermID: term.ID, Version: 1, Items: items, Step: termgoal.StepPledge, Status: "in_force"},
		InForce:     true})
	if err != nil {
		f.t.Fatal(err)
	}
}

// seedAppraisal writes appraisal id of term at step as its workflow would, minutes after a base.
func (f *fixture) seedAppraisal(id string, term termgoal.Term, minutes int, step termgoal.Step, status string, rec termgoal.AppraisalRecord) {
	f.t.Helper()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC).Add(time.Duration(minutes) * time.Minute)
	rec.ProcessID, rec.TermID, rec.OrgID = id, term.ID, term.OrgID
	if rec.Kind == "" {
		rec.Kind = termgoal.AppraisalAnnual
	}
	err := f.store.Apply(context.Background(), termgoal.Change{ID: fmt.Sprintf("%s/%d", id, minutes), At: at, Action: string(step),
		Process: termgoal.Process{ID: id, Kind: rec.Kind, TermID: term.ID, OrgID: term.OrgID, Step: step, Status: status, Version: 1,
			DeadlineOn: mustDay("2026-03-31"), StartedAt: at},
		Appraisal: &rec})
	if err != nil {
		f.t.Fatal(err)
	}
}

// Ballot codes: only an administrator of the appraisal's org issues them, for a ballot group,
// 1 to 500 at a time; a code casts one anonymous ballot under its hash as the update ID, with
// an empty actor; a used code is 409 and an unknown one 404, and neither reaches the workflow
// or changes a code; failed codes are limited per address.
func TestBallotCodes(t *testing.T) {
	f := newFixture(t)
	rec := &recordingTemporal{}
	f.h.setTemporal(rec)
	tpl := f.ballotTemplate()
	term := f.appraisalTerm(f.a1, tpl, 0)
	id := workflows.AppraisalID(term.ID, 2025)
	f.seedAppraisal(id, term, 0, termgoal.StepScoring, "running", termgoal.AppraisalRecord{Year: 2025, Holder: "a1", Status: "running"})
	path := "/api/v1/processes/" + id + "/ballot-codes"

	f.errCode("POST", path, f.a1Tok, app.BallotCodesRequest{Group: termgoal.RaterPublic, Count: 3}, 403)
	f.errCode("POST", path, "", app.BallotCodesRequest{Group: termgoal.RaterPublic, Count: 3}, 401)
	f.errCode("POST", path, f.aTok, app.BallotCodesRequest{Group: termgoal.RaterSuperior, Count: 3}, 422) // a named group
	f.errCode("POST", path, f.aTok, app.BallotCodesRequest{Group: termgoal.RaterPublic, Count: 0}, 422)
	f.errCode("POST", path, f.aTok, app.BallotCodesRequest{Group: termgoal.RaterPublic, Count: 501}, 422)
	f.errCode("POST", "/api/v1/processes/nope/ballot-codes", f.aTok, app.BallotCodesRequest{Group: termgoal.RaterPublic, Count: 3}, 404)
	var codes app.BallotCodes
	f.do("POST", path, f.aTok, app.BallotCodesRequest{Group: termgoal.RaterPublic, Count: 3}, 201, &codes)
	seen := map[string]bool{}
	for _, c := range codes.Codes {
		if len(c) != app.BallotCodeLen || strings.Trim(c, app.BallotAlphabet) != "" || seen[c] {
			t.Errorf("code %q", c)
		}
		seen[c] = true
	}
	if len(codes.Codes) != 3 || codes.Group != termgoal.RaterPublic || codes.ProcessID != id {
		t.Fatalf("codes %+v", codes)
	}
	// Only the hash is stored.
	if _, _, _, err := f.store.BallotCode(context.Background(), codes.Codes[0]); termgoal.ErrorCode(err) != termgoal.ENOTFOUND {
		t.Errorf("a plain code is stored: %v", err)
	}

	// Cast as people type it: lower case, with a dash.
	typed := strings.ToLower(codes.Codes[0][:5] + "-" + codes.Codes[0][5:])
	var receipt BallotReceipt
	f.do("POST", "/api/v1/ballots", "", map[string]any{"code": typed, "score": 85}, 200, &receipt)
	got := rec.take()
	hash := app.CodeHash(codes.Codes[0])
	in, _ := got[0].Args[0].(*workflows.BallotInput)
	if !receipt.Counted || len(got) != 1 || got[0].WorkflowID != id || got[0].UpdateName != workflows.UpdateCastBallot || got[0].UpdateID != hash ||
		in == nil || in.CodeHash != hash || in.Group != termgoal.RaterPublic || in.Score != 85 || in.Actor != (termgoal.Actor{}) {
		t.Fatalf("ballot %+v %+v", got, in)
	}
	// The workflow uses the code up as it counts the ballot.
	err := f.store.Apply(context.Background(), termgoal.Change{ID: id + "/ballot", At: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC), Action: "ballot_cast",
		Process: termgoal.Process{ID: id, Kind: termgoal.AppraisalAnnual, TermID: term.ID, OrgID: term.OrgID, Step: termgoal.StepScoring,
			Status: "running", Version: 1, DeadlineOn: mustDay("2026-03-31"), StartedAt: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)},
		BallotCode: hash})
	if err != nil {
		t.Fatal(err)
	}

	e := f.errCode("POST", "/api/v1/ballots?lang=en", "", app.BallotRequest{Code: codes.Codes[0], Score: ptr(60.0)}, 409)
	if !strings.Contains(e.Error.Message, "already been used") {
		t.Errorf("used: %+v", e)
	}
	e = f.errCode("POST", "/api/v1/ballots?lang=en", "", app.BallotRequest{Code: "AAAAAAAAAA", Score: ptr(60.0)}, 404)
	if e.Error.Message != "This code is not valid." {
		t.Errorf("unknown: %+v", e)
	}
	f.errCode("POST", "/api/v1/ballots", "", app.BallotRequest{Code: codes.Codes[1], Score: ptr(101)}, 422)
	f.errCode("POST", "/api/v1/ballots", "", app.BallotRequest{Code: codes.Codes[1]}, 422)
	f.errCode("POST", "/api/v1/ballots", "", app.BallotRequest{Code: " ", Score: ptr(50)}, 422)
	f.errCode("POST", "/api/v1/ballots", "", `{"code":"X","score":50,"voter":"me"}`, 400)
	if got := rec.take(); len(got) != 0 {
		t.Errorf("refused ballots reached the workflow: %+v", got)
	}
	if _, _, used, err := f.store.BallotCode(context.Background(), app.CodeHash(codes.Codes[1])); err != nil || used {
		t.Errorf("an unused code changed: %v %v", used, err)
	}

	// The audit names the count, never the codes.
	var audit List[termgoal.Audit]
	f.do("GET", "/api/v1/audit?process_id="+id, f.aTok, nil, 200, &audit)
	for _, a := range audit.Items {
		if a.Action == "ballot_codes_issued" && (a.Detail["count"] != float64(3) || strings.Contains(fmt.Sprint(a.Detail), codes.Codes[0])) {
			t.Errorf("audit %+v", a)
		}
	}

	// Guessing codes is limited per address: 2 failures so far, 8 more, then 429 even for a
	// good code.
	for range app.BallotAttempts - 2 {
		f.errCode("POST", "/api/v1/ballots", "", app.BallotRequest{Code: "BBBBBBBBBB", Score: ptr(50)}, 404)
	}
	e = f.errCode("POST", "/api/v1/ballots", "", app.BallotRequest{Code: codes.Codes[1], Score: ptr(50)}, 429)
	if e.Error.Code != termgoal.ETOOMANY {
		t.Errorf("limit: %+v", e)
	}
	// A closed appraisal issues no codes.
	f.seedAppraisal(id, term, 90, termgoal.StepArchived, "completed", termgoal.AppraisalRecord{Year: 2025, Holder: "a1", Status: "archived"})
	f.errCode("POST", path, f.aTok, app.BallotCodesRequest{Group: termgoal.RaterPublic, Count: 3}, 409)
}

func ptr(v float64) *float64 { return &v }

// The appraisal list and record are scoped to the caller's grants and filter by year, kind,
// grade and status; the record names the named raters' sheets; the results in use filter by
// what the grade drives.
func TestAppraisalsAndResultsInUse(t *testing.T) {
	f := newFixture(t)
	tpl := f.ballotTemplate()
	inA, inB := f.appraisalTerm(f.a1, tpl, 0), f.appraisalTerm(f.b, tpl, 0)
	archived := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	done := func(grade string, year int) termgoal.AppraisalRecord {
		return termgoal.AppraisalRecord{Year: year, Holder: "村", Scale: termgoal.OrganizationScale.ID, Status: "archived", ArchivedAt: &archived,
			Result:       &termgoal.AppraisalResult{RaterScore: 91, Score: 91, Computed: grade, Grade: grade, DeciderName: "sup", DecidedAt: archived},
			Consequences: termgoal.OrgConsequences(grade, false)}
	}
	f.seedAppraisal("appraisal-a-2025", inA, 0, termgoal.StepArchived, "completed", done(termgoal.GradeCompleted, 2025))
	f.seedAppraisal("appraisal-a-2026", inA, 1, termgoal.StepArchived, "completed", done(termgoal.GradeNotCompleted, 2026))
	f.seedAppraisal("appraisal-b-2025", inB, 2, termgoal.StepArchived, "completed", done(termgoal.GradeCompleted, 2025))
	f.seedAppraisal("appraisal-a-run", inA, 3, termgoal.StepScoring, "running", termgoal.AppraisalRecord{Year: 2027, Holder: "村", Status: "running"})
	err := f.store.Apply(context.Background(), termgoal.Change{ID: "sheet-1", At: time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC), Action: "scored",
		Process: termgoal.Process{ID: "appraisal-a-run", Kind: termgoal.AppraisalAnnual, TermID: inA.ID, OrgID: inA.OrgID, Step: termgoal.StepScoring,
			Status: "running", Version: 1, DeadlineOn: mustDay("2026-03-31"), StartedAt: time.Date(2026, 1, 5, 9, 3, 0, 0, time.UTC)},
		Sheet: &termgoal.ScoreSheet{Group: termgoal.RaterSuperior, AccountID: f.accounts["adminA"].ID, Name: "李部长",
			Scores: []termgoal.ItemScore{{No: 1, Score: 90}, {No: 2, Score: 80}}, Comment: "较好"}})
	if err != nil {
		t.Fatal(err)
	}

	var l List[termgoal.AppraisalRecord]
	f.do("GET", "/api/v1/appraisals", f.aTok, nil, 200, &l)
	if l.Total != 3 || l.Items[0].ProcessID != "appraisal-a-run" {
		t.Errorf("adminA's appraisals %+v", l)
	}
	f.do("GET", "/api/v1/appraisals", f.rootTok, nil, 200, &l)
	if l.Total != 4 {
		t.Errorf("root's appraisals %+v", l)
	}
	for q, want := range map[string]int{"year=2025": 2, "status=archived": 3, "grade=not_completed": 1, "kind=term_end_appraisal": 0,
		fmt.Sprintf("org_id=%d&year=2025", f.b.ID): 1, "limit=1&offset=1": 4} {
		f.do("GET", "/api/v1/appraisals?"+q, f.rootTok, nil, 200, &l)
		if l.Total != want {
			t.Errorf("%s: %d, want %d", q, l.Total, want)
		}
	}
	f.errCode("GET", "/api/v1/appraisals?year=x", f.rootTok, nil, 400)
	f.errCode("GET", fmt.Sprintf("/api/v1/appraisals?org_id=%d", f.b.ID), f.aTok, nil, 403)

	var v app.AppraisalView
	f.do("GET", "/api/v1/appraisals/appraisal-a-run", f.a1Tok, nil, 200, &v)
	if v.Appraisal.Year != 2027 || v.Process.Step != termgoal.StepScoring || len(v.Sheets) != 1 || v.Sheets[0].Name != "李部长" || v.Sheets[0].Scores[1].Score != 80 {
		t.Errorf("view %+v", v)
	}
	f.errCode("GET", "/api/v1/appraisals/appraisal-b-2025", f.aTok, nil, 404) // not theirs to see: not found
	f.errCode("GET", "/api/v1/appraisals/nope", f.aTok, nil, 404)

	// Results in use: a completed year makes the unit eligible for awards, a missed one asks
	// for a rectification report.
	f.do("GET", "/api/v1/results?use=advanced", f.aTok, nil, 200, &l)
	if l.Total != 1 || l.Items[0].ProcessID != "appraisal-a-2025" {
		t.Errorf("advanced under a %+v", l)
	}
	f.do("GET", "/api/v1/results?use=advanced&year=2025", f.rootTok, nil, 200, &l)
	if l.Total != 2 {
		t.Errorf("advanced 2025 %+v", l)
	}
	f.do("GET", "/api/v1/results?use=rectify", f.rootTok, nil, 200, &l)
	if l.Total != 1 || l.Items[0].ProcessID != "appraisal-a-2026" || l.Items[0].Result.Grade != termgoal.GradeNotCompleted {
		t.Errorf("rectify %+v", l)
	}
	f.do("GET", "/api/v1/results?use=promotion", f.rootTok, nil, 200, &l)
	if l.Total != 0 {
		t.Errorf("promotion %+v", l)
	}
	f.do("GET", fmt.Sprintf("/api/v1/results?use=advanced&org_id=%d", f.b.ID), f.rootTok, nil, 200, &l)
	if l.Total != 1 || l.Items[0].ProcessID != "appraisal-b-2025" {
		t.Errorf("advanced under b %+v", l)
	}
	f.errCode("GET", "/api/v1/results?use=fame", f.rootTok, nil, 422)
	f.errCode("GET", "/api/v1/results", f.rootTok, nil, 422)
	f.errCode("GET", "/api/v1/results?use=advanced", "", nil, 401)
	f.do("GET", "/api/v1/results?use=advanced", f.no, nil, 200, &l)
	if l.Total != 0 {
		t.Errorf("no grant, results %+v", l)
	}

	// The pages: the results by tab, the appraisal with its sheet and consequences.
	body, _ := f.page("GET", "/results?use=rectify", f.rootTok, 200)
	for _, want := range []string{`id="nav-results"`, `data-process="appraisal-a-2026"`, "未完成", "限期提交整改报告", `class="active"`} {
		if !strings.Contains(body, want) {
			t.Errorf("results page lacks %q", want)
		}
	}
	f.planInForce(inA)
	body, _ = f.page("GET", "/appraisals/appraisal-a-run", f.aTok, 200)
	for _, want := range []string{"李部长", "较好", `title="发展村集体经济"`, `id="ballot-codes-form"`, "匿名测评码", `id="ballots-counted"`} {
		if !strings.Contains(body, want) {
			t.Errorf("appraisal page lacks %q", want)
		}
	}
	if body, _ := f.page("GET", "/appraisals/appraisal-a-run", f.a1Tok, 200); strings.Contains(body, `id="ballot-codes-form"`) {
		t.Error("a holder may issue ballot codes")
	}
	body, _ = f.page("GET", "/appraisals/appraisal-a-2025?lang=en", f.aTok, 200)
	for _, want := range []string{"Eligible to be rated advanced", "Completed", "Archived"} {
		if !strings.Contains(body, want) {
			t.Errorf("archived appraisal page lacks %q", want)
		}
	}
	f.page("GET", "/appraisals/appraisal-b-2025", f.aTok, 404)
}

// Starting an appraisal by hand: an administrator of the term's org, a kind and a year within
// the term, a plan in force; the deterministic ID; a second start is 409.
func TestStartAppraisal(t *testing.T) {
	f := newFixture(t)
	fake := &fakeTemporal{}
	f.h.setTemporal(fake)
	term := f.appraisalTerm(f.a1, f.ballotTemplate(), 0)
	req := app.AppraisalRequest{TermID: term.ID, Kind: termgoal.AppraisalAnnual, Year: 2025}
	f.errCode("POST", "/api/v1/appraisals", f.a1Tok, req, 403)
	f.errCode("POST", "/api/v1/appraisals", f.no, req, 403)
	e := f.errCode("POST", "/api/v1/appraisals", f.aTok, req, 409)
	if e.Error.Message != "该任期没有生效的目标方案，无法考核。" {
		t.Errorf("no plan: %+v", e)
	}
	f.planInForce(term)
	for _, bad := range []app.AppraisalRequest{{TermID: 99999, Kind: termgoal.AppraisalAnnual, Year: 2025}, {TermID: term.ID, Kind: "monthly", Year: 2025},
		{TermID: term.ID, Kind: termgoal.AppraisalAnnual, Year: 2024}, {TermID: term.ID, Kind: termgoal.AppraisalAnnual}} {
		f.errCode("POST", "/api/v1/appraisals", f.aTok, bad, 422)
	}
	var out struct {
		ProcessID string `json:"process_id"`
	}
	f.do("POST", "/api/v1/appraisals", f.aTok, req, 201, &out)
	in, _ := fake.startArg.(workflows.AppraisalInput)
	if out.ProcessID != workflows.AppraisalID(term.ID, 2025) || fake.started.ID != out.ProcessID || fake.started.TaskQueue != workflows.TaskQueue ||
		in.TermID != term.ID || in.Kind != termgoal.AppraisalAnnual || in.Year != 2025 || in.Initiator.AccountID != f.accounts["adminA"].ID {
		t.Errorf("started %+v %+v %+v", out, fake.started, in)
	}
	f.do("POST", "/api/v1/appraisals", f.aTok, app.AppraisalRequest{TermID: term.ID, Kind: termgoal.AppraisalTermEnd}, 201, &out)
	if out.ProcessID != workflows.TermEndID(term.ID) || fake.startArg.(workflows.AppraisalInput).Year != 2027 {
		t.Errorf("term end %+v %+v", out, fake.startArg)
	}
	fake.err = serviceerror.NewWorkflowExecutionAlreadyStarted("started", "", "")
	e = f.errCode("POST", "/api/v1/appraisals?lang=en", f.aTok, req, 409)
	if e.Error.Message != "This appraisal has already been started." {
		t.Errorf("again: %+v", e)
	}
}

// A handover needs an administrator of the term's org and a valid successor, date and
// reason; it goes to the term's workflow as an administrator's update, and a term nobody
// follows is 409. Following the term starts its workflow once.
func TestHandoverAndFollow(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	rec := &recordingTemporal{}
	f.h.setTemporal(rec)
	var leaver, successor termgoal.Person
	f.do("POST", "/api/v1/people", f.aTok, termgoal.Person{Name: "张三", Gender: "male"}, 201, &leaver)
	f.do("POST", "/api/v1/people", f.aTok, termgoal.Person{Name: "李四", Gender: "female"}, 201, &successor)
	term := f.appraisalTerm(f.a1, f.tmpl, leaver.ID)
	path := fmt.Sprintf("/api/v1/terms/%d/handover", term.ID)
	req := app.HandoverRequest{ToPersonID: successor.ID, On: "2026-06-30", Reason: "调任"}

	f.errCode("POST", path, f.a1Tok, req, 403)
	f.errCode("POST", path, f.no, req, 403)
	f.errCode("POST", path, "", req, 401)
	f.errCode("POST", "/api/v1/terms/99999/handover", f.aTok, req, 404)
	for _, bad := range []app.HandoverRequest{{On: "2026-06-30", Reason: "x"}, {ToPersonID: leaver.ID, On: "2026-06-30", Reason: "x"},
		{ToPersonID: 99999, On: "2026-06-30", Reason: "x"}, {ToPersonID: successor.ID, On: "30/06/2026", Reason: "x"},
		{ToPersonID: successor.ID, On: "2030-01-01", Reason: "x"}, {ToPersonID: successor.ID, On: "2026-06-30", Reason: " "}} {
		f.errCode("POST", path, f.aTok, bad, 422)
	}
	orgTerm := f.appraisalTerm(f.a1, f.tmpl, 0)
	f.errCode("POST", fmt.Sprintf("/api/v1/terms/%d/handover", orgTerm.ID), f.aTok, req, 422)
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("refused handovers were sent: %+v", got)
	}

	var res workflows.HandoverResult
	f.do("POST", path, f.aTok, req, 200, &res)
	got := rec.take()
	in, _ := got[0].Args[0].(*workflows.HandoverInput)
	if len(got) != 1 || got[0].WorkflowID != workflows.TermID(term.ID) || got[0].UpdateName != workflows.UpdateHandover || in == nil ||
		!in.Actor.Admin || in.Actor.AccountID != f.accounts["adminA"].ID || in.ToPersonID != successor.ID || !in.On.Equal(mustDay("2026-06-30")) || in.Reason != "调任" {
		t.Fatalf("handover %+v %+v", got, in)
	}
	rec.refuse = map[string]error{workflows.TermID(term.ID): serviceerror.NewNotFound("no workflow")}
	e := f.errCode("POST", path+"?lang=en", f.aTok, req, 409)
	if !strings.Contains(e.Error.Message, "follow it first") {
		t.Errorf("not followed: %+v", e)
	}

	// Following the term.
	fake := &fakeTemporal{}
	f.h.setTemporal(fake)
	follow := fmt.Sprintf("/api/v1/terms/%d/follow", term.ID)
	f.errCode("POST", follow, f.a1Tok, nil, 403)
	var out struct {
		WorkflowID string `json:"workflow_id"`
	}
	f.do("POST", follow, f.aTok, nil, 201, &out)
	if ti, _ := fake.startArg.(workflows.TermInput); out.WorkflowID != workflows.TermID(term.ID) || fake.started.ID != out.WorkflowID || ti.TermID != term.ID {
		t.Errorf("follow %+v %+v", out, fake.startArg)
	}
	fake.err = serviceerror.NewWorkflowExecutionAlreadyStarted("running", "", "")
	f.errCode("POST", follow, f.aTok, nil, 409)

	// The progress reports of the term, with their lagging items, for whoever reads the term.
	f.planInForce(term)
	err := f.store.Apply(ctx, termgoal.Change{ID: "ledger-1", At: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), Action: "report_submitted",
		Process: termgoal.Process{ID: workflows.ReportID(term.ID, "2026-06"), Kind: termgoal.ProgressLedger, TermID: term.ID, OrgID: term.OrgID,
			Step: termgoal.StepCompleted, Status: "completed", Version: 1, DeadlineOn: mustDay("2026-07-10"), StartedAt: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)},
		Progress: &termgoal.ProgressReport{Kind: termgoal.ProgressLedger, Year: 2026, Period: "2026-06",
			Entries: []termgoal.ProgressEntry{{No: 1, Value: 4, Note: "进度偏慢"}}, Lagging: []int{1}}})
	if err != nil {
		t.Fatal(err)
	}
	var progress List[termgoal.ProgressReport]
	f.do("GET", fmt.Sprintf("/api/v1/terms/%d/progress", term.ID), f.aTok, nil, 200, &progress)
	if progress.Total != 1 || progress.Items[0].Period != "2026-06" || len(progress.Items[0].Lagging) != 1 {
		t.Errorf("progress %+v", progress)
	}
	f.errCode("GET", fmt.Sprintf("/api/v1/terms/%d/progress", term.ID), f.no, nil, 403)
	body, _ := f.page("GET", fmt.Sprintf("/terms/%d", term.ID), f.aTok, 200)
	for _, want := range []string{`id="term-progress"`, `data-period="2026-06"`, "滞后", "1. 发展村集体经济", `id="follow-submit"`, `id="handover-submit"`, `id="appraisal-submit"`} {
		if !strings.Contains(body, want) {
			t.Errorf("term page lacks %q", want)
		}
	}
	if body, _ := f.page("GET", fmt.Sprintf("/terms/%d", term.ID), f.a1Tok, 200); strings.Contains(body, `id="term-admin"`) {
		t.Error("a holder sees the term's administration")
	}
}

// The public ballot page needs no sign-in and shows a refusal on the form.
func TestWebBallot(t *testing.T) {
	f := newFixture(t)
	body, _ := f.page("GET", "/ballot", "", 200)
	for _, want := range []string{`id="ballot-form"`, "测评码", `id="nav-ballot"`} {
		if !strings.Contains(body, want) {
			t.Errorf("ballot page lacks %q", want)
		}
	}
	req := httptest.NewRequest("POST", "/ballot", strings.NewReader(url.Values{"code": {"NOPE-NOPE"}, "score": {"80"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	if w.Code != 404 || !strings.Contains(w.Body.String(), `id="error"`) || !strings.Contains(w.Body.String(), `value="NOPE-NOPE"`) {
		t.Errorf("refusal not shown: %d\n%s", w.Code, w.Body.String())
	}
}

// seedTask writes process id of term at step, kind and state with one open task of kind for
// account acc, and answers the task's ID.
func (f *fixture) seedTask(id string, term termgoal.Term, kind string, step termgoal.Step, taskKind string, acc int64, state termgoal.ProcessState, rec *termgoal.AppraisalRecord) string {
	f.t.Helper()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	if rec != nil {
		rec.ProcessID, rec.TermID, rec.OrgID, rec.Kind = id, term.ID, term.OrgID, kind
	}
	task := id + "-t"
	err := f.store.Apply(context.Background(), termgoal.Change{ID: id + "/" + string(step), At: at, Action: string(step),
		Process: termgoal.Process{ID: id, Kind: kind, TermID: term.ID, OrgID: term.OrgID, Step: step, Status: "running", Version: 1,
			DeadlineOn: mustDay("2026-03-31"), StartedAt: at, State: state},
		Appraisal: rec,
		Open:      []termgoal.Task{{ID: task, Kind: taskKind, AccountID: acc, DueOn: mustDay("2026-02-01")}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return task
}

// Every appraisal and report step has its form on the task page, and each form's fields make
// the action's input.
func TestWebAppraisalTaskForms(t *testing.T) {
	f := newFixture(t)
	fake := &fakeTemporal{}
	f.h.setTemporal(fake)
	term := f.appraisalTerm(f.a1, f.ballotTemplate(), 0)
	f.planInForce(term)
	holder := f.accounts["holderA1"].ID
	rater := 91.5
	self := &termgoal.SelfAssessment{Items: []termgoal.ItemActual{{No: 1, Actual: "12 万元", Evidence: "账目"}, {No: 2, Actual: "全覆盖"}},
		Summary: "全年完成", Proposed: termgoal.GradeCompleted, SubmittedAt: time.Now()}
	result := &termgoal.AppraisalResult{RaterScore: 91.5, Score: 91.5, Computed: termgoal.GradeCompleted, Grade: termgoal.GradeCompleted,
		DecidedBy: 1, DeciderName: "李部长", DecidedAt: time.Now()}
	running := func(r *termgoal.AppraisalResult, a *termgoal.Appeal) *termgoal.AppraisalRecord {
		return &termgoal.AppraisalRecord{Year: 2025, Holder: "a1", Status: "running", Self: self, Result: r, Appeal: a}
	}
	appraisalState := termgoal.ProcessState{Appraisal: &termgoal.AppraisalView{Year: 2025, RaterScore: &rater,
		Annual: []termgoal.AnnualResult{{Year: 2024, Grade: termgoal.GradeCompleted, Score: 92.5}}}}
	cases := []struct {
		id, kind, taskKind string
		step               termgoal.Step
		rec                *termgoal.AppraisalRecord
		form               string
		want               []string
	}{
		{"ap-self", termgoal.AppraisalAnnual, "self_assess", termgoal.StepSelfAssessment, running(nil, nil), "self-assess-form",
			[]string{`id="actual_1"`, `id="evidence_2"`, `id="self-score"`, "2025 年目标", `<option value="basically_completed">基本完成</option>`}},
		{"ap-score", termgoal.AppraisalAnnual, "score", termgoal.StepScoring, running(nil, nil), "score-form",
			[]string{`id="score_2"`, "12 万元", "全年完成"}},
		{"ap-result", termgoal.AppraisalTermEnd, "determine", termgoal.StepResult, running(nil, nil), "determine-form",
			[]string{`id="computed-grade">完成`, `id="rater-score-value">91.5`, `name="veto" value="major_safety_accident"`, "重大安全事故", `id="outcome"`,
				`id="annual-results"`, "<td>2024</td><td>92.5</td><td>完成</td>", `id="term-end-warnings"`}},
		{"ap-feedback", termgoal.AppraisalAnnual, "feedback", termgoal.StepFeedback, running(result, nil), "acknowledge-form",
			[]string{`id="appeal-form"`, `id="result-grade"><strong>完成`, "李部长"}},
		{"ap-appeal", termgoal.AppraisalAnnual, "appeal_review", termgoal.StepAppealReview, running(result, &termgoal.Appeal{Reason: "评分偏低", FiledAt: time.Now()}), "decide-appeal-form",
			[]string{"评分偏低", `<option value="">维持原等次</option>`}},
		{"rp-ledger", termgoal.ProgressLedger, "report", termgoal.StepReport, nil, "report-form",
			[]string{`id="value_1"`, `id="note_2"`, "累计完成值"}},
	}
	// The superior's check of the mid-year self-check shows the report, lagging items flagged,
	// above the decision form.
	checkTask := f.seedTask("rp-check", term, termgoal.ProgressMidYear, termgoal.StepCheck, "approve", holder,
		termgoal.ProcessState{Report: &termgoal.ReportState{Year: 2026, Period: "2026-H1"}}, nil)
	err := f.store.Apply(context.Background(), termgoal.Change{ID: "rp-check/report", At: time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC), Action: "report_submitted",
		Process: termgoal.Process{ID: "rp-check", Kind: termgoal.ProgressMidYear, TermID: term.ID, OrgID: term.OrgID, Step: termgoal.StepCheck,
			Status: "running", Version: 1, DeadlineOn: mustDay("2026-07-31"), StartedAt: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)},
		Progress: &termgoal.ProgressReport{Kind: termgoal.ProgressMidYear, Year: 2026, Period: "2026-H1",
			Entries: []termgoal.ProgressEntry{{No: 1, Value: 5, Note: "偏慢"}, {No: 2, Value: 1}}, Summary: "上半年小结", Lagging: []int{1}}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := f.page("GET", "/tasks/"+checkTask, f.a1Tok, 200)
	for _, want := range []string{`id="report"`, `class="entry is-lagging" data-no="1"`, "上半年小结", `id="approve-form"`, `id="return-submit"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the check lacks %q", want)
		}
	}

	tasks := map[string]string{}
	for _, tc := range cases {
		state := appraisalState
		if tc.rec == nil {
			state = termgoal.ProcessState{Report: &termgoal.ReportState{Year: 2026, Period: "2026-06"}}
		}
		tasks[tc.id] = f.seedTask(tc.id, term, tc.kind, tc.step, tc.taskKind, holder, state, tc.rec)
		body, _ := f.page("GET", "/tasks/"+tasks[tc.id], f.a1Tok, 200)
		for _, want := range append(tc.want, `id="`+tc.form+`"`) {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the task page lacks %q", tc.id, want)
			}
		}
	}

	post := func(id string, form url.Values) {
		t.Helper()
		form.Set("key", "k-"+id)
		f.formPost("/tasks/"+tasks[id]+"/act", f.a1Tok, form, 303)
	}
	post("ap-self", url.Values{"action": {"submit_self_assessment"}, "actual_1": {"12 万元"}, "evidence_1": {"账目"}, "actual_2": {"全覆盖"},
		"summary": {"全年完成"}, "proposed_grade": {"completed"}, "self_score": {"95"}})
	in, _ := fake.update.Args[0].(*workflows.SelfAssessInput)
	if in == nil || fake.update.UpdateName != workflows.UpdateSelfAssess || len(in.Items) != 2 || in.Items[1].Actual != "全覆盖" ||
		in.Summary != "全年完成" || in.Proposed != "completed" || in.Score == nil || *in.Score != 95 || in.Actor.AccountID != holder {
		t.Errorf("self-assessment %+v", in)
	}
	post("ap-score", url.Values{"action": {"score"}, "score_1": {"90"}, "score_2": {"80.5"}, "comment": {"好"}})
	if sc, _ := fake.update.Args[0].(*workflows.ScoreInput); sc == nil || len(sc.Scores) != 2 || sc.Scores[1].Score != 80.5 || sc.Comment != "好" {
		t.Errorf("score %+v", sc)
	}
	post("ap-result", url.Values{"action": {"determine_result"}, "adj_points_0": {"-2"}, "adj_reason_0": {"信访"}, "veto": {"major_safety_accident"},
		"veto_reason_major_safety_accident": {"事故"}, "grade": {"basically_completed"}, "reason": {"综合研判"}, "outcome": {"reappoint"}})
	if d, _ := fake.update.Args[0].(*workflows.DetermineInput); d == nil || len(d.Adjustments) != 1 || d.Adjustments[0].Points != -2 ||
		len(d.Vetoes) != 1 || d.Vetoes[0].Reason != "事故" || d.Grade != "basically_completed" || d.Reason != "综合研判" || d.Outcome != termgoal.OutcomeReappoint {
		t.Errorf("determine %+v", d)
	}
	post("ap-feedback", url.Values{"action": {"appeal"}, "reason": {"不服"}})
	if a, _ := fake.update.Args[0].(*workflows.AppealInput); a == nil || a.Reason != "不服" {
		t.Errorf("appeal %+v", a)
	}
	post("ap-appeal", url.Values{"action": {"decide_appeal"}, "grade": {""}, "answer": {"维持"}})
	if a, _ := fake.update.Args[0].(*workflows.DecideAppealInput); a == nil || a.Grade != "" || a.Answer != "维持" {
		t.Errorf("decide appeal %+v", a)
	}
	post("rp-ledger", url.Values{"action": {"submit_report"}, "value_1": {"4"}, "note_1": {"偏慢"}, "value_2": {""}, "summary": {"上半年"}})
	if r, _ := fake.update.Args[0].(*workflows.ReportActionInput); r == nil || len(r.Entries) != 1 || r.Entries[0].Value != 4 || r.Summary != "上半年" {
		t.Errorf("report %+v", r)
	}
	// A score that is not a number is refused on the form, which keeps what was typed.
	body, _ = f.formPost("/tasks/"+tasks["ap-score"]+"/act", f.a1Tok, url.Values{"action": {"score"}, "key": {"k2"}, "score_1": {"很好"}, "score_2": {"80"}}, 422)
	if !strings.Contains(body, "第 1 项的分数不是数字") || !strings.Contains(body, `value="很好"`) {
		t.Errorf("bad score:\n%s", body)
	}
	// Another account's task is not found by one who may not see its org.
	f.page("GET", "/tasks/"+tasks["ap-feedback"], f.no, 404)
}

// A salesperson's result page says what each company rule did, with the months' figures, and
// names the sales points among the adjustments; in both languages.
func TestSalesResultPage(t *testing.T) {
	f := newFixture(t)
	term := f.appraisalTerm(f.a1, f.tmpl, 0)
	f.planInForce(term)
	f.seedAppraisal("appr-sales", term, 1, termgoal.StepFeedback, "running", termgoal.AppraisalRecord{Year: 2026, Holder: "a1", Status: "running",
		Result: &termgoal.AppraisalResult{RaterScore: 86, Score: 86, Computed: "good", Grade: "good", PayShare: 0.8, JobAdjustment: true,
			Adjustments: []termgoal.Adjustment{{Points: -2, Reason: termgoal.RuleSalesPoints}},
			Sales:       []termgoal.SalesMonth{{Month: "2026-01", Target: 100000, Minimum: 60000, Achieved: 50000}},
			Rules: []termgoal.AppliedRule{
				{Rule: termgoal.RuleSalesPoints, Params: map[string]any{"achieved": 430000, "target": 600000, "minimum": 450000, "points": -2}},
				{Rule: termgoal.RuleSalesPayShare, Params: map[string]any{"ratio": 0.72, "pay_share": 0.8}},
				{Rule: termgoal.RuleJobAdjustment, Params: map[string]any{"months": 3, "ratio": 0.6}}}}})
	body, _ := f.page("GET", "/appraisals/appr-sales", f.aTok, 200)
	for _, want := range []string{"完成目标的 72%：发放绩效工资的 80%。", "连续 3 个月低于目标的 60%：应调整岗位或降薪。",
		"销售额 430000 元，目标 600000 元，最低线 450000 元：计 -2 分。", "销售加减分", `id="sales-figures-table"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the result page lacks %q", want)
		}
	}
	body, _ = f.page("GET", "/appraisals/appr-sales?lang=en", f.aTok, 200)
	if !strings.Contains(body, "72% of the target achieved: 80% of the performance pay.") || strings.Contains(body, "sales_rules.") {
		t.Errorf("in English:\n%s", body)
	}
}

// The year's result of a monthly cycle shows its months and what they drive, in both
// languages; a year that drives nothing says so.
func TestCompanyYearResultPage(t *testing.T) {
	f := newFixture(t)
	term := f.appraisalTerm(f.a1, f.tmpl, 0)
	f.planInForce(term)
	year := func(id string, grades ...string) {
		var months []termgoal.PeriodGrade
		for i, g := range grades {
			months = append(months, termgoal.PeriodGrade{Period: fmt.Sprintf("2026-%02d", i+1), Grade: g, Score: 50})
		}
		r := &termgoal.AppraisalResult{RaterScore: 70, Score: 70, Computed: "pass", Grade: "pass"}
		r.CompanyYear(months)
		f.seedAppraisal(id, term, 1, termgoal.StepFeedback, "running", termgoal.AppraisalRecord{Year: 2026, Holder: "a1", Status: "running", Result: r})
	}
	year("appr-year", termgoal.GradePoor, termgoal.GradeFail, termgoal.GradePass, termgoal.GradePoor)
	body, _ := f.page("GET", "/appraisals/appr-year", f.aTok, 200)
	for _, want := range []string{"本年度月度考核 4 个月，优秀 0 个月，不合格 3 个月：解聘。", `id="company-months"`, "<td>2026-04</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the result page lacks %q:\n%s", want, body)
		}
	}
	body, _ = f.page("GET", "/appraisals/appr-year?lang=en", f.aTok, 200)
	if !strings.Contains(body, "This year&#39;s monthly results: 4, of which 0 excellent and 3 failed: Dismissal.") {
		t.Errorf("in English:\n%s", body)
	}
	year("appr-year-2", termgoal.GradePass)
	if body, _ := f.page("GET", "/appraisals/appr-year-2?lang=en", f.aTok, 200); !strings.Contains(body, "This year&#39;s monthly results: 1, of which 0 excellent and 0 failed: no consequence.") {
		t.Errorf("a year that drives nothing:\n%s", body)
	}
}
