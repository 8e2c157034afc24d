package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"termgoal/postgres"
	"termgoal/workflows"
)

func plan(title string, weight float64) map[string]any { return planWeights(title, weight, 100-weight) }

func planWeights(title string, weight, rest float64) map[string]any {
	targets := map[string]string{}
	for y := 2026; y <= 2029; y++ {
		targets[fmt.Sprint(y)] = fmt.Sprint(y - 2025)
	}
	return map[string]any{"items": []map[string]any{
		{"category": "中心工作", "title": title, "quantitative": true, "unit": "万元", "targets": targets, "weight": weight, "owner": "书记"},
		{"category": "党的建设", "title": "党员培训", "targets": targets, "weight": rest, "owner": "组织委员"},
	}}
}

// expectNotified waits until user has a notification of kind about process.
func (s *sys) expectNotified(user, process, kind string) {
	s.t.Helper()
	waitFor(s.t, func() bool {
		ns, _, err := s.store.Notifications(context.Background(), s.ids[user], false, 50, 0)
		return err == nil && slices.ContainsFunc(ns, func(n postgres.Notification) bool { return n.Kind == kind && n.ProcessID == process })
	})
}

// inbox returns the kinds of user's open tasks on the process.
func (s *sys) inbox(user, process string) []string {
	s.t.Helper()
	r := s.must(200, user, "GET", "/api/v1/tasks?status=open", nil)
	var kinds []string
	items, _ := r.body["items"].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		if m["process_id"] == process {
			kinds = append(kinds, fmt.Sprint(m["kind"]))
		}
	}
	return kinds
}

func (s *sys) auditActions(process string) []string {
	s.t.Helper()
	r := s.must(200, "admin", "GET", "/api/v1/audit?process_id="+process+"&limit=200", nil)
	var acts []string
	for _, it := range r.body["items"].([]any) {
		acts = append(acts, fmt.Sprint(it.(map[string]any)["action"]))
	}
	return acts
}

// act sends an action and checks the status; after a 2xx the inbox of next (if any) must
// already hold a task of kind, and the audit log must end with audit.
func (s *sys) act(user, process, action string, body any, key string, want int) resp {
	s.t.Helper()
	r := s.do(user, "POST", "/api/v1/processes/"+process+"/actions/"+action, body, key)
	if r.status != want {
		s.t.Fatalf("%s by %s: %d %s, want %d", action, user, r.status, r.raw, want)
	}
	return r
}

func (s *sys) expectInbox(user, process string, kinds ...string) {
	s.t.Helper()
	got := s.inbox(user, process)
	if fmt.Sprint(got) != fmt.Sprint(kinds) {
		s.t.Fatalf("inbox of %s = %v, want %v", user, got, kinds)
	}
}

func (s *sys) expectLastAudit(process, action string) {
	s.t.Helper()
	acts := s.auditActions(process)
	if len(acts) == 0 || acts[len(acts)-1] != action {
		s.t.Fatalf("audit = %v, want it to end with %s", acts, action)
	}
}

