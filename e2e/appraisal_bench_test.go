package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"golang.org/x/sync/errgroup"

	"termgoal"
	"termgoal/activities"
	"termgoal/codec"
	"termgoal/workflows"
)

// benchInFlight is how many starts the baseline keeps in flight: as many as the campaign's
// activity does (activities.campaignConcurrency), so both sides start at the same concurrency.
const benchInFlight = 16

// bareStarts is the baseline of the campaign benchmarks, as BenchmarkCampaignStarts measures
// it: n client.ExecuteWorkflow starts of an empty workflow on its own task queue and worker,
// benchInFlight at a time, on the running dev server. It returns how long they took.
func (s *sys) bareStarts(b *testing.B, n int) time.Duration {
	b.Helper()
	ctx := context.Background()
	w := sdkworker.New(s.client, "bare-starts", sdkworker.Options{})
	w.RegisterWorkflowWithOptions(emptyWorkflow, workflow.RegisterOptions{Name: "empty"})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	t0 := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(benchInFlight)
	for i := range n {
		g.Go(func() error {
			_, err := s.client.ExecuteWorkflow(gctx, client.StartWorkflowOptions{
				ID: fmt.Sprint("bare-start-", i), TaskQueue: "bare-starts",
				WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
				WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			}, "empty")
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	return time.Since(t0)
}

// lastStart returns when the last page of campaign workflow workflowID that started processes
// completed, from the histories of all its runs: when its last process had been started. The
// campaign workflow shares its task queue with the processes it starts, so its own last
// workflow task (and, after a continue-as-new, the next run's first) waits behind theirs: the
// run ends later than the starts do.
func (s *sys) lastStart(b *testing.B, workflowID string) time.Time {
	b.Helper()
	ctx := context.Background()
	var last time.Time
	dc := codec.DataConverter(s.codec) // the results are sealed, as every payload
	for runID := ""; ; {
		it := s.client.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		prev := ""
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				b.Fatal(err)
			}
			if a := ev.GetWorkflowExecutionStartedEventAttributes(); a != nil {
				prev = a.GetContinuedExecutionRunId()
			}
			if a := ev.GetActivityTaskCompletedEventAttributes(); a != nil {
				var r activities.CampaignPageResult
				at := ev.GetEventTime().AsTime()
				if dc.FromPayloads(a.GetResult(), &r) == nil && r.Started > 0 && at.After(last) {
					last = at
				}
			}
		}
		if prev == "" {
			return last
		}
		runID = prev
	}
}

// BenchmarkAppraisalCampaignStarts measures PRODUCT.md's quality "a campaign of 10,000 annual
// appraisals starts at no less than 80% of bare Temporal's start rate" on the appraisal itself:
// N terms with a plan in force (TERMGOAL_BENCH_CAMPAIGN, default 2,000; 10,000 for the
// figure), the time from POST /campaigns of kind annual_appraisal until its workflow has
// started an appraisal for every term, against N bare starts measured first in the same run
// at the same concurrency. It reports the campaign's rate until its workflow completed, as
// BenchmarkCampaignStarts does ("campaign-starts/s", "ratio"), and until its last appraisal
// was started ("started-starts/s", "ratio-started"; see lastStart), and asserts no time. One
// measurement per run: use -benchtime 1x.
func BenchmarkAppraisalCampaignStarts(b *testing.B) {
	n := benchCampaignSize(b)
	s := start(b)
	s.setup()
	s.planInForce(b, s.fillTerms(b, n)...)
	ctx := context.Background()

	b.ResetTimer()
	bare := s.bareStarts(b, n)

	t0 := time.Now()
	c := id(s.must(201, "admin", "POST", "/api/v1/campaigns", map[string]any{
		"name": "bench", "org_id": s.ids["county"], "kind": termgoal.AppraisalAnnual, "year": appraisalYear}))
	var res workflows.CampaignResult
	if err := s.client.GetWorkflow(ctx, workflows.CampaignID(c), "").Get(ctx, &res); err != nil {
		b.Fatal(err)
	}
	campaign := time.Since(t0)
	b.StopTimer()
	if res.Started != n {
		b.Fatalf("the campaign started %d of %d appraisals (%+v)", res.Started, n, res)
	}
	started := s.lastStart(b, workflows.CampaignID(c)).Sub(t0)
	bareRate, campaignRate, startedRate := float64(n)/bare.Seconds(), float64(n)/campaign.Seconds(), float64(n)/started.Seconds()
	b.ReportMetric(float64(n), "appraisals")
	b.ReportMetric(bareRate, "bare-starts/s")
	b.ReportMetric(campaignRate, "campaign-starts/s")
	b.ReportMetric(campaignRate/bareRate, "ratio")
	b.ReportMetric(startedRate, "started-starts/s")
	b.ReportMetric(startedRate/bareRate, "ratio-started")
}
