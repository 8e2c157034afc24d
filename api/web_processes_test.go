package api

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/workflows"
)

// TestProcessListPage: the process list shows what the caller's grants cover, never another
// county's, filtered by holder, step and overdue; someone without a grant is refused.
func TestProcessListPage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	start := func(id string, org termgoal.Org, step termgoal.Step, due time.Time) {
		t.Helper()
		term := f.appraisalTerm(org, f.tmpl, 0)
		err := f.store.Apply(ctx, termgoal.Change{ID: id + "/c/1", At: time.Now(), Action: "started",
			Process: termgoal.Process{ID: id, Kind: "goal_setting", TermID: term.ID, OrgID: org.ID, Step: step,
				Status: "running", DeadlineOn: due, StepDueOn: &due, StartedAt: time.Now()}})
		if err != nil {
			t.Fatal(err)
		}
	}
	start("gs-a1-late", f.a1, termgoal.StepApproval, mustDay("2026-01-05"))
	start("gs-a1-draft", f.a1, termgoal.StepDraft, f.h.ops.Today().AddDate(0, 0, 30))
	start("gs-b", f.b, termgoal.StepDraft, mustDay("2026-01-05"))

	rows := func(body string) (ids []string) {
		for _, part := range strings.Split(body, `data-process="`)[1:] {
			ids = append(ids, part[:strings.Index(part, `"`)])
		}
		return ids
	}
	body, _ := f.page("GET", "/processes", f.aTok, 200)
	if got := rows(body); len(got) != 2 || strings.Contains(body, "gs-b") || !strings.Contains(body, `id="nav-processes"`) {
		t.Errorf("adminA's list: %v", got)
	}
	body, _ = f.page("GET", "/processes?overdue=1", f.aTok, 200)
	if got := rows(body); len(got) != 1 || got[0] != "gs-a1-late" || !strings.Contains(body, `class="badge overdue"`) {
		t.Errorf("overdue: %v", got)
	}
	body, _ = f.page("GET", "/processes?due_within=30", f.aTok, 200)
	if got := rows(body); len(got) != 1 || got[0] != "gs-a1-draft" || !strings.Contains(body, `<option value="30" selected>`) {
		t.Errorf("due within 30 days: %v", got)
	}
	if body, _ := f.page("GET", "/processes?due_within=14", f.aTok, 200); len(rows(body)) != 0 {
		t.Errorf("due within 14 days: %v", rows(body))
	}
	f.page("GET", "/processes?due_within=soon", f.aTok, 400)
	f.page("GET", "/processes?due_within=400", f.aTok, 422)
	body, _ = f.page("GET", "/processes?step=draft", f.rootTok, 200)
	if got := rows(body); len(got) != 2 || strings.Contains(body, "gs-a1-late") {
		t.Errorf("root's drafts: %v", got)
	}
	body, _ = f.page("GET", "/processes?holder=b&lang=en", f.rootTok, 200)
	if got := rows(body); len(got) != 1 || got[0] != "gs-b" {
		t.Errorf("holder b: %v", got)
	}
	f.page("GET", "/processes", f.no, 403)

	// The JSON list takes the same filters and names each process's holder.
	var late List[postgres.ProcessRow]
	f.do("GET", "/api/v1/processes?overdue=true", f.aTok, nil, 200, &late)
	if late.Total != 1 || late.Items[0].ID != "gs-a1-late" || !late.Items[0].Overdue || late.Items[0].HolderName != "a1" {
		t.Errorf("overdue over the API: %+v", late)
	}
	f.do("GET", "/api/v1/processes?due_within=30", f.aTok, nil, 200, &late)
	if late.Total != 1 || late.Items[0].ID != "gs-a1-draft" {
		t.Errorf("due within over the API: %+v", late)
	}
	f.do("GET", "/api/v1/processes?holder=b", f.aTok, nil, 200, &late)
	if late.Total != 0 {
		t.Errorf("adminA finds b's process: %+v", late)
	}
	f.do("GET", "/api/v1/processes", f.no, nil, 200, &late)
	if late.Total != 0 {
		t.Errorf("without a grant: %+v", late)
	}
}