func TestGoalSettingOverHTTP(t *testing.T) {
	s := start(t)
	s.setup()
	tpl := id(s.must(201, "admin", "POST", "/api/v1/templates", map[string]any{
		"name": "村党组织任期目标", "consultation": true, "notice_days": 5, "deadline_months": 2,
		"categories": []string{"中心工作", "党的建设"},
	}))
	term := id(s.must(201, "admin", "POST", "/api/v1/terms", map[string]any{
		"org_id": s.ids["village"], "holder_kind": "org", "appointment": "elected",
		"start": "2026-10-15T00:00:00Z", "end": "2029-10-14T00:00:00Z", "template_id": tpl,
	}))
	// An administrator of another subtree may not start it; a bad term is refused.
	s.must(403, "otheradmin", "POST", fmt.Sprintf("/api/v1/terms/%d/goal-setting", term), nil)
	s.must(422, "admin", "POST", "/api/v1/terms", map[string]any{"org_id": s.ids["village"], "holder_kind": "org", "appointment": "elected",
		"start": "2026-10-15T00:00:00Z", "end": "2026-01-01T00:00:00Z", "template_id": tpl})
	r := s.must(201, "admin", "POST", fmt.Sprintf("/api/v1/terms/%d/goal-setting", term), nil)
	p := fmt.Sprint(r.body["process_id"])
	if p != workflows.GoalSettingID(term) {
		t.Fatalf("process id %q", p)
	}
	s.must(409, "admin", "POST", fmt.Sprintf("/api/v1/terms/%d/goal-setting", term), nil)
	waitFor(t, func() bool { return len(s.inbox("holder", p)) == 1 })
	s.expectInbox("holder", p, "draft")

	// Bad inputs change nothing.
	before := len(s.auditActions(p))
	path := "/api/v1/processes/" + p + "/actions/"
	if r := s.do("holder", "POST", path+"submit_draft", "{not json", ""); r.status != 400 {
		t.Errorf("malformed body: %d", r.status)
	}
	if r := s.do("", "POST", path+"submit_draft", plan("x", 60), ""); r.status != 401 {
		t.Errorf("no sign-in: %d", r.status)
	}
	if r := s.do("rep1", "POST", path+"submit_draft", plan("x", 60), ""); r.status != 403 {
		t.Errorf("not the holder: %d", r.status)
	}
	if r := s.do("holder", "POST", "/api/v1/processes/goalsetting-term-999999/actions/submit_draft", plan("x", 60), ""); r.status != 404 {
		t.Errorf("unknown process: %d", r.status)
	}
	if r := s.do("holder", "POST", path+"no_such_action", map[string]any{}, ""); r.status != 404 {
		t.Errorf("unknown action: %d", r.status)
	}
	if r := s.do("sup", "POST", path+"approve", map[string]any{}, ""); r.status != 409 {
		t.Errorf("approve at the draft: %d", r.status)
	}
	r = s.do("holder", "POST", path+"submit_draft", planWeights("x", 60, 50), "")
	if r.status != 422 || r.message() == "" {
		t.Errorf("weights not 100: %d %s", r.status, r.raw)
	}
	if got := len(s.auditActions(p)); got != before {
		t.Fatalf("refused actions wrote %d audit entries", got-before)
	}

	// Draft, twice with one key: applied once.
	s.act("holder", p, "submit_draft", plan("集体经济", 60), "draft-1", 200)
	s.act("holder", p, "submit_draft", plan("集体经济", 60), "draft-1", 200)
	if n := count(s.auditActions(p), "draft_submitted"); n != 1 {
		t.Fatalf("draft_submitted %d times", n)
	}
	s.expectInbox("holder", p, "answer")
	s.expectInbox("rep1", p, "opinion")

	s.act("rep1", p, "give_opinion", map[string]any{"content": "再加一条"}, "", 200)
	s.expectLastAudit(p, "opinion_given")
	s.expectNotified("holder", p, "opinion_received")
	s.expectInbox("rep1", p)
	// Unanswered opinion blocks the step.
	if r := s.do("holder", "POST", path+"complete_consultation", map[string]any{}, ""); r.status != 409 {
		t.Fatalf("complete with an unanswered opinion: %d", r.status)
	}
	s.act("holder", p, "answer_opinion", map[string]any{"seq": 1, "disposition": "adopted"}, "", 200)
	// An adopted opinion calls for a revised plan before the consultation ends; its author
	// is told.
	if r := s.do("holder", "POST", path+"complete_consultation", map[string]any{}, ""); r.status != 409 || !strings.Contains(r.message(), "revise the plan") {
		t.Fatalf("complete with an adopted opinion not taken in: %d %s", r.status, r.raw)
	}
	s.act("holder", p, "revise_plan", plan("壮大村集体经济（含新增一条）", 60), "", 200)
	s.expectLastAudit(p, "plan_revised")
	if ops, err := s.store.Opinions(context.Background(), p); err != nil || ops[0].RevisedIn != 2 {
		t.Fatalf("the opinion after the revision: %+v, %v", ops, err)
	}
	s.expectNotified("rep1", p, "revised")
	s.act("holder", p, "complete_consultation", map[string]any{}, "", 200)
	s.expectInbox("mem1", p, "vote")
	for _, m := range []string{"mem1", "mem2", "mem3"} {
		s.act(m, p, "vote", map[string]any{"choice": "for"}, "", 200)
		s.expectLastAudit(p, "voted")
	}
	s.expectInbox("sup", p, "approve")
	s.expectInbox("outsider", p)
	// A superior of another county may not see the process: it is not found, as its read
	// answers, and the refusal names neither the step nor who acts.
	if r := s.do("outsider", "POST", path+"approve", map[string]any{}, ""); r.status != 404 || bytes.Contains(r.raw, []byte("approval")) {
		t.Fatalf("superior of another county: %d %s", r.status, r.raw)
	}
	if r := s.do("outsider", "GET", "/api/v1/processes/"+p, nil, ""); r.status != 404 {
		t.Fatalf("superior of another county reads the process: %d", r.status)
	}

	// 100 concurrent approvals of one task: exactly one succeeds. The API sends a process's
	// updates one at a time; one that waits past the action timeout answers 503 and, as the API
	// advises, is sent again with the same key until it gets an answer.
	var wg sync.WaitGroup
	statuses := make(chan int, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := http.StatusServiceUnavailable
			for try := 0; st == http.StatusServiceUnavailable && try < 50; try++ {
				if try > 0 {
					time.Sleep(time.Duration(50+i) * time.Millisecond)
				}
				st = s.do("sup", "POST", path+"approve", map[string]any{"comment": "同意"}, fmt.Sprintf("approve-%d", i)).status
			}
			statuses <- st
		}()
	}
	wg.Wait()
	close(statuses)
	ok := 0
	for st := range statuses {
		switch st {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
		default:
			t.Errorf("concurrent approval answered %d", st)
		}
	}
	if ok != 1 || count(s.auditActions(p), "approved") != 1 {
		t.Fatalf("%d approvals succeeded; audit %v", ok, s.auditActions(p))
	}

	// Public notice: an anonymous objection from someone not signed in, dismissed.
	n := s.must(200, "", "GET", "/api/v1/notices/"+p, nil)
	if n.status != 200 {
		t.Fatal(n.raw)
	}
	s.must(200, "", "POST", "/api/v1/notices/"+p+"/objections", map[string]any{"content": "指标偏低"})
	s.expectInbox("sup", p, "resolve")
	s.act("sup", p, "resolve_objection", map[string]any{"seq": 1, "upheld": false}, "", 422)
	s.act("sup", p, "resolve_objection", map[string]any{"seq": 1, "upheld": false, "reason": "指标符合实际"}, "", 200)
	s.expectLastAudit(p, "objection_dismissed")
	s.expectInbox("sup", p)

	// With the worker stopped the outcome is unknown: 503. Once it is back, the same key
	// applies exactly once.
	s.stopWorkers()
	r = s.do("anyone", "POST", "/api/v1/notices/"+p+"/objections", map[string]any{"content": "第二条异议"}, "objection-2")
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("with the worker stopped: %d %s", r.status, r.raw)
	}
	s.startWorker()
	s.must(200, "", "GET", "/api/v1/notices/"+p, nil)
	r = s.do("anyone", "POST", "/api/v1/notices/"+p+"/objections", map[string]any{"content": "第二条异议"}, "objection-2")
	if r.status != 200 {
		t.Fatalf("retry: %d %s", r.status, r.raw)
	}
	if got := count(s.auditActions(p), "objection_filed"); got != 2 {
		t.Fatalf("objection_filed %d times, want 2", got)
	}
	s.act("sup", p, "resolve_objection", map[string]any{"seq": 2, "upheld": true, "reason": "成立"}, "", 200)
	s.expectInbox("holder", p, "draft")
	s.expectLastAudit(p, "objection_upheld")

	proc := s.must(200, "admin", "GET", "/api/v1/processes/"+p, nil)
	if proc.status != 200 {
		t.Fatal(proc.raw)
	}
	s.must(403, "otheradmin", "GET", "/api/v1/audit?process_id="+p, nil)
	s.saveHistory(t, p, "goalsetting_http_walk_revised") // goalsetting_http_walk.json: the walk before revise-adopted
}

func count(list []string, v string) int {
	n := 0
	for _, x := range list {
		if x == v {
			n++
		}
	}
	return n
}

// waitFor polls cond for up to 10 seconds: only for the first task of a just-started process,
// which no action waits for.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for range 100 {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("condition not met in 10s")
}
