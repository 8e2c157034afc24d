package termgoal

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Appraisal and progress steps (DOMAIN.md "Appraisal", "Following the goals"). The appraisal's
// notice is StepNotice, shared with goal setting.
const (
	StepSelfAssessment Step = "self_assessment" // 自评申报
	StepScoring        Step = "scoring"         // 验收考核: the appraisal group and the rater groups score
	StepResult         Step = "result"          // 结果评定: the superior decides the grade
	StepFeedback       Step = "feedback"        // 反馈: the holder acknowledges or appeals within the window
	StepAppealReview   Step = "appeal_review"   // 申诉: a reviewer other than the first answers
	StepArchived       Step = "archived"        // 存档: the end of an appraisal

	StepReport    Step = "report"    // a progress report, a self-check or a rectification report
	StepCheck     Step = "check"     // the superior checks the report
	StepCompleted Step = "completed" // the end of a progress or follow-up process
)

// Flows: the step sequence a process snapshot runs (Template.Flow).
const (
	FlowGoalSetting = ""          // the goal-setting steps (or the amendment's, Template.Amendment)
	FlowAppraisal   = "appraisal" // self-assessment, scoring, result, notice, feedback, archive
	FlowReport      = "report"    // one report: the monthly ledger and the quarterly summary
	FlowChecked     = "checked"   // a report the superior checks: a rectification, an improvement
	FlowPublished   = "published" // a report the superior checks and then makes public: the mid-year self-check
)

// Appraisal kinds (processes.kind of an appraisal).
const (
	AppraisalAnnual   = "annual_appraisal"   // 年度考核 (P5)
	AppraisalTermEnd  = "term_end_appraisal" // 任期届满考核 (P6)
	AppraisalHandover = "handover_appraisal" // the partial term of a holder who leaves (P10)
)

// Progress and follow-up kinds (processes.kind).
const (
	ProgressLedger    = "ledger"        // 月台账
	ProgressQuarterly = "quarterly"     // 季小结
	ProgressMidYear   = "midyear_check" // 年中自查
	FollowRectify     = "rectification" // 整改报告: a unit that missed its targets
	FollowImprove     = "improvement"   // 限期改进: a cadre rated basically competent
)

// IsAppraisal reports whether a process kind is an appraisal's.
func IsAppraisal(kind string) bool {
	return kind == AppraisalAnnual || kind == AppraisalTermEnd || kind == AppraisalHandover || IsPeriodAppraisal(kind)
}

// IsProgress reports whether a process kind reports progress item by item (the follow-ups
// report in words).
func IsProgress(kind string) bool {
	return kind == ProgressLedger || kind == ProgressQuarterly || kind == ProgressMidYear
}

// AppraisalConfig is the appraisal part of a template (A5). A process snapshots it with the
// template when it starts, so a running appraisal keeps the scale and weights it started with.
type AppraisalConfig struct {
	Scale Scale `json:"scale"`
	// Components weights the item scores by plan category (e.g. functional 60, common 15,
	// efficiency 15, excellence 10); without components the plan items' weights apply.
	Components []Component `json:"components,omitempty"`
	// Groups are the rater groups and their weights. A group names the role whose holders
	// score every item, or is the holder's own score (RaterSelf), or takes anonymous ballots
	// by one-time codes (Ballots).
	Groups []RaterConfig `json:"groups"`
	// TopQuota caps the share of the top grade among the appraisals of one round (the same
	// kind and year under the same parent org); 0 means no quota.
	TopQuota float64 `json:"top_quota,omitempty"`
	// AdjustLimit caps the adjusted score (100 usually); 0 leaves it uncapped.
	AdjustLimit float64 `json:"adjust_limit,omitempty"`
	// VetoItems names the veto items (一票否决) a result may trigger.
	VetoItems []string `json:"veto_items,omitempty"`
	// Working days of each step; the notice lasts NoticeDays, the appeal window AppealDays
	// counted from the notice's end.
	StepDays   map[Step]int `json:"step_days,omitempty"`
	NoticeDays int          `json:"notice_days"`
	AppealDays int          `json:"appeal_days"`
	// StartMonth is the month of year Y+1 in which the annual appraisal of year Y starts (1:
	// January, the first quarter); TermEndMonths how many months before the term ends the
	// end-of-term appraisal starts (2 for party organizations, 3 for universities).
	StartMonth    int `json:"start_month"`
	TermEndMonths int `json:"term_end_months"`
	// ImproveMonths is the deadline to improve after 基本称职; RectifyDays the working days a
	// unit that missed its targets has for its rectification report.
	ImproveMonths int `json:"improve_months"`
	RectifyDays   int `json:"rectify_days"`
	// Sales: the result takes the holder's monthly sales figures and applies the company's
	// sales rules (DetermineSales): company sales staff.
	Sales bool `json:"sales,omitempty"`
	// Cycle adds an appraisal of each month or quarter to the annual one (CycleMonthly,
	// CycleQuarterly): company staff.
	Cycle string `json:"cycle,omitempty"`
}

