package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/edge"
	"termgoal/postgres"
)

// The settings page: where the caller's notifications go besides the in-app list (T6).

// webSettings shows the caller's notification preferences.
func (h *Handler) webSettings(c *gin.Context) {
	h.renderSettings(c, http.StatusOK, h.newPage(c, "web.settings_title"))
}

func (h *Handler) renderSettings(c *gin.Context, status int, p *webPage) {
	prefs, err := h.ops.Preferences(c.Request.Context(), edge.Caller(c).ID)
	if err != nil {
		h.Fail(c, err)
		return
	}
	p.Data = prefs
	h.render(c, status, "settings", p)
}

// webSaveSettings sets the caller's notification preferences; a refused address shows the
// page again with what was typed.
func (h *Handler) webSaveSettings(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	// The page always sends the address, even empty; an unchecked box sends nothing. A form
	// without the address is not the page's, and would turn both options off unasked.
	var err error
	if _, ok := form["email"]; !ok {
		err = termgoal.Errorf(termgoal.EMALFORMED, "error.bad_form", "the form is malformed")
	} else {
		prefs := postgres.Preferences{Email: form.Get("email"), EmailEach: form.Get("email_each") != "", DailyDigest: form.Get("daily_digest") != "",
			Robot: postgres.Robot{Kind: form.Get("robot_kind"), URL: form.Get("robot_url"), Secret: form.Get("robot_secret")}}
		_, err = h.ops.SetPreferences(c.Request.Context(), edge.Actor(c), prefs)
	}
	if err != nil {
		h.refuseForm(c, form, err, "web.settings_title", func(status int, p *webPage) { h.renderSettings(c, status, p) })
		return
	}
	h.flash(c, edge.T(c, "web.settings_saved", nil))
	c.Redirect(http.StatusSeeOther, "/settings")
}
