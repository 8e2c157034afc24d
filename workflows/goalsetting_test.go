package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"termgoal"
	"termgoal/activities"
	"termgoal/notify"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
	"termgoal/workflows"
)

// fixture is a county with a village whose party organization sets its goals, with an
// account for every role, on a real PostgreSQL: the activities run for real.
type fixture struct {
	store  *postgres.Store
	actors map[string]termgoal.Actor
	term   *termgoal.Term
	county *termgoal.Org
}

func newFixture(t *testing.T, tpl termgoal.Template) *fixture {
	t.Helper()
	return newFixtureWithout(t, tpl)
}

// newFixtureWithout is newFixture without the named accounts.
func newFixtureWithout(t *testing.T, tpl termgoal.Template, skip ...string) *fixture {
	t.Helper()
	ctx := context.Background()
	s := postgrestest.New(t)
	county := &termgoal.Org{Name: "青山县", Type: termgoal.OrgAgency}
	must(t, s.CreateOrg(ctx, county))
	village := &termgoal.Org{Name: "青山村党支部", Type: termgoal.OrgVillage, ParentID: &county.ID}
	must(t, s.CreateOrg(ctx, village))
	fx := &fixture{store: s, actors: map[string]termgoal.Actor{}, county: county}
	for _, u := range []struct {
		name string
		role termgoal.Role
		org  *termgoal.Org
	}{
		{"holder", termgoal.RoleHolder, village},
		{"rep1", termgoal.RoleConsultee, village}, {"rep2", termgoal.RoleConsultee, village},
		{"expert", termgoal.RoleExpert, county},
		{"m1", termgoal.RoleCommittee, village}, {"m2", termgoal.RoleCommittee, village}, {"m3", termgoal.RoleCommittee, village},
		{"sup", termgoal.RoleSuperior, county}, {"sup2", termgoal.RoleSuperior, county}, {"sup3", termgoal.RoleSuperior, county},
		{"admin", termgoal.RoleAdmin, county},
		{"clerk", termgoal.RoleFilingClerk, county},
		{"outsider", termgoal.RoleCongress, county},
	} {
		if slices.Contains(skip, u.name) {
			continue
		}
		acc := &termgoal.Account{Username: u.name, DisplayName: u.name, Lang: "en"}
		must(t, s.CreateAccount(ctx, acc, "x"))
		must(t, s.AddGrant(ctx, acc.ID, termgoal.Grant{Role: u.role, OrgID: u.org.ID}))
		// The API sets Admin for an administrator of the process's org; tests do the same.
		fx.actors[u.name] = termgoal.Actor{AccountID: acc.ID, Name: u.name, Admin: u.role == termgoal.RoleAdmin}
	}
	tpl.Name, tpl.NoticeDays, tpl.DeadlineMonths = "village", 5, 2
	tpl.Categories = []string{"中心工作", "党的建设"}
	must(t, s.CreateTemplate(ctx, &tpl))
	start := time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)
	fx.term = &termgoal.Term{OrgID: village.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: start, End: start.AddDate(3, 0, -1), TemplateID: tpl.ID}
	must(t, s.CreateTerm(ctx, fx.term))
	return fx
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// items is a valid plan for a term of 2026–2029.
func items(title string) []termgoal.PlanItem {
	tg := map[string]string{"2026": "1", "2027": "2", "2028": "3", "2029": "4"}
	return []termgoal.PlanItem{
		{Category: "中心工作", Title: title, Quantitative: true, Unit: "万元", Targets: tg, Weight: 60, Owner: "书记"},
		{Category: "党的建设", Title: "党员培训", Targets: tg, Weight: 40, Owner: "组织委员"},
	}
}

// act is one human action the script sends at a moment after the workflow starts.
type act struct {
	at    time.Duration
	who   string
	name  string
	input workflows.ActionInput
	want  string // the error code expected, "" for success
	id    string // update ID; defaults to a fresh one
	check func(t *testing.T, s *workflows.GoalState)
}

