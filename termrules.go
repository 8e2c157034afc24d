package termgoal

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// PostKind selects the age limit of a post.
type PostKind string

// Post kinds. A people's congress or political consultative post is a principal or deputy post
// with PersonHistory.Congress set, since it shifts both limits by the same two years.
const (
	PostPrincipal PostKind = "principal" // 正职
	PostDeputy    PostKind = "deputy"    // 副职
)

// Service is one term of office in one post. A reappointment or re-election to the same post
// is a new Service, because terms are counted per Service. End is zero while it lasts.
type Service struct {
	Post    string    `json:"post"` // post id or key: "the same post" compares these
	Unit    string    `json:"unit"` // the unit whose leadership team the post belongs to
	Rank    string    `json:"rank"` // 职级
	Leading bool      `json:"leading"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end,omitzero"`
	// Elected services carry the general election of the term and the next one, for
	// CountsAsTerm; an appointed service always counts as a term.
	Elected      bool      `json:"elected,omitempty"`
	Election     time.Time `json:"election,omitzero"`
	NextElection time.Time `json:"next_election,omitzero"`
}

// PersonHistory is what the term rules read about a person. The post checked is the one of
// the latest service started by the day of the check.
type PersonHistory struct {
	Services  []Service `json:"services"`
	BirthDate time.Time `json:"birth_date,omitzero"`
	Gender    string    `json:"gender"` // "male" | "female", as Person.Gender
	Kind      PostKind  `json:"kind"`
	Congress  bool      `json:"congress,omitempty"` // people's congress or CPPCC post: +2 years of age
	Township  bool      `json:"township,omitempty"` // township post: more consecutive terms
	// NonPartyOrSpecialist: a non-party cadre or a specialist post (党外、专业性较强), which
	// may serve more consecutive terms.
	NonPartyOrSpecialist bool `json:"non_party_or_specialist,omitempty"`
}

// AgeLimits are the highest ages (周岁) at which a post may be held.
type AgeLimits struct {
	PrincipalMale   int `json:"principal_male"`
	PrincipalFemale int `json:"principal_female"`
	DeputyMale      int `json:"deputy_male"`
	DeputyFemale    int `json:"deputy_female"`
	CongressExtra   int `json:"congress_extra"`
}

// Policy is the table of term rules (DOMAIN.md "Term rules"); localities differ, so every
// number is data, with DefaultPolicy holding the values of the source.
type Policy struct {
	MaxTerms           int `json:"max_terms"`            // consecutive terms in the same post
	MaxTermsTownship   int `json:"max_terms_township"`   // … for township posts
	MaxTermsSpecialist int `json:"max_terms_specialist"` // … for non-party and specialist cadres
	// MaxRankYears at the same rank, separate periods added up; a warning starts
	// RankWarningYears before.
	MaxRankYears     float64 `json:"max_rank_years"`
	RankWarningYears float64 `json:"rank_warning_years"`
	// Rotation: plan it after these years in the same post or in the same unit's leadership;
	// mandatory after RotationMandatoryPostYears in the same post, or after
	// RotationMandatoryTerms consecutive terms unless the rank years are used up.
	RotationPlanPostYears      float64   `json:"rotation_plan_post_years"`
	RotationPlanUnitYears      float64   `json:"rotation_plan_unit_years"`
	RotationMandatoryPostYears float64   `json:"rotation_mandatory_post_years"`
	RotationMandatoryTerms     int       `json:"rotation_mandatory_terms"`
	Age                        AgeLimits `json:"age"`
	AgeWarningYears            int       `json:"age_warning_years"`       // warn this many years before the limit
	NominationMarginYears      int       `json:"nomination_margin_years"` // a nominee is at least this far under the limit
	// ContinuityGapDays: two services in the same post (or unit) with at most this many days
	// between them are consecutive; elections and reappointments rarely meet day to day. After
	// a longer break a new appointment starts the count afresh (不连续任职从新任职之日算起).
	ContinuityGapDays int `json:"continuity_gap_days"`
}

