package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/catalog"
	"termgoal/edge"
	"termgoal/postgres"
	"termgoal/workflows"
)

// processesData is the process list (A2): the processes the caller's grants cover, newest
// first, with filters, and for an administrator the batch over the running ones it matches.
type processesData struct {
	Holder, Kind, Step, Status string
	Overdue                    bool
	OrgID, TemplateID          int64 // set by the dashboard's links
	DueWithinDays              int
	DueWithin                  []int  // what the due filter offers
	Query                      string // the filters, for the pager and the batch form's return
	Items                      []postgres.ProcessRow
	Pager                      pager
	Kinds, Steps, Statuses     []string // what the filters offer
	Admin                      bool
	Running                    int // the running processes a batch would touch
	BackgroundOver             int // a larger batch runs in the background
}

// processFilter reads the list's filters from q (the query, or a batch form), and the filters set, for links. An
// org or template that is not a number is refused.
func processFilter(q url.Values) (postgres.ProcessFilter, url.Values, error) {
	f := postgres.ProcessFilter{Holder: strings.TrimSpace(q.Get("holder")), Kind: q.Get("kind"), Step: termgoal.Step(q.Get("step")),
		Status: q.Get("status"), Overdue: q.Get("overdue") == "1"}
	kept := url.Values{}
	for k, v := range map[string]string{"holder": f.Holder, "kind": f.Kind, "step": string(f.Step), "status": f.Status} {
		if v != "" {
			kept.Set(k, v)
		}
	}
	if f.Overdue {
		kept.Set("overdue", "1")
	}
	if v := q.Get("due_within"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return f, kept, termgoal.Errorf(termgoal.EMALFORMED, "paging.not_number", "due_within must be a number", "name", "due_within")
		}
		f.DueWithinDays = n
		kept.Set("due_within", v)
	}
	for name, dst := range map[string]*int64{"org_id": &f.OrgID, "template_id": &f.TemplateID} {
		if v := q.Get(name); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return f, kept, termgoal.Errorf(termgoal.EMALFORMED, "error.bad_id", name+" must be a positive number", "name", name)
			}
			*dst = id
			kept.Set(name, v)
		}
	}
	return f, kept, nil
}

// renderProcesses renders the process list the filters in q select, with status.
func (h *Handler) renderProcesses(c *gin.Context, status int, p *webPage, q url.Values) {
	f, kept, err := processFilter(q)
	if err != nil {
		h.Fail(c, err)
		return
	}
	d := processesData{OrgID: f.OrgID, TemplateID: f.TemplateID, DueWithinDays: f.DueWithinDays, DueWithin: []int{3, 7, 14, 30}, Holder: f.Holder, Kind: f.Kind, Step: string(f.Step), Status: f.Status, Overdue: f.Overdue, Query: kept.Encode(),
		Kinds: catalog.Names("process_kinds."), Steps: catalog.Names("steps."), Statuses: catalog.Names("process_status."),
		Admin: app.IsAnyAdmin(edge.Caller(c)), BackgroundOver: app.BackgroundOver}
	page, limit, offset := webPaging(c)
	f.Limit, f.Offset = limit, offset
	ctx := c.Request.Context()
	items, total, err := h.ops.ProcessList(ctx, edge.Caller(c), f)
	if err == nil && d.Admin {
		_, d.Running, err = h.ops.RunningMatches(ctx, edge.Caller(c), f, 1)
	}
	if err != nil {
		h.Fail(c, err)
		return
	}
	d.Items, d.Pager = items, newPager("/processes?"+d.Query, page, total)
	p.Data = d
	h.render(c, status, "processes", p)
}

// webProcesses shows the process list (app.Service.ProcessList), filtered by holder, kind,
// step, status and overdue, a page at a time.
func (h *Handler) webProcesses(c *gin.Context) {
	h.renderProcesses(c, http.StatusOK, h.newPage(c, "web.processes_title"), c.Request.URL.Query())
}

// webProcessesBatch reminds, or extends the step deadline of, every running process the
// list's filters match (app.Service.BatchOver), with a reason, under the form's key.
func (h *Handler) webProcessesBatch(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	key, err := formKey(form)
	var b app.Batch
	f, kept, ferr := processFilter(form)
	if err == nil {
		err = ferr
	}
	in := app.BatchOverInput{Filter: f, Selected: form["id"], Action: form.Get("action"), Reason: form.Get("reason")}
	in.Days, _ = strconv.Atoi(strings.TrimSpace(form.Get("days")))
	if err == nil && in.Action == workflows.UpdateReassign {
		var from, to termgoal.Actor
		if from, err = h.formTarget(c.Request.Context(), form.Get("from")); err == nil {
			to, err = h.formTarget(c.Request.Context(), form.Get("to"))
		}
		in.From, in.To = from.AccountID, to.AccountID
	}
	if err == nil {
		b, err = h.ops.BatchOver(c.Request.Context(), edge.Caller(c), edge.Actor(c), in, key)
	}
	if err != nil {
		h.refuseForm(c, form, err, "web.processes_title", func(status int, p *webPage) { h.renderProcesses(c, status, p, form) })
		return
	}
	if b.Background != "" {
		c.Redirect(http.StatusSeeOther, "/batches/"+b.Background)
		return
	}
	h.flash(c, edge.T(c, "web.batch_done", map[string]any{"done": b.Done(), "failed": len(b.IDs) - b.Done()}))
	c.Redirect(http.StatusSeeOther, "/processes?"+kept.Encode())
}

// webBatch follows a batch running in the background: its progress, the page reloading
// itself until the batch is done.
func (h *Handler) webBatch(c *gin.Context) {
	b, err := h.ops.BatchRun(c.Request.Context(), edge.Caller(c), c.Param("id"))
	if err != nil {
		h.Fail(c, err)
		return
	}
	p := h.newPage(c, "web.batch_run_title")
	p.Data = b
	if b.Status == "running" {
		p.Refresh = 2
	}
	h.render(c, http.StatusOK, "batch", p)
}
