package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/workflows"
)

type amendmentRequest struct {
	Reason string `json:"reason"`
}

// startAmendment starts a plan amendment (目标调整, P3): the holder or an administrator asks to
// change the plan in force for a reason; the holder drafts the change and the superior
// approves it. A term has one amendment running at a time.
func (h *Handler) startAmendment(c *gin.Context) {
	t, path, ok := h.readableTerm(c)
	if !ok {
		return
	}
	var req amendmentRequest
	if !h.bind(c, &req) {
		return
	}
	acc := Caller(c)
	holder := acc.Can(termgoal.RoleHolder, path) || (t.PersonID != nil && acc.PersonID != nil && *acc.PersonID == *t.PersonID)
	switch {
	case !isAdmin(acc, path) && !holder:
		h.fail(c, errForbidden())
		return
	case strings.TrimSpace(req.Reason) == "":
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "amendment.reason", "say why the plan must change"))
		return
	case t.Status != "goals_in_force":
		h.fail(c, termgoal.Errorf(termgoal.ECONFLICT, "amendment.not_in_force", "only a plan in force can be amended"))
		return
	}
	ctx := c.Request.Context()
	procs, err := h.store.ProcessesOfTerm(ctx, t.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if slices.ContainsFunc(procs, func(p termgoal.Process) bool { return p.Status == "running" }) {
		h.fail(c, termgoal.Errorf(termgoal.ECONFLICT, "amendment.running", "a process of this term is still running"))
		return
	}
	n := 1
	for _, p := range procs {
		if p.Kind == workflows.KindAmendment {
			n++
		}
	}
	if h.temporal == nil {
		h.fail(c, errors.New("no Temporal client configured"))
		return
	}
	id := workflows.AmendmentID(t.ID, n)
	_, err = h.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflows.GoalSettingWorkflowName, workflows.GoalSettingInput{TermID: t.ID, Initiator: Actor(c), Amendment: true, Reason: req.Reason})
	if errors.As(err, new(*serviceerror.WorkflowExecutionAlreadyStarted)) {
		h.fail(c, termgoal.Errorf(termgoal.ECONFLICT, "amendment.running", "a process of this term is still running"))
		return
	}
	if err != nil {
		h.fail(c, unavailableOr(err))
		return
	}
	if h.audit(c, termgoal.Audit{Action: "amendment_started", TermID: t.ID, ProcessID: id, Detail: map[string]any{"reason": req.Reason}}) {
		c.JSON(http.StatusCreated, gin.H{"process_id": id})
	}
}
