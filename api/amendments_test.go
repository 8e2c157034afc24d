package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/workflows"
)

func TestStartAmendment(t *testing.T) {
	f := newFixture(t)
	fake := &fakeTemporal{}
	f.h.setTemporal(fake)
	term := termgoal.Term{OrgID: f.a1.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected, TemplateID: f.tmpl.ID}
	term.Start, term.End = mustDay("2026-01-10"), mustDay("2030-01-09")
	var got termgoal.Term
	f.do("POST", "/api/v1/terms", f.aTok, term, 201, &got)
	path := fmt.Sprintf("/api/v1/terms/%d/amendments", got.ID)
	reason := map[string]string{"reason": "不可预见因素"}

	f.errCode("POST", path, f.aTok, reason, 409) // no plan in force yet
	// The goal setting ends: its last change puts the plan in force.
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	proc := termgoal.Process{ID: workflows.GoalSettingID(got.ID), Kind: workflows.KindGoalSetting, TermID: got.ID, OrgID: f.a1.ID,
		Step: termgoal.StepInForce, Status: "completed", Version: 1, DeadlineOn: at, StartedAt: at}
	item := termgoal.PlanItem{Category: "c", Title: "t", Targets: map[string]string{"2026": "1"}, Weight: 100, Owner: "o"}
	if err := f.store.Apply(context.Background(), termgoal.Change{ID: "in-force", At: at, Process: proc, Action: "pledges_signed", InForce: true,
		PlanVersion: &termgoal.PlanVersion{TermID: got.ID, Version: 1, Items: []termgoal.PlanItem{item}, Step: termgoal.StepPledge, Status: "in_force"}}); err != nil {
		t.Fatal(err)
	}

	f.errCode("POST", path, "", reason, 401)
	f.errCode("POST", path, f.no, reason, 403)
	f.errCode("POST", path, f.aTok, map[string]string{"reason": " "}, 422)
	f.errCode("POST", path, f.aTok, `{"reason":`, 400)
	var out struct {
		ProcessID string `json:"process_id"`
	}
	f.do("POST", path, f.a1Tok, reason, 201, &out) // the holder asks
	in, _ := fake.startArg.(workflows.GoalSettingInput)
	if out.ProcessID != workflows.AmendmentID(got.ID, 1) || fake.started.ID != out.ProcessID || !in.Amendment || in.Reason != reason["reason"] || in.TermID != got.ID {
		t.Errorf("started %+v with %+v", fake.started, in)
	}
	var audit struct {
		Items []termgoal.Audit `json:"items"`
	}
	f.do("GET", fmt.Sprintf("/api/v1/audit?term_id=%d", got.ID), f.rootTok, nil, 200, &audit)
	if n := len(audit.Items); n == 0 || audit.Items[n-1].Action != "amendment_started" {
		t.Errorf("audit %+v", audit.Items)
	}
}

// The term page offers the amendment to the holder and starts it with the reason typed.
func TestWebAmend(t *testing.T) {
	f := newFixture(t)
	fake := &fakeTemporal{}
	f.h.setTemporal(fake)
	w := f.planWorld()
	path := fmt.Sprintf("/terms/%d", w.term.ID)
	if body, _ := f.page("GET", path, f.a1Tok, 200); !strings.Contains(body, `id="amend"`) {
		t.Fatal("the holder is not offered an amendment")
	}
	post := func(reason string, want int) string {
		req := httptest.NewRequest("POST", path+"/amendments", strings.NewReader(url.Values{"reason": {reason}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+f.a1Tok)
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Fatalf("amend: %d, want %d: %s", rec.Code, want, rec.Body.String())
		}
		return rec.Header().Get("Location")
	}
	post(" ", 422)
	// One amendment has run already: this is the second.
	want := workflows.AmendmentID(w.term.ID, 2)
	if loc := post("上级部署调整", 303); loc != "/processes/"+want {
		t.Errorf("redirected to %q", loc)
	}
	if in, _ := fake.startArg.(workflows.GoalSettingInput); fake.started.ID != want || !in.Amendment || in.Reason != "上级部署调整" {
		t.Errorf("started %+v with %+v", fake.started, in)
	}
}
