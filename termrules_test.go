package termgoal

import (
	"math"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// find returns the warning with code, if any.
func find(ws []Warning, code string) (Warning, bool) {
	for _, w := range ws {
		if w.Code == code {
			return w, true
		}
	}
	return Warning{}, false
}

// severity returns the severity of the warning with code, "" when there is none.
func severity(ws []Warning, code string) string {
	w, _ := find(ws, code)
	return w.Severity
}

func TestCountsAsTerm(t *testing.T) {
	five, next5 := day(2021, 1, 10), day(2026, 1, 10)
	three, next3 := day(2021, 1, 10), day(2024, 1, 10)
	for _, tc := range []struct {
		name                 string
		elected              bool
		took, election, next time.Time
		want                 bool
	}{
		{"elected at the election", true, five, five, next5, true},
		{"two years after", true, day(2023, 1, 10), five, next5, true},
		{"exactly three years after", true, day(2024, 1, 10), five, next5, true},
		{"a day past three years", true, day(2024, 1, 11), five, next5, false},
		{"a year before the next election", true, day(2025, 1, 10), five, next5, false},
		{"3-year cycle: exactly two years before the next", true, day(2022, 1, 10), three, next3, true},
		{"3-year cycle: within two years before the next", true, day(2022, 1, 11), three, next3, false},
		{"appointed always counts", false, day(2025, 12, 1), five, next5, true},
		{"elected without dates counts", true, day(2025, 12, 1), time.Time{}, time.Time{}, true},
	} {
		if got := CountsAsTerm(tc.elected, tc.took, tc.election, tc.next); got != tc.want {
			t.Errorf("%s: CountsAsTerm = %v", tc.name, got)
		}
	}
}

func TestYearsBetweenAndAge(t *testing.T) {
	for _, tc := range []struct {
		from, to time.Time
		want     float64
	}{
		{day(2021, 1, 1), day(2026, 1, 1), 5},
		{day(2020, 1, 1), day(2025, 1, 1), 5}, // two leap days inside, still 5 calendar years
		{day(2021, 3, 1), day(2021, 9, 1), 184.0 / 365},
		{day(2020, 2, 29), day(2021, 3, 1), 1},
		{day(2021, 1, 1), day(2020, 1, 1), 0},
	} {
		if got := yearsBetween(tc.from, tc.to); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("yearsBetween(%v, %v) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
	if a := AgeOn(day(1970, 6, 15), day(2027, 6, 14)); a != 56 {
		t.Errorf("AgeOn the day before = %d", a)
	}
	if a := AgeOn(day(1970, 6, 15), day(2027, 6, 15)); a != 57 {
		t.Errorf("AgeOn the birthday = %d", a)
	}
	if a := AgeOn(day(2000, 2, 29), day(2018, 2, 28)); a != 17 {
		t.Errorf("leap birthday = %d", a)
	}
}

// terms builds back-to-back services in one post, each years long, from start.
func terms(post, unit, rank string, start time.Time, years ...int) []Service {
	var out []Service
	for _, y := range years {
		end := start.AddDate(y, 0, 0)
		out = append(out, Service{Post: post, Unit: unit, Rank: rank, Leading: true, Start: start, End: end})
		start = end
	}
	return out
}

func TestCountingHelpers(t *testing.T) {
	p := DefaultPolicy
	asOf := day(2026, 1, 1)
	two := terms("head", "bureau", "division", day(2016, 1, 1), 5, 5)
	two[1].End = time.Time{} // still serving
	if n := p.ConsecutiveTerms(two, "head", asOf); n != 2 {
		t.Errorf("back to back: %d", n)
	}
	if y := p.YearsInPost(two, "head", asOf); y != 10 {
		t.Errorf("years in post: %v", y)
	}
	gap := func(days int) []Service {
		s := terms("head", "bureau", "division", day(2016, 1, 1), 5, 5)
		s[1].Start = s[1].Start.AddDate(0, 0, days)
		return s
	}
	if n := p.ConsecutiveTerms(gap(180), "head", asOf); n != 2 {
		t.Errorf("a 180-day gap broke the run: %d", n)
	}
	if n := p.ConsecutiveTerms(gap(181), "head", asOf); n != 1 {
		t.Errorf("a 181-day gap did not break the run: %d", n)
	}
	if n := p.ConsecutiveTerms(two, "head", day(2031, 7, 1)); n != 2 {
		t.Errorf("still serving: %d", n)
	}
	ended := terms("head", "bureau", "division", day(2010, 1, 1), 5)
	if n := p.ConsecutiveTerms(ended, "head", asOf); n != 0 {
		t.Errorf("a run that ended long ago counts %d", n)
	}
	// An elected term taken within two years before the next election counts years, not a term.
	late := []Service{
		{Post: "mayor", Start: day(2020, 3, 1), End: day(2021, 1, 10), Elected: true, Election: day(2016, 1, 10), NextElection: day(2021, 1, 10)},
		{Post: "mayor", Start: day(2021, 1, 10), Elected: true, Election: day(2021, 1, 10), NextElection: day(2026, 1, 10)},
	}
	if n := p.ConsecutiveTerms(late, "mayor", asOf); n != 1 {
		t.Errorf("late start counted: %d", n)
	}
	if y := p.YearsInPost(late, "mayor", day(2025, 3, 1)); y != 5 {
		t.Errorf("late start years: %v", y)
	}
	// Rank years add up separate periods and count overlapping posts once.
	rank := []Service{
		{Post: "a", Rank: "division", Start: day(2000, 1, 1), End: day(2008, 1, 1)},
		{Post: "b", Rank: "division", Start: day(2004, 1, 1), End: day(2006, 1, 1)}, // concurrent
		{Post: "c", Rank: "section", Start: day(2008, 1, 1), End: day(2010, 1, 1)},
		{Post: "d", Rank: "division", Start: day(2010, 1, 1)},
	}
	if y := RankYears(rank, "division", day(2017, 1, 1)); y != 15 {
		t.Errorf("rank years: %v", y)
	}
	// Unit leadership adds up different posts of the same unit.
	unit := []Service{
		{Post: "deputy", Unit: "bureau", Leading: true, Start: day(2015, 1, 1), End: day(2019, 1, 1)},
		{Post: "head", Unit: "bureau", Leading: true, Start: day(2019, 1, 1)},
	}
	if y := p.UnitLeadershipYears(unit, "bureau", day(2023, 1, 1)); y != 8 {
		t.Errorf("unit years: %v", y)
	}
}

func TestConsecutiveTermsRule(t *testing.T) {
	p := DefaultPolicy
	for _, tc := range []struct {
		name       string
		township   bool
		specialist bool
		nomination bool
		n          int
		want       string
	}{
		{"one term", false, false, false, 1, ""},
		{"at the limit of 2", false, false, false, 2, SeverityWarning},
		{"past the limit", false, false, false, 3, SeverityViolation},
		{"nominated at the limit", false, false, true, 2, SeverityViolation},
		{"nominated after one", false, false, true, 1, ""},
		{"township: 2 is fine", true, false, false, 2, ""},
		{"township at the limit of 3", true, false, false, 3, SeverityWarning},
		{"township past the limit", true, false, false, 4, SeverityViolation},
		{"specialist at the limit of 3", false, true, false, 3, SeverityWarning},
		{"specialist past the limit", false, true, false, 4, SeverityViolation},
	} {
		yrs := make([]int, tc.n)
		for i := range yrs {
			yrs[i] = 3 // short terms keep the rank and post years out of the way
		}
		svc := terms("head", "bureau", "division", day(2010, 1, 1), yrs...)
		asOf := svc[len(svc)-1].Start.AddDate(1, 0, 0)
		ws := CheckTermRules(p, PersonHistory{Services: svc, Township: tc.township, NonPartyOrSpecialist: tc.specialist}, asOf, tc.nomination)
		if got := severity(ws, WarnConsecutiveTerms); got != tc.want {
			t.Errorf("%s: consecutive_terms %q, want %q (%v)", tc.name, got, tc.want, ws)
		}
	}
}

func TestRankYearsRule(t *testing.T) {
	svc := []Service{
		{Post: "a", Rank: "division", Start: day(2000, 1, 1), End: day(2008, 1, 1)},
		{Post: "c", Rank: "section", Start: day(2008, 1, 1), End: day(2010, 1, 1)},
		{Post: "d", Rank: "division", Start: day(2010, 1, 1)},
	}
	for _, tc := range []struct {
		asOf time.Time
		want string
	}{
		{day(2015, 12, 31), ""},              // 13.997 years
		{day(2016, 1, 1), SeverityWarning},   // 14: within a year of the limit
		{day(2017, 1, 1), SeverityWarning},   // exactly 15: at the limit
		{day(2017, 1, 2), SeverityViolation}, // past it
	} {
		ws := CheckTermRules(DefaultPolicy, PersonHistory{Services: svc}, tc.asOf, false)
		if got := severity(ws, WarnRankYears); got != tc.want {
			t.Errorf("%v: rank_years %q, want %q", tc.asOf.Format(time.DateOnly), got, tc.want)
		}
	}
}

func TestRotationRules(t *testing.T) {
	p := DefaultPolicy
	long := []Service{{Post: "head", Unit: "bureau", Rank: "division", Leading: true, Start: day(2016, 3, 1)}}
	unit := []Service{
		{Post: "deputy", Unit: "bureau", Rank: "deputy division", Leading: true, Start: day(2015, 1, 1), End: day(2019, 1, 1)},
		{Post: "head", Unit: "bureau", Rank: "division", Leading: true, Start: day(2019, 1, 1)},
	}
	twoTerms := terms("head", "bureau", "division", day(2018, 1, 1), 4, 4)
	usedUpRank := append([]Service{{Post: "old", Rank: "division", Start: day(2003, 1, 1), End: day(2018, 1, 1)}}, twoTerms...)
	for _, tc := range []struct {
		name          string
		svc           []Service
		asOf          time.Time
		plan, mandate string // severities
		reason        string
	}{
		{"4 years 364 days in post", long, day(2021, 2, 28), "", "", ""},
		{"5 years in post", long, day(2021, 3, 1), SeverityWarning, "", ""},
		{"a day before 10 years", long, day(2026, 2, 28), SeverityWarning, "", ""},
		{"10 years in post", long, day(2026, 3, 1), "", SeverityViolation, "post_years"},
		{"a day before 8 years in the unit", unit, day(2022, 12, 31), "", "", ""},
		{"8 years in the unit", unit, day(2023, 1, 1), SeverityWarning, "", ""},
		{"one term", twoTerms[:1], day(2021, 1, 1), "", "", ""},
		{"second term under way", twoTerms, day(2022, 1, 1), "", SeverityViolation, "terms"},
		{"two terms with the rank years used up", usedUpRank, day(2022, 1, 1), "", "", ""},
	} {
		ws := CheckTermRules(p, PersonHistory{Services: tc.svc}, tc.asOf, false)
		if got := severity(ws, WarnRotationPlan); got != tc.plan {
			t.Errorf("%s: rotation_plan %q, want %q (%v)", tc.name, got, tc.plan, ws)
		}
		w, _ := find(ws, WarnRotationMandatory)
		if w.Severity != tc.mandate || tc.reason != "" && w.Params["reason"] != tc.reason {
			t.Errorf("%s: rotation_mandatory %+v, want %q %s", tc.name, w, tc.mandate, tc.reason)
		}
	}
	// The township third term is allowed, so rotation becomes mandatory after it, not before.
	township := terms("head", "town", "section", day(2014, 1, 1), 3, 3, 3)
	ws := CheckTermRules(p, PersonHistory{Services: township[:2], Township: true}, day(2017, 6, 1), false)
	if _, ok := find(ws, WarnRotationMandatory); ok {
		t.Errorf("township second term: %v", ws)
	}
	ws = CheckTermRules(p, PersonHistory{Services: township, Township: true}, day(2020, 6, 1), false)
	if w, _ := find(ws, WarnRotationMandatory); w.Params["reason"] != "terms" {
		t.Errorf("township third term: %v", ws)
	}
}

func TestAgeRules(t *testing.T) {
	p := DefaultPolicy
	svc := []Service{{Post: "head", Unit: "bureau", Rank: "division", Leading: true, Start: day(2025, 1, 1)}}
	born := day(1970, 6, 15)
	on := func(age int) time.Time { return born.AddDate(age, 0, 0) }
	for _, tc := range []struct {
		name             string
		kind             PostKind
		gender           string
		congress         bool
		asOf             time.Time
		nomination       bool
		limit, nominated string
	}{
		{"principal male at 55", PostPrincipal, "male", false, on(55), false, "", ""},
		{"principal male at 56", PostPrincipal, "male", false, on(56), false, SeverityWarning, ""},
		{"principal male a day before 57", PostPrincipal, "male", false, on(57).AddDate(0, 0, -1), false, SeverityWarning, ""},
		{"principal male at 57", PostPrincipal, "male", false, on(57), false, SeverityViolation, ""},
		{"principal female at 54", PostPrincipal, "female", false, on(54), false, SeverityViolation, ""},
		{"principal female at 53", PostPrincipal, "female", false, on(53), false, SeverityWarning, ""},
		{"deputy male at 55", PostDeputy, "male", false, on(55), false, SeverityViolation, ""},
		{"deputy female at 52", PostDeputy, "female", false, on(52), false, SeverityViolation, ""},
		{"deputy female at 51", PostDeputy, "female", false, on(51), false, SeverityWarning, ""},
		{"congress principal male at 57", PostPrincipal, "male", true, on(57), false, "", ""},
		{"congress principal male at 58", PostPrincipal, "male", true, on(58), false, SeverityWarning, ""},
		{"congress principal male at 59", PostPrincipal, "male", true, on(59), false, SeverityViolation, ""},
		{"congress deputy female at 54", PostDeputy, "female", true, on(54), false, SeverityViolation, ""},
		{"congress deputy female at 53", PostDeputy, "female", true, on(53), false, SeverityWarning, ""},
		// Nomination: at least 3 full years under the limit.
		{"nominated principal male at 54", PostPrincipal, "male", false, on(55).AddDate(0, 0, -1), true, "", ""},
		{"nominated principal male at 55", PostPrincipal, "male", false, on(55), true, "", SeverityViolation},
		{"nominated congress principal male at 56", PostPrincipal, "male", true, on(57).AddDate(0, 0, -1), true, "", ""},
		{"nominated congress principal male at 57", PostPrincipal, "male", true, on(57), true, "", SeverityViolation},
		{"nominated deputy female at 49", PostDeputy, "female", false, on(49), true, "", ""},
		{"nominated deputy female at 50", PostDeputy, "female", false, on(50), true, "", SeverityViolation},
		{"unknown gender: no age rule", PostPrincipal, "", false, on(70), true, "", ""},
	} {
		ws := CheckTermRules(p, PersonHistory{Services: svc, BirthDate: born, Gender: tc.gender, Kind: tc.kind, Congress: tc.congress}, tc.asOf, tc.nomination)
		if got := severity(ws, WarnAgeLimit); got != tc.limit {
			t.Errorf("%s: age_limit %q, want %q (%v)", tc.name, got, tc.limit, ws)
		}
		if got := severity(ws, WarnNominationAge); got != tc.nominated {
			t.Errorf("%s: nomination_age %q, want %q (%v)", tc.name, got, tc.nominated, ws)
		}
	}
	ws := CheckTermRules(p, PersonHistory{Services: svc, BirthDate: born, Gender: "male", Kind: PostPrincipal, Congress: true}, on(57), true)
	if w, _ := find(ws, WarnNominationAge); w.Params["limit"] != 59 || w.Params["max_age"] != 56 || w.Params["age"] != 57 {
		t.Errorf("params: %+v", w)
	}
}

func TestCheckOutcome(t *testing.T) {
	w := func(code, sev string) Warning { return Warning{Code: code, Severity: sev} }
	for _, tc := range []struct {
		name     string
		outcome  Outcome
		warnings []Warning
		key      string
	}{
		{"reappoint, nothing wrong", OutcomeReappoint, nil, ""},
		{"reappoint with a rotation plan", OutcomeReappoint, []Warning{w(WarnRotationPlan, SeverityWarning)}, ""},
		{"reappoint at the term limit", OutcomeReappoint, []Warning{w(WarnConsecutiveTerms, SeverityWarning)}, "term.outcome_terms"},
		{"reappoint past the term limit", OutcomeReappoint, []Warning{w(WarnConsecutiveTerms, SeverityViolation)}, "term.outcome_terms"},
		{"reappoint when rotation is mandatory", OutcomeReappoint, []Warning{w(WarnRotationMandatory, SeverityViolation)}, "term.outcome_rotation"},
		{"reappoint past the age limit", OutcomeReappoint, []Warning{w(WarnAgeLimit, SeverityViolation)}, "term.outcome_age"},
		{"reappoint too old to nominate", OutcomeReappoint, []Warning{w(WarnNominationAge, SeverityViolation)}, "term.outcome_age"},
		{"reappoint near the age limit", OutcomeReappoint, []Warning{w(WarnAgeLimit, SeverityWarning)}, ""},
		{"reappoint with rank years used up", OutcomeReappoint, []Warning{w(WarnRankYears, SeverityViolation)}, "term.outcome_rank_years"},
		{"rotate with rank years used up", OutcomeRotate, []Warning{w(WarnRankYears, SeverityViolation)}, "term.outcome_rank_years"},
		{"rotate at the term limit", OutcomeRotate, []Warning{w(WarnConsecutiveTerms, SeverityViolation), w(WarnRotationMandatory, SeverityViolation)}, ""},
		{"promote with rank years used up", OutcomePromote, []Warning{w(WarnRankYears, SeverityViolation)}, ""},
		{"promote too old", OutcomePromote, []Warning{w(WarnNominationAge, SeverityViolation)}, "term.outcome_age"},
		{"non-leading post, everything wrong", OutcomeNonLeading, []Warning{w(WarnAgeLimit, SeverityViolation), w(WarnRankYears, SeverityViolation)}, ""},
		{"retire early", OutcomeRetireEarly, []Warning{w(WarnAgeLimit, SeverityViolation)}, ""},
		{"remove", OutcomeRemove, nil, ""},
		{"unknown", Outcome("sabbatical"), nil, "term.outcome_unknown"},
	} {
		err := CheckOutcome(tc.outcome, tc.warnings)
		if tc.key == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		assertKey(t, tc.name, err, EINVALID, tc.key)
	}
}

// TestEndOfTermScenario runs the checks the way the term-end appraisal does: a county bureau
// head in a second five-year term, nominated at term end.
func TestEndOfTermScenario(t *testing.T) {
	person := PersonHistory{
		Services:  terms("head", "bureau", "division", day(2016, 1, 1), 5, 5),
		BirthDate: day(1969, 3, 1), Gender: "male", Kind: PostPrincipal,
	}
	ws := CheckTermRules(DefaultPolicy, person, day(2025, 10, 1), true)
	for code, want := range map[string]string{
		WarnConsecutiveTerms: SeverityViolation, WarnRotationMandatory: SeverityViolation,
		WarnAgeLimit: SeverityWarning, WarnNominationAge: SeverityViolation, WarnRankYears: "",
	} {
		if got := severity(ws, code); got != want {
			t.Errorf("%s: %q, want %q (%v)", code, got, want, ws)
		}
	}
	assertKey(t, "reappoint", CheckOutcome(OutcomeReappoint, ws), EINVALID, "term.outcome_age")
	if err := CheckOutcome(OutcomeNonLeading, ws); err != nil {
		t.Error(err)
	}
}
