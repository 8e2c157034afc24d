package termgoal

import "testing"

// A salesperson's year: the points of the year's sums join the adjustments, the pay share
// follows the achievement, and three weak months in a row flag a job adjustment.
func TestDetermineSales(t *testing.T) {
	c := DefaultAppraisal()
	c.Scale, c.Sales = CompanyScale, true
	month := func(m string, achieved float64) SalesMonth {
		return SalesMonth{Month: m, Target: 100000, Minimum: 60000, Achieved: achieved}
	}
	strong := []SalesMonth{month("2026-02", 130000), month("2026-01", 115000), month("2026-03", 100000)}
	r, err := c.DetermineSales(85, strong, []Adjustment{{Points: 1, Reason: "带教新人"}}, nil, "", "")
	if err != nil {
		t.Fatal(err)
	}
	// 345,000 against 300,000: +4 points; 85 + 1 + 4 = 90, excellent; 115% achieved: all the pay.
	if r.Score != 90 || r.Grade != GradeExcellent || r.PayShare != 1 || r.JobAdjustment || len(r.Adjustments) != 2 ||
		r.Adjustments[1].Points != 4 || r.Adjustments[1].Reason != RuleSalesPoints || r.Sales[0].Month != "2026-01" || len(r.Rules) != 2 {
		t.Errorf("a strong quarter: %+v", r)
	}
	weak := []SalesMonth{month("2026-01", 70000), month("2026-02", 50000), month("2026-03", 50000), month("2026-04", 50000)}
	r, err = c.DetermineSales(70, weak, nil, nil, "", "")
	if err != nil {
		t.Fatal(err)
	}
	// 220,000 against a minimum of 240,000: −2; 55% achieved: 60% of the pay; three months
	// under 60,000 in a row: a job adjustment.
	if !r.JobAdjustment || r.PayShare != 0.6 || r.Score != 68 || r.Rules[len(r.Rules)-1].Rule != RuleJobAdjustment {
		t.Errorf("a weak spring: %+v", r)
	}
	for _, bad := range [][]SalesMonth{nil, {month("2026-1", 1)}, {month("2026-01", 1), month("2026-01", 2)},
		{{Month: "2026-01", Target: 100, Minimum: 200}}, {{Month: "2026-01", Target: 0}}} {
		if _, err := c.DetermineSales(80, bad, nil, nil, "", ""); ErrorCode(err) != EINVALID {
			t.Errorf("figures %+v: %v", bad, err)
		}
	}
	c.Sales = false
	if _, err := c.DetermineSales(80, strong, nil, nil, "", ""); ErrorCode(err) != EINVALID {
		t.Errorf("figures for a template without sales rules: %v", err)
	}
	if r, err := c.DetermineSales(80, nil, nil, nil, "", ""); err != nil || r.Rules != nil {
		t.Errorf("without sales rules: %+v %v", r, err)
	}
}
