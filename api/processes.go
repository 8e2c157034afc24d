package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/edge"
	"termgoal/postgres"
)

// listProcesses answers the processes in the caller's scope, or under ?org_id=, newest first,
// with their org's and holder's names: ?holder= (part of a name), ?kind=, ?step=, ?status=,
// ?overdue=true, ?due_within= (days), ?template_id=.
func (h *Handler) listProcesses(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	roots, ok := h.listScope(c)
	if !ok {
		return
	}
	if len(roots) == 0 {
		list(c, []postgres.ProcessRow{}, 0) // no grant: nothing to list
		return
	}
	tmpl, ok := h.intQuery(c, "template_id")
	if !ok {
		return
	}
	due, ok := h.intQuery(c, "due_within")
	if !ok {
		return
	}
	items, total, err := h.ops.ProcessList(c.Request.Context(), edge.Caller(c), postgres.ProcessFilter{OrgPaths: roots,
		Holder: strings.TrimSpace(c.Query("holder")), Kind: c.Query("kind"), Step: termgoal.Step(c.Query("step")),
		Status: c.Query("status"), Overdue: c.Query("overdue") == "true", TemplateID: int64(tmpl), DueWithinDays: due, Limit: limit, Offset: offset})
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, items, total)
}

// processOf loads the process of the path's :id and checks the caller may see it.
func (h *Handler) processOf(c *gin.Context) (*termgoal.Process, error) {
	return h.ops.VisibleProcess(c.Request.Context(), edge.Caller(c), c.Param("id"))
}

// visibleProcess is processOf for the JSON API: a refusal is answered.
func (h *Handler) visibleProcess(c *gin.Context) (*termgoal.Process, bool) {
	p, err := h.processOf(c)
	if err != nil {
		h.fail(c, err)
	}
	return p, err == nil
}

func (h *Handler) getProcess(c *gin.Context) {
	p, ok := h.visibleProcess(c)
	if !ok {
		return
	}
	v, err := h.ops.ProcessView(c.Request.Context(), edge.Caller(c), p)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