// TestProcessListBatch: an administrator reminds, or extends the deadline of, every running
// process the list's filters match, with a reason and after seeing how many it touches; each
// process gets its own action, and the batch is audited once. A refused batch acts on nothing
// and shows the form again.
func TestProcessListBatch(t *testing.T) {
	f := newFixture(t)
	rec := &recordingTemporal{}
	f.h.setTemporal(rec)
	ctx := context.Background()
	for _, id := range []string{"gs-late", "gs-late-2"} {
		term := f.appraisalTerm(f.a1, f.tmpl, 0)
		due := mustDay("2026-01-05")
		if err := f.store.Apply(ctx, termgoal.Change{ID: id + "/c/1", At: time.Now(), Action: "started",
			Process: termgoal.Process{ID: id, Kind: "goal_setting", TermID: term.ID, OrgID: f.a1.ID, Step: termgoal.StepApproval,
				Status: "running", DeadlineOn: due, StepDueOn: &due, StartedAt: time.Now()}}); err != nil {
			t.Fatal(err)
		}
	}
	body, _ := f.page("GET", "/processes?overdue=1", f.aTok, 200)
	if !strings.Contains(body, `id="batch-form"`) || !strings.Contains(body, "2 个") {
		t.Fatalf("the batch form does not say how many it touches: %s", body)
	}
	if body, _ := f.page("GET", "/processes", f.a1Tok, 200); strings.Contains(body, `id="batch-form"`) {
		t.Error("a holder is offered the batch")
	}

	form := url.Values{"key": {"B1"}, "overdue": {"1"}, "action": {"remind"}, "reason": {" "}}
	body, _ = f.formPost("/processes/batch", f.aTok, form, 422)
	if !strings.Contains(body, `id="batch-form"`) {
		t.Errorf("a refused batch does not show the form again: %s", body)
	}
	form.Set("reason", "请尽快办理")
	f.formPost("/processes/batch", f.a1Tok, form, 403)
	form.Set("action", "extend_deadline")
	f.formPost("/processes/batch", f.aTok, form, 422) // no days
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("refused batches acted: %+v", got)
	}

	form.Set("action", "remind")
	if _, loc := f.formPost("/processes/batch", f.aTok, form, 303); loc != "/processes?overdue=1" {
		t.Errorf("back to %q", loc)
	}
	got := rec.take()
	if len(got) != 2 || got[0].WorkflowID != "gs-late" || got[0].UpdateName != workflows.UpdateRemind {
		t.Fatalf("reminded %+v", got)
	}
	// A selection: only the ticked processes among those the filters match.
	sel := url.Values{"key": {"B1s"}, "overdue": {"1"}, "action": {"remind"}, "reason": {"请尽快办理"}, "id": {"gs-late-2", "not-in-the-list"}}
	f.formPost("/processes/batch", f.aTok, sel, 303)
	if got := rec.take(); len(got) != 1 || got[0].WorkflowID != "gs-late-2" {
		t.Fatalf("the selection reminded %+v", got)
	}
	// Reassign: only the processes where the first account holds an open task.
	holder, due := f.accounts["holderA1"], mustDay("2026-01-05")
	if err := f.store.Apply(ctx, termgoal.Change{ID: "gs-late/c/2", At: time.Now(), Action: "assigned",
		Process: termgoal.Process{ID: "gs-late", Kind: "goal_setting", TermID: f.appraisalTerm(f.a1, f.tmpl, 0).ID, OrgID: f.a1.ID,
			Step: termgoal.StepApproval, Status: "running", DeadlineOn: mustDay("2026-01-05"), StepDueOn: &due, StartedAt: time.Now()},
		Open: []termgoal.Task{{ID: "gs-late-t", Kind: "approve", AccountID: holder.ID, DueOn: mustDay("2026-01-05")}}}); err != nil {
		t.Fatal(err)
	}
	re := url.Values{"key": {"B1r"}, "overdue": {"1"}, "action": {"reassign"}, "from": {"holderA1"}, "to": {"nobody-here"}, "reason": {"休假"}}
	f.formPost("/processes/batch", f.aTok, re, 422)
	re.Set("to", "adminA")
	f.formPost("/processes/batch", f.aTok, re, 303)
	got = rec.take()
	if in, _ := got[0].Args[0].(*workflows.ReassignInput); len(got) != 1 || got[0].WorkflowID != "gs-late" || in == nil ||
		in.From != holder.ID || in.To.AccountID != f.accounts["adminA"].ID || in.Reason != "休假" {
		t.Fatalf("reassigned %+v", got)
	}
	form.Set("action", "extend_deadline")
	form.Set("days", "3")
	form.Set("key", "B2")
	f.formPost("/processes/batch", f.aTok, form, 303)
	got = rec.take()
	if in, _ := got[0].Args[0].(*workflows.ExtendInput); len(got) != 2 || in == nil || in.Days != 3 || in.Reason != "请尽快办理" || !in.Actor.Admin {
		t.Fatalf("extended %+v", got)
	}
	// The same over the API.
	res := f.batchPost("/api/v1/processes/batch", f.aTok, "B3", BatchOverRequest{Overdue: true, Kind: "goal_setting", Action: "remind", Reason: "催"}, 200)
	if got := rec.take(); res.Done != 2 || len(got) != 2 {
		t.Errorf("over the API: %+v %+v", res, got)
	}
	f.batchPost("/api/v1/processes/batch", f.aTok, "B4", BatchOverRequest{Action: "extend_deadline", Days: 61, Reason: "x"}, 422)
	f.batchPost("/api/v1/processes/batch", f.a1Tok, "B5", BatchOverRequest{Action: "remind", Reason: "x"}, 403)
	f.batchPost("/api/v1/processes/batch", f.aTok, "B6", BatchOverRequest{Action: "cancel", Reason: "x"}, 404)
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("refused batches acted: %+v", got)
	}

	var audit List[termgoal.Audit]
	f.do("GET", "/api/v1/audit?action=batch_extend_deadline", f.rootTok, nil, 200, &audit)
	if audit.Total != 1 || audit.Items[0].Detail["done"] != 2.0 || audit.Items[0].Detail["days"] != 3.0 {
		t.Errorf("audit %+v", audit.Items)
	}
}

