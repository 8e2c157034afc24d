package activities_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"termgoal"
	"termgoal/activities"
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

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// fixture is a town with a village under it, a person's term and an org's term in the village,
// and accounts for the roles.
type fixture struct {
	store                   *postgres.Store
	acts                    *activities.Activities
	env                     *testsuite.TestActivityEnvironment
	town, village           termgoal.Org
	personTerm, orgTerm     termgoal.Term
	holder, principal, boss termgoal.Account
	townSuperior            termgoal.Account
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := postgrestest.New(t)
	f := &fixture{store: s, acts: &activities.Activities{Store: s}}
	var suite testsuite.WorkflowTestSuite
	// Activity errors the tests expect are logged by the SDK; show them only with -v or on failure.
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(t.Output(), nil))))
	f.env = suite.NewTestActivityEnvironment()
	f.env.RegisterActivity(f.acts)

	f.town = termgoal.Org{Name: "Town", Type: termgoal.OrgAgency}
	must(t, s.CreateOrg(ctx, &f.town))
	f.village = termgoal.Org{ParentID: &f.town.ID, Name: "Village", Type: termgoal.OrgVillage}
	must(t, s.CreateOrg(ctx, &f.village))
	tpl := termgoal.Template{Name: "Village", NoticeDays: 5, DeadlineMonths: 2, Consultation: true}
	must(t, s.CreateTemplate(ctx, &tpl))
	person := termgoal.Person{Name: "Li Wei"}
	must(t, s.CreatePerson(ctx, &person))
	f.personTerm = termgoal.Term{OrgID: f.village.ID, HolderKind: termgoal.HolderPerson, PersonID: &person.ID,
		Appointment: termgoal.Elected, Start: day("2026-03-01"), End: day("2029-02-28"), TemplateID: tpl.ID}
	must(t, s.CreateTerm(ctx, &f.personTerm))
	f.orgTerm = f.personTerm
	f.orgTerm.HolderKind, f.orgTerm.PersonID = termgoal.HolderOrg, nil
	must(t, s.CreateTerm(ctx, &f.orgTerm))

	acc := func(name string, personID *int64, grants ...termgoal.Grant) termgoal.Account {
		a := termgoal.Account{Username: name, DisplayName: "Mr " + name, PersonID: personID}
		must(t, s.CreateAccount(ctx, &a, "x"))
		for _, g := range grants {
			must(t, s.AddGrant(ctx, a.ID, g))
		}
		return a
	}
	// The person also sits on the town's committee of superiors: they must not approve their
	// own plan.
	f.holder = acc("holder", &person.ID, termgoal.Grant{Role: termgoal.RoleSuperior, OrgID: f.town.ID})
	f.principal = acc("principal", nil, termgoal.Grant{Role: termgoal.RoleHolder, OrgID: f.village.ID},
		termgoal.Grant{Role: termgoal.RoleSuperior, OrgID: f.town.ID})
	f.boss = acc("boss", nil, termgoal.Grant{Role: termgoal.RoleHolder, OrgID: f.town.ID})
	f.townSuperior = acc("superior", nil, termgoal.Grant{Role: termgoal.RoleSuperior, OrgID: f.town.ID})
	return f
}

// wantDomainError fails unless err carries a non-retryable application error of type code and
// message key.
func wantDomainError(t *testing.T, err error, code, key string) {
	t.Helper()
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		t.Fatalf("error = %v, want an application error", err)
	}
	var d struct {
		Key  string         `json:"key"`
		Args map[string]any `json:"args"`
	}
	if app.HasDetails() {
		must(t, app.Details(&d))
	}
	if app.Type() != code || !app.NonRetryable() || d.Key != key {
		t.Errorf("error type %q, non-retryable %v, key %q; want %q, true, %q", app.Type(), app.NonRetryable(), d.Key, code, key)
	}
}

func TestStartInfo(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		term   termgoal.Term
		holder string
	}{{f.personTerm, "Li Wei"}, {f.orgTerm, "Village"}} {
		val, err := f.env.ExecuteActivity(f.acts.StartInfo, c.term.ID)
		must(t, err)
		var info activities.StartInfo
		must(t, val.Get(&info))
		if info.Term.ID != c.term.ID || info.Template.ID != c.term.TemplateID || !info.Template.Consultation ||
			info.OrgPath != f.village.Path || info.Holder != c.holder || !info.Term.Start.Equal(day("2026-03-01")) {
			t.Errorf("StartInfo(%d) = %+v", c.term.ID, info)
		}
	}
	_, err := f.env.ExecuteActivity(f.acts.StartInfo, int64(999))
	wantDomainError(t, err, termgoal.ENOTFOUND, "term.not_found")
}

