package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/start"
	"termgoal/workflows"
)

// listTerms answers the terms in the caller's scope, or under ?org_id= when given.
func (h *Handler) listTerms(c *gin.Context) { listScoped(h, c, h.store.Terms) }

// listScoped answers a page of what fetch finds under each org subtree of the list's scope.
func listScoped[T any](h *Handler, c *gin.Context, fetch func(ctx context.Context, underPath string, limit, offset int) ([]T, int, error)) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	roots, ok := h.listScope(c)
	if !ok {
		return
	}
	items, total, err := app.PagedAcross(roots, limit, offset, func(root string, l, o int) ([]T, int, error) {
		return fetch(c.Request.Context(), root, l, o)
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, items, total)
}

// listScope returns the org subtrees a list covers: ?org_id= when the caller may read it,
// else every subtree the caller's grants cover.
func (h *Handler) listScope(c *gin.Context) ([]string, bool) {
	var id int64
	if c.Query("org_id") != "" {
		var ok bool
		if id, ok = h.idQuery(c, "org_id"); !ok {
			return nil, false
		}
	}
	roots, err := h.ops.ListScope(c.Request.Context(), edge.Caller(c), id)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	return roots, true
}

func (h *Handler) createTerm(c *gin.Context) {
	var t termgoal.Term
	if !h.bind(c, &t) {
		return
	}
	if err := h.ops.RegisterTerm(c.Request.Context(), edge.Caller(c), edge.Actor(c), &t); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, t)
}

// readableTerm loads term :id, its org path, and checks the caller may read it.
func (h *Handler) readableTerm(c *gin.Context) (*termgoal.Term, string, bool) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return nil, "", false
	}
	t, path, err := h.ops.TermAccess(c.Request.Context(), edge.Caller(c), id)
	if err != nil {
		h.fail(c, err)
		return nil, "", false
	}
	return t, path, true
}

func (h *Handler) getTerm(c *gin.Context) {
	if t, _, ok := h.readableTerm(c); ok {
		c.JSON(http.StatusOK, t)
	}
}

// startGoalSetting starts the term's goal-setting workflow (P2). The workflow ID comes from
// the term, and Temporal refuses a second start, so a repeated request never starts two.
func (h *Handler) startGoalSetting(c *gin.Context) {
	t, path, ok := h.readableTerm(c)
	if !ok {
		return
	}
	if !app.IsAdmin(edge.Caller(c), path) {
		h.fail(c, app.ErrForbidden())
		return
	}
	if t.ProcessID != "" {
		h.fail(c, errAlreadyStarted())
		return
	}
	ctx := c.Request.Context()
	id := workflows.GoalSettingID(t.ID)
	_, err := start.Once(ctx, h.temporal, start.Run{ID: id, Queue: workflows.TaskQueue, Workflow: workflows.GoalSettingWorkflowName,
		Input: workflows.GoalSettingInput{TermID: t.ID, Initiator: edge.Actor(c)}})
	if errors.Is(err, start.ErrTaken) {
		// Started by an earlier request that failed before linking the term: link it now.
		if err := h.store.SetTermProcess(ctx, t.ID, id); err != nil {
			h.fail(c, err)
			return
		}
		h.fail(c, errAlreadyStarted())
		return
	}
	if err != nil {
		h.fail(c, app.UnavailableOr(err))
		return
	}
	if err := h.store.SetTermProcess(ctx, t.ID, id); err != nil {
		h.fail(c, err)
		return
	}
	if h.audit(c, termgoal.Audit{Action: "goal_setting_started", TermID: t.ID, ProcessID: id}) {
		c.JSON(http.StatusCreated, gin.H{"process_id": id})
	}
}

func errAlreadyStarted() error {
	return termgoal.Errorf(termgoal.ECONFLICT, "term.already_started", "goal setting has already been started for this term")
}

// updateTerm changes a registered term (app.EditTerm); its org stays.
func (h *Handler) updateTerm(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	var t termgoal.Term
	if !h.bind(c, &t) {
		return
	}
	t.ID = id
	if err := h.ops.EditTerm(c.Request.Context(), edge.Caller(c), edge.Actor(c), &t); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}
