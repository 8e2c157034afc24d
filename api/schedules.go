package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal/app"
	"termgoal/edge"
)

// The JSON handlers of campaign schedules (P7; app.Service.CreateCampaignSchedule and the rest).

func (h *Handler) createCampaignSchedule(c *gin.Context) {
	var req app.CampaignScheduleRequest
	if !h.bind(c, &req) {
		return
	}
	s, err := h.ops.CreateCampaignSchedule(c.Request.Context(), edge.Caller(c), edge.Actor(c), req)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, s)
}

func (h *Handler) listCampaignSchedules(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	all, err := h.ops.CampaignSchedules(c.Request.Context(), edge.Caller(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, pageOf(all, limit, offset), len(all))
}

func (h *Handler) deleteCampaignSchedule(c *gin.Context) {
	if err := h.ops.DeleteCampaignSchedule(c.Request.Context(), edge.Caller(c), edge.Actor(c), c.Param("id")); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
