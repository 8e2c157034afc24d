package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"termgoal"
	"termgoal/app"
	"termgoal/workflows"
)

// recordingTemporal records every update it is asked for, from any goroutine, and refuses
// the processes listed in refuse. The embedded nil interface panics on anything else.
type recordingTemporal struct {
	client.Client
	mu      sync.Mutex
	updates []client.UpdateWorkflowOptions
	refuse  map[string]error
}

func (r *recordingTemporal) UpdateWorkflow(ctx context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.updates = append(r.updates, o)
	return recordedUpdate{o, r.refuse[o.WorkflowID]}, nil
}

// take returns the updates recorded so far by workflow ID and forgets them.
func (r *recordingTemporal) take() []client.UpdateWorkflowOptions {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.updates
	r.updates = nil
	slices.SortFunc(out, func(a, b client.UpdateWorkflowOptions) int { return strings.Compare(a.WorkflowID, b.WorkflowID) })
	return out
}

type recordedUpdate struct {
	o   client.UpdateWorkflowOptions
	err error
}

func (u recordedUpdate) WorkflowID() string                   { return u.o.WorkflowID }
func (u recordedUpdate) RunID() string                        { return "" }
func (u recordedUpdate) UpdateID() string                     { return u.o.UpdateID }
func (u recordedUpdate) Get(ctx context.Context, v any) error { return u.err }

// batchPost posts a batch with an Idempotency-Key and decodes the answer.
func (f *fixture) batchPost(path, token, key string, body any, want int) BatchResult {
	f.t.Helper()
	var res BatchResult
	if key == "" {
		f.do("POST", path, token, body, want, &res)
		return res
	}
	b, _ := json.Marshal(body)
	req := httptest.NewRequest("POST", path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	if w.Code != want {
		f.t.Fatalf("POST %s: %d, want %d: %s", path, w.Code, want, w.Body.String())
	}
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		f.t.Fatal(err)
	}
	return res
}

