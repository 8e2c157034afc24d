package api

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/start"
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
	id, err := h.StartAmendment(c.Request.Context(), Caller(c), Actor(c), t, path, req.Reason)
	if err != nil {
		h.fail(c, err)
		return
	}
	if h.audit(c, termgoal.Audit{Action: "amendment_started", TermID: t.ID, ProcessID: id, Detail: map[string]any{"reason": req.Reason}}) {
		c.JSON(http.StatusCreated, gin.H{"process_id": id})
	}
}

// StartAmendment starts an amendment of term t (at org path) for acc acting as actor, and
// returns its process ID; the web page calls it too.
func (h *Handler) StartAmendment(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, t *termgoal.Term, path, reason string) (string, error) {
	switch {
	case !h.mayAmend(acc, t, path):
		return "", app.ErrForbidden()
	case strings.TrimSpace(reason) == "":
		return "", termgoal.Errorf(termgoal.EINVALID, "amendment.reason", "say why the plan must change")
	case t.Status != "goals_in_force":
		return "", termgoal.Errorf(termgoal.ECONFLICT, "amendment.not_in_force", "only a plan in force can be amended")
	}
	procs, err := h.store.ProcessesOfTerm(ctx, t.ID)
	if err != nil {
		return "", err
	}
	if slices.ContainsFunc(procs, func(p termgoal.Process) bool { return p.Status == "running" }) {
		return "", errAmendmentRunning()
	}
	n := 1
	for _, p := range procs {
		if p.Kind == workflows.KindAmendment {
			n++
		}
	}
	id := workflows.AmendmentID(t.ID, n)
	in := workflows.GoalSettingInput{TermID: t.ID, Initiator: actor, Amendment: true, Reason: reason}
	if _, err := h.start(ctx, start.Run{ID: id, Queue: workflows.TaskQueue, Workflow: workflows.GoalSettingWorkflowName, Input: in}, errAmendmentRunning); err != nil {
		return "", err
	}
	return id, nil
}

// mayAmend reports whether acc may ask to amend term t: its holder or an administrator.
func (h *Handler) mayAmend(acc *termgoal.Account, t *termgoal.Term, path string) bool {
	return isAdmin(acc, path) || acc.Can(termgoal.RoleHolder, path) ||
		(t.PersonID != nil && acc.PersonID != nil && *acc.PersonID == *t.PersonID)
}

func errAmendmentRunning() error {
	return termgoal.Errorf(termgoal.ECONFLICT, "amendment.running", "a process of this term is still running")
}
