package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
)

// dashboardData is the administrator's dashboard (A1): the counts, a chart per grouping with
// the same numbers as a table, the time per step and the campaigns' progress per unit.
type dashboardData struct {
	*app.Dashboard
	Charts []dashChart
}

// ChartJSON is what the charts draw, by chart id; html/template writes it as JSON.
func (d dashboardData) ChartJSON() map[string]dashChart {
	out := make(map[string]dashChart, len(d.Charts))
	for _, ch := range d.Charts {
		out[ch.ID] = ch
	}
	return out
}

// dashChart is one grouping of the running processes: its bars link to the process list
// filtered to them.
type dashChart struct {
	ID     string    `json:"-"`
	Title  string    `json:"-"` // catalog keys
	Column string    `json:"-"`
	Bars   []dashBar `json:"bars"`
}

type dashBar struct {
	Label string `json:"label"`
	N     int    `json:"n"`
	Link  string `json:"link"`
}

// webDashboard shows the dashboard of the orgs the caller administers (?org_id=: one of them),
// with stuck meaning ?stuck_days= working days without a change.
func (h *Handler) webDashboard(c *gin.Context) {
	p := h.newPage(c, "web.dashboard_title")
	stuck, orgID := app.DefaultStuckDays, int64(0)
	var err error
	if v := c.Query("stuck_days"); v != "" {
		if stuck, err = strconv.Atoi(v); err != nil {
			stuck = 0 // refused by the operation, with its message
		}
	}
	if v := c.Query("org_id"); v != "" {
		if orgID, err = edge.ParseID(v); err != nil {
			h.Fail(c, err)
			return
		}
	}
	d, err := h.ops.Dashboard(c.Request.Context(), edge.Caller(c), orgID, stuck)
	if err != nil {
		h.Fail(c, err)
		return
	}
	data := dashboardData{Dashboard: d}
	running := func(k, v string) string { return "/processes?" + url.Values{"status": {"running"}, k: {v}}.Encode() }
	for _, g := range []struct {
		id, title, column string
		counts            []postgres.Count
		label             func(postgres.Count) string
		link              func(postgres.Count) string
	}{
		{"kind", "web.dashboard_by_kind", "web.process_kind", d.ByKind,
			func(n postgres.Count) string { return p.TV("process_kinds.", n.Key) },
			func(n postgres.Count) string { return running("kind", n.Key) }},
		{"step", "web.dashboard_by_step", "web.processes_step", d.ByStep,
			func(n postgres.Count) string { return p.TV("steps.", n.Key) },
			func(n postgres.Count) string { return running("step", n.Key) }},
		{"org", "web.dashboard_by_org", "web.dashboard_unit", d.ByOrg,
			func(n postgres.Count) string { return n.Label },
			func(n postgres.Count) string { return running("org_id", n.Key) }},
		{"template", "web.dashboard_by_template", "web.dashboard_template", d.ByTemplate,
			func(n postgres.Count) string { return n.Label },
			func(n postgres.Count) string { id, _, _ := strings.Cut(n.Key, ":"); return running("template_id", id) }},
	} {
		ch := dashChart{ID: g.id, Title: g.title, Column: g.column, Bars: make([]dashBar, len(g.counts))}
		for i, n := range g.counts {
			ch.Bars[i] = dashBar{Label: g.label(n), N: n.N, Link: g.link(n)}
		}
		data.Charts = append(data.Charts, ch)
	}
	p.Data = data
	h.render(c, http.StatusOK, "dashboard", p)
}
