package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal/app"
	"termgoal/edge"
)

// The JSON handlers of anonymous ballots (P5; app.Service.IssueBallotCodes and CastBallot).

// BallotReceipt confirms a ballot was counted.
type BallotReceipt struct {
	Counted bool `json:"counted"`
}

// issueBallotCodes issues codes for a ballot group of appraisal :id (an administrator of its org).
func (h *Handler) issueBallotCodes(c *gin.Context) {
	var req app.BallotCodesRequest
	if !h.bind(c, &req) {
		return
	}
	codes, err := h.ops.IssueBallotCodes(c.Request.Context(), edge.Caller(c), edge.Actor(c), c.Param("id"), req)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, codes)
}

// castBallot casts an anonymous ballot with a one-time code; no sign-in (public).
func (h *Handler) castBallot(c *gin.Context) {
	var req app.BallotRequest
	if !h.bind(c, &req) {
		return
	}
	if err := h.ops.CastBallot(c.Request.Context(), c.ClientIP(), req); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, BallotReceipt{Counted: true})
}
