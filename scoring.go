package termgoal

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// scoreEpsilon absorbs floating-point noise: 0.6×90 + 0.15×90 + 0.15×90 + 0.1×90 may come out a
// hair under 90, and a holder must not drop a grade because of how a computer adds. It is far
// below any score a person enters (two decimals), so 89.999 still stays under 90.
const scoreEpsilon = 1e-9

// Grade is one grade of a scale. Min is the inclusive lower edge of its score band; PayShare is
// the share of performance pay it earns (1 = all), 0 where pay does not follow the grade.
type Grade struct {
	Code     string  `json:"code"`
	Min      float64 `json:"min"`
	PayShare float64 `json:"pay_share,omitempty"`
}

// Scale is a grade scale of a template (A5), grades best first with strictly falling Min.
type Scale struct {
	ID     string  `json:"id"`
	Grades []Grade `json:"grades"`
}

// Grade codes of the shipped scales.
const (
	GradeCompleted          = "completed"           // 完成
	GradeBasicallyCompleted = "basically_completed" // 基本完成
	GradeNotCompleted       = "not_completed"       // 未完成

	GradeExcellent          = "excellent"           // 优秀 (cadres and companies)
	GradeCompetent          = "competent"           // 称职
	GradeBasicallyCompetent = "basically_competent" // 基本称职
	GradeIncompetent        = "incompetent"         // 不称职

	GradeGood = "good" // 良好
	GradePass = "pass" // 合格
	GradePoor = "poor" // 较差 (不合格)
	GradeFail = "fail" // 差 (不合格)
)

// Shipped scales. DOMAIN.md gives score bands only for companies; the organization and cadre
// bands are defaults an administrator adjusts per template, since in practice the appraisal
// group proposes those grades and the superior decides them (Decide).
var (
	OrganizationScale = Scale{ID: "organization", Grades: []Grade{
		{Code: GradeCompleted, Min: 90},
		{Code: GradeBasicallyCompleted, Min: 60},
		{Code: GradeNotCompleted, Min: 0},
	}}
	CadreScale = Scale{ID: "cadre", Grades: []Grade{
		{Code: GradeExcellent, Min: 90},
		{Code: GradeCompetent, Min: 70},
		{Code: GradeBasicallyCompetent, Min: 60},
		{Code: GradeIncompetent, Min: 0},
	}}
	// CompanyScale pays 30% for 差: the source says only "below 40%", and 30% keeps the step of
	// the bands above without docking the whole performance pay.
	CompanyScale = Scale{ID: "company", Grades: []Grade{
		{Code: GradeExcellent, Min: 90, PayShare: 1},
		{Code: GradeGood, Min: 80, PayShare: 0.8},
		{Code: GradePass, Min: 60, PayShare: 0.6},
		{Code: GradePoor, Min: 50, PayShare: 0.4},
		{Code: GradeFail, Min: 0, PayShare: 0.3},
	}}
)

// Validate checks a scale configured in a template.
func (s Scale) Validate() error {
	if len(s.Grades) < 2 {
		return Errorf(EINVALID, "appraisal.scale_grades", "a grade scale needs at least two grades")
	}
	seen := map[string]bool{}
	for i, g := range s.Grades {
		switch {
		case strings.TrimSpace(g.Code) == "":
			return Errorf(EINVALID, "appraisal.grade_code", fmt.Sprintf("grade %d needs a code", i+1), "n", i+1)
		case seen[g.Code]:
			return Errorf(EINVALID, "appraisal.grade_duplicate", fmt.Sprintf("grade %q appears twice", g.Code), "grade", g.Code)
		case math.IsNaN(g.Min) || i > 0 && g.Min >= s.Grades[i-1].Min:
			return Errorf(EINVALID, "appraisal.grade_order", "grades go from best to worst, each with a lower score band than the one before")
		case !(g.PayShare >= 0 && g.PayShare <= 1):
			return Errorf(EINVALID, "appraisal.pay_share", fmt.Sprintf("grade %q: the pay share must be between 0 and 1", g.Code), "grade", g.Code)
		}
		seen[g.Code] = true
	}
	return nil
}

