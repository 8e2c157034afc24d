package termgoal

import (
	"fmt"
	"testing"
	"time"
)

// A salesperson's year: the points of the year's sums join the adjustments, the pay share
// follows the achievement, and three weak months in a row flag a job adjustment.
func TestDetermineSales(t *testing.T) {
	c := DefaultAppraisal()
	c.Scale, c.Sales = CompanyScale, true
	month := func(m string, achieved float64) SalesMonth {
		return SalesMonth{Month: m, Target: 100000, Minimum: 60000, Achieved: achieved}
	}
	strong := []SalesMonth{month("2026-02", 130000), month("2026-01", 115000), month("2026-03", 100000)}
	r, err := c.DetermineSales(85, strong, nil, []Adjustment{{Points: 1, Reason: "带教新人"}}, nil, "", "")
	if err != nil {
		t.Fatal(err)
	}
	// 345,000 against 300,000: +4 points; 85 + 1 + 4 = 90, excellent; 115% achieved: all the pay.
	if r.Score != 90 || r.Grade != GradeExcellent || r.PayShare != 1 || r.JobAdjustment || len(r.Adjustments) != 2 ||
		r.Adjustments[1].Points != 4 || r.Adjustments[1].Reason != RuleSalesPoints || r.Sales[0].Month != "2026-01" || len(r.Rules) != 2 {
		t.Errorf("a strong quarter: %+v", r)
	}
	weak := []SalesMonth{month("2026-01", 70000), month("2026-02", 50000), month("2026-03", 50000), month("2026-04", 50000)}
	r, err = c.DetermineSales(70, weak, nil, nil, nil, "", "")
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
		if _, err := c.DetermineSales(80, bad, nil, nil, nil, "", ""); ErrorCode(err) != EINVALID {
			t.Errorf("figures %+v: %v", bad, err)
		}
	}
	c.Sales = false
	if _, err := c.DetermineSales(80, strong, nil, nil, nil, "", ""); ErrorCode(err) != EINVALID {
		t.Errorf("figures for a template without sales rules: %v", err)
	}
	if r, err := c.DetermineSales(80, nil, nil, nil, nil, "", ""); err != nil || r.Rules != nil {
		t.Errorf("without sales rules: %+v %v", r, err)
	}
}

// A monthly cycle's month: the earlier months' figures count towards the weak run, never
// towards the points or the pay; a month without figures breaks the run.
func TestDetermineSalesOfAMonth(t *testing.T) {
	c := DefaultAppraisal()
	c.Scale, c.Sales, c.Cycle = CompanyScale, true, CycleMonthly
	month := func(m string, achieved float64) SalesMonth {
		return SalesMonth{Month: m, Target: 100000, Minimum: 60000, Achieved: achieved}
	}
	march := []SalesMonth{month("2026-03", 50000)}
	r, err := c.DetermineSales(80, march, []SalesMonth{month("2026-01", 40000), month("2026-02", 55000)}, nil, nil, "", "")
	// 50,000 against a minimum of 60,000: −1; 50% achieved: 60% of the pay; the third weak
	// month in a row: a job adjustment.
	if err != nil || !r.JobAdjustment || r.Score != 79 || r.PayShare != 0.6 || len(r.Sales) != 1 {
		t.Errorf("the third weak month: %+v, %v", r, err)
	}
	for name, earlier := range map[string][]SalesMonth{
		"a gap in January":   {month("2025-12", 40000), month("2026-02", 55000)},
		"a good February":    {month("2026-01", 40000), month("2026-02", 90000)},
		"only one before":    {month("2026-02", 40000)},
		"later months alone": {month("2026-04", 10000), month("2026-05", 10000)},
	} {
		if r, err := c.DetermineSales(80, march, earlier, nil, nil, "", ""); err != nil || r.JobAdjustment {
			t.Errorf("%s: %+v, %v", name, r, err)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, c := range []struct {
		kind, period, from, to string
	}{
		{AppraisalMonthly, "2026-02", "2026-02-01", "2026-02-28"},
		{AppraisalMonthly, "2026-12", "2026-12-01", "2026-12-31"},
		{AppraisalQuarterly, "2026-Q1", "2026-01-01", "2026-03-31"},
		{AppraisalQuarterly, "2026-Q4", "2026-10-01", "2026-12-31"},
	} {
		from, to, err := ParsePeriod(c.kind, c.period)
		if err != nil || !from.Equal(day(c.from)) || !to.Equal(day(c.to)) || PeriodName(c.kind, from) != c.period {
			t.Errorf("%s %s: %v–%v, %v", c.kind, c.period, from, to, err)
		}
	}
	for _, bad := range [][2]string{{AppraisalMonthly, "2026-13"}, {AppraisalMonthly, "2026-Q1"}, {AppraisalQuarterly, "2026-Q5"},
		{AppraisalQuarterly, "2026-03"}, {AppraisalAnnual, "2026-03"}} {
		if _, _, err := ParsePeriod(bad[0], bad[1]); ErrorCode(err) != EINVALID {
			t.Errorf("%v: %v", bad, err)
		}
	}
}

// The year's result of a monthly cycle records the months and what they drive.
func TestCompanyYear(t *testing.T) {
	var months []PeriodGrade
	for m := 1; m <= 12; m++ {
		g := GradeExcellent
		if m > 8 {
			g = GradePass
		}
		months = append(months, PeriodGrade{Period: fmt.Sprintf("2026-%02d", m), Grade: g})
	}
	var r AppraisalResult
	if r.YearConsequences() != nil {
		t.Errorf("no months, yet %v", r.YearConsequences())
	}
	r.CompanyYear(months)
	rule := r.Rules[len(r.Rules)-1]
	if got := r.YearConsequences(); len(got) != 1 || got[0] != ConsequenceAnnualAward || rule.Rule != RuleCompanyYear ||
		rule.Params["excellent"] != 8 || rule.Params["failed"] != 0 {
		t.Errorf("8 excellent months: %v, %+v", got, rule)
	}
}
