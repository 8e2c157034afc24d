package postgres_test

import (
	"errors"
	"testing"

	"termgoal"
	"termgoal/postgres/postgrestest"
)

func TestTerm(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)

	got, err := s.Term(ctx, w.term.ID)
	must(t, err)
	if got.OrgName != "Village" || got.HolderName != "Li Wei" || got.Status != "registered" ||
		got.Start != day("2026-03-01") || got.End != day("2031-02-28") || *got.PersonID != w.person.ID {
		t.Errorf("Term = %+v", got)
	}

	// An org's term is held by the org: its name is the holder's.
	orgTerm := w.term
	orgTerm.HolderKind, orgTerm.PersonID = termgoal.HolderOrg, nil
	must(t, s.CreateTerm(ctx, &orgTerm))
	got, err = s.Term(ctx, orgTerm.ID)
	must(t, err)
	if got.HolderName != "Village" {
		t.Errorf("org term holder = %q", got.HolderName)
	}

	terms, total, err := s.Terms(ctx, w.town.Path, 1, 0)
	must(t, err)
	if total != 2 || len(terms) != 1 {
		t.Errorf("Terms = %d of %d", len(terms), total)
	}

	_, err = s.Term(ctx, 999)
	wantCode(t, err, termgoal.ENOTFOUND)
}

func TestTermInvalid(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	missing := int64(999)
	for name, c := range map[string]struct {
		edit func(*termgoal.Term)
		key  string
	}{
		"template": {func(t *termgoal.Term) { t.TemplateID = missing }, "term.template_unknown"},
		"org":      {func(t *termgoal.Term) { t.OrgID = missing }, "term.org_unknown"},
		"person":   {func(t *termgoal.Term) { t.PersonID = &missing }, "term.person_unknown"},
		"dates":    {func(t *termgoal.Term) { t.End = t.Start }, "term.dates"},
	} {
		term := w.term
		c.edit(&term)
		err := s.CreateTerm(ctx, &term)
		var e *termgoal.Error
		if !errors.As(err, &e) || e.Code != termgoal.EINVALID || e.Key != c.key {
			t.Errorf("%s: error = %#v, want %s", name, err, c.key)
		}
	}
}

func TestSetTermProcess(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	must(t, s.SetTermProcess(ctx, w.term.ID, "goal-1"))
	must(t, s.SetTermProcess(ctx, w.term.ID, "goal-1")) // a retried start
	wantCode(t, s.SetTermProcess(ctx, w.term.ID, "goal-2"), termgoal.ECONFLICT)
	wantCode(t, s.SetTermProcess(ctx, 999, "goal-1"), termgoal.ENOTFOUND)
	got, err := s.Term(ctx, w.term.ID)
	must(t, err)
	if got.ProcessID != "goal-1" {
		t.Errorf("process = %q", got.ProcessID)
	}
}
