package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/workflows"
)

// inbox answers a page of the caller's inbox (T1) with its total: ?box=todo|done|cc (or the
// older ?status=open|done), ?overdue=true, ?due_within=N days, ?process_id=, ?step=,
// ?org_id= (the org and its subtree), ?sort=due|-due|created|-created, ?limit=, ?offset=.
// The "cc" box answers copies (termgoal.Copy), the others tasks.
func (h *Handler) inbox(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	f, err := app.InboxFilterOf(c.Request.URL.Query(), edge.Caller(c).ID, h.ops.Today())
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
	t, err := h.ops.Task(c.Request.Context(), edge.Caller(c), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	kind := workflows.TaskKindOf(t.Kind)
	d := TaskDetail{Task: *t, Form: kind.FormName(), Rule: workflows.StepRuleOf(t.Step), Actions: []string{}, Operations: []string{}}
	if t.Status == termgoal.TaskOpen {
		d.Actions, d.Operations = kind.Offers()
	}
	c.JSON(http.StatusOK, d)
}

// TaskDetail is a task with what it offers while open (workflows.TaskKinds): the updates its
// own form sends (POST /processes/{id}/actions/{action}) and the operations besides. The
// workflow checks each; the assignee's administrator sees the same list. Its step's rules
// (workflows.Steps) say who acts and whether the step keeps a window open.
type TaskDetail struct {
	termgoal.Task
	Form       string             `json:"form"`
	Rule       workflows.StepRule `json:"step_rule"`
	Actions    []string           `json:"actions"`
	Operations []string           `json:"operations"`
}
