package api

import (
	"fmt"
	"strings"
	"testing"

	"termgoal"
	"termgoal/app"
)

// The dashboard (A1) counts only the orgs the caller administers, over the API and on the
// page; another county's org is refused, and a bad number of days is refused in the caller's
// language.
func TestDashboardScope(t *testing.T) {
	f := newFixture(t)
	holder := f.accounts["holderA1"].ID
	f.seedProcess("goal-a1", f.a1, termgoal.StepDraft, "running", "2026-01-05", holder) // overdue, with its task
	f.seedProcess("goal-b", f.b, termgoal.StepNotice, "running", "2099-01-05")

	var all, mine app.Dashboard
	f.do("GET", "/api/v1/dashboard", f.rootTok, nil, 200, &all)
	f.do("GET", "/api/v1/dashboard?stuck_days=3", f.aTok, nil, 200, &mine)
	if all.Running != 2 || all.OverdueProcesses != 1 || all.OverdueTasks != 1 || len(all.ByOrg) != 2 || all.StuckDays != app.DefaultStuckDays {
		t.Errorf("root's dashboard %+v", all)
	}
	if mine.Running != 1 || mine.OverdueTasks != 1 || len(mine.ByOrg) != 1 || mine.ByOrg[0].Key != fmt.Sprint(f.a1.ID) ||
		len(mine.ByStep) != 1 || mine.ByStep[0].Key != "draft" || mine.StuckDays != 3 {
		t.Errorf("adminA's dashboard %+v", mine)
	}
	f.errCode("GET", fmt.Sprintf("/api/v1/dashboard?org_id=%d", f.b.ID), f.aTok, nil, 403)
	f.errCode("GET", "/api/v1/dashboard", f.a1Tok, nil, 403) // a holder administers nothing
	if e := f.errCode("GET", "/api/v1/dashboard?stuck_days=0", f.aTok, nil, 422); !strings.Contains(e.Error.Message, "1 到 250") {
		t.Errorf("stuck_days=0: %+v", e)
	}
	f.errCode("GET", "/api/v1/dashboard?stuck_days=x", f.aTok, nil, 400)

	body, _ := f.page("GET", "/dashboard", f.aTok, 200)
	for _, want := range []string{"a1", fmt.Sprintf(`/processes?org_id=%d&amp;status=running`, f.a1.ID), `id="dashboard-data"`,
		"/static/echarts-6.1.0.min.js", "运行中的流程：1"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard page lacks %q", want)
		}
	}
	if strings.Contains(body, fmt.Sprintf("org_id=%d&", f.b.ID)) {
		t.Error("adminA's dashboard shows org b")
	}
	f.page("GET", "/dashboard", f.a1Tok, 403)
	// The list the bars link to: one org's subtree, within what the caller sees.
	body, _ = f.page("GET", fmt.Sprintf("/processes?org_id=%d&status=running", f.a1.ID), f.aTok, 200)
	if !strings.Contains(body, `data-process="goal-a1"`) || strings.Contains(body, `data-process="goal-b"`) {
		t.Errorf("the list of org a1:\n%s", body)
	}
	body, _ = f.page("GET", fmt.Sprintf("/processes?org_id=%d", f.b.ID), f.aTok, 200)
	if strings.Contains(body, `data-process="goal-b"`) {
		t.Error("adminA lists org b's process through org_id")
	}
	f.page("GET", "/processes?org_id=x", f.aTok, 400)
}
