package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
)

// auditLog answers a page of the audit log (app.Service.AuditLog): ?process_id=, ?term_id=,
// ?action=, ?actor_id=, ?actor= (part of a name), ?from= and ?to= (YYYY-MM-DD, China days,
// both included), ?order=newest (default: oldest first).
func (h *Handler) auditLog(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	f, err := app.AuditQueryOf(c.Request.URL.Query()).Filter()
	if err != nil {
		h.fail(c, err)
		return
	}
	f.Limit, f.Offset, f.NewestFirst = limit, offset, c.Query("order") == "newest"
	items, total, err := h.ops.AuditLog(c.Request.Context(), edge.Caller(c), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, items, total)
}

// idQuery reads a numeric query parameter; anything else is malformed.
func (h *Handler) idQuery(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Query(name), 10, 64)
	if err != nil || id <= 0 {
		h.fail(c, termgoal.Errorf(termgoal.EMALFORMED, "error.bad_id", name+" must be a positive number", "name", name))
		return 0, false
	}
	return id, true
}

// CalendarDay is one corrected day of the working-day calendar, as the API shows it.
type CalendarDay struct {
	Date    string `json:"date"` // YYYY-MM-DD
	Working bool   `json:"working"`
	Name    string `json:"name,omitempty"`
}

// calendarYears answers the corrections administrators entered (A4).
func (h *Handler) calendarYears(c *gin.Context) {
	days, years, err := h.store.CalendarAdmin(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]CalendarDay, len(days))
	for i, d := range days {
		out[i] = CalendarDay{Date: d.Day.Format(time.DateOnly), Working: d.Working, Name: d.Name}
	}
	if years == nil {
		years = []int{}
	}
	c.JSON(http.StatusOK, gin.H{"years": years, "days": out})
}

// calendar answers the calendar's overview (A4) with the special days of ?year= (default:
// this year).
func (h *Handler) calendar(c *gin.Context) {
	year, ok := h.intQuery(c, "year")
	if !ok {
		return
	}
	o, err := h.ops.Calendar(c.Request.Context(), edge.Caller(c), int(year))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

// putCalendarYear enters or corrects one year with its source (app.SetCalendarYear).
func (h *Handler) putCalendarYear(c *gin.Context) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "calendar.year_range", "the year must be between 2000 and 2100"))
		return
	}
	var req struct {
		Source string        `json:"source"`
		Days   []CalendarDay `json:"days"`
	}
	if !h.bind(c, &req) {
		return
	}
	days := make([]postgres.CalendarDay, 0, len(req.Days))
	for _, d := range req.Days {
		t, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			h.fail(c, termgoal.Errorf(termgoal.EINVALID, "calendar.day_outside_year",
				"every day must be a date (YYYY-MM-DD) in "+strconv.Itoa(year), "date", d.Date, "year", year))
			return
		}
		days = append(days, postgres.CalendarDay{Day: t, Working: d.Working, Name: d.Name})
	}
	err = h.ops.SetCalendarYear(c.Request.Context(), edge.Caller(c), edge.Actor(c), app.CalendarYearRequest{Year: year, Source: req.Source, Days: days})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"year": year, "source": strings.TrimSpace(req.Source), "days": req.Days})
}

// dashboard answers the administrator's dashboard (A1) of the orgs they administer, or of
// ?org_id=, with ?stuck_days= working days without a change making a process stuck.
func (h *Handler) dashboard(c *gin.Context) {
	org, ok := h.intQuery(c, "org_id")
	if !ok {
		return
	}
	stuck, ok := h.intQuery(c, "stuck_days")
	if !ok {
		return
	}
	if c.Query("stuck_days") == "" {
		stuck = app.DefaultStuckDays
	}
	d, err := h.ops.Dashboard(c.Request.Context(), edge.Caller(c), int64(org), stuck)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}