// GradeOf returns the grade whose band holds score: the best grade whose Min the score reaches.
// A score under every band gets the lowest grade, so every score has a grade.
func (s Scale) GradeOf(score float64) Grade {
	for _, g := range s.Grades {
		if score+scoreEpsilon >= g.Min {
			return g
		}
	}
	return s.Lowest()
}

// Lowest returns the worst grade of the scale.
func (s Scale) Lowest() Grade { return s.Grades[len(s.Grades)-1] }

// Find returns the grade with the given code.
func (s Scale) Find(code string) (Grade, bool) {
	i := s.index(code)
	if i < 0 {
		return Grade{}, false
	}
	return s.Grades[i], true
}

func (s Scale) index(code string) int {
	return slices.IndexFunc(s.Grades, func(g Grade) bool { return g.Code == code })
}

// Veto is a veto item (一票否决) that was triggered, such as a major safety accident. The reason
// is required because it alone decides the grade and will be read in the notice and on appeal.
type Veto struct {
	Item   string `json:"item"`
	Reason string `json:"reason"`
}

// Compute returns the grade a score earns, or the lowest grade when any veto item was
// triggered: a veto overrides the score however high it is.
func (s Scale) Compute(score float64, vetoes []Veto) (Grade, error) {
	for i, v := range vetoes {
		if strings.TrimSpace(v.Reason) == "" {
			return Grade{}, Errorf(EINVALID, "appraisal.veto_reason", fmt.Sprintf("veto item %d needs a reason", i+1), "n", i+1)
		}
	}
	if len(vetoes) > 0 {
		return s.Lowest(), nil
	}
	return s.GradeOf(score), nil
}

// Decide returns the final grade: the computed one, or the superior's override. An override
// must carry a reason, because it sets aside what the scores say; "overriding" with the grade
// that was computed anyway changes nothing and needs none.
func Decide(computed Grade, override *Grade, reason string) (Grade, error) {
	if override == nil || override.Code == computed.Code {
		return computed, nil
	}
	if strings.TrimSpace(reason) == "" {
		return Grade{}, Errorf(EINVALID, "appraisal.override_reason", "changing the computed grade needs a reason")
	}
	return *override, nil
}

// Component is one part of a weighted formula. Weights add up to 1 or to 100, whichever the
// template author finds natural; both mean the same formula.
type Component struct {
	Key    string  `json:"key"`
	Weight float64 `json:"weight"`
}

// Component keys of the shipped formulas.
const (
	ComponentFunctional = "functional" // 职能目标
	ComponentCommon     = "common"     // 共性目标
	ComponentEfficiency = "efficiency" // 效能建设
	ComponentExcellence = "excellence" // 争先创优
	ComponentDepartment = "department" // a manager's department result
	ComponentPersonal   = "personal"   // a manager's own performance
)

// Shipped formulas: the provincial agencies' annual goals, and company managers.
var (
	ProvincialAgencyFormula = []Component{
		{ComponentFunctional, 0.60}, {ComponentCommon, 0.15}, {ComponentEfficiency, 0.15}, {ComponentExcellence, 0.10},
	}
	ManagerFormula = []Component{{ComponentDepartment, 0.60}, {ComponentPersonal, 0.40}}
)

// ValidateWeights checks a formula: named, distinct, positive components whose weights add up
// to 1 or to 100.
func ValidateWeights(components []Component) error {
	_, err := weightTotal(components)
	return err
}

