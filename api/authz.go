package api

import (
	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
)

// adminOfReferenced checks that the caller administers the org a request body refers to. An
// unknown org is the body's fault (422 with unknownKey), not a missing resource (404).
func (h *Handler) adminOfReferenced(c *gin.Context, orgID int64, unknownKey string) bool {
	path, err := h.ops.OrgPath(c.Request.Context(), orgID)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		err = termgoal.Errorf(termgoal.EINVALID, unknownKey, "the organization does not exist")
	}
	if err != nil {
		h.fail(c, err)
		return false
	}
	if !app.IsAdmin(edge.Caller(c), path) {
		h.fail(c, app.ErrForbidden())
		return false
	}
	return true
}
