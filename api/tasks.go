package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
)

// chinaTime is the zone due dates are counted in (app.ChinaTime).
var chinaTime = app.ChinaTime

// inbox answers a page of the caller's inbox (T1) with its total: ?box=todo|done|cc (or the
// older ?status=open|done), ?overdue=true, ?due_within=N days, ?process_id=, ?step=,
// ?org_id= (the org and its subtree), ?sort=due|-due|created|-created, ?limit=, ?offset=.
// The "cc" box answers copies (termgoal.Copy), the others tasks.
func (h *Handler) inbox(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	f, err := h.inboxQuery(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	f.Limit, f.Offset = limit, offset
	if f.Box == termgoal.BoxCC {
		copies, total, err := h.store.Copies(c.Request.Context(), f)
		if err != nil {
			h.fail(c, err)
			return
		}
		list(c, copies, total)
		return
	}
	tasks, total, err := h.store.Inbox(c.Request.Context(), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, tasks, total)
}

// inboxQuery reads the inbox's filter from the query, for the API and the web inbox alike. A
// value of the wrong type is malformed (400); the store refuses a value of the right type it
// does not know (422).
func (h *Handler) inboxQuery(c *gin.Context) (postgres.InboxFilter, error) {
	f := postgres.InboxFilter{AccountID: edge.Caller(c).ID, Box: c.Query("box"), ProcessID: c.Query("process_id"),
		Step: termgoal.Step(c.Query("step")), Sort: c.Query("sort"), Today: h.ops.Today()}
	if status := c.Query("status"); status != "" && f.Box == "" {
		switch status {
		case termgoal.TaskOpen:
			f.Box = termgoal.BoxTodo
		case termgoal.TaskDone:
			f.Box = termgoal.BoxDone
		default:
			return f, termgoal.Errorf(termgoal.EINVALID, "inbox.status", "status must be open or done")
		}
	}
	switch c.Query("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		return f, termgoal.Errorf(termgoal.EINVALID, "inbox.overdue", "overdue must be true or false")
	}
	due, err := queryInt(c, "due_within")
	if err != nil {
		return f, err
	}
	f.DueWithinDays = int(due)
	f.OrgID, err = queryInt(c, "org_id")
	return f, err
}

// queryInt reads an optional integer query parameter (0 when absent); anything else is
// malformed.
func queryInt(c *gin.Context, name string) (int64, error) {
	s := c.Query(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, termgoal.Errorf(termgoal.EMALFORMED, "paging.not_number", name+" must be a number", "name", name)
	}
	return n, nil
}

// TaskCounts is the badge every page shows next to the inbox link.
type TaskCounts struct {
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
}

// taskCounts answers the counts of the caller's inbox for a menu badge and the tabs.
func (h *Handler) taskCounts(c *gin.Context) {
	n, err := h.store.InboxCounts(c.Request.Context(), edge.Caller(c).ID, h.ops.Today())
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, n)
}

// getTask answers one task to its assignee or to an administrator of its org.
func (h *Handler) getTask(c *gin.Context) {
	ctx, acc := c.Request.Context(), edge.Caller(c)
	t, err := h.store.Task(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if t.AccountID != acc.ID {
		path, err := h.ops.OrgPath(ctx, t.OrgID)
		if err != nil {
			h.fail(c, err)
			return
		}
		if !app.IsAdmin(acc, path) {
			h.fail(c, app.ErrForbidden())
			return
		}
	}
	c.JSON(http.StatusOK, t)
}