// play runs the workflow from start with the actions, and returns its result.
func play(t *testing.T, fx *fixture, start time.Time, acts []act) (workflows.GoalResult, error) {
	t.Helper()
	return playInput(t, fx, start, acts, workflows.GoalSettingInput{TermID: fx.term.ID, Initiator: fx.actors["sup"]}, nil)
}

// playInput is play with a given input (a continued run's state) and a hook on the
// environment.
func playInput(t *testing.T, fx *fixture, start time.Time, acts []act, in workflows.GoalSettingInput, hook func(*testsuite.TestWorkflowEnvironment)) (workflows.GoalResult, error) {
	t.Helper()
	return playWorkflow(t, fx, start, acts, workflows.GoalSettingID(fx.term.ID), workflows.GoalSetting, in, hook)
}

// newEnv is a time-skipping environment at start with every workflow and the real activities.
func newEnv(fx *fixture, start time.Time) *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.SetWorkflowRunTimeout(400 * 24 * time.Hour)
	workflows.Register(env)
	env.RegisterActivity(&activities.Activities{Store: fx.store, Notifier: notify.New(nil, "")})
	return env
}

// playWorkflow runs workflow wf with input in and ID id from start with the actions.
func playWorkflow(t *testing.T, fx *fixture, start time.Time, acts []act, id string, wf, in any, hook func(*testsuite.TestWorkflowEnvironment)) (workflows.GoalResult, error) {
	t.Helper()
	env := newEnv(fx, start)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: id})
	for i, a := range acts {
		a := a
		id := a.id
		if id == "" {
			id = fmt.Sprintf("u%d", i)
		}
		env.RegisterDelayedCallback(func() {
			if a.check != nil {
				v, err := env.QueryWorkflow(workflows.QueryState)
				if err != nil {
					t.Errorf("query at %v: %v", a.at, err)
					return
				}
				var s workflows.GoalState
				must(t, v.Get(&s))
				a.check(t, &s)
			}
			if a.name == "" {
				return
			}
			a.input.SetActor(fx.actors[a.who])
			done := func(err error) {
				if got := code(err); got != a.want {
					t.Errorf("%s by %s at %v: got %q (%v), want %q", a.name, a.who, a.at, got, err, a.want)
				}
			}
			env.UpdateWorkflow(a.name, id, &testsuite.TestUpdateCallback{
				OnAccept:   func() {},
				OnReject:   done,
				OnComplete: func(_ any, err error) { done(err) },
			}, a.input)
		}, a.at)
	}
	// A script may end while the process waits for people; time would then skip on through
	// every window. Cancel the workflow a day after the last action instead.
	var last time.Duration
	for _, a := range acts {
		last = max(last, a.at)
	}
	env.RegisterDelayedCallback(func() {
		if !env.IsWorkflowCompleted() {
			env.CancelWorkflow()
		}
	}, last+day(1))
	if hook != nil {
		hook(env)
	}
	env.ExecuteWorkflow(wf, in)
	var res workflows.GoalResult
	if err := env.GetWorkflowError(); err != nil {
		var canceled *temporal.CanceledError
		if errors.As(err, &canceled) {
			return res, errNotCompleted
		}
		return res, err
	}
	return res, env.GetWorkflowResult(&res)
}

var errNotCompleted = errors.New("workflow still running")

func code(err error) string {
	if err == nil {
		return ""
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Type()
	}
	return err.Error()
}

func at(minutes int) time.Duration { return time.Duration(minutes) * time.Minute }

func day(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func stepIs(step termgoal.Step) func(*testing.T, *workflows.GoalState) {
	return func(t *testing.T, s *workflows.GoalState) {
		t.Helper()
		if s.Step != step {
			t.Errorf("step = %s, want %s", s.Step, step)
		}
	}
}
