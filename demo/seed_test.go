package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/devenv"
	"termgoal/postgres/postgrestest"
	"termgoal/worker"
	"termgoal/workflows"
)

// The demo data loads on a real PostgreSQL and Temporal, once: the three goal-setting terms
// stand at their steps, and 白河村's annual appraisal and 青山农业's salesperson's monthly
// appraisal wait for their self-assessment.
func TestSeed(t *testing.T) {
	ctx := context.Background()
	s := postgrestest.New(t)
	root, err := devenv.Root()
	if err != nil {
		t.Fatal(err)
	}
	hostPort, stop, err := devenv.TemporalForTests(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	c, err := client.Dial(client.Options{HostPort: hostPort})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	w := worker.New(c, s)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)

	seeded, err := Seed(ctx, s, c)
	if err != nil || !seeded {
		t.Fatalf("seed: %v, %v", seeded, err)
	}
	if again, err := Seed(ctx, s, c); err != nil || again {
		t.Fatalf("a second seed: %v, %v; want nothing done", again, err)
	}
	terms, _, err := s.Terms(ctx, "/", 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(terms) != 5 {
		t.Fatalf("%d demo terms, want 5", len(terms))
	}
	// 白河村's annual appraisal and the salesperson's November appraisal wait for the holder.
	for _, id := range []string{workflows.AppraisalID(terms[3].ID, 2026), workflows.AppraisalPeriodID(terms[4].ID, "2026-11")} {
		deadline := time.Now().Add(30 * time.Second)
		for {
			p, err := s.Process(ctx, id)
			if err == nil && p.Step == termgoal.StepSelfAssessment {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the demo appraisal %s: %+v, %v", id, p, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// The banner of `make run` tells each account what it has to do, read from the data.
	out := Banner(ctx, s, "127.0.0.1:8080", "http://ui", "127.0.0.1:9464", ".data/termgoal.log", true)
	for _, want := range []string{"wang     holder: 青山村 — to do: draft", "to do: draft · 青山村党支部", "to do: vote · 城东社区党委", "to do: self_assess · 白河村党支部",
		"to do: self_assess · 青山农业发展有限公司", "logs:         .data/termgoal.log"} {
		if !strings.Contains(out, want) {
			t.Errorf("the banner lacks %q:\n%s", want, out)
		}
	}
	if rec, err := s.Appraisal(ctx, workflows.AppraisalPeriodID(terms[4].ID, "2026-11")); err != nil || rec.Kind != termgoal.AppraisalMonthly ||
		rec.PeriodFrom.Format(time.DateOnly) != "2026-11-01" || rec.PeriodTo.Format(time.DateOnly) != "2026-11-30" {
		t.Errorf("the demo monthly appraisal: %+v, %v", rec, err)
	}
}
