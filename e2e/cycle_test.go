package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	"termgoal"
	"termgoal/workflows"
)

// A salesperson on a monthly cycle over HTTP (issue 24): an administrator starts each month's
// appraisal of a company template with a monthly cycle; the third month under the minimum in
// a row raises the job-adjustment flag though its own figures are one month's; the year's
// result counts the three failed months and calls for dismissal. Bad periods are refused in
// the caller's language and start nothing.
func TestCompanyMonthlyCycleOverHTTP(t *testing.T) {
	s := start(t)
	s.setup()
	ctx := context.Background()
	appr := termgoal.DefaultAppraisal()
	appr.Scale, appr.Sales, appr.Cycle = termgoal.CompanyScale, true, termgoal.CycleMonthly
	tpl := id(s.must(201, "admin", "POST", "/api/v1/templates", village(map[string]any{"name": "销售人员（月度）", "org_type": "enterprise", "appraisal": appr})))
	term := s.addTerm(t, tpl) // from 2026-10-15
	s.planInForce(t, term)
	plain := s.addTerm(t, id(s.must(201, "admin", "POST", "/api/v1/templates", village(map[string]any{"name": "村（年度）"}))))
	s.planInForce(t, plain)

	before := s.processCount()
	for _, c := range []struct {
		lang   string
		body   map[string]any
		expect string
	}{
		{"en", map[string]any{"term_id": term, "kind": termgoal.AppraisalMonthly, "period": "2026-13"}, "month (2026-03)"},
		{"zh-CN", map[string]any{"term_id": term, "kind": termgoal.AppraisalMonthly, "period": "2026-Q4"}, "考核期间"},
		{"en", map[string]any{"term_id": term, "kind": termgoal.AppraisalMonthly, "period": "2026-09"}, "within the term"},
		{"zh-CN", map[string]any{"term_id": term, "kind": termgoal.AppraisalQuarterly, "period": "2026-Q4"}, "考核周期"},
		{"en", map[string]any{"term_id": plain, "kind": termgoal.AppraisalMonthly, "period": "2026-11"}, "no such appraisal cycle"},
	} {
		r := s.do("admin", "POST", "/api/v1/appraisals?lang="+c.lang, c.body, "")
		if r.status != 422 || !strings.Contains(r.message(), c.expect) {
			t.Errorf("%v (%s): %d %s", c.body, c.lang, r.status, r.raw)
		}
	}
	if n := s.processCount(); n != before {
		t.Fatalf("refused starts started %d processes", n-before)
	}

	month := func(m string, achieved float64) []map[string]any {
		return []map[string]any{{"month": m, "target": 100000, "minimum": 60000, "achieved": achieved}}
	}
	// Each month: started by hand, assessed, scored 86, rated 较差 for 50,000 of sales, and
	// archived before the next one's result.
	var months []string
	for _, m := range []string{"2026-10", "2026-11", "2026-12"} {
		r := s.must(201, "admin", "POST", "/api/v1/appraisals", map[string]any{"term_id": term, "kind": termgoal.AppraisalMonthly, "period": m})
		p := workflows.AppraisalPeriodID(term, m)
		if r.body["process_id"] != p {
			t.Fatalf("started %s, want %s", r.raw, p)
		}
		s.must(409, "admin", "POST", "/api/v1/appraisals", map[string]any{"term_id": term, "kind": termgoal.AppraisalMonthly, "period": m})
		waitFor(t, func() bool { return len(s.inbox("holder", p)) == 1 })
		s.act("holder", p, workflows.UpdateSelfAssess, map[string]any{
			"items":   []map[string]any{{"no": 1, "actual": "0.5", "evidence": "台账"}, {"no": 2, "actual": "培训", "evidence": "签到表"}},
			"summary": "本月销售", "proposed_grade": termgoal.GradePass}, "", 200)
		s.act("sup", p, workflows.UpdateScore, map[string]any{"scores": []map[string]any{{"no": 1, "score": 90}, {"no": 2, "score": 80}}}, "", 200)
		s.expectInbox("sup", p, "determine")
		if m == "2026-11" { // another month's figures do not belong to this one
			r := s.act("sup", p, workflows.UpdateDetermine, map[string]any{"sales": month("2026-10", 50000)}, "", 422)
			if !strings.Contains(r.message(), "outside the appraised period") {
				t.Errorf("October's figures in November: %s", r.raw)
			}
		}
		s.act("sup", p, workflows.UpdateDetermine, map[string]any{"sales": month(m, 50000), "grade": termgoal.GradePoor, "reason": "销售未达最低"}, "", 200)
		s.act("admin", p, workflows.UpdateMoveTo, map[string]any{"step": termgoal.StepFeedback, "reason": "公示期满"}, "", 200)
		s.act("holder", p, workflows.UpdateAcknowledge, map[string]any{}, "", 200)
		rec, err := s.store.Appraisal(ctx, p)
		if err != nil || rec.Status != "archived" || rec.Kind != termgoal.AppraisalMonthly || rec.PeriodFrom.Format("2006-01") != m {
			t.Fatalf("%s: %+v, %v", m, rec, err)
		}
		// 86 − 1 point (10,000 under the minimum) = 85; 50% achieved pays 60%.
		if rec.Result.Score != 85 || rec.Result.PayShare != 0.6 || rec.Result.JobAdjustment != (m == "2026-12") {
			t.Errorf("%s: %+v", m, rec.Result)
		}
		if m == "2026-12" && !slices.Contains(rec.Consequences, termgoal.ConsequenceJobAdjustment) {
			t.Errorf("the third weak month's consequences: %v", rec.Consequences)
		}
		months = append(months, p)
	}
	s.expectLastAudit(months[0], "result_acknowledged")
	s.saveHistory(t, months[2], "appraisal_company_month")

	// The year: its result reads the three monthly results; three failed months: dismissal.
	p := s.toResult(t, term)
	sales := append(append(month("2026-10", 50000), month("2026-11", 50000)...), month("2026-12", 50000)...)
	s.act("sup", p, workflows.UpdateDetermine, map[string]any{"sales": sales}, "", 200)
	s.act("admin", p, workflows.UpdateMoveTo, map[string]any{"step": termgoal.StepFeedback, "reason": "公示期满"}, "", 200)
	s.act("holder", p, workflows.UpdateAcknowledge, map[string]any{}, "", 200)
	rec, err := s.store.Appraisal(ctx, p)
	if err != nil || rec.Result == nil || len(rec.Result.Months) != 3 || rec.Result.Months[2].Period != "2026-12" || rec.Result.Months[0].Grade != termgoal.GradePoor {
		t.Fatalf("the year's result: %+v, %v", rec, err)
	}
	rule := rec.Result.Rules[len(rec.Result.Rules)-1]
	if rule.Rule != termgoal.RuleCompanyYear || rule.Params["failed"] != float64(3) || !slices.Contains(rec.Consequences, termgoal.ConsequenceDismissal) {
		t.Errorf("the year's rule %+v and consequences %v", rule, rec.Consequences)
	}
	s.saveHistory(t, p, "appraisal_company_year")
	// The API lists the months by kind.
	list := s.must(200, "admin", "GET", "/api/v1/appraisals?kind="+termgoal.AppraisalMonthly, nil)
	if items, _ := list.body["items"].([]any); len(items) != 3 {
		t.Errorf("monthly appraisals listed: %s", list.raw)
	}
}