// DefaultPolicy holds the example values of DOMAIN.md.
var DefaultPolicy = Policy{
	MaxTerms: 2, MaxTermsTownship: 3, MaxTermsSpecialist: 3,
	MaxRankYears: 15, RankWarningYears: 1,
	RotationPlanPostYears: 5, RotationPlanUnitYears: 8, RotationMandatoryPostYears: 10, RotationMandatoryTerms: 2,
	Age:             AgeLimits{PrincipalMale: 57, PrincipalFemale: 54, DeputyMale: 55, DeputyFemale: 52, CongressExtra: 2},
	AgeWarningYears: 1, NominationMarginYears: 3,
	ContinuityGapDays: 180,
}

// Warning severities: a warning asks for attention or planning; a violation means a rule
// forbids the current state or the nomination.
const (
	SeverityWarning   = "warning"
	SeverityViolation = "violation"
)

// Warning codes; Params fill the placeholders of their messages.
const (
	WarnConsecutiveTerms  = "consecutive_terms"
	WarnRankYears         = "rank_years"
	WarnRotationPlan      = "rotation_plan"
	WarnRotationMandatory = "rotation_mandatory"
	WarnAgeLimit          = "age_limit"
	WarnNominationAge     = "nomination_age"
)

// Warning is one finding of CheckTermRules.
type Warning struct {
	Code     string         `json:"code"`
	Severity string         `json:"severity"`
	Params   map[string]any `json:"params,omitempty"`
}

// CheckTermRules checks a person's current post against the policy on asOf. With nomination
// (a further term, a promotion or a rotation being proposed) the checks look ahead: a term at
// the limit and an age within the nomination margin become violations.
func CheckTermRules(p Policy, person PersonHistory, asOf time.Time, nomination bool) []Warning {
	var out []Warning
	add := func(code, severity string, kv ...any) {
		params := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			params[kv[i].(string)] = kv[i+1]
		}
		out = append(out, Warning{Code: code, Severity: severity, Params: params})
	}
	if cur, ok := currentService(person.Services, asOf); ok {
		terms, maxTerms := p.ConsecutiveTerms(person.Services, cur.Post, asOf), p.maxTerms(person)
		switch {
		case terms > maxTerms || terms == maxTerms && nomination:
			add(WarnConsecutiveTerms, SeverityViolation, "terms", terms, "max", maxTerms)
		case terms == maxTerms:
			add(WarnConsecutiveTerms, SeverityWarning, "terms", terms, "max", maxTerms)
		}
		var rankYears float64 // unknown rank: no rank rule, and no rank limit to spare rotation
		if cur.Rank != "" {
			rankYears = RankYears(person.Services, cur.Rank, asOf)
		}
		switch {
		case cur.Rank == "":
		case rankYears > p.MaxRankYears+scoreEpsilon:
			add(WarnRankYears, SeverityViolation, "years", round1(rankYears), "max", p.MaxRankYears)
		case rankYears+scoreEpsilon >= p.MaxRankYears-p.RankWarningYears:
			add(WarnRankYears, SeverityWarning, "years", round1(rankYears), "max", p.MaxRankYears)
		}
		postYears := p.YearsInPost(person.Services, cur.Post, asOf)
		var unitYears float64
		if cur.Leading {
			unitYears = p.UnitLeadershipYears(person.Services, cur.Unit, asOf)
		}
		// A holder allowed a third term (township, specialist) must rotate after it, not
		// after the second, or the third could never be served.
		mandatoryTerms := max(p.RotationMandatoryTerms, maxTerms)
		switch {
		case postYears+scoreEpsilon >= p.RotationMandatoryPostYears:
			add(WarnRotationMandatory, SeverityViolation, "reason", "post_years", "years", round1(postYears), "max", p.RotationMandatoryPostYears)
		case terms >= mandatoryTerms && rankYears+scoreEpsilon < p.MaxRankYears:
			add(WarnRotationMandatory, SeverityViolation, "reason", "terms", "terms", terms, "max", mandatoryTerms)
		case postYears+scoreEpsilon >= p.RotationPlanPostYears || unitYears+scoreEpsilon >= p.RotationPlanUnitYears:
			add(WarnRotationPlan, SeverityWarning, "post_years", round1(postYears), "unit_years", round1(unitYears))
		}
	}
	if limit, ok := p.AgeLimit(person); ok && !person.BirthDate.IsZero() {
		age := AgeOn(person.BirthDate, asOf)
		switch {
		case age >= limit:
			add(WarnAgeLimit, SeverityViolation, "age", age, "limit", limit)
		case age >= limit-p.AgeWarningYears:
			add(WarnAgeLimit, SeverityWarning, "age", age, "limit", limit)
		}
		if nomination && age > limit-p.NominationMarginYears {
			add(WarnNominationAge, SeverityViolation, "age", age, "limit", limit, "max_age", limit-p.NominationMarginYears)
		}
	}
	return out
}

