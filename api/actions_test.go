package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"termgoal"
	"termgoal/workflows"
)

// fakeTemporal answers UpdateWorkflow and ExecuteWorkflow with what a test sets, and records
// what it was asked. The embedded nil interface panics on anything else.
type fakeTemporal struct {
	client.Client
	update   client.UpdateWorkflowOptions
	started  client.StartWorkflowOptions
	startArg any
	result   workflows.ActionResult
	err      error
}

func (f *fakeTemporal) UpdateWorkflow(ctx context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.update = o
	return fakeHandle{f}, nil
}

func (f *fakeTemporal) ExecuteWorkflow(ctx context.Context, o client.StartWorkflowOptions, wf any, args ...any) (client.WorkflowRun, error) {
	f.started, f.startArg = o, args[0]
	return nil, f.err
}

func (f *fakeTemporal) CheckHealth(context.Context, *client.CheckHealthRequest) (*client.CheckHealthResponse, error) {
	return &client.CheckHealthResponse{}, nil
}

type fakeHandle struct{ f *fakeTemporal }

func (h fakeHandle) WorkflowID() string { return h.f.update.WorkflowID }
func (h fakeHandle) RunID() string      { return "" }
func (h fakeHandle) UpdateID() string   { return h.f.update.UpdateID }
func (h fakeHandle) Get(ctx context.Context, v any) error {
	if h.f.err != nil {
		return h.f.err
	}
	*(v.(*workflows.ActionResult)) = h.f.result
	return nil
}

// overTheWire passes an error through the failure converter, as a validator's refusal reaches
// a real client.
func overTheWire(err error) error {
	fc := temporal.GetDefaultFailureConverter()
	return fc.FailureToError(fc.ErrorToFailure(err))
}

