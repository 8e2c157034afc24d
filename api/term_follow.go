package api

// Following a term (P4, P10): the term's workflow starts its reports and appraisals on the
// calendar; its progress reports with the lagging items; and the handover of a person's term
// to a successor, which the term's workflow carries out (moving open tasks, appraising the
// leaver's partial term).

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/start"
	"termgoal/workflows"
)

// HandoverRequest hands a person's term over to a successor on a day.
type HandoverRequest struct {
	ToPersonID int64  `json:"to_person_id"`
	On         string `json:"on"` // YYYY-MM-DD
	Reason     string `json:"reason"`
}

// termProgress answers the progress reports of term :id, oldest first, with their lagging items.
func (h *Handler) termProgress(c *gin.Context) {
	t, _, ok := h.readableTerm(c)
	if !ok {
		return
	}
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	reports, err := h.store.ProgressReports(c.Request.Context(), t.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, pageOf(reports, limit, offset), len(reports))
}

// adminTerm loads term :id and checks the caller administers its org.
func (h *Handler) adminTerm(c *gin.Context) (*termgoal.Term, bool) {
	t, path, ok := h.readableTerm(c)
	if !ok {
		return nil, false
	}
	if !isAdmin(Caller(c), path) {
		h.fail(c, app.ErrForbidden())
		return nil, false
	}
	return t, true
}

// followTerm starts the term's workflow, which then starts the term's processes on the
// calendar. It runs once per term; one that failed or was terminated may be started again.
func (h *Handler) followTerm(c *gin.Context) {
	t, ok := h.adminTerm(c)
	if !ok {
		return
	}
	id, err := h.FollowTerm(c, t)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"workflow_id": id})
}

// FollowTerm starts term t's workflow as the caller and audits it.
func (h *Handler) FollowTerm(c *gin.Context, t *termgoal.Term) (string, error) {
	id := workflows.TermID(t.ID)
	run := start.Run{ID: id, Queue: workflows.TaskQueue, Workflow: workflows.TermWorkflowName,
		Input: workflows.TermInput{TermID: t.ID, Initiator: Actor(c)}, Reuse: start.AfterFailure}
	if _, err := h.start(c.Request.Context(), run, func() error {
		return termgoal.Errorf(termgoal.ECONFLICT, "term.already_followed", "this term is already being followed")
	}); err != nil {
		return id, err
	}
	return id, h.appendAudit(c, termgoal.Audit{Action: "term_followed", TermID: t.ID, Detail: map[string]any{"workflow_id": id}})
}

// handover hands term :id over to a successor (an administrator of the term's org).
func (h *Handler) handover(c *gin.Context) {
	t, ok := h.adminTerm(c)
	if !ok {
		return
	}
	key := c.GetHeader("Idempotency-Key")
	if key != "" && !validKey.MatchString(key) {
		h.fail(c, termgoal.Errorf(termgoal.EMALFORMED, "action.bad_key", "the Idempotency-Key must be 1 to 200 printable ASCII characters"))
		return
	}
	var req HandoverRequest
	if !h.bind(c, &req) {
		return
	}
	res, err := h.Handover(c, t, req, key)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// Handover checks req against term t, then sends the handover to the term's workflow as an
// administrator (the caller's grant was checked) under key, and audits it.
func (h *Handler) Handover(c *gin.Context, t *termgoal.Term, req HandoverRequest, key string) (*workflows.HandoverResult, error) {
	ctx := c.Request.Context()
	in, err := h.handoverInput(ctx, t, req)
	if err != nil {
		return nil, err
	}
	in.Actor = Actor(c)
	in.Actor.Admin = true
	if key == "" {
		key = randomHex(16)
	}
	var res workflows.HandoverResult
	err = h.ops.Update(ctx, workflows.TermID(t.ID), workflows.UpdateHandover, key, in, &res)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		// No term workflow runs: nothing would carry the handover out.
		err = termgoal.Errorf(termgoal.ECONFLICT, "handover.not_followed", "the term is not being followed: follow it first")
	}
	if err != nil {
		return nil, err
	}
	return &res, h.appendAudit(c, termgoal.Audit{Action: "handover", TermID: t.ID, ProcessID: res.AppraisalID, Detail: map[string]any{
		"to_person_id": in.ToPersonID, "on": req.On, "reason": in.Reason, "processes": res.Processes}})
}

// handoverInput checks a handover request against the term: a person's term, a successor who
// exists and is not the holder, a date within the term and a reason.
func (h *Handler) handoverInput(ctx context.Context, t *termgoal.Term, req HandoverRequest) (*workflows.HandoverInput, error) {
	if t.HolderKind != termgoal.HolderPerson {
		return nil, termgoal.Errorf(termgoal.EINVALID, "handover.org_term", "only a person's term is handed over")
	}
	if req.ToPersonID <= 0 {
		return nil, termgoal.Errorf(termgoal.EINVALID, "handover.successor", "name the successor")
	}
	if t.PersonID != nil && *t.PersonID == req.ToPersonID {
		return nil, termgoal.Errorf(termgoal.EINVALID, "handover.same_person", "the successor already holds the term", "id", req.ToPersonID)
	}
	if _, err := h.store.Person(ctx, req.ToPersonID); err != nil {
		if isNotFound(err) {
			return nil, termgoal.Errorf(termgoal.EINVALID, "handover.person_unknown", "the successor does not exist")
		}
		return nil, err
	}
	on, err := parseDay(strings.TrimSpace(req.On), "handover.on")
	if err != nil {
		return nil, err
	}
	if on.Before(t.Start) || on.After(t.End) {
		return nil, termgoal.Errorf(termgoal.EINVALID, "handover.date", "the handover date is outside the term")
	}
	if strings.TrimSpace(req.Reason) == "" {
		return nil, termgoal.Errorf(termgoal.EINVALID, "admin.reason", "give a reason")
	}
	return &workflows.HandoverInput{ToPersonID: req.ToPersonID, On: on, Reason: strings.TrimSpace(req.Reason)}, nil
}