func (p Policy) maxTerms(person PersonHistory) int {
	n := p.MaxTerms
	if person.Township {
		n = max(n, p.MaxTermsTownship)
	}
	if person.NonPartyOrSpecialist {
		n = max(n, p.MaxTermsSpecialist)
	}
	return n
}

// AgeLimit returns the highest age for the person's post, with the congress extra; false when
// the post kind or the gender is unknown, so no age rule can be checked.
func (p Policy) AgeLimit(person PersonHistory) (int, bool) {
	var limit int
	switch {
	case person.Kind == PostPrincipal && person.Gender == "male":
		limit = p.Age.PrincipalMale
	case person.Kind == PostPrincipal && person.Gender == "female":
		limit = p.Age.PrincipalFemale
	case person.Kind == PostDeputy && person.Gender == "male":
		limit = p.Age.DeputyMale
	case person.Kind == PostDeputy && person.Gender == "female":
		limit = p.Age.DeputyFemale
	default:
		return 0, false
	}
	if person.Congress {
		limit += p.Age.CongressExtra
	}
	return limit, true
}

// AgeOn returns the age in full years (周岁) on a day. Someone born on 29 February turns a year
// older on 1 March in common years.
func AgeOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if birth.AddDate(age, 0, 0).After(day) {
		age--
	}
	return age
}

// CountsAsTerm applies the counting rule for elected posts: taking office up to 3 years after
// the general election counts as a full term; taking office within the 2 years before the
// next election counts only as years served, not as a term. Exactly 3 years after counts
// (the rule says "up to"); exactly 2 years before is not "within". An appointed or contracted
// service, or one without election dates, is always a term.
func CountsAsTerm(elected bool, took, election, nextElection time.Time) bool {
	if !elected {
		return true
	}
	if !election.IsZero() && took.After(election.AddDate(3, 0, 0)) {
		return false
	}
	if !nextElection.IsZero() && took.After(nextElection.AddDate(-2, 0, 0)) {
		return false
	}
	return true
}

// ConsecutiveTerms counts the terms served in post without a break, up to asOf.
func (p Policy) ConsecutiveTerms(services []Service, post string, asOf time.Time) int {
	n := 0
	for _, s := range p.run(services, asOf, func(s Service) bool { return s.Post == post }) {
		if CountsAsTerm(s.Elected, s.Start, s.Election, s.NextElection) {
			n++
		}
	}
	return n
}

// YearsInPost returns the years served in post without a break, up to asOf.
func (p Policy) YearsInPost(services []Service, post string, asOf time.Time) float64 {
	return years(p.run(services, asOf, func(s Service) bool { return s.Post == post }), asOf)
}

// UnitLeadershipYears returns the years in leading posts of unit without a break, up to asOf,
// whatever the posts were: moving from deputy to principal does not restart the count.
func (p Policy) UnitLeadershipYears(services []Service, unit string, asOf time.Time) float64 {
	return years(p.run(services, asOf, func(s Service) bool { return s.Leading && s.Unit == unit }), asOf)
}