// weightTotal validates components and returns the total their weights must be divided by.
func weightTotal(components []Component) (float64, error) {
	if len(components) == 0 {
		return 0, Errorf(EINVALID, "appraisal.weights_empty", "the formula has no components")
	}
	seen := map[string]bool{}
	var sum float64
	for i, c := range components {
		switch {
		case strings.TrimSpace(c.Key) == "":
			return 0, Errorf(EINVALID, "appraisal.weight_key", fmt.Sprintf("component %d needs a name", i+1), "n", i+1)
		case seen[c.Key]:
			return 0, Errorf(EINVALID, "appraisal.weight_duplicate", fmt.Sprintf("component %q appears twice", c.Key), "key", c.Key)
		case !(c.Weight > 0) || math.IsInf(c.Weight, 0):
			return 0, Errorf(EINVALID, "appraisal.weight_value", fmt.Sprintf("component %q needs a positive weight", c.Key), "key", c.Key)
		}
		seen[c.Key] = true
		sum += c.Weight
	}
	for _, total := range []float64{1, 100} {
		if math.Abs(sum-total) <= 1e-6*total {
			return total, nil
		}
	}
	return 0, Errorf(EINVALID, "appraisal.weights_sum", fmt.Sprintf("the weights add up to %g, not 1 or 100", sum), "sum", sum)
}

func validScore(v float64) bool { return v >= 0 && v <= 100 }

// Rater groups of a 360-degree appraisal (民主测评).
const (
	RaterSuperior     = "superior"
	RaterPeers        = "peers"
	RaterSubordinates = "subordinates"
	RaterSelf         = "self"
	RaterPublic       = "public" // service recipients or the public
)

// RaterGroup is a group of raters and the weight of its average.
type RaterGroup struct {
	Key    string  `json:"key"`
	Weight float64 `json:"weight"`
}

// Ballot is one rater's score (0–100). It names the group, never the rater: anonymous ballots
// stay anonymous here; who may cast one is the workflow's business.
type Ballot struct {
	Group string  `json:"group"`
	Score float64 `json:"score"`
}

// RaterScore averages each group's ballots and weights the averages. A group that cast no
// ballots (a holder without subordinates, a public that did not answer) has its weight
// redistributed to the others in proportion to theirs, rather than counting as a zero that
// would punish the holder for the shape of the unit; with no ballots at all it is an error.
func RaterScore(groups []RaterGroup, ballots []Ballot) (float64, error) {
	sums, counts, err := groupSums(groups, ballots)
	if err != nil {
		return 0, err
	}
	var sum, weights float64
	for _, g := range groups {
		if counts[g.Key] > 0 {
			sum += sums[g.Key] / float64(counts[g.Key]) * g.Weight
			weights += g.Weight
		}
	}
	if weights == 0 {
		return 0, Errorf(EINVALID, "appraisal.no_ballots", "no ballots were cast")
	}
	return sum / weights, nil
}

// groupSums checks the groups' weights and the ballots and adds up each group's scores.
func groupSums(groups []RaterGroup, ballots []Ballot) (sums map[string]float64, counts map[string]int, err error) {
	components := make([]Component, len(groups))
	for i, g := range groups {
		components[i] = Component(g)
	}
	if _, err := weightTotal(components); err != nil {
		return nil, nil, err
	}
	sums, counts = map[string]float64{}, map[string]int{}
	for i, b := range ballots {
		if !slices.ContainsFunc(groups, func(g RaterGroup) bool { return g.Key == b.Group }) {
			return nil, nil, Errorf(EINVALID, "appraisal.ballot_group", fmt.Sprintf("ballot %d names an unknown rater group %q", i+1, b.Group), "n", i+1, "group", b.Group)
		}
		if !validScore(b.Score) {
			return nil, nil, Errorf(EINVALID, "appraisal.ballot_score", fmt.Sprintf("ballot %d: the score must be between 0 and 100", i+1), "n", i+1)
		}
		sums[b.Group] += b.Score
		counts[b.Group]++
	}
	return sums, counts, nil
}

// GroupScore is one rater group's part in a rater score: its ballots' average and the share
// of the score it carries once the weight of the groups that cast nothing is spread over the
// others (0 for a group without ballots).
type GroupScore struct {
	Key     string  `json:"key"`
	Weight  float64 `json:"weight"`
	Ballots int     `json:"ballots"`
	Average float64 `json:"average"`
	Share   float64 `json:"share"`
}