func TestAssignees(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		term termgoal.Term
		step termgoal.Step
		want []termgoal.Account
	}{
		{f.personTerm, termgoal.StepDraft, []termgoal.Account{f.holder}},
		{f.personTerm, termgoal.StepPledge, []termgoal.Account{f.holder}},
		// Superiors on the town, less the holder's own account.
		{f.personTerm, termgoal.StepApproval, []termgoal.Account{f.principal, f.townSuperior}},
		// An org's term is drafted by holder grants on the org or above.
		{f.orgTerm, termgoal.StepDraft, []termgoal.Account{f.principal, f.boss}},
		{f.orgTerm, termgoal.StepApproval, []termgoal.Account{f.holder, f.townSuperior}},
		{f.orgTerm, termgoal.StepFiling, nil},
	} {
		val, err := f.env.ExecuteActivity(f.acts.Assignees, activities.AssigneesInput{TermID: c.term.ID, Step: c.step})
		must(t, err)
		var got []termgoal.Actor
		must(t, val.Get(&got))
		var want []termgoal.Actor
		for _, a := range c.want {
			want = append(want, termgoal.Actor{AccountID: a.ID, Name: a.DisplayName})
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Assignees(%s term, %s) = %v, want %v", c.term.HolderKind, c.step, got, want)
		}
	}
	_, err := f.env.ExecuteActivity(f.acts.Assignees, activities.AssigneesInput{TermID: f.orgTerm.ID, Step: termgoal.StepInForce})
	wantDomainError(t, err, termgoal.EINVALID, "step.unknown")
}

func TestDeadline(t *testing.T) {
	f := newFixture(t)
	deadline := func(from string, n int) (time.Time, error) {
		val, err := f.env.ExecuteActivity(f.acts.Deadline, activities.DeadlineInput{From: day(from), WorkingDays: n})
		if err != nil {
			return time.Time{}, err
		}
		var due time.Time
		return due, val.Get(&due)
	}
	// From Thursday 2026-09-24, six working days skip Mid-Autumn (Sep 25-27) and National Day
	// (Oct 1-7) of the shipped schedule and end on Saturday Oct 10, a make-up working day.
	due, err := deadline("2026-09-24", 6)
	must(t, err)
	if want := day("2026-10-10"); !due.Equal(want) {
		t.Errorf("Deadline = %s, want %s", due.Format(time.DateOnly), want.Format(time.DateOnly))
	}

	_, err = deadline("2027-12-28", 10)
	wantDomainError(t, err, termgoal.EINVALID, "calendar.year_unknown")

	// Once an administrator enters 2028, the same question has an answer, at once.
	must(t, f.store.AddCalendarYear(ctx, postgres.CalendarYear{Year: 2028}, []postgres.CalendarDay{{Day: day("2028-01-03"), Name: "New Year"}}))
	due, err = deadline("2027-12-28", 10)
	must(t, err)
	if want := day("2028-01-12"); !due.Equal(want) {
		t.Errorf("Deadline into 2028 = %s, want %s", due.Format(time.DateOnly), want.Format(time.DateOnly))
	}

	// A correction of 2026 (a shorter National Day, no make-up day) moves the first deadline:
	// Sep 28, 29, 30, then Oct 5, 6, 7.
	must(t, f.store.AddCalendarYear(ctx, postgres.CalendarYear{Year: 2026, Source: "a corrected notice"}, []postgres.CalendarDay{
		{Day: day("2026-09-25"), Name: "中秋节"}, {Day: day("2026-10-01"), Name: "国庆节"}, {Day: day("2026-10-02"), Name: "国庆节"}}))
	due, err = deadline("2026-09-24", 6)
	must(t, err)
	if want := day("2026-10-07"); !due.Equal(want) {
		t.Errorf("Deadline after the correction = %s, want %s", due.Format(time.DateOnly), want.Format(time.DateOnly))
	}
}

func TestApply(t *testing.T) {
	f := newFixture(t)
	c := termgoal.Change{
		ID: "goal-1/c/1", At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Action: "started",
		Process: termgoal.Process{ID: "goal-1", Kind: "goal_setting", TermID: f.personTerm.ID, OrgID: f.village.ID,
			Step: termgoal.StepDraft, Status: "running", DeadlineOn: day("2026-05-01")},
		Open: []termgoal.Task{{ID: "goal-1-1", Kind: "draft", AccountID: f.holder.ID, DueOn: day("2026-03-16")}},
	}
	for range 2 { // a retried activity writes once
		_, err := f.env.ExecuteActivity(f.acts.Apply, c)
		must(t, err)
	}
	_, total, err := f.store.Audit(ctx, postgres.AuditFilter{ProcessID: "goal-1"})
	must(t, err)
	open, _, err := f.store.InboxCount(ctx, f.holder.ID, day("2026-03-02"))
	must(t, err)
	if total != 1 || open != 1 {
		t.Errorf("audit rows %d, open tasks %d; want 1, 1", total, open)
	}

	c.ID, c.Open = "goal-1/c/2", []termgoal.Task{{ID: "goal-1-2", Kind: "draft", AccountID: 999, DueOn: day("2026-03-16")}}
	_, err = f.env.ExecuteActivity(f.acts.Apply, c)
	wantDomainError(t, err, termgoal.EINVALID, "db.reference")
}