func TestBatchRemind(t *testing.T) {
	f := newFixture(t)
	rec := &recordingTemporal{}
	f.h.setTemporal(rec)
	// Under a: one overdue at the draft, one at approval due far ahead, one completed; under
	// b: one overdue, outside adminA's scope.
	f.seedProcess("gs-overdue", f.a1, termgoal.StepDraft, "running", "2020-01-10")
	f.seedProcess("gs-approval", f.a, termgoal.StepApproval, "running", "2099-01-10")
	f.seedProcess("gs-done", f.a1, termgoal.StepInForce, "completed", "2020-01-10")
	f.seedProcess("gs-b", f.b, termgoal.StepDraft, "running", "2020-01-10")
	const path = "/api/v1/admin/remind"

	// Authorization and validation change nothing.
	f.errCode("POST", path, f.a1Tok, app.BatchRemindRequest{OrgID: f.a1.ID, Reason: "催"}, 403)
	f.errCode("POST", path, f.aTok, app.BatchRemindRequest{OrgID: f.b.ID, Reason: "催"}, 403)
	f.errCode("POST", path, f.aTok, app.BatchRemindRequest{OrgID: f.root.ID, Reason: "催"}, 403)
	f.errCode("POST", path, f.no, app.BatchRemindRequest{OrgID: f.a.ID, Reason: "催"}, 403)
	f.errCode("POST", path, f.aTok, app.BatchRemindRequest{OrgID: 99999, Reason: "催"}, 422)
	e := f.errCode("POST", path, f.aTok, app.BatchRemindRequest{OrgID: f.a.ID, Reason: "  "}, 422)
	if e.Error.Message != "批量操作须填写理由。" {
		t.Errorf("no reason: %+v", e)
	}
	f.errCode("POST", path, f.aTok, app.BatchRemindRequest{OrgID: f.a.ID, Reason: "催", Step: "nap"}, 422)
	f.errCode("POST", path, f.aTok, `{"org_id":1,"reason":"x","all":true}`, 400)
	f.errCode("POST", path, "", app.BatchRemindRequest{OrgID: f.a.ID, Reason: "催"}, 401)
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("refused batches acted: %+v", got)
	}

	// Every running process under a, each under a key derived from the batch's.
	res := f.batchPost(path, f.aTok, "K1", app.BatchRemindRequest{OrgID: f.a.ID, Reason: "请尽快办理"}, 200)
	got := rec.take()
	if res.Done != 2 || len(res.Failed) != 0 || len(got) != 2 {
		t.Fatalf("remind all: %+v %+v", res, got)
	}
	for i, id := range []string{"gs-approval", "gs-overdue"} {
		u := got[i]
		in, _ := u.Args[0].(*workflows.ReasonInput)
		if u.WorkflowID != id || u.UpdateName != workflows.UpdateRemind || u.UpdateID != app.UpdateID(termgoal.Actor{AccountID: f.accounts["adminA"].ID}, app.BatchKey("K1", "remind", id)) ||
			in == nil || in.Reason != "请尽快办理" || !in.Actor.Admin || in.Actor.AccountID != f.accounts["adminA"].ID {
			t.Errorf("update %d: %+v %+v", i, u, in)
		}
	}
	// Sent again with the same key: the same update IDs, which Temporal applies once.
	f.batchPost(path, f.aTok, "K1", app.BatchRemindRequest{OrgID: f.a.ID, Reason: "请尽快办理"}, 200)
	again := rec.take()
	if len(again) != 2 || again[0].UpdateID != got[0].UpdateID || again[1].UpdateID != got[1].UpdateID {
		t.Errorf("retried batch keys %+v", again)
	}

	// Only overdue; only a step.
	res = f.batchPost(path, f.aTok, "K2", app.BatchRemindRequest{OrgID: f.a.ID, OverdueOnly: true, Reason: "逾期"}, 200)
	if got := rec.take(); res.Done != 1 || len(got) != 1 || got[0].WorkflowID != "gs-overdue" {
		t.Errorf("overdue only: %+v %+v", res, got)
	}
	res = f.batchPost(path, f.aTok, "", app.BatchRemindRequest{OrgID: f.a.ID, Step: termgoal.StepApproval, Reason: "审定"}, 200)
	if got := rec.take(); res.Done != 1 || len(got) != 1 || got[0].WorkflowID != "gs-approval" || len(got[0].UpdateID) < 32 {
		t.Errorf("step: %+v %+v", res, got)
	}
	// The root admin reaches b too.
	res = f.batchPost(path, f.rootTok, "K3", app.BatchRemindRequest{OrgID: f.root.ID, OverdueOnly: true, Reason: "逾期"}, 200)
	if got := rec.take(); res.Done != 2 || len(got) != 2 || got[0].WorkflowID != "gs-b" {
		t.Errorf("root: %+v %+v", res, got)
	}

	// A refusal is reported per process, translated; the others still go.
	rec.refuse = map[string]error{"gs-approval": overTheWire(temporal.NewNonRetryableApplicationError("closed", termgoal.ECONFLICT, nil,
		workflows.RefusalDetail{Key: "process.closed"}))}
	res = f.batchPost(path, f.aTok, "K4", app.BatchRemindRequest{OrgID: f.a.ID, Reason: "催"}, 200)
	if res.Done != 1 || len(res.Failed) != 1 || res.Failed[0] != (BatchFailure{ProcessID: "gs-approval", Code: "conflict", Message: "流程已结束。"}) {
		t.Errorf("partial: %+v", res)
	}
	rec.take()

	// Each batch is audited once with its counts.
	var audit List[termgoal.Audit]
	f.do("GET", "/api/v1/audit", f.rootTok, nil, 200, &audit)
	var lines []termgoal.Audit
	for _, l := range audit.Items {
		if l.Action == "batch_remind" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 6 {
		t.Fatalf("batch audit lines %+v", lines)
	}
	last := lines[5]
	if last.ActorID != f.accounts["adminA"].ID || last.Detail["done"] != 1.0 || last.Detail["failed"] != 1.0 ||
		last.Detail["matched"] != 2.0 || last.Detail["reason"] != "催" || last.Detail["org_id"] != float64(f.a.ID) {
		t.Errorf("audit %+v", last)
	}
}

