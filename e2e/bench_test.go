package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// bareWorkflow is the baseline of PRODUCT.md's action round trip: an update with a validator
// and a handler that runs no activity (k = 1), and, for comparison, one that runs a single
// empty activity (k = 2), as termgoal's read-model write does.
func bareWorkflow(ctx workflow.Context) error {
	n := 0
	err := workflow.SetUpdateHandlerWithOptions(ctx, "bump",
		func(ctx workflow.Context, k int) (int, error) {
			if k > 1 {
				ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Second})
				if err := workflow.ExecuteActivity(ctx, "noop").Get(ctx, nil); err != nil {
					return 0, err
				}
			}
			n += k
			return n, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(k int) error {
			if k < 0 {
				return fmt.Errorf("negative")
			}
			return nil
		}})
	if err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return n < 0 })
}

// BenchmarkActionRoundTrip measures an action through the whole stack (HTTP, validator,
// handler, read-model write, response) against bare Temporal updates on the same server, with
// and without one activity, taking turns so all see the same machine, and reports p50/p99 and
// the ratios. Run with `make bench`.
func BenchmarkActionRoundTrip(b *testing.B) {
	s := start(b)
	s.setup()
	p := s.toApproval(b, village(nil))

	w := sdkworker.New(s.client, "bare", sdkworker.Options{})
	w.RegisterWorkflowWithOptions(bareWorkflow, workflow.RegisterOptions{Name: "bare"})
	w.RegisterActivityWithOptions(func(context.Context) error { return nil }, activity.RegisterOptions{Name: "noop"})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	ctx := context.Background()
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "bare-bench", TaskQueue: "bare"}, "bare")
	if err != nil {
		b.Fatal(err)
	}
	var bare, withActivity, action []time.Duration
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		h, err := s.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: run.GetID(), UpdateID: fmt.Sprint("b", i), UpdateName: "bump", Args: []any{1},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			b.Fatal(err)
		}
		bare = append(bare, time.Since(t0))
		t0 = time.Now()
		h, err = s.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: run.GetID(), UpdateID: fmt.Sprint("c", i), UpdateName: "bump", Args: []any{2},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			b.Fatal(err)
		}
		withActivity = append(withActivity, time.Since(t0))

		t0 = time.Now()
		if r := s.do("sup", "POST", "/api/v1/processes/"+p+"/actions/comment", map[string]any{"text": "意见"}, fmt.Sprint("a", i)); r.status != 200 {
			b.Fatalf("comment: %d %s", r.status, r.raw)
		}
		action = append(action, time.Since(t0))
	}
	b.StopTimer()
	q := func(d []time.Duration, p float64) float64 {
		slices.Sort(d)
		return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000
	}
	bp50, bp99, ap50, ap99 := q(bare, 0.5), q(bare, 0.99), q(action, 0.5), q(action, 0.99)
	b.ReportMetric(bp50, "bare-p50-ms")
	b.ReportMetric(bp99, "bare-p99-ms")
	b.ReportMetric(ap50, "action-p50-ms")
	b.ReportMetric(ap99, "action-p99-ms")
	b.ReportMetric(ap50/bp50, "ratio-p50")
	b.ReportMetric(q(withActivity, 0.5), "bare-activity-p50-ms")
	b.ReportMetric(ap50/q(withActivity, 0.5), "ratio-to-activity-p50")
}
