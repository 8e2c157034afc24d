package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
)

// listOrgs answers the orgs the caller's grants cover, ordered by path.
func (h *Handler) listOrgs(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	var all []termgoal.Org
	for _, root := range app.ScopeRoots(edge.Caller(c)) {
		orgs, err := h.store.Orgs(c.Request.Context(), root)
		if err != nil {
			h.fail(c, err)
			return
		}
		all = append(all, orgs...)
	}
	list(c, pageOf(all, limit, offset), len(all))
}

type orgRequest struct {
	ParentID *int64           `json:"parent_id"`
	Name     string           `json:"name"`
	Type     termgoal.OrgType `json:"type"`
}

// createOrg adds an org under a parent the caller administers (app.CreateOrg).
func (h *Handler) createOrg(c *gin.Context) {
	var req orgRequest
	if !h.bind(c, &req) {
		return
	}
	o := termgoal.Org{ParentID: req.ParentID, Name: req.Name, Type: req.Type}
	if err := h.ops.CreateOrg(c.Request.Context(), edge.Caller(c), edge.Actor(c), &o); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, o)
}

// readableOrg loads org :id and checks the caller may read it.
func (h *Handler) readableOrg(c *gin.Context) (*termgoal.Org, bool) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return nil, false
	}
	o, err := h.store.Org(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	if !app.CanSee(edge.Caller(c), o.Path) {
		h.fail(c, app.ErrForbidden())
		return nil, false
	}
	return o, true
}

func (h *Handler) getOrg(c *gin.Context) {
	if o, ok := h.readableOrg(c); ok {
		c.JSON(http.StatusOK, o)
	}
}

func (h *Handler) orgPosts(c *gin.Context) {
	o, ok := h.readableOrg(c)
	if !ok {
		return
	}
	posts, err := h.store.Posts(c.Request.Context(), o.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, posts, len(posts))
}

// createPost adds a post to an org the caller administers (app.CreatePost).
func (h *Handler) createPost(c *gin.Context) {
	var p termgoal.Post
	if !h.bind(c, &p) {
		return
	}
	if err := h.ops.CreatePost(c.Request.Context(), edge.Caller(c), edge.Actor(c), &p); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, p)
}

// updatePost changes post :id (app.EditPost).
func (h *Handler) updatePost(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	var p termgoal.Post
	if !h.bind(c, &p) {
		return
	}
	p.ID = id
	if err := h.ops.EditPost(c.Request.Context(), edge.Caller(c), edge.Actor(c), &p); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// updateOrg renames an org or changes its type (app.EditOrg).
func (h *Handler) updateOrg(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	var req orgRequest
	if !h.bind(c, &req) {
		return
	}
	o := termgoal.Org{ID: id, Name: req.Name, Type: req.Type}
	if err := h.ops.EditOrg(c.Request.Context(), edge.Caller(c), edge.Actor(c), &o); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}
