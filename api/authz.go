package api

import (
	"github.com/gin-gonic/gin"

	"termgoal/edge"
)

// adminOfReferenced checks that the caller administers the org a request body refers to. An
// unknown org is the body's fault (422 with unknownKey), not a missing resource (404).
func (h *Handler) adminOfReferenced(c *gin.Context, orgID int64, unknownKey string) bool {
	if _, err := h.ops.AdminOfReferenced(c.Request.Context(), edge.Caller(c), orgID, unknownKey); err != nil {
		h.fail(c, err)
		return false
	}
	return true
}