// RaterConfig is a rater group of a template.
type RaterConfig struct {
	Key     string  `json:"key"`
	Weight  float64 `json:"weight"`
	Role    Role    `json:"role,omitempty"`    // whose holders (on the org's path) score
	Above   bool    `json:"above,omitempty"`   // look for Role in the org above the holder's
	Ballots bool    `json:"ballots,omitempty"` // anonymous ballots by one-time codes
}

// TermEndMonthsFor is how many months before a term ends its end-of-term appraisal starts
// by default for an org of type t (DOMAIN.md): 3 for a university, 2 for a party organization.
func TermEndMonthsFor(t OrgType) int {
	if t == OrgUniversity {
		return 3
	}
	return 2
}

// DefaultAppraisalFor is the appraisal configuration of a template for orgs of type t that
// sets none: DefaultAppraisal, starting the end-of-term appraisal TermEndMonthsFor(t) ahead.
func DefaultAppraisalFor(t OrgType) AppraisalConfig {
	c := DefaultAppraisal()
	c.TermEndMonths = TermEndMonthsFor(t)
	return c
}

// DefaultAppraisal is the appraisal configuration of a template that sets none: the
// organization scale, the superior alone scores, 5 working days of notice and of appeal.
func DefaultAppraisal() AppraisalConfig {
	return AppraisalConfig{
		Scale:         OrganizationScale,
		Groups:        []RaterConfig{{Key: RaterSuperior, Weight: 1, Role: RoleSuperior}},
		AdjustLimit:   100,
		NoticeDays:    5,
		AppealDays:    5,
		StartMonth:    1,
		TermEndMonths: 2,
		ImproveMonths: 6,
		RectifyDays:   20,
	}
}

// Validate checks an appraisal configuration.
func (c AppraisalConfig) Validate() error {
	if err := c.Scale.Validate(); err != nil {
		return err
	}
	if len(c.Groups) == 0 {
		return Errorf(EINVALID, "appraisal.no_groups", "the appraisal needs at least one rater group")
	}
	components := make([]Component, len(c.Groups))
	for i, g := range c.Groups {
		components[i] = Component{Key: g.Key, Weight: g.Weight}
		if g.Key != RaterSelf && !g.Ballots && !g.Role.Valid() {
			return Errorf(EINVALID, "appraisal.group_role", fmt.Sprintf("rater group %q needs a role, ballots or to be the self group", g.Key), "group", g.Key)
		}
	}
	if err := ValidateWeights(components); err != nil {
		return err
	}
	if len(c.Components) > 0 {
		if err := ValidateWeights(c.Components); err != nil {
			return err
		}
	}
	switch {
	case c.TopQuota < 0 || c.TopQuota > 1:
		return Errorf(EINVALID, "appraisal.quota", "the quota is a share between 0 and 1")
	case c.NoticeDays < 1 || c.NoticeDays > 30:
		return Errorf(EINVALID, "template.notice_days", "the notice lasts 1 to 30 working days", "min", 1, "max", 30)
	case c.AppealDays < 1 || c.AppealDays > 30:
		return Errorf(EINVALID, "appraisal.appeal_days", "the appeal window is 1 to 30 working days")
	case c.StartMonth < 1 || c.StartMonth > 12:
		return Errorf(EINVALID, "appraisal.start_month", "the annual appraisal starts in a month from 1 to 12")
	case c.TermEndMonths < 1 || c.TermEndMonths > 12:
		return Errorf(EINVALID, "appraisal.term_end_months", "the end-of-term appraisal starts 1 to 12 months before the term ends")
	case !slices.Contains(Cycles, c.Cycle):
		return Errorf(EINVALID, "appraisal.cycle", "the cycle is monthly, quarterly or none (annual only)", "cycle", c.Cycle)
	}
	return nil
}