func TestActionOutcomes(t *testing.T) {
	f := newFixture(t)
	fake := &fakeTemporal{}
	f.h.setTemporal(fake)
	pid := "goalsetting-term-1"
	url := "/api/v1/processes/" + pid + "/actions/" + workflows.UpdateVote

	// Applied: the actor is the caller, whatever the body says; the update ID is the caller's
	// and the key's.
	keyed := "goalsetting-term-keyed"
	f.seedProcess(keyed, f.a1, termgoal.StepCommittee, "running", "2026-03-01")
	keyedURL := "/api/v1/processes/" + keyed + "/actions/" + workflows.UpdateVote
	send := func(token, key, body string) *httptest.ResponseRecorder {
		fake.update = client.UpdateWorkflowOptions{}
		req := httptest.NewRequest("POST", keyedURL, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Idempotency-Key", key)
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, req)
		return w
	}
	fake.result = workflows.ActionResult{Step: termgoal.StepApproval, Version: 2}
	w := send(f.aTok, "key-1", `{"choice":"for","actor":{"account_id":999,"name":"forged"}}`)
	in, _ := fake.update.Args[0].(*workflows.VoteInput)
	adminA := f.accounts["adminA"].ID
	if w.Code != 200 || fake.update.UpdateID != fmt.Sprintf("a%d:key-1", adminA) || fake.update.WorkflowID != keyed || fake.update.UpdateName != "vote" ||
		in == nil || in.Actor.AccountID != adminA || in.Actor.Name != "adminA 姓名" || in.Choice != termgoal.VoteFor {
		t.Fatalf("applied: %d %s %+v %+v", w.Code, w.Body.String(), fake.update, in)
	}
	// The same key and request again goes to the same update; the key with another request is
	// refused before the workflow; another person's same key is their own update.
	if w := send(f.aTok, "key-1", `{"choice":"for"}`); w.Code != 200 || fake.update.UpdateID != fmt.Sprintf("a%d:key-1", adminA) {
		t.Errorf("a retry: %d %s %+v", w.Code, w.Body.String(), fake.update)
	}
	if w := send(f.aTok, "key-1", `{"choice":"against"}`); w.Code != 422 || fake.update.UpdateID != "" || !strings.Contains(w.Body.String(), "Idempotency-Key") {
		t.Errorf("the key with another body: %d %s %+v", w.Code, w.Body.String(), fake.update)
	}
	if w := send(f.rootTok, "key-1", `{"choice":"against"}`); w.Code != 200 || fake.update.UpdateID != fmt.Sprintf("a%d:key-1", f.accounts["root"].ID) {
		t.Errorf("another person's same key: %d %s %+v", w.Code, w.Body.String(), fake.update)
	}
	// A request naming an unknown account is refused before its key is kept: the same key
	// with the account corrected goes through.
	keyedURL = "/api/v1/processes/" + keyed + "/actions/" + workflows.UpdateTransfer
	if w := send(f.aTok, "key-2", `{"to":{"account_id":999999}}`); w.Code != 422 || fake.update.UpdateID != "" {
		t.Errorf("an unknown account: %d %s %+v", w.Code, w.Body.String(), fake.update)
	}
	if w := send(f.aTok, "key-2", fmt.Sprintf(`{"to":{"account_id":%d}}`, f.accounts["root"].ID)); w.Code != 200 || fake.update.UpdateID != fmt.Sprintf("a%d:key-2", adminA) {
		t.Errorf("the same key, the account corrected: %d %s %+v", w.Code, w.Body.String(), fake.update)
	}
	var res workflows.ActionResult
	_ = json.Unmarshal(w.Body.Bytes(), &res)
	if res != fake.result {
		t.Errorf("result %+v", res)
	}
	// Without a key, one is generated.
	f.do("POST", url, f.aTok, `{"choice":"for"}`, 200, nil)
	if len(fake.update.UpdateID) != 32 {
		t.Errorf("generated key %q", fake.update.UpdateID)
	}

	// Refused by the validator: its code and its message in the caller's language.
	fake.err = overTheWire(temporal.NewNonRetryableApplicationError("opinion 2 is already answered", termgoal.ECONFLICT, nil,
		workflows.RefusalDetail{Key: "consultation.already_answered", Args: map[string]any{"seq": 2}}))
	e := f.errCode("POST", url, f.aTok, `{"choice":"for"}`, 409)
	if e.Error.Code != "conflict" || e.Error.Message != "第 2 条意见已经答复。" {
		t.Errorf("refusal %+v", e)
	}
	fake.err = overTheWire(temporal.NewNonRetryableApplicationError("not yours", termgoal.EFORBIDDEN, nil,
		workflows.RefusalDetail{Key: "action.not_assignee"}))
	f.errCode("POST", url+"?lang=en", f.aTok, `{"choice":"for"}`, 403)

	// Unknown outcome.
	for _, err := range []error{context.DeadlineExceeded, serviceerror.NewUnavailable("down"), serviceerror.NewDeadlineExceeded("slow"),
		serviceerror.NewResourceExhausted(0, "too many outstanding updates")} {
		fake.err = err
		e = f.errCode("POST", url+"?lang=en", f.aTok, `{"choice":"for"}`, 503)
		if e.Error.Code != "unavailable" || !strings.Contains(e.Error.Message, "same Idempotency-Key") {
			t.Errorf("%v: %+v", err, e)
		}
	}

	// No such workflow: the read model tells unknown from closed.
	fake.err = serviceerror.NewNotFound("workflow not found")
	f.errCode("POST", url, f.aTok, `{"choice":"for"}`, 404)

	// A closed process answers 409.
	var term termgoal.Term
	tm := termgoal.Term{OrgID: f.a1.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected, TemplateID: f.tmpl.ID,
		Start: mustDay("2026-01-10"), End: mustDay("2030-01-09")}
	f.do("POST", "/api/v1/terms", f.aTok, tm, 201, &term)
	err := f.store.Apply(context.Background(), termgoal.Change{ID: "c-closed", At: mustDay("2026-02-01"), Action: "pledges_signed",
		Process: termgoal.Process{ID: pid, Kind: "goal_setting", TermID: term.ID, OrgID: f.a1.ID, Step: termgoal.StepInForce,
			Status: "completed", DeadlineOn: mustDay("2026-03-10"), StartedAt: mustDay("2026-01-10"), UpdatedAt: mustDay("2026-02-01")}})
	if err != nil {
		t.Fatal(err)
	}
	e = f.errCode("POST", url, f.aTok, `{"choice":"for"}`, 409)
	if e.Error.Message != "流程已结束。" {
		t.Errorf("closed: %+v", e)
	}

	// A real failure stays internal.
	fake.err = fmt.Errorf("boom")
	e = f.errCode("POST", url, f.aTok, `{"choice":"for"}`, 500)
	if strings.Contains(e.Error.Message, "boom") {
		t.Errorf("leaked %+v", e)
	}

	// A public objection is anonymous.
	fake.err = nil
	f.do("POST", "/api/v1/notices/"+pid+"/objections", "", `{"content":"异议","anonymous":false}`, 200, nil)
	obj, _ := fake.update.Args[0].(*workflows.FileObjectionInput)
	if obj == nil || !obj.Anonymous || obj.Actor.AccountID != 0 || fake.update.UpdateName != workflows.UpdateFileObjection {
		t.Errorf("objection %+v", obj)
	}

	// A signed-in account's anonymous objection reaches the workflow (its history) as the
	// public's does: no account, name or address in the input, no account in the update ID;
	// the same key sent again is the same update.
	holder := f.accounts["holderA1"]
	for range 2 {
		r := httptest.NewRequest("POST", "/api/v1/notices/"+pid+"/objections", strings.NewReader(`{"content":"匿名异议","anonymous":true}`))
		r.Header.Set("Authorization", "Bearer "+f.a1Tok)
		r.Header.Set("Idempotency-Key", "objection-1")
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, r)
		obj, _ = fake.update.Args[0].(*workflows.FileObjectionInput)
		raw, _ := json.Marshal(fake.update.Args[0])
		if w.Code != 200 || obj == nil || obj.Actor != (termgoal.Actor{Name: "anonymous"}) || strings.Contains(fake.update.UpdateID, fmt.Sprintf("a%d:", holder.ID)) ||
			!strings.HasPrefix(fake.update.UpdateID, "anon:") || strings.Contains(string(raw), holder.DisplayName) || strings.Contains(string(raw), "192.0.2.1") {
			t.Errorf("anonymous objection: %d %s, update %q %s", w.Code, w.Body.String(), fake.update.UpdateID, raw)
		}
	}
}