// A batch running in the background has its page: the progress, reloading itself while it
// runs; only the one who started it (or a root administrator) reads it.
func TestBatchPage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := f.accounts["adminA"]
	if err := f.store.CreateBatch(ctx, postgres.BatchRun{ID: "b7", Action: "batch_remind", ActorID: admin.ID, ActorName: admin.DisplayName,
		Total: 120, Detail: map[string]any{"reason": "请尽快办理"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.BatchChunkDone(ctx, "b7", 0, 24, 1); err != nil {
		t.Fatal(err)
	}
	body, _ := f.page("GET", "/batches/b7", f.aTok, 200)
	for _, want := range []string{`<meta http-equiv="refresh" content="2">`, "批量催办", "请尽快办理", "已办理 24 个，未能办理 1 个，共 120 个",
		`<progress max="120" value="25">`, `data-status="running"`} {
		if !strings.Contains(body, want) {
			t.Errorf("batch page lacks %q", want)
		}
	}
	f.page("GET", "/batches/b7", f.a1Tok, 403)
	f.page("GET", "/batches/b7", f.rootTok, 200)
	f.page("GET", "/batches/nope", f.aTok, 404)
	if err := f.store.FinishBatch(ctx, "b7", time.Now()); err != nil {
		t.Fatal(err)
	}
	if body, _ := f.page("GET", "/batches/b7", f.aTok, 200); strings.Contains(body, "http-equiv") || !strings.Contains(body, `data-status="done"`) {
		t.Errorf("a finished batch still reloads:\n%s", body)
	}
	var b postgres.BatchRun
	f.do("GET", "/api/v1/batches/b7", f.aTok, nil, 200, &b)
	if b.Done != 24 || b.Failed != 1 || b.Status != "done" {
		t.Errorf("batch over the API %+v", b)
	}
	f.errCode("GET", "/api/v1/batches/b7", f.a1Tok, nil, 403)
}
