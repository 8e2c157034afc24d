package api

import (
	"net/http"
	"strings"

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

// createOrg adds an org under a parent the caller administers; a root org needs an admin of a
// root org.
func (h *Handler) createOrg(c *gin.Context) {
	var req orgRequest
	if !h.bind(c, &req) {
		return
	}
	ctx, acc := c.Request.Context(), edge.Caller(c)
	o := termgoal.Org{ParentID: req.ParentID, Name: strings.TrimSpace(req.Name), Type: req.Type}
	if req.ParentID == nil {
		if !app.IsRootAdmin(acc) {
			h.fail(c, app.ErrForbidden())
			return
		}
	} else {
		parent, err := h.store.Org(ctx, *req.ParentID)
		if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
			err = termgoal.Errorf(termgoal.EINVALID, "org.parent_unknown", "the parent organization does not exist")
		}
		if err != nil {
			h.fail(c, err)
			return
		}
		if !app.IsAdmin(acc, parent.Path) {
			h.fail(c, app.ErrForbidden())
			return
		}
	}
	switch {
	case o.Name == "":
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "org.name", "the organization needs a name"))
		return
	case !o.Type.Valid():
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "org.type", "the organization type must be village_community, agency, enterprise or other"))
		return
	}
	if err := h.store.CreateOrg(ctx, &o); err != nil {
		h.fail(c, err)
		return
	}
	if h.audit(c, termgoal.Audit{Action: "org_created", Detail: map[string]any{"org_id": o.ID, "name": o.Name, "type": o.Type, "parent_id": o.ParentID}}) {
		c.JSON(http.StatusCreated, o)
	}
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

// createPost adds a post to an org the caller administers.
func (h *Handler) createPost(c *gin.Context) {
	var p termgoal.Post
	if !h.bind(c, &p) {
		return
	}
	ctx := c.Request.Context()
	if !h.adminOfReferenced(c, p.OrgID, "post.org_unknown") {
		return
	}
	p.ID, p.Title = 0, strings.TrimSpace(p.Title)
	if p.Title == "" {
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "post.title", "the post needs a title"))
		return
	}
	if err := h.store.CreatePost(ctx, &p); err != nil {
		h.fail(c, err)
		return
	}
	if h.audit(c, termgoal.Audit{Action: "post_created", Detail: map[string]any{"post_id": p.ID, "org_id": p.OrgID, "title": p.Title}}) {
		c.JSON(http.StatusCreated, p)
	}
}
