// Package app holds termgoal's operations apart from HTTP, for the pages, the JSON API and the
// command line. So far: reconciling the read model with the workflows, and repairing it; the rest of the
// operations move here from api/ step by step (README, "Layout").
package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/postgres"
	"termgoal/workflows"
)

// Difference is one way the read model of a process differs from its workflow.
type Difference struct {
	ProcessID string `json:"process_id"`
	// What differs: "workflow" (it no longer runs, or cannot be asked), "step", "plan_version",
	// "tasks" (the open tasks, as ID:account).
	What      string `json:"what"`
	ReadModel string `json:"read_model"`
	Workflow  string `json:"workflow"`
}

func (d Difference) String() string {
	return fmt.Sprintf("%s %s: read model %q, workflow %q", d.ProcessID, d.What, d.ReadModel, d.Workflow)
}

// Reconcile compares every process the read model shows running with its workflow: that the
// workflow runs, and its step, plan version and open tasks (by the state query). It changes
// nothing and returns what differs; an empty list means the read model agrees.
func Reconcile(ctx context.Context, s *postgres.Store, c client.Client) ([]Difference, error) {
	procs, err := s.RunningProcesses(ctx)
	if err != nil {
		return nil, err
	}
	var diffs []Difference
	for _, p := range procs {
		differ := func(what, readModel, wf string) {
			if readModel != wf {
				diffs = append(diffs, Difference{ProcessID: p.ID, What: what, ReadModel: readModel, Workflow: wf})
			}
		}
		d, err := c.DescribeWorkflowExecution(ctx, p.ID, "")
		if err != nil {
			differ("workflow", "running", "unknown: "+err.Error())
			continue
		}
		if st := d.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			differ("workflow", "running", strings.ToLower(strings.TrimPrefix(st.String(), "WORKFLOW_EXECUTION_STATUS_")))
			continue
		}
		v, err := c.QueryWorkflow(ctx, p.ID, "", workflows.QueryState)
		var st workflows.GoalState
		if err == nil {
			err = v.Get(&st)
		}
		if err != nil {
			differ("workflow", "running", "state query failed: "+err.Error())
			continue
		}
		differ("step", string(p.Step), string(st.Step))
		differ("plan_version", fmt.Sprint(p.Version), fmt.Sprint(st.Version))
		open, err := s.OpenTasks(ctx, p.ID)
		if err != nil {
			return diffs, err
		}
		var rm, wf []string
		for _, t := range open {
			rm = append(rm, fmt.Sprintf("%s:%d", t.ID, t.AccountID))
		}
		for _, t := range st.Tasks {
			wf = append(wf, fmt.Sprintf("%s:%d", t.ID, t.AccountID))
		}
		slices.Sort(rm)
		slices.Sort(wf)
		differ("tasks", strings.Join(rm, " "), strings.Join(wf, " "))
	}
	return diffs, nil
}

// Repair makes the read model agree with the workflows where Reconcile found it does not: a
// running workflow writes its process row and open tasks again (the resync update, audited as
// read_model_repaired with reason), and a process whose workflow no longer runs is shown
// halted, for an administrator to restart. It returns the processes it repaired.
func Repair(ctx context.Context, s *postgres.Store, c client.Client, diffs []Difference, reason string) ([]string, error) {
	var repaired []string
	for _, d := range diffs {
		if slices.Contains(repaired, d.ProcessID) {
			continue
		}
		var err error
		switch {
		case d.What != "workflow":
			err = resync(ctx, c, d.ProcessID, reason)
		case slices.Contains(halts, d.Workflow):
			err = s.HaltProcess(ctx, d.ProcessID, d.Workflow, time.Now())
		default:
			continue // completed, or not to be asked: left for a person to look at
		}
		if err != nil {
			return repaired, fmt.Errorf("repair %s: %w", d.ProcessID, err)
		}
		repaired = append(repaired, d.ProcessID)
	}
	return repaired, nil
}

// halts are the ways a workflow ends without its process reaching its end (postgres.HaltProcess).
var halts = []string{"terminated", "failed", "timed_out", "canceled"}

func resync(ctx context.Context, c client.Client, processID, reason string) error {
	in := workflows.ReasonInput{Acting: workflows.Acting{Actor: Operator}, Reason: reason}
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: processID, UpdateName: workflows.UpdateResync, Args: []any{in},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, nil)
}

// Operator is the actor of what the command line does (termgoal reconcile --repair).
var Operator = termgoal.Actor{Name: "termgoal reconcile", Admin: true}
