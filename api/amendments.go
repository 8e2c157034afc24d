package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal/edge"
)

type amendmentRequest struct {
	Reason string `json:"reason"`
}

// startAmendment starts a plan amendment (目标调整, P3): the holder or an administrator asks to
// change the plan in force for a reason; the holder drafts the change and the superior
// approves it. A term has one amendment running at a time.
func (h *Handler) startAmendment(c *gin.Context) {
	t, _, ok := h.readableTerm(c)
	if !ok {
		return
	}
	var req amendmentRequest
	if !h.bind(c, &req) {
		return
	}
	id, err := h.ops.StartAmendment(c.Request.Context(), edge.Caller(c), edge.Actor(c), t, req.Reason)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"process_id": id})
}
