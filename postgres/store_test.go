package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

func TestMain(m *testing.M) { postgrestest.Main(m) }

var ctx = context.Background()

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode fails unless err is a *termgoal.Error with code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var e *termgoal.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("error = %v (%T), want code %s", err, err, code)
	}
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// world is a small organization: a county with a township under it and a village under that,
// a template, and a person's term in the village.
type world struct {
	county, town, village termgoal.Org
	template              termgoal.Template
	person                termgoal.Person
	term                  termgoal.Term
}

func newWorld(t *testing.T, s *postgres.Store) *world {
	t.Helper()
	w := &world{
		county: termgoal.Org{Name: "County", Type: termgoal.OrgAgency},
		template: termgoal.Template{
			Name: "Village", OrgType: termgoal.OrgVillage, NoticeDays: 5, DeadlineMonths: 2,
			Consultation: true, StepDays: map[termgoal.Step]int{termgoal.StepDraft: 10}, Categories: []string{"economy"},
		},
		person: termgoal.Person{Name: "Li Wei", Gender: "male"},
	}
	must(t, s.CreateOrg(ctx, &w.county))
	w.town = termgoal.Org{ParentID: &w.county.ID, Name: "Town", Type: termgoal.OrgAgency}
	must(t, s.CreateOrg(ctx, &w.town))
	w.village = termgoal.Org{ParentID: &w.town.ID, Name: "Village", Type: termgoal.OrgVillage}
	must(t, s.CreateOrg(ctx, &w.village))
	must(t, s.CreateTemplate(ctx, &w.template))
	must(t, s.CreatePerson(ctx, &w.person))
	w.term = termgoal.Term{
		OrgID: w.village.ID, HolderKind: termgoal.HolderPerson, PersonID: &w.person.ID, Appointment: termgoal.Elected,
		Start: day("2026-03-01"), End: day("2031-02-28"), TemplateID: w.template.ID,
	}
	must(t, s.CreateTerm(ctx, &w.term))
	return w
}

// sibling makes an org of type typ named name under the county, with a term held by the org on
// the world's template: a second village or town beside the world's.
func (w *world) sibling(t *testing.T, s *postgres.Store, name string, typ termgoal.OrgType) (termgoal.Org, termgoal.Term) {
	t.Helper()
	o := termgoal.Org{ParentID: &w.county.ID, Name: name, Type: typ}
	must(t, s.CreateOrg(ctx, &o))
	tm := termgoal.Term{OrgID: o.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: day("2026-03-01"), End: day("2031-02-28"), TemplateID: w.template.ID}
	must(t, s.CreateTerm(ctx, &tm))
	return o, tm
}

// account creates an account with grants.
func account(t *testing.T, s *postgres.Store, name string, personID *int64, grants ...termgoal.Grant) termgoal.Account {
	t.Helper()
	a := termgoal.Account{Username: name, DisplayName: name + " (display)", PersonID: personID}
	must(t, s.CreateAccount(ctx, &a, "hash-of-"+name))
	for _, g := range grants {
		must(t, s.AddGrant(ctx, a.ID, g))
	}
	return a
}

func TestMigrateIsIdempotent(t *testing.T) {
	s := postgrestest.New(t)
	must(t, postgres.Migrate(ctx, s.DB())) // already migrated: nothing to do
}
