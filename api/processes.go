package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal"
)

// listProcesses answers the processes in the caller's scope, or under ?org_id=.
func (h *Handler) listProcesses(c *gin.Context) { listScoped(h, c, h.store.Processes) }

// processOf loads the process of the path's :id and checks the caller may see it.
func (h *Handler) processOf(c *gin.Context) (*termgoal.Process, error) {
	return h.ops.VisibleProcess(c.Request.Context(), Caller(c), c.Param("id"))
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
	v, err := h.ops.ProcessView(c.Request.Context(), Caller(c), p)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
