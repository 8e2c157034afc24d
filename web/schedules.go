package web

// The campaign schedules page (P7): the yearly schedules of the orgs the caller administers,
// a form to add one and a button to delete one. It goes through schedules.go.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal/app"
	"termgoal/edge"
)

// schedulesData is the schedules page.
type schedulesData struct {
	Orgs   []orgOption
	Items  []app.CampaignSchedule
	Kinds  []string
	Months []int
	Days   []int
}

// webSchedules lists the campaign schedules.
func (h *Handler) webSchedules(c *gin.Context) {
	h.renderSchedules(c, http.StatusOK, h.newPage(c, "web.schedules_title"))
}

func (h *Handler) renderSchedules(c *gin.Context, status int, p *webPage) {
	orgs, err := h.adminOrgs(c, edge.Caller(c))
	if err != nil {
		h.Fail(c, err)
		return
	}
	if len(orgs) == 0 {
		h.Fail(c, app.ErrForbidden())
		return
	}
	d := schedulesData{Kinds: app.ScheduleKinds}
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, optionOf(o))
	}
	for i := 1; i <= 28; i++ {
		if i <= 12 {
			d.Months = append(d.Months, i)
		}
		d.Days = append(d.Days, i)
	}
	if d.Items, err = h.ops.CampaignSchedules(c.Request.Context(), edge.Caller(c)); err != nil {
		h.Fail(c, err)
		return
	}
	p.Data = d
	h.render(c, status, "schedules", p)
}

// webCreateSchedule adds a schedule from the page's form.
func (h *Handler) webCreateSchedule(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	num := func(name string) int {
		n, _ := strconv.Atoi(strings.TrimSpace(form.Get(name)))
		return n
	}
	_, err := h.ops.CreateCampaignSchedule(c.Request.Context(), edge.Caller(c), edge.Actor(c), app.CampaignScheduleRequest{OrgID: int64(num("org_id")), Kind: form.Get("kind"), Month: num("month"), Day: num("day")})
	if err != nil {
		h.refuseForm(c, form, err, "web.schedules_title", func(status int, p *webPage) { h.renderSchedules(c, status, p) })
		return
	}
	h.flash(c, edge.T(c, "web.schedule_created", nil))
	c.Redirect(http.StatusSeeOther, "/campaign-schedules")
}

// webDeleteSchedule deletes schedule :id.
func (h *Handler) webDeleteSchedule(c *gin.Context) {
	if err := h.ops.DeleteCampaignSchedule(c.Request.Context(), edge.Caller(c), edge.Actor(c), c.Param("id")); err != nil {
		h.Fail(c, err)
		return
	}
	h.flash(c, edge.T(c, "web.schedule_deleted", nil))
	c.Redirect(http.StatusSeeOther, "/campaign-schedules")
}
