package api

// Following a term (P4, P10): the term's workflow starts its reports and appraisals on the
// calendar; its progress reports with the lagging items; and the handover of a person's term
// to a successor, which the term's workflow carries out (moving open tasks, appraising the
// leaver's partial term).

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal/app"
	"termgoal/edge"
)

// HandoverRequest hands a person's term over to a successor on a day.
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

// followTerm starts the term's workflow, which then starts the term's processes on the
// calendar. It runs once per term; one that failed or was terminated may be started again.
func (h *Handler) followTerm(c *gin.Context) {
	t, _, ok := h.readableTerm(c)
	if !ok {
		return
	}
	id, err := h.ops.FollowTerm(c.Request.Context(), edge.Caller(c), edge.Actor(c), t)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"workflow_id": id})
}

// handover hands term :id over to a successor (an administrator of the term's org).
func (h *Handler) handover(c *gin.Context) {
	t, _, ok := h.readableTerm(c)
	if !ok {
		return
	}
	key, err := headerKey(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var req app.HandoverRequest
	if !h.bind(c, &req) {
		return
	}
	res, err := h.ops.Handover(c.Request.Context(), edge.Caller(c), edge.Actor(c), t, req, key)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
