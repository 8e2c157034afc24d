package postgres_test

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// A history built from terms: one service per term with the post, org and rank, elected terms
// without election dates counted as terms, the post kind of the current post, and the people
// in post in a subtree on a day.
func TestPersonHistory(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	birth := day("1970-05-01")
	zhang := termgoal.Person{Name: "Zhang Min", Gender: "female", BirthDate: &birth}
	must(t, s.CreatePerson(ctx, &zhang))
	secretary := termgoal.Post{OrgID: w.village.ID, Title: "Secretary", Rank: "正科", Principal: true}
	deputy := termgoal.Post{OrgID: w.town.ID, Title: "Deputy mayor", Rank: "副科"}
	must(t, s.CreatePost(ctx, &secretary))
	must(t, s.CreatePost(ctx, &deputy))
	term := func(org int64, post *termgoal.Post, a termgoal.Appointment, from, to string) {
		tm := termgoal.Term{OrgID: org, HolderKind: termgoal.HolderPerson, PersonID: &zhang.ID, Appointment: a,
			Start: day(from), End: day(to), TemplateID: w.template.ID}
		if post != nil {
			tm.PostID = &post.ID
		}
		must(t, s.CreateTerm(ctx, &tm))
	}
	term(w.village.ID, &secretary, termgoal.Elected, "2021-03-01", "2026-02-28")
	term(w.town.ID, &deputy, termgoal.Appointed, "2010-01-01", "2015-12-31")
	term(w.village.ID, &secretary, termgoal.Elected, "2016-03-01", "2021-02-28")
	term(w.town.ID, nil, termgoal.Appointed, "2026-03-01", "2031-02-28") // a term without a post

	h, err := s.PersonHistory(ctx, zhang.ID, day("2025-06-01"))
	must(t, err)
	sec, dep := strconv.FormatInt(secretary.ID, 10), strconv.FormatInt(deputy.ID, 10)
	village, town := strconv.FormatInt(w.village.ID, 10), strconv.FormatInt(w.town.ID, 10)
	want := []termgoal.Service{
		{Post: dep, Unit: town, Rank: "副科", Leading: true, Start: day("2010-01-01"), End: day("2015-12-31")},
		{Post: sec, Unit: village, Rank: "正科", Leading: true, Start: day("2016-03-01"), End: day("2021-02-28"), Elected: true},
		{Post: sec, Unit: village, Rank: "正科", Leading: true, Start: day("2021-03-01"), End: day("2026-02-28"), Elected: true},
		{Post: "org:" + town, Unit: town, Leading: true, Start: day("2026-03-01"), End: day("2031-02-28")},
	}
	if !reflect.DeepEqual(h.Services, want) {
		t.Errorf("services\n got %+v\nwant %+v", h.Services, want)
	}
	if h.Kind != termgoal.PostPrincipal || h.Gender != "female" || !h.BirthDate.Equal(birth) {
		t.Errorf("history = kind %q gender %q birth %v", h.Kind, h.Gender, h.BirthDate)
	}
	// The elected terms carry no election dates and still count as two terms: at the limit,
	// which a nomination turns into a violation; at 55 she is past the principal's 54.
	ws := termgoal.CheckTermRules(termgoal.DefaultPolicy, h, day("2025-06-01"), true)
	if !hasWarning(ws, termgoal.WarnConsecutiveTerms, termgoal.SeverityViolation) || !hasWarning(ws, termgoal.WarnAgeLimit, termgoal.SeverityViolation) {
		t.Errorf("warnings = %+v", ws)
	}
	// In the post-less term the post kind is unknown, so no age rule applies.
	h, err = s.PersonHistory(ctx, zhang.ID, day("2026-06-01"))
	must(t, err)
	if h.Kind != "" {
		t.Errorf("kind in a post-less term = %q", h.Kind)
	}
	_, err = s.PersonHistory(ctx, 999, day("2026-06-01"))
	wantCode(t, err, termgoal.ENOTFOUND)

	// In post on 2025-06-01 in the village: Zhang only (Li Wei starts in 2026).
	holders, total, err := s.PeopleUnder(ctx, w.village.Path, day("2025-06-01"), 0, 0)
	must(t, err)
	if total != 1 || len(holders) != 1 || holders[0].Person.ID != zhang.ID || holders[0].PostTitle != "Secretary" || holders[0].OrgName != "Village" {
		t.Errorf("PeopleUnder 2025 = %+v (%d)", holders, total)
	}
	// In 2026 under the county: both, by name, paged; Zhang's latest term is the town's.
	holders, total, err = s.PeopleUnder(ctx, w.county.Path, day("2026-06-01"), 1, 1)
	must(t, err)
	if total != 2 || len(holders) != 1 || holders[0].Person.Name != "Zhang Min" || holders[0].OrgID != w.town.ID || holders[0].PostTitle != "" {
		t.Errorf("PeopleUnder 2026 = %+v (%d)", holders, total)
	}
	terms, err := s.PeopleTerms(ctx, []int64{zhang.ID, w.person.ID})
	must(t, err)
	if len(terms[zhang.ID]) != 4 || len(terms[w.person.ID]) != 1 || terms[zhang.ID][1].OrgPath != w.village.Path {
		t.Errorf("PeopleTerms = %+v", terms)
	}
}

