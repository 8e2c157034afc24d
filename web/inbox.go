package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
)

// inboxData is the inbox page: one box's page, the counts of every tab, and the filter form.
type inboxData struct {
	Box       string
	Tasks     []termgoal.Task
	Copies    []termgoal.Copy
	Unread    map[string]bool // copies unread until this page showed them, by process
	Counts    termgoal.InboxCounts
	Filter    postgres.InboxFilter
	Filtered  bool // a filter beyond the box is on
	Orgs      []orgOption
	Steps     []termgoal.Step
	Sorts     []sortOption
	DueWithin []int
	Pager     pager
}

// orgOption is an org in the filter's select, indented by its depth.
type orgOption struct {
	ID     int64
	Name   string
	Indent string
}

// optionOf is org o in a select, indented by its depth in the tree.
func optionOf(o termgoal.Org) orgOption {
	return orgOption{ID: o.ID, Name: o.Name, Indent: strings.Repeat("　", max(0, strings.Count(o.Path, "/")-2))}
}

// sortOption is a sort the box offers and the key of its label.
type sortOption struct{ Value, Key string }

// The sorts each box offers, its default first.
var inboxSortOptions = map[string][]sortOption{
	termgoal.BoxTodo: {{"due", "web.sort_due"}, {"-due", "web.sort_due_desc"}, {"-created", "web.sort_created_desc"}, {"created", "web.sort_created"}},
	termgoal.BoxDone: {{"", "web.sort_done_desc"}, {"due", "web.sort_due"}, {"-due", "web.sort_due_desc"}, {"-created", "web.sort_created_desc"}, {"created", "web.sort_created"}},
	termgoal.BoxCC:   {{"-created", "web.sort_copied_desc"}, {"created", "web.sort_copied"}},
}

// webInbox shows a box of the caller's inbox (T1): to-do, done or copied to me, with the
// filters of the JSON API (?box, ?overdue, ?due_within, ?process_id, ?step, ?org_id, ?sort)
// and ?page. Showing a copy marks it read.
func (h *Handler) webInbox(c *gin.Context) {
	ctx, acc := c.Request.Context(), edge.Caller(c)
	f, err := app.InboxFilterOf(c.Request.URL.Query(), edge.Caller(c).ID, h.ops.Today())
	if err != nil {
		h.Fail(c, err)
		return
	}
	if f.Box == "" {
		f.Box = termgoal.BoxTodo
	}
	page, limit, offset := webPaging(c)
	f.Limit, f.Offset = limit, offset
	d := inboxData{Box: f.Box, Filter: f, Steps: termgoal.GoalSteps, Sorts: inboxSortOptions[f.Box], DueWithin: []int{1, 3, 7, 14, 30},
		Filtered: f.Overdue || f.DueWithinDays != 0 || f.ProcessID != "" || f.Step != "" || f.OrgID != 0}
	total := 0
	if f.Box == termgoal.BoxCC {
		d.Copies, total, err = h.store.Copies(ctx, f)
		d.Unread = map[string]bool{}
		var unread []string
		for _, cp := range d.Copies {
			if cp.ReadAt == nil {
				d.Unread[cp.ProcessID] = true
				unread = append(unread, cp.ProcessID)
			}
		}
		if err == nil {
			_, err = h.store.ReadCopies(ctx, acc.ID, unread, h.ops.Now())
		}
	} else {
		d.Tasks, total, err = h.store.Inbox(ctx, f)
	}
	if err != nil {
		h.Fail(c, err)
		return
	}
	if d.Counts, err = h.store.InboxCounts(ctx, acc.ID, h.ops.Today()); err != nil {
		h.Fail(c, err)
		return
	}
	orgs, err := h.store.InboxOrgs(ctx, acc.ID)
	if err != nil {
		h.Fail(c, err)
		return
	}
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, optionOf(o))
	}
	d.Pager = newPager(inboxURL(f), page, total)
	p := h.newPage(c, "web.inbox_title")
	p.Data = d
	h.render(c, http.StatusOK, "inbox", p)
}

// inboxURL is the link to f's first page, for the pager.
func inboxURL(f postgres.InboxFilter) string {
	q := url.Values{}
	set := func(name, v string) {
		if v != "" && v != "0" {
			q.Set(name, v)
		}
	}
	if f.Box != termgoal.BoxTodo {
		set("box", f.Box)
	}
	if f.Overdue {
		set("overdue", "true")
	}
	set("due_within", strconv.Itoa(f.DueWithinDays))
	set("process_id", f.ProcessID)
	set("step", string(f.Step))
	set("org_id", strconv.FormatInt(f.OrgID, 10))
	set("sort", f.Sort)
	if len(q) == 0 {
		return "/inbox"
	}
	return "/inbox?" + q.Encode()
}