// GroupScores explains RaterScore group by group, for the result page: each group's average,
// its weight and the share it carries.
func GroupScores(groups []RaterGroup, ballots []Ballot) ([]GroupScore, error) {
	sums, counts, err := groupSums(groups, ballots)
	if err != nil {
		return nil, err
	}
	var weights float64
	for _, g := range groups {
		if counts[g.Key] > 0 {
			weights += g.Weight
		}
	}
	out := make([]GroupScore, len(groups))
	for i, g := range groups {
		out[i] = GroupScore{Key: g.Key, Weight: g.Weight, Ballots: counts[g.Key]}
		if counts[g.Key] > 0 {
			out[i].Average = sums[g.Key] / float64(counts[g.Key])
			out[i].Share = g.Weight / weights
		}
	}
	return out, nil
}

// Adjustment is a bonus (positive) or penalty (negative) on top of the weighted score. Each
// carries its reason, which the holder reads in the result and can appeal against.
type Adjustment struct {
	Points float64 `json:"points"`
	Reason string  `json:"reason"`
}

// Adjust adds the adjustments to score. With a cap (limit > 0) the total is kept within
// 0..limit so that bonus points cannot lift a score past the scale; without one (limit ≤ 0)
// the sum is returned as it is.
func Adjust(score float64, adjustments []Adjustment, limit float64) (float64, error) {
	total := score
	for i, a := range adjustments {
		if strings.TrimSpace(a.Reason) == "" {
			return 0, Errorf(EINVALID, "appraisal.adjustment_reason", fmt.Sprintf("adjustment %d needs a reason", i+1), "n", i+1)
		}
		if math.IsNaN(a.Points) || math.IsInf(a.Points, 0) {
			return 0, Errorf(EINVALID, "appraisal.adjustment_points", fmt.Sprintf("adjustment %d needs a number of points", i+1), "n", i+1)
		}
		total += a.Points
	}
	if limit > 0 {
		total = min(max(total, 0), limit)
	}
	return total, nil
}

// SalesPointStep is the sales amount (yuan) worth one bonus or penalty point.
const SalesPointStep = 10000.0

// SalesPoints is the sales rule: +1 point for each full 10,000 yuan above the target, −1 for
// each full 10,000 yuan below the minimum, 0 in between. Only full steps count, in both
// directions, so the rule is symmetric and a few yuan never change a point.
func SalesPoints(sales, target, minimum float64) (float64, error) {
	if !(sales >= 0 && minimum >= 0 && target >= minimum) || math.IsInf(sales+target, 0) {
		return 0, Errorf(EINVALID, "appraisal.sales_figures", "sales and the minimum must not be negative, and the target must not be under the minimum")
	}
	switch {
	case sales > target:
		return math.Floor((sales-target)/SalesPointStep + scoreEpsilon), nil
	case sales < minimum:
		return 0 - math.Floor((minimum-sales)/SalesPointStep+scoreEpsilon), nil // 0 −, never −0
	}
	return 0, nil
}

// PayBand is a row of a pay table: reaching MinRatio of the target earns PayShare of the
// performance pay.
type PayBand struct {
	MinRatio float64 `json:"min_ratio"`
	PayShare float64 `json:"pay_share"`
}

// SalesPayBands is the sales pay table, highest first. The source gives "90% achieved → 100%,
// 80% → 90%, and so on"; continuing the step of 10 points gives these rows, and under 10%
// achieved a month earns no performance pay.
var SalesPayBands = []PayBand{
	{0.9, 1.0}, {0.8, 0.9}, {0.7, 0.8}, {0.6, 0.7}, {0.5, 0.6},
	{0.4, 0.5}, {0.3, 0.4}, {0.2, 0.3}, {0.1, 0.2},
}

// SalesPayShare returns the share of performance pay for an achievement ratio (actual/target).
func SalesPayShare(ratio float64) float64 {
	for _, b := range SalesPayBands {
		if ratio+scoreEpsilon >= b.MinRatio {
			return b.PayShare
		}
	}
	return 0
}

// Job adjustment: this many months in a row under this achievement ratio.
const (
	JobAdjustmentMonths = 3
	JobAdjustmentRatio  = 0.6
)