// Days returns the working days of step s of an appraisal.
func (c AppraisalConfig) Days(s Step) int {
	switch s {
	case StepNotice:
		return c.NoticeDays
	case StepFeedback:
		return c.AppealDays
	}
	if d, ok := c.StepDays[s]; ok && d > 0 {
		return d
	}
	return 10
}

// HasBallots reports whether a group takes anonymous ballots.
func (c AppraisalConfig) HasBallots() bool {
	return slices.ContainsFunc(c.Groups, func(g RaterConfig) bool { return g.Ballots })
}

// ItemActual is the holder's self-assessment of one plan item. Items are numbered from 1 in
// the plan's order, here and in scores and progress entries.
type ItemActual struct {
	No       int    `json:"no"`
	Actual   string `json:"actual"`   // the value reached, as the target is written
	Evidence string `json:"evidence"` // what proves it: a document, a link, an attachment name
}

// SelfAssessment is the holder's declaration (自评申报), locked once submitted.
type SelfAssessment struct {
	Items    []ItemActual `json:"items"`
	Summary  string       `json:"summary"`
	Proposed string       `json:"proposed_grade"`
	// Score is the holder's own score when the template has a self rater group.
	Score       *float64  `json:"score,omitempty"`
	SubmittedAt time.Time `json:"submitted_at"`
}

// Validate checks a self-assessment against the plan items and the scale.
func (a SelfAssessment) Validate(items []PlanItem, scale Scale, needScore bool) error {
	seen := map[int]bool{}
	for _, it := range a.Items {
		if it.No < 1 || it.No > len(items) {
			return Errorf(EINVALID, "appraisal.unknown_item", fmt.Sprintf("the plan has no item %d", it.No), "no", it.No)
		}
		if seen[it.No] {
			return Errorf(EINVALID, "appraisal.duplicate_item", fmt.Sprintf("item %d is given twice", it.No), "no", it.No)
		}
		seen[it.No] = true
		if strings.TrimSpace(it.Actual) == "" {
			return Errorf(EINVALID, "appraisal.actual_required", fmt.Sprintf("item %d needs the value reached", it.No), "no", it.No)
		}
	}
	for no := 1; no <= len(items); no++ {
		if !seen[no] {
			return Errorf(EINVALID, "appraisal.item_missing", fmt.Sprintf("item %d is not assessed", no), "no", no)
		}
	}
	if strings.TrimSpace(a.Summary) == "" {
		return Errorf(EINVALID, "appraisal.summary_required", "the self-assessment needs a written summary")
	}
	if _, ok := scale.Find(a.Proposed); !ok {
		return Errorf(EINVALID, "appraisal.grade_unknown", "the proposed grade is not on the scale", "grade", a.Proposed)
	}
	switch {
	case needScore && a.Score == nil:
		return Errorf(EINVALID, "appraisal.self_score", "the self-assessment needs your own score from 0 to 100")
	case a.Score != nil && !validScore(*a.Score):
		return Errorf(EINVALID, "appraisal.score_range", "a score is between 0 and 100")
	}
	return nil
}

