package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/edge"
)

// Templates configure goal setting for every org (A5): any signed-in user reads them, an
// administrator of a root org writes them. Each write makes a new version; running processes
// keep the version they started with.

func (h *Handler) listTemplates(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	ts, err := h.store.Templates(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, pageOf(ts, limit, offset), len(ts))
}

func (h *Handler) getTemplate(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	t, err := h.store.Template(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

func (h *Handler) templateVersions(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	vs, err := h.ops.TemplateVersions(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, vs, len(vs))
}

// compareTemplate answers what differs between versions ?from= and ?to= of a template (to:
// the current version by default; from: the one before to).
func (h *Handler) compareTemplate(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	from, ok := h.intQuery(c, "from")
	if !ok {
		return
	}
	to, ok := h.intQuery(c, "to")
	if !ok {
		return
	}
	cmp, err := h.ops.CompareTemplateVersions(c.Request.Context(), id, int(from), int(to))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cmp)
}

func (h *Handler) createTemplate(c *gin.Context) {
	var t termgoal.Template
	if !h.bind(c, &t) {
		return
	}
	t.ID = 0
	if err := h.ops.SaveTemplate(c.Request.Context(), edge.Caller(c), edge.Actor(c), &t); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, t)
}

func (h *Handler) updateTemplate(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	var t termgoal.Template
	if !h.bind(c, &t) {
		return
	}
	t.ID = id
	if err := h.ops.SaveTemplate(c.Request.Context(), edge.Caller(c), edge.Actor(c), &t); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}
