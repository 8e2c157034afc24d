package api

// Campaigns (P7): the JSON handlers of app.Service's campaign operations.

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
)

// CampaignView is a campaign with its progress.
type CampaignView struct {
	Campaign *termgoal.Campaign        `json:"campaign"`
	Progress termgoal.CampaignProgress `json:"progress"`
}

// CampaignRemindRequest reminds the campaign's laggards.
type CampaignRemindRequest struct {
	Reason string `json:"reason"`
}

// createCampaign records the campaign and starts its workflow.
func (h *Handler) createCampaign(c *gin.Context) {
	var req app.CampaignRequest
	if !h.bind(c, &req) {
		return
	}
	camp, err := h.ops.StartCampaign(c.Request.Context(), edge.Caller(c), edge.Actor(c), req)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, camp)
}

// adminCampaign loads campaign :id and checks the caller administers its org.
func (h *Handler) adminCampaign(c *gin.Context) (*termgoal.Campaign, string, error) {
	id, err := edge.ParseID(c.Param("id"))
	if err != nil {
		return nil, "", err
	}
	return h.ops.AdminCampaign(c.Request.Context(), edge.Caller(c), id)
}

// rerunCampaign runs campaign :id again: terms added since get their process, and none is
// started twice.
func (h *Handler) rerunCampaign(c *gin.Context) {
	camp, _, err := h.adminCampaign(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	run, err := h.ops.RerunCampaign(c.Request.Context(), edge.Caller(c), edge.Actor(c), camp)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, run)
}

// listCampaigns answers the campaigns on the orgs the caller administers, newest first.
func (h *Handler) listCampaigns(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	items, total, err := app.PagedAcross(app.AdminRoots(edge.Caller(c)), limit, offset, func(root string, l, o int) ([]termgoal.Campaign, int, error) {
		return h.store.Campaigns(c.Request.Context(), root, l, o)
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, items, total)
}

// getCampaign answers campaign :id with its progress today.
func (h *Handler) getCampaign(c *gin.Context) {
	camp, _, err := h.adminCampaign(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	p, err := h.store.CampaignProgress(c.Request.Context(), camp, h.ops.Today())
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, CampaignView{Campaign: camp, Progress: p})
}

// remindCampaign reminds the assignees of every overdue process of the campaign's kind under
// its org, as a batch remind: one remind per process under an update ID from the
// Idempotency-Key, audited once as campaign_remind.
func (h *Handler) remindCampaign(c *gin.Context) {
	camp, _, err := h.adminCampaign(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var req CampaignRemindRequest
	if key, ok := h.batchRequest(c, &req); ok {
		b, err := h.ops.RemindCampaign(c.Request.Context(), edge.Caller(c), edge.Actor(c), camp, key, req.Reason)
		h.batchAnswer(c, b, err)
	}
}
