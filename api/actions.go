package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/edge"
	"termgoal/workflows"
)

// headerKey returns the request's Idempotency-Key ("" when it has none).
func headerKey(c *gin.Context) (string, error) {
	key := c.GetHeader("Idempotency-Key")
	if key != "" && !edge.ValidKey.MatchString(key) {
		return "", edge.ErrBadKey()
	}
	return key, nil
}

// postAction applies a human action to a process (T3, T7).
func (h *Handler) postAction(c *gin.Context) {
	h.actFromRequest(c, c.Param("id"), c.Param("action"))
}

// fileObjection files an objection against a notice; the public may do it without signing in,
// and their objection is then anonymous (P9).
func (h *Handler) fileObjection(c *gin.Context) {
	h.actFromRequest(c, c.Param("process_id"), workflows.UpdateFileObjection)
}

// actFromRequest decodes the action input from the body, sets the authenticated actor and runs
// the action under the request's Idempotency-Key.
func (h *Handler) actFromRequest(c *gin.Context, processID, action string) {
	newInput, ok := workflows.Actions[action]
	if !ok {
		h.fail(c, termgoal.Errorf(termgoal.ENOTFOUND, "action.unknown", "no such action"))
		return
	}
	key, err := headerKey(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	in := newInput()
	if err := decodeBody(c, in, true); err != nil {
		h.fail(c, err)
		return
	}
	actor := edge.Actor(c)
	if obj, ok := in.(*workflows.FileObjectionInput); ok && actor.AccountID == 0 {
		obj.Anonymous = true
	}
	in.SetActor(actor)
	res, err := h.ops.Act(c.Request.Context(), actor, processID, action, key, in)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