func TestBatchReassign(t *testing.T) {
	f := newFixture(t)
	rec := &recordingTemporal{}
	f.h.setTemporal(rec)
	f.account("old", termgoal.RoleHolder, f.a1.ID)
	f.account("new", termgoal.RoleHolder, f.a1.ID)
	old, nw := f.accounts["old"].ID, f.accounts["new"].ID
	f.seedProcess("gs-1", f.a1, termgoal.StepCommittee, "running", "2099-01-10", old, old, nw) // two seats of old: one update
	f.seedProcess("gs-2", f.a, termgoal.StepApproval, "running", "2099-01-10", old)
	f.seedProcess("gs-3", f.a1, termgoal.StepDraft, "running", "2099-01-10", nw)
	f.seedProcess("gs-b", f.b, termgoal.StepDraft, "running", "2099-01-10", old)
	const path = "/api/v1/admin/reassign"
	req := app.BatchReassignRequest{From: old, To: nw, OrgID: f.a.ID, Reason: "调岗"}

	// Authorization and validation change nothing.
	f.errCode("POST", path, f.a1Tok, req, 403)
	outside := req
	outside.OrgID = f.b.ID
	f.errCode("POST", path, f.aTok, outside, 403)
	bad := req
	bad.Reason = ""
	f.errCode("POST", path, f.aTok, bad, 422)
	bad = req
	bad.To = old
	f.errCode("POST", path, f.aTok, bad, 422)
	bad = req
	bad.To = 99999
	e := f.errCode("POST", path+"?lang=en", f.aTok, bad, 422)
	if e.Error.Message != "Account 99999 does not exist." {
		t.Errorf("unknown account: %+v", e)
	}
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("refused batches acted: %+v", got)
	}

	res := f.batchPost(path, f.aTok, "R1", req, 200)
	got := rec.take()
	if res.Done != 2 || len(res.Failed) != 0 || len(got) != 2 {
		t.Fatalf("reassign: %+v %+v", res, got)
	}
	for i, id := range []string{"gs-1", "gs-2"} {
		u := got[i]
		in, _ := u.Args[0].(*workflows.ReassignInput)
		if u.WorkflowID != id || u.UpdateName != workflows.UpdateReassign || u.UpdateID != app.UpdateID(termgoal.Actor{AccountID: f.accounts["adminA"].ID}, app.BatchKey("R1", "reassign", id)) ||
			in == nil || in.From != old || in.To != (termgoal.Actor{AccountID: nw, Name: "new 姓名"}) || in.Reason != "调岗" ||
			!in.Actor.Admin || in.Actor.AccountID != f.accounts["adminA"].ID {
			t.Errorf("update %d: %+v %+v", i, u, in)
		}
	}
	// The same key for a remind never collides with the reassign's update IDs.
	if app.UpdateID(termgoal.Actor{AccountID: f.accounts["adminA"].ID}, app.BatchKey("R1", workflows.UpdateRemind, "gs-1")) == got[0].UpdateID {
		t.Error("remind and reassign share an update ID")
	}

	lines := f.auditLines("batch_reassign")
	for _, l := range lines {
		if l.Detail["done"] != 2.0 || l.Detail["from"] != float64(old) || l.Detail["to"] != float64(nw) {
			t.Errorf("audit %+v", l)
		}
	}
	if len(lines) != 1 {
		t.Errorf("%d batch_reassign lines", len(lines))
	}
}
