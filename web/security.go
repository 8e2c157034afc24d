package web

import (
	"encoding/base64"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
)

// The sign-in and security page (S1): the caller changes their password, sets up two-step
// sign-in (an authenticator app's codes, recovery codes), sees where they are signed in, and
// ends the sessions they do not recognize.

// securityView is what the page shows: the sessions, the second factor's status, and while
// setting it up the secret with its QR code, or once the recovery codes.
type securityView struct {
	Sessions      []postgres.Session
	SecondFactor  app.SecondFactorStatus
	Enrollment    *app.Enrollment
	QR            template.URL // the enrollment's QR code as a data: URL
	RecoveryCodes []string
}

// webSecurity shows the password form, two-step sign-in and the caller's sessions.
func (h *Handler) webSecurity(c *gin.Context) {
	h.renderSecurity(c, http.StatusOK, h.newPage(c, "web.security_title"), securityView{})
}

// renderSecurity renders the page with v, its sessions and second factor read here; while an
// enrollment waits for its first code, its secret is shown again.
func (h *Handler) renderSecurity(c *gin.Context, status int, p *webPage, v securityView) {
	ctx := c.Request.Context()
	acc := edge.Caller(c)
	var err error
	if v.Sessions, err = h.ops.AccountSessions(ctx, acc, acc.ID, h.sessions.Token(ctx)); err == nil {
		v.SecondFactor, err = h.ops.SecondFactor(ctx, acc)
	}
	if err == nil && v.SecondFactor.Enrolling && v.Enrollment == nil {
		var e app.Enrollment
		if e, err = h.ops.PendingEnrollment(ctx, acc); err == nil {
			v.Enrollment = &e
		}
	}
	if err != nil {
		h.Fail(c, err)
		return
	}
	if v.Enrollment != nil {
		v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(v.Enrollment.QR)) // #nosec G203 -- our own PNG
	}
	p.Data = v
	h.render(c, status, "security", p)
}

// webEnrollSecondFactor makes a new secret and shows it with its QR code and the form for the
// first code.
func (h *Handler) webEnrollSecondFactor(c *gin.Context) {
	e, err := h.ops.EnrollSecondFactor(c.Request.Context(), edge.Caller(c), edge.Actor(c))
	if err != nil {
		h.refuseSecurity(c, err)
		return
	}
	h.renderSecurity(c, http.StatusOK, h.newPage(c, "web.security_title"), securityView{Enrollment: &e})
}

// webConfirmSecondFactor turns two-step sign-in on with a first code and shows the recovery
// codes, once; the caller's other sessions end.
func (h *Handler) webConfirmSecondFactor(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	res, err := h.ops.ConfirmSecondFactor(ctx, edge.Caller(c), edge.Actor(c), form.Get("code"), h.sessions.Token(ctx))
	if err != nil {
		h.refuseSecurity(c, err)
		return
	}
	p := h.newPage(c, "web.security_title")
	p.Flash = edge.T(c, "web.second_factor_on", map[string]any{"sessions": res.Sessions, "tokens": res.Tokens})
	h.renderSecurity(c, http.StatusOK, p, securityView{RecoveryCodes: res.RecoveryCodes})
}

// webRenewRecoveryCodes replaces the recovery codes after a code and shows them, once.
func (h *Handler) webRenewRecoveryCodes(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	codes, err := h.ops.NewRecoveryCodes(c.Request.Context(), edge.Caller(c), edge.Actor(c), form.Get("code"))
	if err != nil {
		h.refuseSecurity(c, err)
		return
	}
	h.renderSecurity(c, http.StatusOK, h.newPage(c, "web.security_title"), securityView{RecoveryCodes: codes})
}

// webTurnOffSecondFactor turns two-step sign-in off after the password and a code.
func (h *Handler) webTurnOffSecondFactor(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	if err := h.ops.TurnOffSecondFactor(c.Request.Context(), edge.Caller(c), edge.Actor(c), form.Get("password"), form.Get("code")); err != nil {
		h.refuseSecurity(c, err)
		return
	}
	h.flash(c, edge.T(c, "web.second_factor_off", nil))
	c.Redirect(http.StatusSeeOther, "/settings/security")
}

// refuseSecurity shows the page again with the reason of err, never what was typed.
func (h *Handler) refuseSecurity(c *gin.Context, err error) {
	h.refuseForm(c, nil, err, "web.security_title", func(status int, p *webPage) { h.renderSecurity(c, status, p, securityView{}) })
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
		h.refuseSecurity(c, err)
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
