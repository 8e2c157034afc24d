package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal/edge"
)

// The second factor (app/secondfactor.go) over the API: the caller sets it up, confirms it,
// renews its recovery codes and turns it off; an administrator turns it off for an account
// they manage whose phone is lost.

type secondFactorRequest struct {
	Code     string `json:"code"`
	Password string `json:"password,omitempty"` // turning it off
}

type recoveryCodes struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// mySecondFactor answers whether the caller's second factor is on.
func (h *Handler) mySecondFactor(c *gin.Context) {
	st, err := h.ops.SecondFactor(c.Request.Context(), edge.Caller(c))
	reply(h, c, http.StatusOK, st, err)
}

// enrollSecondFactor makes a new secret for the caller's authenticator app.
func (h *Handler) enrollSecondFactor(c *gin.Context) {
	e, err := h.ops.EnrollSecondFactor(c.Request.Context(), edge.Caller(c), edge.Actor(c))
	reply(h, c, http.StatusCreated, e, err)
}

// confirmSecondFactor turns the second factor on with a first code; the recovery codes are in
// the answer, once. The caller's other sessions end and its tokens are revoked.
func (h *Handler) confirmSecondFactor(c *gin.Context) {
	var req secondFactorRequest
	if !h.bind(c, &req) {
		return
	}
	res, err := h.ops.ConfirmSecondFactor(c.Request.Context(), edge.Caller(c), edge.Actor(c), req.Code, h.currentSession(c))
	reply(h, c, http.StatusOK, res, err)
}

// renewRecoveryCodes replaces the caller's recovery codes, after a code.
func (h *Handler) renewRecoveryCodes(c *gin.Context) {
	var req secondFactorRequest
	if !h.bind(c, &req) {
		return
	}
	codes, err := h.ops.NewRecoveryCodes(c.Request.Context(), edge.Caller(c), edge.Actor(c), req.Code)
	reply(h, c, http.StatusOK, recoveryCodes{codes}, err)
}

// turnOffSecondFactor turns the caller's second factor off, after their password and a code.
func (h *Handler) turnOffSecondFactor(c *gin.Context) {
	var req secondFactorRequest
	if !h.bind(c, &req) {
		return
	}
	if err := h.ops.TurnOffSecondFactor(c.Request.Context(), edge.Caller(c), edge.Actor(c), req.Password, req.Code); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// resetSecondFactor turns off the second factor of an account the caller manages; its
// sessions and tokens end.
func (h *Handler) resetSecondFactor(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	h.answerEnded(c)(h.ops.ResetSecondFactor(c.Request.Context(), edge.Caller(c), edge.Actor(c), id))
}
