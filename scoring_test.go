package termgoal

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func TestGradeOfBandEdges(t *testing.T) {
	for _, tc := range []struct {
		scale Scale
		score float64
		want  string
		pay   float64
	}{
		{CompanyScale, 100, GradeExcellent, 1},
		{CompanyScale, 90, GradeExcellent, 1},
		{CompanyScale, 89.999, GradeGood, 0.8},
		{CompanyScale, 80, GradeGood, 0.8},
		{CompanyScale, 79.999, GradePass, 0.6},
		{CompanyScale, 60, GradePass, 0.6},
		{CompanyScale, 59.999, GradePoor, 0.4},
		{CompanyScale, 50, GradePoor, 0.4},
		{CompanyScale, 49.999, GradeFail, 0.3},
		{CompanyScale, 0, GradeFail, 0.3},
		{CompanyScale, -3, GradeFail, 0.3}, // penalties may push a score under 0
		{CadreScale, 90, GradeExcellent, 0},
		{CadreScale, 89.99, GradeCompetent, 0},
		{CadreScale, 70, GradeCompetent, 0},
		{CadreScale, 69.99, GradeBasicallyCompetent, 0},
		{CadreScale, 60, GradeBasicallyCompetent, 0},
		{CadreScale, 59.99, GradeIncompetent, 0},
		{OrganizationScale, 90, GradeCompleted, 0},
		{OrganizationScale, 89.99, GradeBasicallyCompleted, 0},
		{OrganizationScale, 60, GradeBasicallyCompleted, 0},
		{OrganizationScale, 59.99, GradeNotCompleted, 0},
	} {
		g := tc.scale.GradeOf(tc.score)
		if g.Code != tc.want || g.PayShare != tc.pay {
			t.Errorf("%s.GradeOf(%v) = %+v, want %s paying %v", tc.scale.ID, tc.score, g, tc.want, tc.pay)
		}
	}
}

func TestScaleValidate(t *testing.T) {
	for _, s := range []Scale{OrganizationScale, CadreScale, CompanyScale} {
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", s.ID, err)
		}
	}
	for name, tc := range map[string]struct {
		s   Scale
		key string
	}{
		"one grade":   {Scale{Grades: []Grade{{Code: "a"}}}, "appraisal.scale_grades"},
		"no code":     {Scale{Grades: []Grade{{Code: "a", Min: 50}, {Min: 0}}}, "appraisal.grade_code"},
		"duplicate":   {Scale{Grades: []Grade{{Code: "a", Min: 50}, {Code: "a"}}}, "appraisal.grade_duplicate"},
		"not falling": {Scale{Grades: []Grade{{Code: "a", Min: 50}, {Code: "b", Min: 50}}}, "appraisal.grade_order"},
		"pay share":   {Scale{Grades: []Grade{{Code: "a", Min: 50, PayShare: 1.5}, {Code: "b"}}}, "appraisal.pay_share"},
	} {
		assertKey(t, name, tc.s.Validate(), EINVALID, tc.key)
	}
}

// assertKey checks that err is a domain error with the given code and catalog key.
func assertKey(t *testing.T, name string, err error, code, key string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != code || e.Key != key {
		t.Errorf("%s: got %v (%#v), want %s %s", name, err, e, code, key)
	}
}

func TestValidateWeightsRefuses(t *testing.T) {
	for _, tc := range []struct {
		name       string
		components []Component
		key        string
	}{
		{"no components", nil, "appraisal.weights_empty"},
		{"sum 0.9", []Component{{"department", 0.5}, {"personal", 0.4}}, "appraisal.weights_sum"},
		{"sum 101", []Component{{"department", 61}, {"personal", 40}}, "appraisal.weights_sum"},
		{"zero weight", []Component{{"department", 1}, {"personal", 0}}, "appraisal.weight_value"},
		{"duplicate", []Component{{"department", 0.5}, {"department", 0.5}}, "appraisal.weight_duplicate"},
		{"unnamed", []Component{{"", 0.5}, {"personal", 0.5}}, "appraisal.weight_key"},
	} {
		assertKey(t, tc.name, ValidateWeights(tc.components), EINVALID, tc.key)
	}
	for _, f := range [][]Component{ProvincialAgencyFormula, ManagerFormula} {
		if err := ValidateWeights(f); err != nil {
			t.Error(err)
		}
	}
}

