package termgoal

// The company rules for sales staff (DOMAIN.md "Appraisal"): a sales appraisal takes the
// holder's monthly figures at the result, adds the sales points to the adjustments, pays the
// share the achievement earns and flags a job adjustment after three weak months in a row.

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// SalesMonth is one month's sales figures of a salesperson, in yuan: the month's target, the
// minimum and what was achieved.
type SalesMonth struct {
	Month    string  `json:"month"` // YYYY-MM
	Target   float64 `json:"target"`
	Minimum  float64 `json:"minimum"`
	Achieved float64 `json:"achieved"`
}

// The company rules a result records as applied.
const (
	RuleSalesPoints   = "sales_points"    // +1 per 10,000 above the target, −1 per 10,000 under the minimum
	RuleSalesPayShare = "sales_pay_share" // the pay share follows the achievement ratio
	RuleJobAdjustment = "job_adjustment"  // three months in a row under 60% of the target
)

// AppliedRule is a company rule a result applied, with the figures it read and its effect, so
// the result page can say what each rule did.
type AppliedRule struct {
	Rule   string         `json:"rule"`
	Params map[string]any `json:"params"`
}

// maxSalesMonths bounds the figures of one appraisal: a year.
const maxSalesMonths = 12

// checkSales validates the figures: 1 to 12 distinct months, each with a positive target, a
// minimum between 0 and the target and a sum achieved of at least 0.
func checkSales(months []SalesMonth) error {
	if len(months) == 0 || len(months) > maxSalesMonths {
		return Errorf(EINVALID, "appraisal.sales_required", "the sales figures of 1 to 12 months are needed", "max", maxSalesMonths)
	}
	seen := map[string]bool{}
	for i, m := range months {
		if _, err := time.Parse("2006-01", m.Month); err != nil || seen[m.Month] {
			return Errorf(EINVALID, "appraisal.sales_month", fmt.Sprintf("month %d must be a distinct YYYY-MM", i+1), "n", i+1)
		}
		seen[m.Month] = true
		for _, v := range []float64{m.Target, m.Minimum, m.Achieved} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Errorf(EINVALID, "appraisal.sales_figures", "sales and the minimum must not be negative, and the target must not be under the minimum")
			}
		}
		if m.Target <= 0 || m.Minimum < 0 || m.Minimum > m.Target || m.Achieved < 0 {
			return Errorf(EINVALID, "appraisal.sales_figures", "sales and the minimum must not be negative, and the target must not be under the minimum")
		}
	}
	return nil
}

// DetermineSales is Determine for every template: with sales rules (c.Sales) it takes the
// holder's monthly figures, adds their sales points (SalesPoints over the months' sums) to the
// adjustments, sets the pay share from the achievement ratio (SalesPayShare) instead of the
// grade's, flags a job adjustment when JobAdjustmentDue over these months and the earlier
// ones (a monthly cycle's previous months, which earn nothing here), and records each rule applied; a
// template without sales rules refuses figures and determines as before.
func (c AppraisalConfig) DetermineSales(raterScore float64, sales, earlier []SalesMonth, adjustments []Adjustment, vetoes []Veto, override, reason string) (AppraisalResult, error) {
	if !c.Sales {
		if len(sales) > 0 {
			return AppraisalResult{}, Errorf(EINVALID, "appraisal.sales_not_taken", "this template takes no sales figures")
		}
		return c.Determine(raterScore, adjustments, vetoes, override, reason)
	}
	if err := checkSales(sales); err != nil {
		return AppraisalResult{}, err
	}
	sales = slices.Clone(sales)
	slices.SortFunc(sales, func(a, b SalesMonth) int { return strings.Compare(a.Month, b.Month) })
	var target, minimum, achieved float64
	for _, m := range sales {
		target, minimum, achieved = target+m.Target, minimum+m.Minimum, achieved+m.Achieved
	}
	points, err := SalesPoints(achieved, target, minimum)
	if err != nil {
		return AppraisalResult{}, err
	}
	if points != 0 {
		adjustments = append(slices.Clone(adjustments), Adjustment{Points: points, Reason: RuleSalesPoints})
	}
	r, err := c.Determine(raterScore, adjustments, vetoes, override, reason)
	if err != nil {
		return AppraisalResult{}, err
	}
	ratio := achieved / target
	r.PayShare = SalesPayShare(ratio)
	r.JobAdjustment = JobAdjustmentDue(monthRatios(earlier, sales))
	r.Sales = sales
	r.Rules = []AppliedRule{
		{RuleSalesPoints, map[string]any{"achieved": achieved, "target": target, "minimum": minimum, "points": points}},
		{RuleSalesPayShare, map[string]any{"ratio": round2(ratio), "pay_share": r.PayShare}},
	}
	if r.JobAdjustment {
		r.Rules = append(r.Rules, AppliedRule{RuleJobAdjustment, map[string]any{"months": JobAdjustmentMonths, "ratio": JobAdjustmentRatio}})
	}
	return r, nil
}

// monthRatios is the achievement ratio of each month from the first of earlier to the last of
// sales, oldest first: a month with no figures (a gap, or earlier months after the first of
// sales) breaks a run of weak months.
func monthRatios(earlier, sales []SalesMonth) []float64 {
	first, from := sales[0].Month, sales[0].Month
	byMonth := map[string]SalesMonth{}
	for _, m := range earlier {
		if m.Month < first {
			byMonth[m.Month] = m
			from = min(from, m.Month)
		}
	}
	for _, m := range sales {
		byMonth[m.Month] = m
	}
	var ratios []float64
	last := sales[len(sales)-1].Month
	for d, _ := time.Parse("2006-01", from); d.Format("2006-01") <= last; d = d.AddDate(0, 1, 0) {
		ratio := 1.0
		if m, ok := byMonth[d.Format("2006-01")]; ok && m.Target > 0 {
			ratio = m.Achieved / m.Target
		}
		ratios = append(ratios, ratio)
	}
	return ratios
}
