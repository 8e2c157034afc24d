package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"termgoal/api"
	"termgoal/app"
)

// runsOf lists the runs of workflow id, newest first, with their status and the ID of the
// first.
func (s *sys) runsOf(t testing.TB, id string) (statuses []enums.WorkflowExecutionStatus, firstRunID string) {
	t.Helper()
	res, err := s.client.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
		Query: fmt.Sprintf("WorkflowId = '%s'", id),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Executions {
		statuses = append(statuses, e.Status)
		firstRunID = e.Execution.RunId
	}
	return statuses, firstRunID
}

// auditCount counts the audit lines of process with action (the API's list stops at 200).
func (s *sys) auditCount(t testing.TB, process, action string) int {
	t.Helper()
	var n int
	err := s.store.DB().QueryRow(`SELECT count(*) FROM audit_log WHERE process_id = $1 AND action = $2`, process, action).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestObjectionFloodLeavesTheProcessActionable reproduces the attack of issue 16 on a real
// Temporal server: 900 KB objections without signing in are refused before the workflow, and a
// flood of valid ones, well past the point where Temporal suggests continuing as new (lowered
// here to 200 events), makes the goal setting continue as new within its notice instead of
// growing to Temporal's limit. Every objection is filed once, and the superior still acts.
func TestObjectionFloodLeavesTheProcessActionable(t *testing.T) {
	s := startWith(t, options{
		dynamicConfig: []string{"limit.historyCount.suggestContinueAsNew=200"},
		api:           func(c *api.Config) { c.ObjectionsPerAddress, c.ObjectionsPerNotice = 1000, 1000 },
	})
	s.setup()
	p := s.toApproval(t, village(nil))
	s.act("sup", p, "approve", map[string]any{"comment": "同意"}, "", 200)
	objections := "/api/v1/notices/" + p + "/objections"

	huge := map[string]any{"content": strings.Repeat("异", 300000)}
	for range 5 {
		if r := s.do("", "POST", objections, huge, ""); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("a 900 KB objection: %d %.200s", r.status, r.raw)
		}
	}
	if r := s.do("", "POST", objections, map[string]any{"content": "异议\u0000x"}, ""); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a NUL in an objection: %d %.200s", r.status, r.raw)
	}

	// 120 objections from 8 clients at once, each retried with its key while the answer is 503
	// (the run is moving to its next one), as the API advises.
	const n = 120
	var wg sync.WaitGroup
	failed := make(chan string, n)
	for c := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < n; i += 8 {
				body := map[string]any{"content": fmt.Sprintf("第 %d 条异议：%s", i, strings.Repeat("理由", 200))}
				r := s.do("", "POST", objections, body, fmt.Sprintf("flood-%d", i))
				for try := 0; r.status == http.StatusServiceUnavailable && try < 100; try++ {
					time.Sleep(100 * time.Millisecond)
					r = s.do("", "POST", objections, body, fmt.Sprintf("flood-%d", i))
				}
				if r.status != http.StatusOK {
					failed <- fmt.Sprintf("objection %d: %d %.200s", i, r.status, r.raw)
				}
			}
		}()
	}
	wg.Wait()
	close(failed)
	for f := range failed {
		t.Error(f)
	}
	if got := s.auditCount(t, p, "objection_filed"); got != n {
		t.Fatalf("objection_filed %d times, want %d", got, n)
	}
	// The list of runs (Temporal's visibility) catches up with the newest run a moment later.
	var runs []enums.WorkflowExecutionStatus
	var first string
	waitFor(t, func() bool {
		runs, first = s.runsOf(t, p)
		return len(runs) >= 2 && runs[0] == enums.WORKFLOW_EXECUTION_STATUS_RUNNING
	})
	if len(runs) < 2 || runs[0] != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("runs %v: the goal setting should have continued as new and be running", runs)
	}
	for _, st := range runs[1:] {
		if st != enums.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
			t.Fatalf("runs %v: an earlier run ended otherwise than by continuing as new", runs)
		}
	}
	notice := s.must(200, "", "GET", "/api/v1/notices/"+p, nil)
	objs, _ := notice.body["objections"].([]any)
	if len(objs) != n {
		t.Fatalf("the notice shows %d objections", len(objs))
	}
	one, _ := objs[0].(map[string]any)
	if c, _ := one["content"].(string); !strings.HasPrefix(c, "第 ") || len([]rune(c)) < 400 {
		t.Fatalf("objection content %q", c)
	}
	// The superior still acts: every objection dismissed, the notice goes on. A resolution that
	// meets the run moving to its next one answers 503 and is sent again with its key.
	for i := 1; i <= n; i++ {
		body, key := map[string]any{"seq": i, "upheld": false, "reason": "不成立"}, fmt.Sprintf("resolve-%d", i)
		r := s.do("sup", "POST", "/api/v1/processes/"+p+"/actions/resolve_objection", body, key)
		for try := 0; r.status == http.StatusServiceUnavailable && try < 100; try++ {
			time.Sleep(100 * time.Millisecond)
			r = s.do("sup", "POST", "/api/v1/processes/"+p+"/actions/resolve_objection", body, key)
		}
		if r.status != http.StatusOK {
			t.Fatalf("resolving objection %d: %d %s", i, r.status, r.raw)
		}
	}
	if got := s.auditCount(t, p, "objection_dismissed"); got != n {
		t.Fatalf("objection_dismissed %d times", got)
	}
	// After the flood and the runs it took, the read model agrees with the workflow.
	if diffs, err := app.Reconcile(context.Background(), s.store, s.client); err != nil || len(diffs) != 0 {
		t.Errorf("reconcile after the flood: %v %v", diffs, err)
	}
	t.Logf("%d runs", len(runs))
	s.saveRunHistory(t, p, first, "goalsetting_objection_flood_first_run")
	s.saveHistory(t, p, "goalsetting_objection_flood_last_run")
}

