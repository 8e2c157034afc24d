package e2e

import (
	"context"
	"strings"
	"testing"

	"termgoal"
	"termgoal/workflows"
)

// toResult starts the annual appraisal of term and brings it to the result: the holder
// assesses, the superior scores 90 and 80 (86 by the plan's weights).
func (s *sys) toResult(t *testing.T, term int64) string {
	t.Helper()
	p := s.startAppraisal(t, term)
	s.act("holder", p, workflows.UpdateSelfAssess, map[string]any{
		"items":   []map[string]any{{"no": 1, "actual": "1", "evidence": "台账"}, {"no": 2, "actual": "培训", "evidence": "签到表"}},
		"summary": "全年销售", "proposed_grade": termgoal.GradePass}, "", 200)
	s.act("sup", p, workflows.UpdateScore, map[string]any{"scores": []map[string]any{{"no": 1, "score": 90}, {"no": 2, "score": 80}}}, "", 200)
	s.expectInbox("sup", p, "determine")
	return p
}

// A salesperson's annual appraisal over HTTP (issue 24): the template takes sales figures, the
// superior determines the result with the months' figures, and the result applies the company
// rules: the sales points join the adjustments, the pay share follows the achievement, and
// three months in a row under the minimum raise the job-adjustment flag. Without figures the
// determination is refused (figures for a template without sales rules: TestDetermineSales).
func TestSalesAppraisalOverHTTP(t *testing.T) {
	s := start(t)
	s.setup()
	appr := termgoal.DefaultAppraisal()
	appr.Scale, appr.Sales = termgoal.CompanyScale, true
	tpl := id(s.must(201, "admin", "POST", "/api/v1/templates", village(map[string]any{"name": "销售人员", "org_type": "enterprise", "appraisal": appr})))
	term := s.addTerm(t, tpl)
	s.planInForce(t, term)
	ctx := context.Background()
	p := s.toResult(t, term)

	month := func(m string, achieved float64) map[string]any {
		return map[string]any{"month": m, "target": 100000, "minimum": 60000, "achieved": achieved}
	}
	r := s.act("sup", p, workflows.UpdateDetermine, map[string]any{"comment": "未填销售数据"}, "", 422)
	if !strings.Contains(r.message(), "sales figures") {
		t.Errorf("without figures: %s", r.raw)
	}
	// 50,000 in February, March and April: three months under the minimum. The year's
	// 430,000 against 600,000 (minimum 360,000) earns no point; 72% achieved pays 80%.
	sales := []map[string]any{month("2026-01", 100000), month("2026-02", 50000), month("2026-03", 50000), month("2026-04", 50000),
		month("2026-05", 80000), month("2026-06", 100000)}
	s.act("sup", p, workflows.UpdateDetermine, map[string]any{"sales": sales, "adjustments": []map[string]any{{"points": 2, "reason": "带教新人"}}}, "", 200)
	rec, err := s.store.Appraisal(ctx, p)
	if err != nil || rec.Result == nil {
		t.Fatalf("after the determination: %+v, %v", rec, err)
	}
	res := rec.Result
	// 0.6×90 + 0.4×80 = 86, +2 = 88: good (良好), but the pay follows the sales: 80%.
	if res.Score != 88 || res.Grade != termgoal.GradeGood || res.PayShare != 0.8 || !res.JobAdjustment || len(res.Sales) != 6 {
		t.Errorf("a weak spring's result: %+v", res)
	}
	var rules []string
	for _, rule := range res.Rules {
		rules = append(rules, rule.Rule)
	}
	if strings.Join(rules, ",") != "sales_points,sales_pay_share,job_adjustment" {
		t.Errorf("rules applied: %v", rules)
	}
	s.expectLastAudit(p, "result_determined")

	// A strong year on another term: +3 points above the target, all the pay, no flag.
	strong := s.addTerm(t, tpl)
	s.planInForce(t, strong)
	q := s.toResult(t, strong)
	s.act("sup", q, workflows.UpdateDetermine, map[string]any{"sales": []map[string]any{month("2026-01", 120000), month("2026-02", 115000)}}, "", 200)
	if rec, err := s.store.Appraisal(ctx, q); err != nil || rec.Result.Score != 89 || rec.Result.PayShare != 1 || rec.Result.JobAdjustment ||
		rec.Result.Adjustments[0].Points != 3 || rec.Result.Adjustments[0].Reason != termgoal.RuleSalesPoints {
		t.Errorf("a strong start: %+v, %v", rec.Result, err)
	}
}
