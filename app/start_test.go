package app_test

import (
	"context"
	"errors"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"termgoal/app"
	"termgoal/devenv"
)

func done(workflow.Context) error { return nil }

func wait(ctx workflow.Context) error {
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, nil)
	return nil
}

// StartOnce on a real Temporal dev server: never beside an open run, and after a closed one as
// the reuse says.
func TestStartOnce(t *testing.T) {
	ctx := context.Background()
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
	w := worker.New(c, "q", worker.Options{})
	w.RegisterWorkflowWithOptions(done, workflow.RegisterOptions{Name: "done"})
	w.RegisterWorkflowWithOptions(wait, workflow.RegisterOptions{Name: "wait"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)

	start := func(id, wf string, reuse app.Reuse) (client.WorkflowRun, error) {
		return app.StartOnce(ctx, c, app.Start{ID: id, Queue: "q", Workflow: wf, Reuse: reuse})
	}
	finish := func(id, wf string, reuse app.Reuse) {
		t.Helper()
		run, err := start(id, wf, reuse)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if err := run.Get(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	// An open run takes its ID, whatever the reuse.
	if _, err := start("open", "wait", app.AfterClose); err != nil {
		t.Fatal(err)
	}
	for _, reuse := range []app.Reuse{app.Never, app.AfterFailure, app.AfterClose} {
		if _, err := start("open", "wait", reuse); !errors.Is(err, app.ErrTaken) {
			t.Errorf("beside an open run (reuse %d): %v", reuse, err)
		}
	}
	// After a run that completed: only AfterClose starts again.
	finish("never", "done", app.Never)
	finish("closed", "done", app.AfterClose)
	finish("failed", "done", app.AfterFailure)
	if _, err := start("never", "done", app.Never); !errors.Is(err, app.ErrTaken) {
		t.Errorf("Never after a completed run: %v", err)
	}
	if _, err := start("failed", "done", app.AfterFailure); !errors.Is(err, app.ErrTaken) {
		t.Errorf("AfterFailure after a completed run: %v", err)
	}
	finish("closed", "done", app.AfterClose)
	// After a terminated run, AfterFailure starts again.
	if _, err := start("terminated", "wait", app.AfterFailure); err != nil {
		t.Fatal(err)
	}
	if err := c.TerminateWorkflow(ctx, "terminated", "", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := start("terminated", "wait", app.AfterFailure); err != nil {
		t.Errorf("AfterFailure after a terminated run: %v", err)
	}
	if _, err := app.StartOnce(ctx, nil, app.Start{ID: "x"}); err == nil || errors.Is(err, app.ErrTaken) {
		t.Errorf("without a client: %v", err)
	}
}
