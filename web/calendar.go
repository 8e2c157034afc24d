package web

// The working-day calendar page (A4): the years known and unknown, the chosen year's holidays
// and make-up working days, and for an administrator of a root org a form to enter or correct
// the year with its source. It goes through app/calendar.go.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal/app"
	"termgoal/edge"
)

// calendarData is the calendar page.
type calendarData struct {
	*app.CalendarOverview
	// Text is the chosen year's days as the form edits them (app.FormatCalendarDays).
	Text string
}

// webCalendar shows the calendar at ?year= (default: this year).
func (h *Handler) webCalendar(c *gin.Context) {
	year, _ := strconv.Atoi(c.Query("year"))
	h.renderCalendar(c, http.StatusOK, h.newPage(c, "web.calendar_title"), year)
}

func (h *Handler) renderCalendar(c *gin.Context, status int, p *webPage, year int) {
	o, err := h.ops.Calendar(c.Request.Context(), edge.Caller(c), year)
	if err != nil {
		h.Fail(c, err)
		return
	}
	p.Data = calendarData{CalendarOverview: o, Text: app.FormatCalendarDays(o.Days)}
	h.render(c, status, "calendar", p)
}

// webSetCalendarYear enters or corrects the year of the form with its source and days.
func (h *Handler) webSetCalendarYear(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	year, _ := strconv.Atoi(strings.TrimSpace(form.Get("year")))
	days, err := app.ParseCalendarDays(form.Get("days"))
	if err == nil {
		err = h.ops.SetCalendarYear(c.Request.Context(), edge.Caller(c), edge.Actor(c),
			app.CalendarYearRequest{Year: year, Source: form.Get("source"), Days: days})
	}
	if err != nil {
		h.refuseForm(c, form, err, "web.calendar_title", func(status int, p *webPage) { h.renderCalendar(c, status, p, year) })
		return
	}
	h.flash(c, edge.T(c, "web.calendar_saved", map[string]any{"year": year}))
	c.Redirect(http.StatusSeeOther, "/calendar?year="+strconv.Itoa(year))
}