// ItemScore is one rater's score of one plan item.
type ItemScore struct {
	No    int     `json:"no"`
	Score float64 `json:"score"`
}

// ScoreSheet is a named rater's scoring sheet. Sheets of anonymous groups are never kept: their
// ballots carry the group and the score only.
type ScoreSheet struct {
	Group     string      `json:"group"`
	AccountID int64       `json:"account_id"`
	Name      string      `json:"name"`
	Scores    []ItemScore `json:"scores"`
	Comment   string      `json:"comment,omitempty"`
}

// SheetScore checks a sheet against the plan and returns its total: the item scores weighted by
// the template's components over the item categories when it has any, else by the items'
// weights (equal weights when none are given).
func SheetScore(items []PlanItem, components []Component, scores []ItemScore) (float64, error) {
	byNo := map[int]float64{}
	for _, s := range scores {
		if s.No < 1 || s.No > len(items) {
			return 0, Errorf(EINVALID, "appraisal.unknown_item", fmt.Sprintf("the plan has no item %d", s.No), "no", s.No)
		}
		if !validScore(s.Score) || math.IsNaN(s.Score) {
			return 0, Errorf(EINVALID, "appraisal.score_range", "a score is between 0 and 100")
		}
		byNo[s.No] = s.Score
	}
	for no := 1; no <= len(items); no++ {
		if _, ok := byNo[no]; !ok {
			return 0, Errorf(EINVALID, "appraisal.item_unscored", fmt.Sprintf("item %d has no score", no), "no", no)
		}
	}
	if len(items) == 0 {
		return 0, Errorf(EINVALID, "appraisal.no_items", "the plan in force has no items to score")
	}
	// weighted averages the scores of the items numbered nos by their weights.
	weighted := func(nos []int) float64 {
		var sum, weights float64
		for _, no := range nos {
			w := cmp.Or(items[no-1].Weight, 1)
			sum += byNo[no] * w
			weights += w
		}
		return sum / weights
	}
	all := make([]int, len(items))
	byCategory := map[string][]int{}
	for i, p := range items {
		all[i] = i + 1
		byCategory[p.Category] = append(byCategory[p.Category], i+1)
	}
	if len(components) == 0 {
		return weighted(all), nil
	}
	scoresOf := map[string]float64{}
	var present []Component
	for _, c := range components {
		if in := byCategory[c.Key]; len(in) > 0 {
			scoresOf[c.Key] = weighted(in)
			present = append(present, c)
		}
	}
	if len(present) == 0 {
		return weighted(all), nil
	}
	// A category the plan has no item in gives its weight to the others, as an unanswered
	// rater group does.
	var total float64
	for _, c := range present {
		total += c.Weight
	}
	var sum float64
	for _, c := range present {
		sum += scoresOf[c.Key] * c.Weight / total
	}
	return sum, nil
}

// AppraisalResult is the determined result (结果评定) of an appraisal.
type AppraisalResult struct {
	RaterScore  float64      `json:"rater_score"` // the rater groups' weighted score
	Adjustments []Adjustment `json:"adjustments,omitempty"`
	Score       float64      `json:"score"` // after the adjustments
	Vetoes      []Veto       `json:"vetoes,omitempty"`
	Computed    string       `json:"computed_grade"`
	Grade       string       `json:"grade"`
	PayShare    float64      `json:"pay_share,omitempty"`
	Reason      string       `json:"override_reason,omitempty"` // why the grade differs from the computed one
	Comment     string       `json:"comment,omitempty"`
	Outcome     Outcome      `json:"outcome,omitempty"` // the end-of-term recommendation
	// A sales appraisal's figures, the company rules applied and whether they call for a job
	// adjustment (DetermineSales).
	Sales         []SalesMonth  `json:"sales,omitempty"`
	Rules         []AppliedRule `json:"rules,omitempty"`
	JobAdjustment bool          `json:"job_adjustment,omitempty"`
	// Months are the year's monthly results an annual result of a monthly cycle read
	// (CompanyYear).
	Months      []PeriodGrade `json:"months,omitempty"`
	DecidedBy   int64         `json:"decided_by"`
	DeciderName string        `json:"decider_name"`
	DecidedAt   time.Time     `json:"decided_at"`
}

