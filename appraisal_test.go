package termgoal

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func testItems() []PlanItem {
	tg := map[string]string{"2027": "10 家"}
	return []PlanItem{
		{Category: ComponentFunctional, Title: "招商", Quantitative: true, Unit: "家", Targets: tg, Weight: 30},
		{Category: ComponentFunctional, Title: "项目", Quantitative: true, Unit: "个", Targets: map[string]string{"2027": "4"}, Weight: 30},
		{Category: ComponentCommon, Title: "党建", Targets: map[string]string{"2027": "全面从严"}, Weight: 20},
		{Category: ComponentEfficiency, Title: "效能", Targets: map[string]string{"2027": "好"}, Weight: 10},
		{Category: ComponentExcellence, Title: "创优", Targets: map[string]string{"2027": "争先"}, Weight: 10},
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestSheetScore(t *testing.T) {
	items := testItems()
	all := func(v ...float64) []ItemScore {
		out := make([]ItemScore, len(v))
		for i, s := range v {
			out[i] = ItemScore{No: i + 1, Score: s}
		}
		return out
	}
	// By the items' weights: (80×30 + 90×30 + 100×20 + 70×10 + 60×10) / 100.
	got, err := SheetScore(items, nil, all(80, 90, 100, 70, 60))
	if err != nil || !near(got, 84) {
		t.Errorf("by item weights: %v, %v; want 84", got, err)
	}
	// The provincial formula: functional 60 (the two functional items average 85), common 15,
	// efficiency 15, excellence 10: 51 + 15 + 10.5 + 6.
	got, err = SheetScore(items, ProvincialAgencyFormula, all(80, 90, 100, 70, 60))
	if err != nil || !near(got, 82.5) {
		t.Errorf("by the formula: %v, %v; want 82.5", got, err)
	}
	// A component the plan has no item in gives its weight to the others.
	got, err = SheetScore(items[:2], ProvincialAgencyFormula, all(80, 90))
	if err != nil || !near(got, 85) {
		t.Errorf("one component: %v, %v; want 85", got, err)
	}
	for name, scores := range map[string][]ItemScore{
		"appraisal.item_unscored": all(80, 90, 100, 70),
		"appraisal.unknown_item":  append(all(80, 90, 100, 70, 60), ItemScore{No: 6, Score: 1}),
		"appraisal.score_range":   all(80, 90, 100, 70, 101),
	} {
		if _, err := SheetScore(items, nil, scores); errorKey(err) != name {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestDetermine(t *testing.T) {
	cfg := DefaultAppraisal()
	cfg.Scale = CompanyScale
	cfg.VetoItems = []string{"safety"}
	for _, tc := range []struct {
		name        string
		score       float64
		adjustments []Adjustment
		vetoes      []Veto
		override    string
		reason      string
		grade       string
		computed    string
		pay         float64
		key         string
	}{
		{name: "exactly 90 is excellent", score: 90, grade: GradeExcellent, computed: GradeExcellent, pay: 1},
		{name: "89.99 is good", score: 89.99, grade: GradeGood, computed: GradeGood, pay: 0.8},
		{name: "exactly 80", score: 80, grade: GradeGood, computed: GradeGood, pay: 0.8},
		{name: "exactly 60", score: 60, grade: GradePass, computed: GradePass, pay: 0.6},
		{name: "exactly 50", score: 50, grade: GradePoor, computed: GradePoor, pay: 0.4},
		{name: "a bonus point lifts 89 to 90", score: 89, adjustments: []Adjustment{{Points: 1, Reason: "突出贡献"}}, grade: GradeExcellent, computed: GradeExcellent, pay: 1},
		{name: "capped at 100", score: 99, adjustments: []Adjustment{{Points: 5, Reason: "x"}}, grade: GradeExcellent, computed: GradeExcellent, pay: 1},
		{name: "a veto", score: 99, vetoes: []Veto{{Item: "safety", Reason: "事故"}}, grade: GradeFail, computed: GradeFail, pay: 0.3},
		{name: "an override with a reason", score: 85, override: GradePass, reason: "群众反映", grade: GradePass, computed: GradeGood, pay: 0.6},
		{name: "an override without a reason", score: 85, override: GradePass, key: "appraisal.override_reason"},
		{name: "overriding with the computed grade", score: 85, override: GradeGood, grade: GradeGood, computed: GradeGood, pay: 0.8},
		{name: "an unknown grade", score: 85, override: "great", reason: "x", key: "appraisal.grade_unknown"},
		{name: "an unknown veto item", score: 85, vetoes: []Veto{{Item: "other", Reason: "x"}}, key: "appraisal.veto_unknown"},
		{name: "a veto without a reason", score: 85, vetoes: []Veto{{Item: "safety"}}, key: "appraisal.veto_reason"},
		{name: "a point without a reason", score: 85, adjustments: []Adjustment{{Points: -1}}, key: "appraisal.adjustment_reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := cfg.Determine(tc.score, tc.adjustments, tc.vetoes, tc.override, tc.reason)
			if tc.key != "" {
				if errorKey(err) != tc.key {
					t.Fatalf("got %v, want %s", err, tc.key)
				}
				return
			}
			if err != nil || r.Grade != tc.grade || r.Computed != tc.computed || r.PayShare != tc.pay {
				t.Fatalf("got %+v, %v", r, err)
			}
			if (r.Reason != "") != (tc.grade != tc.computed) {
				t.Errorf("the reason %q is kept only for an override", r.Reason)
			}
		})
	}
}

func TestQuotaAllows(t *testing.T) {
	for _, tc := range []struct {
		share      float64
		round, top int
		ok         bool
	}{
		{0, 10, 10, true},      // no quota
		{0.2, 10, 1, true},     // 2 places, 1 taken
		{0.2, 10, 2, false},    // both taken
		{0.15, 3, 0, true},     // floor 0.45 = 0, but a round always has one place
		{0.15, 3, 1, false},    //
		{0.15, 100, 14, true},  // 15 places
		{0.15, 100, 15, false}, //
	} {
		if got := QuotaAllows(tc.share, tc.round, tc.top); got != tc.ok {
			t.Errorf("QuotaAllows(%v, %d, %d) = %v", tc.share, tc.round, tc.top, got)
		}
	}
}

func TestSelfAssessmentValidate(t *testing.T) {
	items := testItems()[:2]
	ok := SelfAssessment{Items: []ItemActual{{No: 1, Actual: "12 家"}, {No: 2, Actual: "4 个"}}, Summary: "完成", Proposed: GradeCompleted}
	if err := ok.Validate(items, OrganizationScale, false); err != nil {
		t.Fatal(err)
	}
	score := 101.0
	for key, a := range map[string]SelfAssessment{
		"appraisal.item_missing":     {Items: ok.Items[:1], Summary: "x", Proposed: GradeCompleted},
		"appraisal.duplicate_item":   {Items: []ItemActual{ok.Items[0], ok.Items[0]}, Summary: "x", Proposed: GradeCompleted},
		"appraisal.unknown_item":     {Items: []ItemActual{{No: 3, Actual: "x"}}, Summary: "x", Proposed: GradeCompleted},
		"appraisal.actual_required":  {Items: []ItemActual{{No: 1}, {No: 2, Actual: "x"}}, Summary: "x", Proposed: GradeCompleted},
		"appraisal.summary_required": {Items: ok.Items, Summary: " ", Proposed: GradeCompleted},
		"appraisal.grade_unknown":    {Items: ok.Items, Summary: "x", Proposed: GradeExcellent},
		"appraisal.score_range":      {Items: ok.Items, Summary: "x", Proposed: GradeCompleted, Score: &score},
	} {
		if err := a.Validate(items, OrganizationScale, false); errorKey(err) != key {
			t.Errorf("%s: got %v", key, err)
		}
	}
	if err := ok.Validate(items, OrganizationScale, true); errorKey(err) != "appraisal.self_score" {
		t.Errorf("a self group without the holder's score: %v", err)
	}
}

func TestLaggingAndProgress(t *testing.T) {
	items := testItems()
	// By the end of June half of each numeric target is due: 4 of 10 lags, 2 of 4 does not;
	// a target in words is for people to judge.
	entries := []ProgressEntry{{No: 1, Value: 4}, {No: 2, Value: 2}, {No: 3, Value: 0}}
	if got := Lagging(items, 2027, entries, 0.5); !slices.Equal(got, []int{1}) {
		t.Errorf("lagging = %v, want [1]", got)
	}
	if got := Lagging(items, 2028, entries, 0.5); len(got) != 0 {
		t.Errorf("a year without targets: lagging %v", got)
	}
	if v, ok := items[0].NumericTarget(2027); !ok || v != 10 {
		t.Errorf("NumericTarget = %v, %v", v, ok)
	}
	for key, e := range map[string][]ProgressEntry{
		"progress.empty":           nil,
		"progress.value":           {{No: 1, Value: -1}},
		"appraisal.unknown_item":   {{No: 9, Value: 1}},
		"appraisal.duplicate_item": {{No: 1, Value: 1}, {No: 1, Value: 2}},
	} {
		if err := ValidateProgress(items, e); errorKey(err) != key {
			t.Errorf("%s: got %v", key, err)
		}
	}
}

func TestAppraisalConfigValidate(t *testing.T) {
	if err := DefaultAppraisal().Validate(); err != nil {
		t.Fatalf("the default: %v", err)
	}
	for key, change := range map[string]func(*AppraisalConfig){
		"appraisal.no_groups":       func(c *AppraisalConfig) { c.Groups = nil },
		"appraisal.group_role":      func(c *AppraisalConfig) { c.Groups = []RaterConfig{{Key: "peers", Weight: 1}} },
		"appraisal.weights_sum":     func(c *AppraisalConfig) { c.Groups[0].Weight = 0.5 },
		"appraisal.quota":           func(c *AppraisalConfig) { c.TopQuota = 1.5 },
		"appraisal.appeal_days":     func(c *AppraisalConfig) { c.AppealDays = 0 },
		"appraisal.start_month":     func(c *AppraisalConfig) { c.StartMonth = 13 },
		"appraisal.term_end_months": func(c *AppraisalConfig) { c.TermEndMonths = 0 },
	} {
		c := DefaultAppraisal()
		change(&c)
		if err := c.Validate(); errorKey(err) != key {
			t.Errorf("%s: got %v", key, err)
		}
	}
	// The appraisal flow's steps, end and days.
	tpl := Template{Flow: FlowAppraisal}
	if got := tpl.Steps(); !slices.Equal(got, []Step{StepSelfAssessment, StepScoring, StepResult, StepNotice, StepFeedback}) || tpl.Next(StepFeedback) != StepArchived {
		t.Errorf("appraisal steps %v, after feedback %s", got, tpl.Next(StepFeedback))
	}
	if tpl.Days(StepFeedback) != DefaultAppraisal().AppealDays || tpl.Days(StepNotice) != DefaultAppraisal().NoticeDays {
		t.Errorf("appraisal days: feedback %d, notice %d", tpl.Days(StepFeedback), tpl.Days(StepNotice))
	}
	if got := (Template{Flow: FlowChecked}).Next(StepCheck); got != StepCompleted {
		t.Errorf("after the check: %s", got)
	}
}

func TestConsequencesOf(t *testing.T) {
	if got := ConsequencesOf("organization", GradeNotCompleted, false); !slices.Contains(got, ConsequenceRectification) {
		t.Errorf("not completed drives %v", got)
	}
	if got := ConsequencesOf("cadre", GradeExcellent, false); !slices.Equal(got, []Consequence{ConsequencePromotionBasis}) {
		t.Errorf("excellent drives %v", got)
	}
	if got := ConsequencesOf("company", GradeExcellent, false); got != nil {
		t.Errorf("a company's month drives %v on its own", got)
	}
}

// errorKey is the message key of a domain error, "" for none.
func errorKey(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}