// RankYears returns the years at rank up to asOf, separate periods added up and overlapping
// posts (兼职) counted once.
func RankYears(services []Service, rank string, asOf time.Time) float64 {
	var at []Service
	for _, s := range services {
		if s.Rank == rank && !s.Start.After(asOf) {
			at = append(at, s)
		}
	}
	return years(at, asOf)
}

// currentService is the service started last by asOf.
func currentService(services []Service, asOf time.Time) (Service, bool) {
	var cur Service
	found := false
	for _, s := range services {
		if !s.Start.After(asOf) && (!found || s.Start.After(cur.Start)) {
			cur, found = s, true
		}
	}
	return cur, found
}

// run returns the services that keep selects and that form an unbroken run reaching asOf: the
// latest one, and each earlier one that ends at most ContinuityGapDays before the run starts.
// A run that ended more than the gap before asOf is over, and the result is empty.
func (p Policy) run(services []Service, asOf time.Time, keep func(Service) bool) []Service {
	var sel []Service
	for _, s := range services {
		if keep(s) && !s.Start.After(asOf) {
			sel = append(sel, s)
		}
	}
	slices.SortFunc(sel, func(a, b Service) int { return a.Start.Compare(b.Start) })
	gap := time.Duration(p.ContinuityGapDays) * 24 * time.Hour
	i := len(sel) - 1
	if i < 0 || endOf(sel[i], asOf).Add(gap).Before(asOf) {
		return nil
	}
	start := sel[i].Start
	for ; i > 0 && !endOf(sel[i-1], asOf).Add(gap).Before(start); i-- {
		start = sel[i-1].Start
	}
	return sel[i:]
}

func endOf(s Service, asOf time.Time) time.Time {
	if s.End.IsZero() || s.End.After(asOf) {
		return asOf
	}
	return s.End
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// years sums the calendar years covered by services up to asOf, overlaps counted once.
func years(services []Service, asOf time.Time) float64 {
	type span struct{ from, to time.Time }
	var spans []span
	for _, s := range services {
		spans = append(spans, span{s.Start, endOf(s, asOf)})
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from.Compare(b.from) })
	var total float64
	for i := 0; i < len(spans); {
		cur := spans[i]
		for i++; i < len(spans) && !spans[i].from.After(cur.to); i++ {
			cur.to = maxTime(cur.to, spans[i].to)
		}
		total += yearsBetween(cur.from, cur.to)
	}
	return total
}

