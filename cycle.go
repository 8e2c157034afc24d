package termgoal

// Company cycles (DOMAIN.md "Who holds goals": company staff have no term but monthly,
// quarterly and annual cycles). A template's AppraisalConfig.Cycle makes each month's or
// quarter's appraisal a process of its own; the year's monthly grades then drive the annual
// award and dismissal (CompanyYearConsequences) through the annual appraisal's result.

import (
	"fmt"
	"strings"
	"time"
)

// Appraisal cycles of a template: besides the annual appraisal, one per month or quarter.
const (
	CycleAnnual    = ""          // the annual appraisal alone
	CycleMonthly   = "monthly"   // a monthly appraisal after each month (月度考核)
	CycleQuarterly = "quarterly" // a quarterly appraisal after each quarter (季度考核)
)

// Cycles are the cycles a template may name.
var Cycles = []string{CycleAnnual, CycleMonthly, CycleQuarterly}

// Period appraisal kinds (processes.kind).
const (
	AppraisalMonthly   = "monthly_appraisal"   // 月度考核
	AppraisalQuarterly = "quarterly_appraisal" // 季度考核
)

// IsPeriodAppraisal reports whether an appraisal kind appraises a month or a quarter.
func IsPeriodAppraisal(kind string) bool {
	return kind == AppraisalMonthly || kind == AppraisalQuarterly
}

// CycleKind is the appraisal kind a template's cycle starts each period, or "" for the annual
// cycle alone.
func (c AppraisalConfig) CycleKind() string {
	switch c.Cycle {
	case CycleMonthly:
		return AppraisalMonthly
	case CycleQuarterly:
		return AppraisalQuarterly
	}
	return ""
}

// PeriodName names the month or quarter of a period appraisal kind that starts on from:
// "2026-03", "2026-Q1".
func PeriodName(kind string, from time.Time) string {
	if kind == AppraisalQuarterly {
		return fmt.Sprintf("%d-Q%d", from.Year(), (int(from.Month())-1)/3+1)
	}
	return from.Format("2006-01")
}

// ParsePeriod reads the month ("2026-03") or quarter ("2026-Q1") of a period appraisal kind
// and returns its first and last day.
func ParsePeriod(kind, period string) (from, to time.Time, err error) {
	bad := Errorf(EINVALID, "appraisal.period", "the period is a month (2026-03) for a monthly appraisal, a quarter (2026-Q1) for a quarterly one", "period", period)
	switch kind {
	case AppraisalMonthly:
		from, err = time.Parse("2006-01", period)
		if err != nil {
			return from, to, bad
		}
		return from, from.AddDate(0, 1, -1), nil
	case AppraisalQuarterly:
		year, q, ok := strings.Cut(period, "-Q")
		y, err := time.Parse("2006", year)
		if !ok || err != nil || len(q) != 1 || q[0] < '1' || q[0] > '4' {
			return from, to, bad
		}
		from = y.AddDate(0, 3*int(q[0]-'1'), 0)
		return from, from.AddDate(0, 3, -1), nil
	}
	return from, to, ErrAppraisalKind(kind)
}

// ErrAppraisalKind refuses an appraisal kind nobody starts by hand.
func ErrAppraisalKind(kind string) error {
	return Errorf(EINVALID, "appraisal.kind", "kind must be annual_appraisal, term_end_appraisal, monthly_appraisal or quarterly_appraisal", "kind", kind)
}

// PeriodGrade is the archived result of one period appraisal, as the year's result reads it.
type PeriodGrade struct {
	Period string       `json:"period"`
	Grade  string       `json:"grade"`
	Score  float64      `json:"score"`
	Sales  []SalesMonth `json:"sales,omitempty"`
}

// RuleCompanyYear is the company rule a year's result applies over its monthly grades.
const RuleCompanyYear = "company_year" // ≥8 excellent months: the annual award; ≥3 failed: dismissal

// CompanyYear records on an annual result the year's monthly grades and what they drive
// (CompanyYearConsequences), as an applied rule the result page shows.
func (r *AppraisalResult) CompanyYear(months []PeriodGrade) {
	r.Months = months
	excellent, failed := companyMonths(r.monthGrades())
	r.Rules = append(r.Rules, AppliedRule{RuleCompanyYear, map[string]any{
		"months": len(months), "excellent": excellent, "failed": failed, "consequences": r.YearConsequences()}})
}

// YearConsequences is what the monthly grades an annual result recorded drive: none when it
// recorded none.
func (r *AppraisalResult) YearConsequences() []Consequence {
	if len(r.Months) == 0 {
		return nil
	}
	return CompanyYearConsequences(r.monthGrades())
}

func (r *AppraisalResult) monthGrades() []string {
	grades := make([]string, len(r.Months))
	for i, m := range r.Months {
		grades[i] = m.Grade
	}
	return grades
}