// JobAdjustmentDue reports whether the monthly achievement ratios, oldest first, hold
// JobAdjustmentMonths months in a row under JobAdjustmentRatio (调整岗位或降薪).
func JobAdjustmentDue(monthly []float64) bool {
	run := 0
	for _, r := range monthly {
		if r+scoreEpsilon < JobAdjustmentRatio {
			run++
			if run >= JobAdjustmentMonths {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// Consequence is what a result drives (DOMAIN.md "What results drive"). The system raises the
// task or the flag; people decide the measure itself.
type Consequence string

// Consequences of results.
const (
	// ConsequenceAdvancedEligible: the organization may be rated advanced (评先创优) and its
	// principal may stand as an advanced individual.
	ConsequenceAdvancedEligible Consequence = "advanced_eligible"
	ConsequenceCommendation     Consequence = "commendation"         // a completed term is commended and rewarded
	ConsequenceNamed            Consequence = "named"                // named in a circular (通报批评)
	ConsequenceRectification    Consequence = "rectification_report" // a written rectification report by a deadline
	ConsequencePromotionBasis   Consequence = "promotion_basis"      // 优秀: a basis for promotion
	ConsequenceImprovementTalk  Consequence = "improvement_talk"     // a talk and a deadline to improve
	ConsequenceNoPromotion      Consequence = "no_promotion"         // not promoted, as a rule
	// ConsequenceOrganizationalMeasure: removal (免职), ordered resignation (责令辞职) or demotion
	// (降职); which one is the superior's choice, so it is one consequence, not three.
	ConsequenceOrganizationalMeasure Consequence = "organizational_measure"
	ConsequenceAnnualAward           Consequence = "annual_award_eligible" // may take part in the annual award
	ConsequenceDismissal             Consequence = "dismissal"             // 解聘
	ConsequenceJobAdjustment         Consequence = "job_adjustment"        // 调整岗位或降薪
)

// OrgConsequences returns what an organization's grade drives. Only a completed year makes it
// eligible to be rated advanced; a completed term (termEnd) also earns a commendation; a unit
// that did not complete its goals is named and must file a rectification report. 基本完成 drives
// nothing by itself: it is just not eligible.
func OrgConsequences(grade string, termEnd bool) []Consequence {
	switch grade {
	case GradeCompleted:
		if termEnd {
			return []Consequence{ConsequenceAdvancedEligible, ConsequenceCommendation}
		}
		return []Consequence{ConsequenceAdvancedEligible}
	case GradeNotCompleted:
		return []Consequence{ConsequenceNamed, ConsequenceRectification}
	}
	return nil
}

// CadreConsequences returns what a cadre's grade drives.
func CadreConsequences(grade string) []Consequence {
	switch grade {
	case GradeExcellent:
		return []Consequence{ConsequencePromotionBasis}
	case GradeBasicallyCompetent:
		return []Consequence{ConsequenceImprovementTalk, ConsequenceNoPromotion}
	case GradeIncompetent:
		return []Consequence{ConsequenceOrganizationalMeasure, ConsequenceNoPromotion}
	}
	return nil
}

// Company year thresholds: excellent months for the annual award, failed months for dismissal.
const (
	AwardExcellentMonths  = 8
	DismissalFailedMonths = 3
)

// companyMonths counts the excellent and the failed months of a year's monthly grades.
func companyMonths(monthly []string) (excellent, failed int) {
	for _, g := range monthly {
		switch g {
		case GradeExcellent:
			excellent++
		case GradePoor, GradeFail:
			failed++
		}
	}
	return excellent, failed
}

// CompanyYearConsequences returns what a year of monthly company grades drives. A failed month
// (不合格) is 较差 or 差, as the source marks both; the months need not be consecutive.
func CompanyYearConsequences(monthly []string) []Consequence {
	excellent, failed := companyMonths(monthly)
	var out []Consequence
	if excellent >= AwardExcellentMonths {
		out = append(out, ConsequenceAnnualAward)
	}
	if failed >= DismissalFailedMonths {
		out = append(out, ConsequenceDismissal)
	}
	return out
}