func TestStartGoalSetting(t *testing.T) {
	f := newFixture(t)
	fake := &fakeTemporal{}
	f.h.setTemporal(fake)
	term := termgoal.Term{OrgID: f.a1.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected, TemplateID: f.tmpl.ID}
	term.Start, term.End = mustDay("2026-01-10"), mustDay("2030-01-09")
	var got termgoal.Term
	f.do("POST", "/api/v1/terms", f.aTok, term, 201, &got)
	path := fmt.Sprintf("/api/v1/terms/%d/goal-setting", got.ID)
	var out struct {
		ProcessID string `json:"process_id"`
	}
	f.do("POST", path, f.aTok, nil, 201, &out)
	if out.ProcessID != workflows.GoalSettingID(got.ID) || fake.started.ID != out.ProcessID || fake.started.TaskQueue != workflows.TaskQueue {
		t.Errorf("started %+v %+v", out, fake.started)
	}
	if in := fake.startArg.(workflows.GoalSettingInput); in.TermID != got.ID || in.Initiator.AccountID != f.accounts["adminA"].ID {
		t.Errorf("input %+v", in)
	}
	f.do("GET", fmt.Sprintf("/api/v1/terms/%d", got.ID), f.aTok, nil, 200, &got)
	if got.ProcessID != out.ProcessID {
		t.Errorf("term not linked: %+v", got)
	}
	f.errCode("POST", path, f.aTok, nil, 409)

	// Temporal refuses a second start of a term whose link was lost: 409, and the link is made.
	var other termgoal.Term
	f.do("POST", "/api/v1/terms", f.aTok, term, 201, &other)
	fake.err = serviceerror.NewWorkflowExecutionAlreadyStarted("started", "", "")
	f.errCode("POST", fmt.Sprintf("/api/v1/terms/%d/goal-setting", other.ID), f.aTok, nil, 409)
	f.do("GET", fmt.Sprintf("/api/v1/terms/%d", other.ID), f.aTok, nil, 200, &other)
	if other.ProcessID != workflows.GoalSettingID(other.ID) {
		t.Errorf("not linked: %+v", other)
	}
}
