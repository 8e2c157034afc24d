package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
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
	f.do("GET", "/api/v1/processes?holder=b", f.aTok, nil, 200, &late)
	if late.Total != 0 {
		t.Errorf("adminA finds b's process: %+v", late)
	}
	f.do("GET", "/api/v1/processes", f.no, nil, 200, &late)
	if late.Total != 0 {
		t.Errorf("without a grant: %+v", late)
	}
}
