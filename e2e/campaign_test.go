package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"termgoal"
	"termgoal/workflows"
)

// fillTerms registers n terms of the village straight in the store (as an import would) with
// a template made over the API, and returns their IDs.
func (s *sys) fillTerms(t testing.TB, n int) []int64 {
	t.Helper()
	tpl := id(s.must(201, "admin", "POST", "/api/v1/templates", village(nil)))
	ids := make([]int64, 0, n)
	for range n {
		ids = append(ids, s.addTerm(t, tpl))
	}
	return ids
}

func (s *sys) addTerm(t testing.TB, tpl int64) int64 {
	t.Helper()
	term := termgoal.Term{OrgID: s.ids["village"], HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC), End: time.Date(2029, 10, 14, 0, 0, 0, 0, time.UTC), TemplateID: tpl}
	if err := s.store.CreateTerm(context.Background(), &term); err != nil {
		t.Fatal(err)
	}
	return term.ID
}

// campaign reads GET /campaigns/{id}: the campaign and its progress.
func (s *sys) campaign(id int64) (campaign, progress map[string]any) {
	r := s.must(200, "admin", "GET", fmt.Sprintf("/api/v1/campaigns/%d", id), nil)
	return r.body["campaign"].(map[string]any), r.body["progress"].(map[string]any)
}

// processCount is the number of goal-setting processes under the village, from the API.
func (s *sys) processCount() int {
	r := s.must(200, "admin", "GET", fmt.Sprintf("/api/v1/processes?org_id=%d&limit=1", s.ids["village"]), nil)
	return int(r.body["total"].(float64))
}

// waitLong is waitFor for what a campaign of hundreds of processes does. Its limit only stops a
// server that no longer answers from hanging the suite: under the whole suite's load on two
// cores, a campaign that takes 10 s alone has taken over a minute.
func waitLong(t testing.TB, what string, cond func() bool) {
	t.Helper()
	const d = 3 * time.Minute
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s: not in %s", what, d)
}

// A campaign over 300 terms starts each one's goal setting once; run again, it starts only
// the term added since; nobody but an administrator of the org may start or read it (P7).
func TestCampaignStartsEachProcessOnce(t *testing.T) {
	s := start(t)
	s.setup()
	const n = 300
	terms := s.fillTerms(t, n)
	body := map[string]any{"name": "2026年换届目标制定", "org_id": s.ids["county"], "kind": "goal_setting"}

	s.must(403, "holder", "POST", "/api/v1/campaigns", body)
	s.must(403, "otheradmin", "POST", "/api/v1/campaigns", body)
	s.must(422, "admin", "POST", "/api/v1/campaigns", map[string]any{"name": "x", "org_id": s.ids["county"], "kind": "annual_appraisal"})

	c := id(s.must(201, "admin", "POST", "/api/v1/campaigns", body))
	one := fmt.Sprintf("/api/v1/campaigns/%d", c)
	s.must(403, "otheradmin", "GET", one, nil)
	s.must(403, "sup", "POST", one+"/rerun", nil)
	t0 := time.Now()
	waitLong(t, "campaign done", func() bool {
		camp, _ := s.campaign(c)
		return camp["status"] == "done"
	})
	t.Logf("campaign of %d started in %s", n, time.Since(t0).Round(time.Millisecond))
	if camp, _ := s.campaign(c); camp["started"] != float64(n) {
		t.Fatalf("campaign %v", camp)
	}
	// Every process writes its read model as it starts.
	waitLong(t, "processes written", func() bool { return s.processCount() == n })
	for _, term := range terms {
		procs, err := s.store.ProcessesOfTerm(context.Background(), term)
		if err != nil {
			t.Fatal(err)
		}
		if len(procs) != 1 || procs[0].ID != workflows.GoalSettingID(term) || procs[0].Kind != "goal_setting" {
			t.Fatalf("term %d: processes %+v", term, procs)
		}
	}
	_, prog := s.campaign(c)
	if prog["terms"] != float64(n) || prog["started"] != float64(n) || prog["running"] != float64(n) ||
		prog["by_step"].(map[string]any)["draft"] != float64(n) {
		t.Errorf("progress %v", prog)
	}

	// Run again with one term added since: only that one starts, on Temporal too.
	added := s.addTerm(t, mustTemplate(t, s))
	run := s.must(202, "admin", "POST", one+"/rerun", nil)
	var res workflows.CampaignResult
	if err := s.client.GetWorkflow(context.Background(), fmt.Sprint(run.body["workflow_id"]), fmt.Sprint(run.body["run_id"])).
		Get(context.Background(), &res); err != nil {
		t.Fatal(err)
	}
	if res != (workflows.CampaignResult{Started: 1}) {
		t.Errorf("re-run result %+v", res)
	}
	waitLong(t, "the added term's process", func() bool { return s.processCount() == n+1 })
	if procs, _ := s.store.ProcessesOfTerm(context.Background(), added); len(procs) != 1 {
		t.Errorf("added term: %+v", procs)
	}
	// And once more: nothing at all.
	run = s.must(202, "admin", "POST", one+"/rerun", nil)
	if err := s.client.GetWorkflow(context.Background(), fmt.Sprint(run.body["workflow_id"]), fmt.Sprint(run.body["run_id"])).
		Get(context.Background(), &res); err != nil {
		t.Fatal(err)
	}
	if res != (workflows.CampaignResult{}) {
		t.Errorf("second re-run result %+v", res)
	}
	s.saveHistory(t, fmt.Sprint(run.body["workflow_id"]), "campaign_rerun")
	if camp, _ := s.campaign(c); camp["started"] != float64(n+1) || s.processCount() != n+1 {
		t.Errorf("after re-runs: %v, %d processes", camp, s.processCount())
	}

	// The list, and the laggards' reminder (nobody is overdue yet).
	l := s.must(200, "admin", "GET", "/api/v1/campaigns", nil)
	if l.body["total"] != 1.0 {
		t.Errorf("campaigns %s", l.raw)
	}
	if l := s.must(200, "otheradmin", "GET", "/api/v1/campaigns", nil); l.body["total"] != 0.0 {
		t.Errorf("other admin's campaigns %s", l.raw)
	}
	s.must(403, "holder", "POST", one+"/remind", map[string]any{"reason": "催"})
	if r := s.must(200, "admin", "POST", one+"/remind", map[string]any{"reason": "请按期制定目标"}); r.body["done"] != 0.0 {
		t.Errorf("remind %s", r.raw)
	}
}

// mustTemplate returns the ID of the first template.
func mustTemplate(t testing.TB, s *sys) int64 {
	t.Helper()
	r := s.must(200, "admin", "GET", "/api/v1/templates?limit=1", nil)
	return int64(r.body["items"].([]any)[0].(map[string]any)["id"].(float64))
}
