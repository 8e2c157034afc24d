package api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/postgres"
)

// processesData is the process list (A2): the processes the caller's grants cover, newest
// first, with filters.
type processesData struct {
	Holder, Kind, Step, Status string
	Overdue                    bool
	Items                      []postgres.ProcessRow
	Pager                      pager
	Kinds, Steps, Statuses     []string // what the filters offer
}

// webProcesses shows the process list (app.Service.ProcessList), filtered by holder, kind,
// step, status and overdue, a page at a time.
func (h *Handler) webProcesses(c *gin.Context) {
	d := processesData{Holder: strings.TrimSpace(c.Query("holder")), Kind: c.Query("kind"), Step: c.Query("step"),
		Status: c.Query("status"), Overdue: c.Query("overdue") == "1",
		Kinds: catalogNames("process_kinds."), Steps: catalogNames("steps."), Statuses: catalogNames("process_status.")}
	page, limit, offset := webPaging(c)
	items, total, err := h.ops.ProcessList(c.Request.Context(), Caller(c), postgres.ProcessFilter{Holder: d.Holder, Kind: d.Kind,
		Step: termgoal.Step(d.Step), Status: d.Status, Overdue: d.Overdue, Limit: limit, Offset: offset})
	if err != nil {
		h.webFail(c, err)
		return
	}
	query := url.Values{}
	for k, v := range map[string]string{"holder": d.Holder, "kind": d.Kind, "step": d.Step, "status": d.Status} {
		if v != "" {
			query.Set(k, v)
		}
	}
	if d.Overdue {
		query.Set("overdue", "1")
	}
	d.Items, d.Pager = items, newPager("/processes?"+query.Encode(), page, total)
	p := h.newPage(c, "web.processes_title")
	p.Data = d
	h.render(c, http.StatusOK, "processes", p)
}
