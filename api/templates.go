package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
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

// templateBody decodes and validates a template body for a root administrator.
func (h *Handler) templateBody(c *gin.Context) (*termgoal.Template, bool) {
	if !app.IsRootAdmin(edge.Caller(c)) {
		h.fail(c, app.ErrForbidden())
		return nil, false
	}
	var t termgoal.Template
	if !h.bind(c, &t) {
		return nil, false
	}
	if t.OrgType != "" && !t.OrgType.Valid() {
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "org.type", "the organization type must be village_community, agency, enterprise or other"))
		return nil, false
	}
	for s := range t.StepDays {
		if termgoal.StepRole[s] == "" {
			h.fail(c, termgoal.Errorf(termgoal.EINVALID, "template.step_unknown", "unknown step "+string(s), "step", string(s)))
			return nil, false
		}
	}
	if err := t.Validate(); err != nil {
		h.fail(c, err)
		return nil, false
	}
	return &t, true
}

func (h *Handler) createTemplate(c *gin.Context) {
	t, ok := h.templateBody(c)
	if !ok {
		return
	}
	t.ID = 0
	if err := h.store.CreateTemplate(c.Request.Context(), t); err != nil {
		h.fail(c, err)
		return
	}
	if h.audit(c, termgoal.Audit{Action: "template_created", Detail: map[string]any{"template_id": t.ID, "name": t.Name}}) {
		c.JSON(http.StatusCreated, t)
	}
}

func (h *Handler) updateTemplate(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	t, ok := h.templateBody(c)
	if !ok {
		return
	}
	t.ID = id
	if err := h.store.UpdateTemplate(c.Request.Context(), t); err != nil {
		h.fail(c, err)
		return
	}
	if h.audit(c, termgoal.Audit{Action: "template_updated", Detail: map[string]any{"template_id": t.ID, "version": t.Version}}) {
		c.JSON(http.StatusOK, t)
	}
}