// TestHaltedProcessIsShownAndRestarted: a goal setting whose workflow an operator terminated
// shows it, answers actions 409 with the reason instead of 503, and runs again once an
// administrator restarts it with a reason, from the state it had: the superior's approval then
// goes through.
func TestHaltedProcessIsShownAndRestarted(t *testing.T) {
	s := start(t)
	s.setup()
	p := s.toApproval(t, village(nil))
	if err := s.client.TerminateWorkflow(context.Background(), p, "", "an operator's mistake"); err != nil {
		t.Fatal(err)
	}
	approve := "/api/v1/processes/" + p + "/actions/approve"
	r := s.do("sup", "POST", approve, map[string]any{"comment": "同意"}, "approve-1")
	if r.status != http.StatusConflict || !strings.Contains(r.message(), "terminated in Temporal") {
		t.Fatalf("an action on a terminated process: %d %s", r.status, r.raw)
	}
	if st := processStatus(s.must(200, "admin", "GET", "/api/v1/processes/"+p, nil)); st != "halted" {
		t.Fatalf("status %v", st)
	}
	page := string(s.must(200, "admin", "GET", "/processes/"+p, nil).raw)
	if !strings.Contains(page, `id="halted"`) || !strings.Contains(page, `id="restart-submit"`) {
		t.Fatalf("the administrator's page does not show the halt and the restart:\n%.2000s", page)
	}
	if page := string(s.must(200, "sup", "GET", "/processes/"+p, nil).raw); !strings.Contains(page, `id="halted"`) || strings.Contains(page, `id="restart-submit"`) {
		t.Fatal("the superior's page should show the halt without the restart")
	}
	restart := "/api/v1/processes/" + p + "/restart"
	s.must(403, "sup", "POST", restart, map[string]any{"reason": "恢复"})
	s.must(422, "admin", "POST", restart, map[string]any{"reason": " "})
	s.must(200, "admin", "POST", restart, map[string]any{"reason": "误操作终止，恢复运行"})
	s.must(409, "admin", "POST", restart, map[string]any{"reason": "again"})
	if st := processStatus(s.must(200, "admin", "GET", "/api/v1/processes/"+p, nil)); st != "running" {
		t.Fatalf("status after the restart %v", st)
	}
	s.expectInbox("sup", p, "approve")
	s.act("sup", p, "approve", map[string]any{"comment": "同意"}, "approve-1", 200)
	acts := s.auditActions(p)
	for _, want := range []string{"workflow_halted", "process_restarted", "approved"} {
		if count(acts, want) != 1 {
			t.Errorf("audit %v: want one %s", acts, want)
		}
	}
	var runs []enums.WorkflowExecutionStatus
	waitFor(t, func() bool { runs, _ = s.runsOf(t, p); return len(runs) == 2 })
	if len(runs) != 2 || runs[0] != enums.WORKFLOW_EXECUTION_STATUS_RUNNING || runs[1] != enums.WORKFLOW_EXECUTION_STATUS_TERMINATED {
		t.Errorf("runs %v", runs)
	}
}

