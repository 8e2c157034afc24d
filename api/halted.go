package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
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
func (h *Handler) checkHalted(ctx context.Context, p *termgoal.Process) error {
	if p.Status != "running" || h.temporal == nil {
		return nil
	}
	d, err := h.temporal.DescribeWorkflowExecution(ctx, p.ID, "")
	if err != nil {
		if !errors.As(err, new(*serviceerror.NotFound)) {
			h.log.WarnContext(ctx, "describe workflow", "process_id", p.ID, "err", err.Error())
		}
		return nil
	}
	info := d.GetWorkflowExecutionInfo()
	why, ok := haltedAs[info.GetStatus()]
	if !ok {
		return nil
	}
	at := info.GetCloseTime().AsTime()
	if err := h.store.HaltProcess(ctx, p.ID, why, at); err != nil {
		return err
	}
	p.Status = postgres.StatusHalted
	if p.State == nil {
		p.State = map[string]any{}
	}
	p.State["halted"] = map[string]any{"status": why, "at": at}
	return nil
}

func errHalted(p *termgoal.Process) error {
	why := ""
	if m, ok := p.State["halted"].(map[string]any); ok {
		why, _ = m["status"].(string)
	}
	return termgoal.Errorf(termgoal.ECONFLICT, "process.halted",
		"the process's workflow has stopped ("+why+"); an administrator can restart it", "halted", why)
}

// RestartRequest restarts a halted process.
type RestartRequest struct {
	Reason string `json:"reason"`
}

// RestartResult names the new run.
type RestartResult struct {
	ProcessID string `json:"process_id"`
	RunID     string `json:"run_id"`
}

func (h *Handler) restartProcess(c *gin.Context) {
	var req RestartRequest
	if !h.bind(c, &req) {
		return
	}
	p, err := h.processOf(c)
	if err == nil {
		var res RestartResult
		res, err = h.Restart(c.Request.Context(), Actor(c), Caller(c), p, req.Reason)
		if err == nil {
			c.JSON(http.StatusOK, res)
			return
		}
	}
	h.fail(c, err)
}

// Restart starts a new run of halted process p from the state its last run reached, for
// reason, as an administrator of its org: the state comes from the last run by a query
// (Temporal replays its history on a worker), and the new run carries on from it as a
// continue-as-new would, with its open tasks, deadlines and applied update IDs.
func (h *Handler) Restart(ctx context.Context, actor termgoal.Actor, acc *termgoal.Account, p *termgoal.Process, reason string) (RestartResult, error) {
	var res RestartResult
	path, err := h.orgPath(ctx, p.OrgID)
	if err != nil {
		return res, err
	}
	if !isAdmin(acc, path) {
		return res, errForbidden()
	}
	if strings.TrimSpace(reason) == "" {
		return res, termgoal.Errorf(termgoal.EINVALID, "process.restart_reason", "give the reason for the restart")
	}
	if h.temporal == nil {
		return res, errors.New("no Temporal client configured")
	}
	if err := h.checkHalted(ctx, p); err != nil {
		return res, err
	}
	if p.Status != postgres.StatusHalted {
		return res, termgoal.Errorf(termgoal.ECONFLICT, "process.not_halted", "the process is not halted")
	}
	v, err := h.temporal.QueryWorkflow(ctx, p.ID, "", workflows.QueryState)
	if err != nil {
		return res, termgoal.Errorf(termgoal.ECONFLICT, "process.state_lost",
			"the state of the process's last run cannot be read: "+err.Error(), "detail", err.Error())
	}
	var s workflows.GoalState
	if err := v.Get(&s); err != nil {
		return res, err
	}
	name, input := workflows.Resume(&s)
	run, err := start.Once(ctx, h.temporal, start.Run{ID: p.ID, Queue: workflows.TaskQueue, Workflow: name, Input: input, Reuse: start.AfterClose})
	if err != nil && !errors.Is(err, start.ErrTaken) {
		return res, unavailableOr(err)
	}
	// Started now or by an earlier attempt whose read-model write failed: record it.
	if err := h.store.ResumeProcess(ctx, p.ID, actor, strings.TrimSpace(reason), h.cfg.Now()); err != nil {
		return res, err
	}
	res.ProcessID = p.ID
	if run != nil {
		res.RunID = run.GetRunID()
	}
	return res, nil
}
