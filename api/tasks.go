package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/postgres"
)

// chinaTime is the zone due dates are counted in: they are working days on the mainland China
// calendar.
var chinaTime = time.FixedZone("CST", 8*3600)

// Today returns the current date in China as a civil date (midnight UTC), as due dates are
// stored.
func (h *Handler) Today() time.Time {
	y, m, d := h.cfg.Now().In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// inbox answers the caller's tasks (T1): ?status=open|done, ?overdue=true, paged.
func (h *Handler) inbox(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	f := postgres.InboxFilter{AccountID: Caller(c).ID, Status: c.DefaultQuery("status", termgoal.TaskOpen),
		Today: h.Today(), Limit: limit, Offset: offset}
	switch c.Query("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "inbox.overdue", "overdue must be true or false"))
		return
	}
	if f.Status != termgoal.TaskOpen && f.Status != termgoal.TaskDone {
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "inbox.status", "status must be open or done"))
		return
	}
	tasks, total, err := h.store.Inbox(c.Request.Context(), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, tasks, total)
}

// TaskCounts is the badge of the inbox.
type TaskCounts struct {
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
}

func (h *Handler) taskCounts(c *gin.Context) {
	open, overdue, err := h.store.InboxCount(c.Request.Context(), Caller(c).ID, h.Today())
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, TaskCounts{Open: open, Overdue: overdue})
}

// getTask answers one task to its assignee or to an administrator of its org.
func (h *Handler) getTask(c *gin.Context) {
	ctx, acc := c.Request.Context(), Caller(c)
	t, err := h.store.Task(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if t.AccountID != acc.ID {
		path, err := h.orgPath(ctx, t.OrgID)
		if err != nil {
			h.fail(c, err)
			return
		}
		if !isAdmin(acc, path) {
			h.fail(c, errForbidden())
			return
		}
	}
	c.JSON(http.StatusOK, t)
}