func TestRaterScore(t *testing.T) {
	groups := []RaterGroup{{RaterSuperior, 0.4}, {RaterPeers, 0.2}, {RaterSubordinates, 0.2}, {RaterSelf, 0.1}, {RaterPublic, 0.1}}
	all := []Ballot{
		{RaterSuperior, 90}, {RaterSuperior, 80}, // 85 × 0.4 = 34
		{RaterPeers, 70}, {RaterPeers, 80}, {RaterPeers, 90}, // 80 × 0.2 = 16
		{RaterSubordinates, 60}, // 60 × 0.2 = 12
		{RaterSelf, 100},        // 10
		{RaterPublic, 50},       // 5
	}
	for _, tc := range []struct {
		name    string
		ballots []Ballot
		want    float64
	}{
		{"every group", all, 77},
		// No subordinates: the other 0.8 of weight is scaled up to 1.
		{"a group without ballots", slices.DeleteFunc(slices.Clone(all), func(b Ballot) bool { return b.Group == RaterSubordinates }), 65.0 / 0.8},
		{"only the superior", []Ballot{{RaterSuperior, 88}}, 88},
	} {
		got, err := RaterScore(groups, tc.ballots)
		if err != nil || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s: RaterScore = %v, %v; want %v", tc.name, got, err, tc.want)
		}
		// GroupScores explains the same score: the averages weighted by their shares.
		parts, err := GroupScores(groups, tc.ballots)
		var sum, shares float64
		for _, p := range parts {
			sum, shares = sum+p.Average*p.Share, shares+p.Share
		}
		if err != nil || len(parts) != len(groups) || math.Abs(sum-tc.want) > 1e-9 || math.Abs(shares-1) > 1e-9 {
			t.Errorf("%s: GroupScores = %+v, %v", tc.name, parts, err)
		}
	}
	if parts, _ := GroupScores(groups, all[:2]); parts[0].Ballots != 2 || parts[0].Average != 85 || parts[0].Share != 1 || parts[1].Share != 0 {
		t.Errorf("the superiors alone: %+v", parts)
	}
	for _, tc := range []struct {
		name    string
		groups  []RaterGroup
		ballots []Ballot
		key     string
	}{
		{"no ballots", groups, nil, "appraisal.no_ballots"},
		{"unknown group", groups, []Ballot{{"friends", 90}}, "appraisal.ballot_group"},
		{"score out of range", groups, []Ballot{{RaterSelf, 120}}, "appraisal.ballot_score"},
		{"weights off", []RaterGroup{{RaterSuperior, 0.5}, {RaterPeers, 0.2}}, all[:1], "appraisal.weights_sum"},
	} {
		_, err := RaterScore(tc.groups, tc.ballots)
		assertKey(t, tc.name, err, EINVALID, tc.key)
	}
}

