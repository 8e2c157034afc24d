package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/workflows"
)

// maxRunEvents is the ceiling every run of a long-lived workflow must stay under.
const maxRunEvents = 10000

// A whole five-year term on a real Temporal server, every run's history measured: the term
// ran from 2021 to March 2026, so its schedule (a ledger a month, a summary a quarter, the
// mid-year self-checks, five annual appraisals and the end of term) is all due at once and the
// workflow goes through its six yearly runs in one go. Each run is one year: none comes near
// 10,000 events.
func TestTermRunsStayShort(t *testing.T) {
	s := start(t)
	s.setup()
	ctx := context.Background()
	tpl := id(s.must(201, "admin", "POST", "/api/v1/templates", village(nil)))
	term := termgoal.Term{OrgID: s.ids["village"], HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), TemplateID: tpl}
	if err := s.store.CreateTerm(ctx, &term); err != nil {
		t.Fatal(err)
	}
	s.planInForce(t, term.ID)
	id := workflows.TermID(term.ID)
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue}, workflows.TermWorkflowName,
		workflows.TermInput{TermID: term.ID, Initiator: termgoal.System, Since: term.Start})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	var res workflows.TermResult
	if err := s.client.GetWorkflow(wctx, id, "").Get(wctx, &res); err != nil {
		t.Fatalf("term workflow from run %s: %v", run.GetRunID(), err)
	}

	var runs []int64
	waitLong(t, "the six runs in visibility", func() bool {
		resp, err := s.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: fmt.Sprintf("WorkflowId = '%s'", id)})
		if err != nil {
			t.Fatal(err)
		}
		runs = runs[:0]
		for _, e := range resp.Executions {
			if e.GetCloseTime() != nil {
				runs = append(runs, e.GetHistoryLength())
			}
		}
		return len(runs) == 6
	})
	for i, n := range runs {
		if n <= 0 || n >= maxRunEvents {
			t.Errorf("run %d has %d history events; every run must stay under %d", i, n, maxRunEvents)
		}
	}
	t.Logf("history events per yearly run: %v", runs)
	s.saveHistory(t, id, "term_last_run")
	// The schedule started every report, the appraisals and the end of term exactly once.
	for _, want := range []string{workflows.ReportID(term.ID, "2021-01"), workflows.ReportID(term.ID, "2025-Q4"), workflows.ReportID(term.ID, "2023-H1"),
		workflows.AppraisalID(term.ID, 2021), workflows.AppraisalID(term.ID, 2025), workflows.TermEndID(term.ID)} {
		if _, err := s.client.DescribeWorkflowExecution(ctx, want, ""); err != nil {
			t.Errorf("%s was not started: %v", want, err)
		}
	}
}
