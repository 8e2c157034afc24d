package app

import (
	"context"
	"errors"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"

	"termgoal"
	"termgoal/postgres"
	"termgoal/start"
	"termgoal/workflows"
)

// A process is halted when its workflow ended without reaching the process's end: Temporal
// terminated it (an operator, or a limit), it failed, timed out or was cancelled from outside.
// The read model, written by the workflow, would show it running forever; termgoal notices it
// when someone acts on the process or opens it, records it (audited), answers actions 409 with
// the reason, and lets an administrator restart it from its last state.

// haltedAs names the Temporal statuses no termgoal run ends with.
var haltedAs = map[enumspb.WorkflowExecutionStatus]string{
	enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED: "terminated",
	enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:     "failed",
	enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:  "timed_out",
	enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:   "canceled",
}

// checkHalted asks Temporal whether the workflow of p, which the read model shows running,
// still runs; when it ended abnormally p is recorded halted and updated. A Temporal that does
// not answer leaves p as it is: a page must not fail for it.
func (s *Service) CheckHalted(ctx context.Context, p *termgoal.Process) error {
	if p.Status != "running" || s.Temporal == nil {
		return nil
	}
	d, err := s.Temporal.DescribeWorkflowExecution(ctx, p.ID, "")
	if err != nil {
		if !errors.As(err, new(*serviceerror.NotFound)) {
			s.Log.WarnContext(ctx, "describe workflow", "process_id", p.ID, "err", err.Error())
		}
		return nil
	}
	info := d.GetWorkflowExecutionInfo()
	why, ok := haltedAs[info.GetStatus()]
	if !ok {
		return nil
	}
	at := info.GetCloseTime().AsTime()
	if err := s.Store.HaltProcess(ctx, p.ID, why, at); err != nil {
		return err
	}
	p.Status = postgres.StatusHalted
	p.State.Halted = &termgoal.Halted{Status: why, At: at}
	return nil
}

func errHalted(p *termgoal.Process) error {
	why := ""
	if h := p.State.Halted; h != nil {
		why = h.Status
	}
	return termgoal.Errorf(termgoal.ECONFLICT, "process.halted",
		"the process's workflow has stopped ("+why+"); an administrator can restart it", "halted", why)
}

// RestartResult names the new run.
type RestartResult struct {
	ProcessID string `json:"process_id"`
	RunID     string `json:"run_id"`
}

// Restart starts a new run of halted process p from the state its last run reached, for
// reason, as an administrator of its org: the state comes from the last run by a query
// (Temporal replays its history on a worker), and the new run carries on from it as a
// continue-as-new would, with its open tasks, deadlines and applied update IDs.
func (s *Service) Restart(ctx context.Context, actor termgoal.Actor, acc *termgoal.Account, p *termgoal.Process, reason string) (RestartResult, error) {
	var res RestartResult
	if err := s.adminOf(ctx, acc, p.OrgID); err != nil {
		return res, err
	}
	if strings.TrimSpace(reason) == "" {
		return res, termgoal.Errorf(termgoal.EINVALID, "process.restart_reason", "give the reason for the restart")
	}
	if s.Temporal == nil {
		return res, errNoTemporal
	}
	if err := s.CheckHalted(ctx, p); err != nil {
		return res, err
	}
	if p.Status != postgres.StatusHalted {
		return res, termgoal.Errorf(termgoal.ECONFLICT, "process.not_halted", "the process is not halted")
	}
	v, err := s.Temporal.QueryWorkflow(ctx, p.ID, "", workflows.QueryState)
	if err != nil {
		return res, termgoal.Errorf(termgoal.ECONFLICT, "process.state_lost",
			"the state of the process's last run cannot be read: "+err.Error(), "detail", err.Error())
	}
	var st workflows.GoalState
	if err := v.Get(&st); err != nil {
		return res, err
	}
	name, input := workflows.Resume(&st)
	run, err := start.Once(ctx, s.Temporal, start.Run{ID: p.ID, Queue: workflows.TaskQueue, Workflow: name, Input: input, Reuse: start.AfterClose})
	if err != nil && !errors.Is(err, start.ErrTaken) {
		return res, UnavailableOr(err)
	}
	// Started now or by an earlier attempt whose read-model write failed: record it.
	if err := s.Store.ResumeProcess(ctx, p.ID, actor, strings.TrimSpace(reason), s.Now()); err != nil {
		return res, err
	}
	res.ProcessID = p.ID
	if run != nil {
		res.RunID = run.GetRunID()
	}
	return res, nil
}