func TestAdjust(t *testing.T) {
	adj := []Adjustment{{+1, "outstanding contribution: new client"}, {+2, "sales 20,000 above target"}, {-1, "serious mistake: lost contract"}}
	for _, tc := range []struct {
		name  string
		score float64
		adj   []Adjustment
		limit float64
		want  float64
	}{
		{"sum", 85, adj, 100, 87},
		{"capped at the top", 99, adj, 100, 100},
		{"floored at 0", 1, []Adjustment{{-5, "five serious mistakes"}}, 100, 0},
		{"no cap", 99, adj, 0, 101},
		{"nothing", 72.5, nil, 100, 72.5},
	} {
		got, err := Adjust(tc.score, tc.adj, tc.limit)
		if err != nil || got != tc.want {
			t.Errorf("%s: Adjust = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	_, err := Adjust(80, []Adjustment{{+1, "ok"}, {-1, "  "}}, 100)
	assertKey(t, "no reason", err, EINVALID, "appraisal.adjustment_reason")
	_, err = Adjust(80, []Adjustment{{math.NaN(), "why"}}, 100)
	assertKey(t, "NaN", err, EINVALID, "appraisal.adjustment_points")
}

func TestSalesPoints(t *testing.T) {
	const target, minimum = 200000, 100000
	for _, tc := range []struct {
		sales, want float64
	}{
		{200000, 0},
		{209999, 0},
		{210000, 1},
		{235000, 3},
		{150000, 0},
		{100000, 0},
		{90001, 0},
		{90000, -1},
		{65000, -3},
		{0, -10},
	} {
		got, err := SalesPoints(tc.sales, target, minimum)
		if err != nil || got != tc.want {
			t.Errorf("SalesPoints(%v) = %v, %v; want %v", tc.sales, got, err, tc.want)
		}
	}
	_, err := SalesPoints(100, 100, 200)
	assertKey(t, "minimum over target", err, EINVALID, "appraisal.sales_figures")
	_, err = SalesPoints(-1, 200, 100)
	assertKey(t, "negative sales", err, EINVALID, "appraisal.sales_figures")
}

func TestSalesPayShare(t *testing.T) {
	for _, tc := range []struct{ ratio, want float64 }{
		{1.3, 1}, {0.9, 1}, {0.8999, 0.9}, {0.8, 0.9}, {0.7999, 0.8}, {0.7, 0.8}, {0.6, 0.7},
		{0.5999, 0.6}, {0.5, 0.6}, {0.3, 0.4}, {0.1, 0.2}, {0.0999, 0}, {0, 0},
		{180000.0 / 200000, 1}, {140000.0 / 200000, 0.8},
	} {
		if got := SalesPayShare(tc.ratio); got != tc.want {
			t.Errorf("SalesPayShare(%v) = %v, want %v", tc.ratio, got, tc.want)
		}
	}
}

func TestJobAdjustmentDue(t *testing.T) {
	for _, tc := range []struct {
		monthly []float64
		want    bool
	}{
		{[]float64{0.5, 0.4, 0.59}, true},
		{[]float64{0.9, 0.5, 0.4, 0.59, 0.9}, true},
		{[]float64{0.5, 0.4}, false},
		{[]float64{0.5, 0.4, 0.6}, false}, // exactly 60% is not under it
		{[]float64{0.5, 0.4, 0.7, 0.5, 0.4}, false},
		{nil, false},
	} {
		if got := JobAdjustmentDue(tc.monthly); got != tc.want {
			t.Errorf("JobAdjustmentDue(%v) = %v", tc.monthly, got)
		}
	}
}

func TestComputeVeto(t *testing.T) {
	g, err := CadreScale.Compute(98, []Veto{{"safety", "a major safety accident in March"}})
	if err != nil || g.Code != GradeIncompetent {
		t.Errorf("veto: %+v, %v", g, err)
	}
	g, err = CompanyScale.Compute(100, []Veto{{"integrity", "kickbacks"}, {"safety", "fire"}})
	if err != nil || g.Code != GradeFail {
		t.Errorf("two vetoes: %+v, %v", g, err)
	}
	g, err = CadreScale.Compute(98, nil)
	if err != nil || g.Code != GradeExcellent {
		t.Errorf("no veto: %+v, %v", g, err)
	}
	_, err = CadreScale.Compute(98, []Veto{{"safety", ""}})
	assertKey(t, "veto without reason", err, EINVALID, "appraisal.veto_reason")
}

func TestDecide(t *testing.T) {
	computed, _ := CadreScale.Find(GradeCompetent)
	excellent, _ := CadreScale.Find(GradeExcellent)
	sameAsComputed := computed
	for _, tc := range []struct {
		name     string
		override *Grade
		reason   string
		want     string
		key      string
	}{
		{"no override", nil, "", GradeCompetent, ""},
		{"override with a reason", &excellent, "led the flood relief", GradeExcellent, ""},
		{"override without a reason", &excellent, "", "", "appraisal.override_reason"},
		{"override with blank reason", &excellent, " \t", "", "appraisal.override_reason"},
		{"same grade needs no reason", &sameAsComputed, "", GradeCompetent, ""},
	} {
		got, err := Decide(computed, tc.override, tc.reason)
		if tc.key != "" {
			assertKey(t, tc.name, err, EINVALID, tc.key)
			continue
		}
		if err != nil || got.Code != tc.want {
			t.Errorf("%s: Decide = %+v, %v; want %s", tc.name, got, err, tc.want)
		}
	}
}

func TestConsequences(t *testing.T) {
	eq := func(name string, got []Consequence, want ...Consequence) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	eq("org completed", OrgConsequences(GradeCompleted, false), ConsequenceAdvancedEligible)
	eq("org completed term", OrgConsequences(GradeCompleted, true), ConsequenceAdvancedEligible, ConsequenceCommendation)
	eq("org basically completed", OrgConsequences(GradeBasicallyCompleted, true))
	eq("org not completed", OrgConsequences(GradeNotCompleted, false), ConsequenceNamed, ConsequenceRectification)
	eq("cadre excellent", CadreConsequences(GradeExcellent), ConsequencePromotionBasis)
	eq("cadre competent", CadreConsequences(GradeCompetent))
	eq("cadre basically competent", CadreConsequences(GradeBasicallyCompetent), ConsequenceImprovementTalk, ConsequenceNoPromotion)
	eq("cadre incompetent", CadreConsequences(GradeIncompetent), ConsequenceOrganizationalMeasure, ConsequenceNoPromotion)

	year := func(excellent, poor, fail int) []string {
		var m []string
		for range excellent {
			m = append(m, GradeExcellent)
		}
		for range poor {
			m = append(m, GradePoor)
		}
		for range fail {
			m = append(m, GradeFail)
		}
		for len(m) < 12 {
			m = append(m, GradePass)
		}
		return m
	}
	eq("7 excellent months", CompanyYearConsequences(year(7, 0, 0)))
	eq("8 excellent months", CompanyYearConsequences(year(8, 0, 0)), ConsequenceAnnualAward)
	eq("2 failed months", CompanyYearConsequences(year(0, 1, 1)))
	eq("3 failed months, poor and fail", CompanyYearConsequences(year(0, 2, 1)), ConsequenceDismissal)
	eq("8 excellent and 3 failed", CompanyYearConsequences(year(8, 3, 0)), ConsequenceAnnualAward, ConsequenceDismissal)
}
