package api

// Plan versions and the plan in force (P3): every version a term's plan went through with the
// period it was in force, and the version in force on a day. Reading them takes what reading the
// term takes (readableTerm).

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal/app"
)

// getPlanInForce answers the version of term :id's plan in force on ?on= (YYYY-MM-DD, default
// today in China), with its items; 404 before the goals came into force.
func (h *Handler) getPlanInForce(c *gin.Context) {
	t, _, ok := h.readableTerm(c)
	if !ok {
		return
	}
	on, ok := h.dateQuery(c, "on")
	if !ok {
		return
	}
	v, err := h.store.PlanInForce(c.Request.Context(), t.ID, app.EndOfDay(on))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// listPlanVersions answers every version of term :id's plan, newest first, each with its items
// and the period it was in force.
func (h *Handler) listPlanVersions(c *gin.Context) {
	t, _, ok := h.readableTerm(c)
	if !ok {
		return
	}
	vs, err := h.store.PlanVersions(c.Request.Context(), t.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, vs, len(vs))
}
