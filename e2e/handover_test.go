package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"termgoal"
	"termgoal/app"
	"termgoal/postgres"
	"termgoal/workflows"
)

// openTasks lists user's open tasks' process IDs and kinds.
func (s *sys) openTasks(user string) []string {
	s.t.Helper()
	r := s.must(200, user, "GET", "/api/v1/tasks", nil)
	items, _ := r.body["items"].([]any)
	var out []string
	for _, it := range items {
		m, _ := it.(map[string]any)
		out = append(out, fmt.Sprintf("%v %v", m["process_id"], m["kind"]))
	}
	return out
}

// A handover on a real Temporal server: the term is followed, its goal setting waits for the
// holder's draft; the holder leaves, and the draft task moves to the successor, who submits
// the plan. The term is the successor's; the handover and the task's move are audited.
func TestHandoverMovesOpenTasks(t *testing.T) {
	s := start(t)
	s.setup()
	ctx := context.Background()
	var people [2]int64
	for i, name := range []string{"leaver", "successor"} {
		p := &termgoal.Person{Name: name}
		if err := s.store.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		hash, err := app.HashPassword("secret-" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.store.CreateAccount(ctx, &termgoal.Account{Username: name, DisplayName: name, Lang: "en", PersonID: &p.ID}, hash); err != nil {
			t.Fatal(err)
		}
		s.signIn(name)
		people[i] = p.ID
	}
	tpl := id(s.must(201, "admin", "POST", "/api/v1/templates", village(nil)))
	term := termgoal.Term{OrgID: s.ids["village"], HolderKind: termgoal.HolderPerson, PersonID: &people[0], Appointment: termgoal.Appointed,
		Start: time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC), End: time.Date(2029, 10, 14, 0, 0, 0, 0, time.UTC), TemplateID: tpl}
	if err := s.store.CreateTerm(ctx, &term); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/terms/%d", term.ID)
	s.must(403, "sup", "POST", path+"/follow", nil)
	s.must(201, "admin", "POST", path+"/follow", nil)
	gs := workflows.GoalSettingID(term.ID)
	draft := gs + " draft"
	waitLong(t, "the leaver's draft task", func() bool { return contains(s.openTasks("leaver"), draft) })

	body := map[string]any{"to_person_id": people[1], "on": "2026-11-20", "reason": "调任"}
	s.must(403, "sup", "POST", path+"/handover", body)
	s.must(200, "admin", "POST", path+"/handover", body)
	waitLong(t, "the draft task at the successor", func() bool {
		return contains(s.openTasks("successor"), draft) && !contains(s.openTasks("leaver"), draft)
	})
	s.must(200, "successor", "POST", "/api/v1/processes/"+gs+"/actions/submit_draft", map[string]any{"items": []map[string]any{
		{"category": "中心工作", "title": "集体经济", "quantitative": true, "unit": "万元", "targets": map[string]string{"2026": "1", "2027": "2", "2028": "3", "2029": "4"}, "weight": 60, "owner": "书记"},
		{"category": "党的建设", "title": "党员培训", "targets": map[string]string{"2026": "1", "2027": "2", "2028": "3", "2029": "4"}, "weight": 40, "owner": "书记"},
	}})

	// The goals were not in force yet: the leaver has nothing to be appraised on.
	if _, err := s.client.DescribeWorkflowExecution(ctx, workflows.HandoverAppraisalID(term.ID, 1), ""); err == nil {
		t.Error("a handover appraisal started before the goals were in force")
	}
	now, err := s.store.Term(ctx, term.ID)
	if err != nil {
		t.Fatal(err)
	}
	if now.PersonID == nil || *now.PersonID != people[1] {
		t.Errorf("the term's holder is %v, want the successor %d", now.PersonID, people[1])
	}
	list, _, err := s.store.Audit(ctx, postgres.AuditFilter{ProcessID: gs, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var changed bool
	for _, a := range list {
		changed = changed || a.Action == "holder_changed"
	}
	if !changed {
		t.Error("the holder change is not in the process's audit log")
	}
	s.saveHistory(t, gs, "goalsetting_handover")
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
