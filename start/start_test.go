package start_test

import (
	"context"
	"errors"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"termgoal/devenv"
	"termgoal/start"
)

func done(workflow.Context) error { return nil }

func wait(ctx workflow.Context) error {
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, nil)
	return nil
}

// Once on a real Temporal dev server: never beside an open run, and after a closed one as
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

	begin := func(id, wf string, reuse start.Reuse) (client.WorkflowRun, error) {
		return start.Once(ctx, c, start.Run{ID: id, Queue: "q", Workflow: wf, Reuse: reuse})
	}
	finish := func(id, wf string, reuse start.Reuse) {
		t.Helper()
		run, err := begin(id, wf, reuse)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if err := run.Get(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	// An open run takes its ID, whatever the reuse.
	if _, err := begin("open", "wait", start.AfterClose); err != nil {
		t.Fatal(err)
	}
	for _, reuse := range []start.Reuse{start.Never, start.AfterFailure, start.AfterClose} {
		if _, err := begin("open", "wait", reuse); !errors.Is(err, start.ErrTaken) {
			t.Errorf("beside an open run (reuse %d): %v", reuse, err)
		}
	}
	// After a run that completed: only AfterClose starts again.
	finish("never", "done", start.Never)
	finish("closed", "done", start.AfterClose)
	finish("failed", "done", start.AfterFailure)
	if _, err := begin("never", "done", start.Never); !errors.Is(err, start.ErrTaken) {
		t.Errorf("Never after a completed run: %v", err)
	}
	if _, err := begin("failed", "done", start.AfterFailure); !errors.Is(err, start.ErrTaken) {
		t.Errorf("AfterFailure after a completed run: %v", err)
	}
	finish("closed", "done", start.AfterClose)
	// After a terminated run, AfterFailure starts again.
	if _, err := begin("terminated", "wait", start.AfterFailure); err != nil {
		t.Fatal(err)
	}
	if err := c.TerminateWorkflow(ctx, "terminated", "", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := begin("terminated", "wait", start.AfterFailure); err != nil {
		t.Errorf("AfterFailure after a terminated run: %v", err)
	}
	if _, err := start.Once(ctx, nil, start.Run{ID: "x"}); err == nil || errors.Is(err, start.ErrTaken) {
		t.Errorf("without a client: %v", err)
	}
}
