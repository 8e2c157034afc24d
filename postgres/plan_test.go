package postgres_test

import (
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// inForce is the change that brings version v into force, minutes after t0.
func (w *world) inForce(id string, minutes, v int) termgoal.Change {
	c := w.change(id, minutes, termgoal.StepInForce, "in_force")
	c.Process.Status, c.Process.StepDueOn, c.InForce = "completed", nil, true
	c.PlanVersion = &termgoal.PlanVersion{Version: v, Items: items(), Step: termgoal.StepApproval, Status: "in_force"}
	return c
}

func (w *world) draft(id string, minutes, v int) termgoal.Change {
	c := w.change(id, minutes, termgoal.StepDraft, "draft_submitted")
	c.PlanVersion = &termgoal.PlanVersion{Version: v, Items: items(), Step: termgoal.StepDraft, Status: "draft"}
	return c
}

// period fails unless v was in force from from until until (nil: not set).
func period(t *testing.T, v termgoal.PlanVersion, from, until *time.Time) {
	t.Helper()
	same := func(a, b *time.Time) bool { return a == nil && b == nil || a != nil && b != nil && a.Equal(*b) }
	if !same(v.InForceFrom, from) || !same(v.InForceUntil, until) {
		t.Errorf("version %d in force %v – %v, want %v – %v", v.Version, v.InForceFrom, v.InForceUntil, from, until)
	}
}

func at(minutes int) *time.Time {
	t := t0.Add(time.Duration(minutes) * time.Minute)
	return &t
}

// A version comes into force, an amendment's version supersedes it: each keeps the period it
// was in force, drafts never in force have none, and the plan in force on any moment is the
// one whose period holds it.
func TestPlanInForce(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	apply := func(c termgoal.Change) {
		t.Helper()
		must(t, s.Apply(ctx, c))
	}
	apply(w.draft("d1", 0, 1))
	apply(w.draft("d2", 10, 2))
	_, err := s.PlanInForce(ctx, w.term.ID, *at(20))
	wantCode(t, err, termgoal.ENOTFOUND) // drafts only

	apply(w.inForce("f2", 20, 2))
	apply(w.draft("d3", 100, 3)) // an amendment's draft: version 2 stays in force
	v, err := s.PlanInForce(ctx, w.term.ID, *at(150))
	must(t, err)
	if v.Version != 2 || len(v.Items) != 2 {
		t.Fatalf("in force during the amendment: %+v", v)
	}
	apply(w.inForce("f3", 200, 3))
	// Applied again under the same ID, and once more as a new change later: nothing moves.
	apply(w.inForce("f3", 200, 3))
	apply(w.inForce("f3-again", 300, 3))

	vs, err := s.PlanVersions(ctx, w.term.ID)
	must(t, err)
	if len(vs) != 3 || vs[0].Status != "in_force" || vs[1].Status != "superseded" || vs[2].Status != "superseded" {
		t.Fatalf("PlanVersions = %+v", vs)
	}
	period(t, vs[0], at(200), nil)
	period(t, vs[1], at(20), at(200))
	period(t, vs[2], nil, nil)

	for _, tc := range []struct {
		minutes, want int // want 0: none in force
	}{{-60, 0}, {19, 0}, {20, 2}, {199, 2}, {200, 3}, {60 * 24 * 365, 3}} {
		v, err := s.PlanInForce(ctx, w.term.ID, *at(tc.minutes))
		if tc.want == 0 {
			wantCode(t, err, termgoal.ENOTFOUND)
			continue
		}
		must(t, err)
		if v.Version != tc.want || len(v.Items) != 2 || v.Items[0].Title != "Income" {
			t.Errorf("at %d min: version %d, want %d", tc.minutes, v.Version, tc.want)
		}
	}
	v, err = s.PlanVersion(ctx, w.term.ID, 2)
	must(t, err)
	period(t, *v, at(20), at(200))
	_, err = s.PlanInForce(ctx, 99999, *at(0))
	wantCode(t, err, termgoal.ENOTFOUND)
}

// Migration 00006 dates a version already in force from the change that brought it into force:
// run down and up again over a database holding one.
func TestPlanInForceBackfill(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	must(t, s.Apply(ctx, w.draft("d1", 0, 1)))
	must(t, s.Apply(ctx, w.inForce("f1", 30, 1)))
	p, err := goose.NewProvider(goose.DialectPostgres, s.DB(), postgres.MigrationFiles())
	must(t, err)
	_, err = p.DownTo(ctx, 5)
	must(t, err)
	must(t, postgres.Migrate(ctx, s.DB()))
	v, err := s.PlanInForce(ctx, w.term.ID, *at(30))
	must(t, err)
	period(t, *v, at(30), nil)
	_, err = s.PlanInForce(ctx, w.term.ID, *at(29))
	wantCode(t, err, termgoal.ENOTFOUND)
}