func hasWarning(ws []termgoal.Warning, code, severity string) bool {
	for _, w := range ws {
		if w.Code == code && w.Severity == severity {
			return true
		}
	}
	return false
}

// HistoryOf takes the post kind of the principal post when two start on the same day.
func TestHistoryOfConcurrentPosts(t *testing.T) {
	terms := []postgres.HeldTerm{
		{OrgID: 1, PostID: 1, Principal: true, Start: day("2024-01-01"), End: day("2028-12-31")},
		{OrgID: 2, PostID: 2, Start: day("2024-01-01"), End: day("2028-12-31")},
	}
	h := postgres.HistoryOf(termgoal.Person{Gender: "male"}, terms, day("2025-01-01"))
	if h.Kind != termgoal.PostPrincipal || !h.BirthDate.IsZero() {
		t.Errorf("history = %+v", h)
	}
	h = postgres.HistoryOf(termgoal.Person{}, terms, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) // before any term
	if h.Kind != termgoal.PostPrincipal {
		t.Errorf("before any term: kind %q", h.Kind)
	}
}

// The policy table: the defaults until one is stored, validated writes, and a stored policy
// lacking a field keeps that field's default.
func TestTermRulesPolicy(t *testing.T) {
	s := postgrestest.New(t)
	got, err := s.TermRulesPolicy(ctx)
	must(t, err)
	if got != termgoal.DefaultPolicy {
		t.Errorf("empty table: %+v", got)
	}
	bad := termgoal.DefaultPolicy
	bad.MaxTerms = 0
	var e *termgoal.Error
	if err := s.PutTermRulesPolicy(ctx, bad, 0); !errors.As(err, &e) || e.Key != "policy.range" || e.Args["field"] != "max_terms" {
		t.Fatalf("invalid policy: %v", err)
	}
	p := termgoal.DefaultPolicy
	p.MaxTerms, p.Age.PrincipalMale = 3, 58
	must(t, s.PutTermRulesPolicy(ctx, p, 0))
	must(t, s.PutTermRulesPolicy(ctx, p, 0)) // the row is replaced
	if got, err = s.TermRulesPolicy(ctx); err != nil || got != p {
		t.Errorf("stored %+v, %v", got, err)
	}
	_, err = s.DB().ExecContext(ctx, `UPDATE policies SET value = '{"max_terms": 4}'`)
	must(t, err)
	want := termgoal.DefaultPolicy
	want.MaxTerms = 4
	if got, err = s.TermRulesPolicy(ctx); err != nil || got != want {
		t.Errorf("partial document: %+v, %v", got, err)
	}
}
