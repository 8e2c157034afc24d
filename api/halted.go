package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal/edge"
)

// RestartRequest restarts a halted process (app.Service.Restart).
type RestartRequest struct {
	Reason string `json:"reason"`
}

func (h *Handler) restartProcess(c *gin.Context) {
	var req RestartRequest
	if !h.bind(c, &req) {
		return
	}
	p, err := h.processOf(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	res, err := h.ops.Restart(c.Request.Context(), edge.Actor(c), edge.Caller(c), p, req.Reason)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
