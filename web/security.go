package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal/edge"
)

// The sign-in and security page (S1): the caller changes their password, sees where they are
// signed in, and ends the sessions they do not recognize.

// webSecurity shows the password form and the caller's sessions.
func (h *Handler) webSecurity(c *gin.Context) {
	h.renderSecurity(c, http.StatusOK, h.newPage(c, "web.security_title"))
}

func (h *Handler) renderSecurity(c *gin.Context, status int, p *webPage) {
	acc := edge.Caller(c)
	sessions, err := h.ops.AccountSessions(c.Request.Context(), acc, acc.ID, h.sessions.Token(c.Request.Context()))
	if err != nil {
		h.Fail(c, err)
		return
	}
	p.Data = sessions
	h.render(c, status, "security", p)
}

// webChangePassword changes the caller's password; their other sessions end. A refusal shows
// the page again with the reason, never the passwords typed.
func (h *Handler) webChangePassword(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	ended, err := h.ops.ChangePassword(ctx, edge.Caller(c), edge.Actor(c), form.Get("current_password"), form.Get("new_password"), h.sessions.Token(ctx))
	if err != nil {
		h.refuseForm(c, nil, err, "web.security_title", func(status int, p *webPage) { h.renderSecurity(c, status, p) })
		return
	}
	h.flash(c, edge.T(c, "web.password_changed", map[string]any{"sessions": ended.Sessions, "tokens": ended.Tokens}))
	c.Redirect(http.StatusSeeOther, "/settings/security")
}

// webEndSessions ends the caller's other sessions and revokes their API tokens.
func (h *Handler) webEndSessions(c *gin.Context) {
	ctx := c.Request.Context()
	acc := edge.Caller(c)
	ended, err := h.ops.EndSessions(ctx, acc, edge.Actor(c), acc.ID, h.sessions.Token(ctx))
	if err != nil {
		h.Fail(c, err)
		return
	}
	h.flash(c, edge.T(c, "web.sessions_ended", map[string]any{"sessions": ended.Sessions, "tokens": ended.Tokens}))
	c.Redirect(http.StatusSeeOther, "/settings/security")
}

// webEndSession ends one of the caller's sessions.
func (h *Handler) webEndSession(c *gin.Context) {
	id, err := edge.ParseID(c.Param("id"))
	if err == nil {
		acc := edge.Caller(c)
		err = h.ops.EndSession(c.Request.Context(), acc, edge.Actor(c), acc.ID, id)
	}
	if err != nil {
		h.Fail(c, err)
		return
	}
	h.flash(c, edge.T(c, "web.session_ended", nil))
	c.Redirect(http.StatusSeeOther, "/settings/security")
}