// Determine computes the result from the rater score: adjustments, vetoes, the computed grade
// and the superior's override, which needs a reason.
func (c AppraisalConfig) Determine(raterScore float64, adjustments []Adjustment, vetoes []Veto, override, reason string) (AppraisalResult, error) {
	for i, v := range vetoes {
		if !slices.Contains(c.VetoItems, v.Item) {
			return AppraisalResult{}, Errorf(EINVALID, "appraisal.veto_unknown", fmt.Sprintf("veto item %d is not one of the template's", i+1), "item", v.Item)
		}
	}
	score, err := Adjust(raterScore, adjustments, c.AdjustLimit)
	if err != nil {
		return AppraisalResult{}, err
	}
	computed, err := c.Scale.Compute(score, vetoes)
	if err != nil {
		return AppraisalResult{}, err
	}
	var over *Grade
	if override != "" {
		g, ok := c.Scale.Find(override)
		if !ok {
			return AppraisalResult{}, Errorf(EINVALID, "appraisal.grade_unknown", "the grade is not on the scale", "grade", override)
		}
		over = &g
	}
	final, err := Decide(computed, over, reason)
	if err != nil {
		return AppraisalResult{}, err
	}
	r := AppraisalResult{RaterScore: round2(raterScore), Adjustments: adjustments, Score: round2(score), Vetoes: vetoes,
		Computed: computed.Code, Grade: final.Code, PayShare: final.PayShare}
	if final.Code != computed.Code {
		r.Reason = reason
	}
	return r, nil
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// QuotaAllows reports whether one more top grade fits the quota, given how many appraisals
// the round has (at least this one) and how many already hold the top grade. The quota is
// floor(share × round), but never below one: a round of three with a
// 15% quota still has one excellent place.
func QuotaAllows(share float64, round, top int) bool {
	if share <= 0 {
		return true
	}
	limit := max(int(math.Floor(share*float64(round)+scoreEpsilon)), 1)
	return top < limit
}

// Appeal is a holder's appeal (申诉) against a result and its answer.
type Appeal struct {
	Reason       string    `json:"reason"`
	FiledAt      time.Time `json:"filed_at"`
	ReviewerID   int64     `json:"reviewer_id,omitempty"`
	ReviewerName string    `json:"reviewer_name,omitempty"`
	Upheld       bool      `json:"upheld"` // the grade changed
	OldGrade     string    `json:"old_grade,omitempty"`
	NewGrade     string    `json:"new_grade,omitempty"`
	Answer       string    `json:"answer,omitempty"`
	AnsweredAt   time.Time `json:"answered_at,omitzero"`
}

// AppraisalRecord is what an appraisal writes to the read model's appraisals table: one row per
// process, current as the appraisal moves, archived at its end.
type AppraisalRecord struct {
	ProcessID  string           `json:"process_id"`
	TermID     int64            `json:"term_id"`
	OrgID      int64            `json:"org_id"`
	Kind       string           `json:"kind"`
	Year       int              `json:"year"`
	PeriodFrom time.Time        `json:"period_from"`
	PeriodTo   time.Time        `json:"period_to"`
	CampaignID int64            `json:"campaign_id,omitempty"`
	Holder     string           `json:"holder"`
	Scale      string           `json:"scale"`
	Self       *SelfAssessment  `json:"self,omitempty"`
	Result     *AppraisalResult `json:"result,omitempty"`
	Appeal     *Appeal          `json:"appeal,omitempty"`
	Status     string           `json:"status"` // running, archived, cancelled
	ArchivedAt *time.Time       `json:"archived_at,omitempty"`
	// Consequences are what the archived grade drives (results in use).
	Consequences []Consequence `json:"consequences,omitempty"`
}

// ConsequencesOf returns what a grade drives on the scale it was given on.
func ConsequencesOf(scale, grade string, termEnd bool) []Consequence {
	switch scale {
	case OrganizationScale.ID:
		return OrgConsequences(grade, termEnd)
	case CadreScale.ID:
		return CadreConsequences(grade)
	}
	return nil
}

// ProgressEntry is one item's progress in a report.
type ProgressEntry struct {
	No    int     `json:"no"`
	Value float64 `json:"value"` // the amount reached so far this year, in the target's unit
	Note  string  `json:"note,omitempty"`
}

// ProgressReport is a ledger entry, a quarterly summary or a mid-year self-check.
type ProgressReport struct {
	ProcessID string          `json:"process_id"`
	TermID    int64           `json:"term_id"`
	Kind      string          `json:"kind"`
	Year      int             `json:"year"`
	Period    string          `json:"period"` // "2026-03", "2026-Q1", "2026-H1"
	Entries   []ProgressEntry `json:"entries"`
	Summary   string          `json:"summary,omitempty"`
	Lagging   []int           `json:"lagging,omitempty"` // items behind their yearly target
	At        time.Time       `json:"at"`
}

// Lagging returns the items whose value is behind the share of the year's target the period
// has used up (elapsed from 0 to 1): an item at 30 of 100 by the end of June lags. Items with a
// target that is not a number are left to people to judge.
func Lagging(items []PlanItem, year int, entries []ProgressEntry, elapsed float64) []int {
	var out []int
	for _, e := range entries {
		if e.No < 1 || e.No > len(items) {
			continue
		}
		target, ok := items[e.No-1].NumericTarget(year)
		if ok && target > 0 && e.Value < target*elapsed-scoreEpsilon {
			out = append(out, e.No)
		}
	}
	return out
}

// ValidateProgress checks a report's entries against the plan.
func ValidateProgress(items []PlanItem, entries []ProgressEntry) error {
	seen := map[int]bool{}
	for _, e := range entries {
		if e.No < 1 || e.No > len(items) {
			return Errorf(EINVALID, "appraisal.unknown_item", fmt.Sprintf("the plan has no item %d", e.No), "no", e.No)
		}
		if seen[e.No] {
			return Errorf(EINVALID, "appraisal.duplicate_item", fmt.Sprintf("item %d is given twice", e.No), "no", e.No)
		}
		if e.Value < 0 || math.IsNaN(e.Value) || math.IsInf(e.Value, 0) {
			return Errorf(EINVALID, "progress.value", fmt.Sprintf("item %d: the value cannot be negative", e.No), "no", e.No)
		}
		seen[e.No] = true
	}
	if len(entries) == 0 {
		return Errorf(EINVALID, "progress.empty", "the report needs at least one item's progress")
	}
	return nil
}

// Handover is a holder leaving mid-term and their successor taking over (P10).
type Handover struct {
	TermID       int64     `json:"term_id"`
	FromPersonID int64     `json:"from_person_id"`
	ToPersonID   int64     `json:"to_person_id"`
	On           time.Time `json:"on"`
	Reason       string    `json:"reason"`
	AppraisalID  string    `json:"appraisal_id,omitempty"` // the leaver's partial-term appraisal
}

// NumericTarget reads the leading number of a quantitative item's target for year ("12 new
// enterprises" → 12).
func (p PlanItem) NumericTarget(year int) (float64, bool) {
	if !p.Quantitative {
		return 0, false
	}
	m := leadingNumber.FindString(strings.TrimSpace(p.Targets[fmt.Sprint(year)]))
	if m == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(m, 64)
	return v, err == nil
}

var leadingNumber = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?`)