func processStatus(r resp) any {
	p, _ := r.body["process"].(map[string]any)
	return p["status"]
}

// TestIdempotencyKeyIsBoundToActorAndRequest: on a real server, a member reusing another
// member's key gets their own vote recorded, and a key sent again with another request is
// refused with 422 instead of answered with the first one's result.
func TestIdempotencyKeyIsBoundToActorAndRequest(t *testing.T) {
	s := start(t)
	s.setup()
	q := s.toCommittee(t, village(nil))
	s.act("mem1", q, "vote", map[string]any{"choice": "for"}, "same-key", 200)
	s.act("mem2", q, "vote", map[string]any{"choice": "for"}, "same-key", 200)
	if got := s.auditCount(t, q, "voted"); got != 2 {
		t.Fatalf("%d votes recorded, want 2: one member's key is not another's", got)
	}
	s.act("mem1", q, "vote", map[string]any{"choice": "for"}, "same-key", 200) // a retry: applied once
	r := s.do("mem1", "POST", "/api/v1/processes/"+q+"/actions/vote", map[string]any{"choice": "against"}, "same-key")
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.message(), "Idempotency-Key") {
		t.Fatalf("the key with another request: %d %s", r.status, r.raw)
	}
	if got := s.auditCount(t, q, "voted"); got != 2 {
		t.Fatalf("%d votes recorded after the retries, want 2", got)
	}
}