// yearsBetween counts calendar years (whole years by the calendar, so 5 years from 1 March
// 2021 end on 1 March 2026 whatever the leap days) plus the share of the year that follows.
func yearsBetween(from, to time.Time) float64 {
	if !to.After(from) {
		return 0
	}
	n := to.Year() - from.Year()
	for n > 0 && from.AddDate(n, 0, 0).After(to) {
		n--
	}
	a, b := from.AddDate(n, 0, 0), from.AddDate(n+1, 0, 0)
	return float64(n) + to.Sub(a).Hours()/b.Sub(a).Hours()
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// Outcome is a term-end outcome recommendation (P6).
type Outcome string

// Term-end outcomes.
const (
	OutcomePromote     Outcome = "promote"      // 提拔任职
	OutcomeReappoint   Outcome = "reappoint"    // 连选连任
	OutcomeRotate      Outcome = "rotate"       // 交流
	OutcomeNonLeading  Outcome = "non_leading"  // 改任非领导职务
	OutcomeRetireEarly Outcome = "retire_early" // 提前退休
	OutcomeRemove      Outcome = "remove"       // 免去领导职务 (不称职)
)

// CheckOutcome refuses an outcome the term rules forbid, given the warnings of CheckTermRules
// (with nomination set, since an outcome proposes the next post). Moving to a non-leading
// post, retiring early and removal are always open: they are where the rules send people.
func CheckOutcome(o Outcome, warnings []Warning) error {
	has := func(code string, violationOnly bool) bool {
		return slices.ContainsFunc(warnings, func(w Warning) bool {
			return w.Code == code && (!violationOnly || w.Severity == SeverityViolation)
		})
	}
	switch o {
	case OutcomeNonLeading, OutcomeRetireEarly, OutcomeRemove:
		return nil
	case OutcomePromote, OutcomeReappoint, OutcomeRotate:
	default:
		return Errorf(EINVALID, "term.outcome_unknown", "unknown term-end outcome", "outcome", string(o))
	}
	if has(WarnAgeLimit, true) || has(WarnNominationAge, true) {
		return Errorf(EINVALID, "term.outcome_age", "the age limit rules out this outcome", "outcome", string(o))
	}
	if o == OutcomePromote {
		return nil
	}
	// Rotating keeps the rank, so the rank-years limit binds it as much as a reappointment
	// (交流前后在同一级职务上连续任职不能超过15年).
	if has(WarnRankYears, true) {
		return Errorf(EINVALID, "term.outcome_rank_years", "the years at this rank are used up", "outcome", string(o))
	}
	if o == OutcomeReappoint {
		if has(WarnConsecutiveTerms, false) {
			return Errorf(EINVALID, "term.outcome_terms", "the consecutive terms in this post are at the limit")
		}
		if has(WarnRotationMandatory, false) {
			return Errorf(EINVALID, "term.outcome_rotation", "rotation is mandatory, so the post cannot be kept")
		}
	}
	return nil
}

// Validate checks that every number of the policy is in a sensible range, so a mistyped table
// cannot switch a rule off or make every cadre a violation. A refusal names the field.
func (p Policy) Validate() error {
	ints := []struct {
		field     string
		v, lo, hi int
	}{
		{"max_terms", p.MaxTerms, 1, 10},
		{"max_terms_township", p.MaxTermsTownship, 1, 10},
		{"max_terms_specialist", p.MaxTermsSpecialist, 1, 10},
		{"rotation_mandatory_terms", p.RotationMandatoryTerms, 1, 10},
		{"age.principal_male", p.Age.PrincipalMale, 30, 80},
		{"age.principal_female", p.Age.PrincipalFemale, 30, 80},
		{"age.deputy_male", p.Age.DeputyMale, 30, 80},
		{"age.deputy_female", p.Age.DeputyFemale, 30, 80},
		{"age.congress_extra", p.Age.CongressExtra, 0, 10},
		{"age_warning_years", p.AgeWarningYears, 0, 10},
		{"nomination_margin_years", p.NominationMarginYears, 0, 10},
		{"continuity_gap_days", p.ContinuityGapDays, 0, 3650},
	}
	for _, f := range ints {
		if f.v < f.lo || f.v > f.hi {
			return Errorf(EINVALID, "policy.range", fmt.Sprintf("%s must be between %d and %d", f.field, f.lo, f.hi),
				"field", f.field, "min", f.lo, "max", f.hi)
		}
	}
	floats := []struct {
		field     string
		v, lo, hi float64
	}{
		{"max_rank_years", p.MaxRankYears, 1, 50},
		{"rank_warning_years", p.RankWarningYears, 0, p.MaxRankYears},
		{"rotation_plan_post_years", p.RotationPlanPostYears, 1, 50},
		{"rotation_plan_unit_years", p.RotationPlanUnitYears, 1, 50},
		{"rotation_mandatory_post_years", p.RotationMandatoryPostYears, p.RotationPlanPostYears, 50},
	}
	for _, f := range floats {
		if math.IsNaN(f.v) || f.v < f.lo || f.v > f.hi {
			return Errorf(EINVALID, "policy.range", fmt.Sprintf("%s must be between %g and %g", f.field, f.lo, f.hi),
				"field", f.field, "min", f.lo, "max", f.hi)
		}
	}
	return nil
}
