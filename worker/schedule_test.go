package worker_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"termgoal/devenv"
	"termgoal/postgres/postgrestest"
	"termgoal/worker"
	"termgoal/workflows"
)

func TestMain(m *testing.M) { postgrestest.Main(m) }

// quiet silences the Temporal SDK's logs.
type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}

// The digest schedule is created once at 08:00 in China, and a triggered run of it completes
// on the worker against the database.
func TestEnsureSchedules(t *testing.T) {
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
	c, err := client.Dial(client.Options{HostPort: hostPort, Logger: quiet{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	w := worker.New(c, postgrestest.New(t))
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)

	// The default namespace has the search attributes the workflows set; a namespace made
	// without them is refused, naming the commands that register them.
	if err := worker.CheckSearchAttributes(ctx, c, "default"); err != nil {
		t.Error(err)
	}
	_, err = c.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{Namespace: "bare",
		WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	err = worker.CheckSearchAttributes(ctx, c, "bare")
	if err == nil || !strings.Contains(err.Error(), "--name TermgoalStep --type Keyword") || errors.Is(err, worker.ErrSearchAttributesUnknown) {
		t.Errorf("a namespace without the search attributes: %v", err)
	}

	for range 2 { // the second start finds it there
		if err := worker.EnsureSchedules(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	h := c.ScheduleClient().GetHandle(ctx, workflows.DigestScheduleID)
	d, err := h.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	next := d.Info.NextActionTimes
	shanghai := time.FixedZone("CST", 8*3600)
	if len(next) == 0 || next[0].In(shanghai).Hour() != 8 || next[0].In(shanghai).Minute() != 0 {
		t.Errorf("next runs %v", next)
	}
	act, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction)
	if !ok || act.Workflow != workflows.DailyDigestWorkflowName || act.TaskQueue != workflows.TaskQueue {
		t.Errorf("action %+v", d.Schedule.Action)
	}

	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	var run *client.ScheduleWorkflowExecution
	for deadline := time.Now().Add(20 * time.Second); run == nil && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		if d, err = h.Describe(ctx); err == nil && len(d.Info.RecentActions) > 0 {
			run = d.Info.RecentActions[0].StartWorkflowResult
		}
	}
	if run == nil {
		t.Fatal("the triggered digest did not start")
	}
	var n int
	if err := c.GetWorkflow(ctx, run.WorkflowID, run.FirstExecutionRunID).Get(ctx, &n); err != nil || n != 0 {
		t.Errorf("digest run: %d accounts, %v", n, err)
	}
}