// TestReconcileFindsWhatTheReadModelLost: on a real server, the read model of running
// processes agrees with their workflows; a lost task, a wrong step and a terminated workflow
// are each reported, and nothing is changed until a repair is asked for; then all is repaired.
func TestReconcileFindsWhatTheReadModelLost(t *testing.T) {
	s := start(t)
	s.setup()
	p := s.toApproval(t, village(nil))
	q := s.toCommittee(t, village(nil))
	ctx := context.Background()
	if diffs, err := app.Reconcile(ctx, s.store, s.client); err != nil || len(diffs) != 0 {
		t.Fatalf("an intact read model: %v %v", diffs, err)
	}
	db := s.store.DB()
	if _, err := db.Exec(`UPDATE tasks SET status = 'closed' WHERE process_id = $1 AND status = 'open'`, p); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE processes SET step = 'draft' WHERE id = $1`, q); err != nil {
		t.Fatal(err)
	}
	r := s.toCommittee(t, village(nil))
	if err := s.client.TerminateWorkflow(ctx, r, "", "test"); err != nil {
		t.Fatal(err)
	}
	diffs, err := app.Reconcile(ctx, s.store, s.client)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range diffs {
		got[d.ProcessID+" "+d.What] = d.ReadModel + " | " + d.Workflow
	}
	want := map[string]string{p + " tasks": "", q + " step": "draft | committee", r + " workflow": "running | terminated"}
	for k, v := range want {
		g, ok := got[k]
		if !ok || (v != "" && g != v) {
			t.Errorf("%s: got %q, want %q (all: %v)", k, g, v, diffs)
		}
	}
	if len(diffs) != len(want) {
		t.Errorf("differences %v, want %d", diffs, len(want))
	}
	if p2, _ := s.store.Process(ctx, q); p2.Step != "draft" {
		t.Errorf("reconcile changed the read model: %s", p2.Step)
	}

	// A write lost outright (the rows gone, as after a database crash) is found too; the
	// repair has each running workflow write its read model again, and shows the terminated
	// one halted. Afterwards nothing differs, and the inboxes are back.
	lost := s.toCommittee(t, village(nil))
	if _, err := db.Exec(`DELETE FROM tasks WHERE process_id = $1 AND status = 'open'`, lost); err != nil {
		t.Fatal(err)
	}
	s.expectInbox("mem1", lost)
	diffs, err = app.Reconcile(ctx, s.store, s.client)
	if err != nil {
		t.Fatal(err)
	}
	repaired, err := app.Repair(ctx, s.store, s.client, diffs, "after the test's crash")
	if err != nil || len(repaired) != 4 {
		t.Fatalf("repaired %v: %v", repaired, err)
	}
	if diffs, err := app.Reconcile(ctx, s.store, s.client); err != nil || len(diffs) != 0 {
		t.Fatalf("after the repair: %v %v", diffs, err)
	}
	s.expectInbox("mem1", lost, "vote")
	s.expectInbox("sup", p, "approve")
	if h, _ := s.store.Process(ctx, r); h.Status != "halted" {
		t.Errorf("the terminated process after the repair: %s", h.Status)
	}
	if n := s.auditCount(t, lost, "read_model_repaired"); n != 1 {
		t.Errorf("%d repair lines in the audit log", n)
	}
	// The repaired process goes on as before.
	s.act("mem1", lost, "vote", map[string]any{"choice": "for"}, "", 200)
	s.expectInbox("mem1", lost)
	s.saveHistory(t, lost, "goalsetting_local_write_resync")
}

// TestConcurrentDecisionsLeaveTheReadModelEqualToTheWorkflow: on a real server, 20 clients
// decide one approval task of each of four processes at once, approving and returning, through
// 20 API servers (one sends a process's updates one at a time), so that most decisions are
// refused by the workflow and workflow tasks meet updates in flight (the case where the server
// discards a task whose write reached the read model). Exactly one decision per process
// succeeds, one decision line is in the audit log, and the read model agrees with each
// workflow's state.
func TestConcurrentDecisionsLeaveTheReadModelEqualToTheWorkflow(t *testing.T) {
	s := startWith(t, options{apis: 20})
	s.setup()
	var procs []string
	for range 4 {
		procs = append(procs, s.toApproval(t, village(nil)))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := map[string]int{}
	for _, p := range procs {
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				action, body := "approve", map[string]any{"comment": "同意"}
				if i%2 == 1 {
					action, body = "return", map[string]any{"comment": "再议"}
				}
				st := http.StatusServiceUnavailable
				for try := 0; st == http.StatusServiceUnavailable && try < 50; try++ {
					if try > 0 {
						time.Sleep(time.Duration(20+i) * time.Millisecond)
					}
					st = s.do("sup", "POST", "/api/v1/processes/"+p+"/actions/"+action, body, fmt.Sprintf("d-%d", i)).status
				}
				mu.Lock()
				defer mu.Unlock()
				switch st {
				case http.StatusOK:
					ok[p]++
				case http.StatusConflict:
				default:
					t.Errorf("%s %s answered %d", p, action, st)
				}
			}()
		}
	}
	wg.Wait()
	for _, p := range procs {
		decided := s.auditCount(t, p, "approved") + s.auditCount(t, p, "returned")
		if ok[p] != 1 || decided != 1 {
			t.Errorf("%s: %d decisions succeeded, %d in the audit log", p, ok[p], decided)
		}
	}
	// Bounded: a server that stopped answering fails the test instead of hanging the suite.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if diffs, err := app.Reconcile(ctx, s.store, s.client); err != nil || len(diffs) != 0 {
		t.Fatalf("the read model differs from the workflows: %v %v", diffs, err)
	}
	// The dashboard's counts, kept by triggers, followed every write and every undo.
	if n, err := s.store.DashboardDisagreements(context.Background()); err != nil || n != 0 {
		t.Errorf("%d of the dashboard's counts disagree with the read model (%v)", n, err)
	}
	s.saveHistory(t, procs[0], "goalsetting_local_write_concurrent")
}
