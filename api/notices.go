package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal"
)

// Notices are public (P9): anyone may read an open notice and the plan it publishes, and file
// an objection (actions.go). Objections are shown without their authors' ids, and anonymous
// ones without a name.

func (h *Handler) listNotices(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	ns, total, err := h.store.Notices(c.Request.Context(), "open", limit, offset)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, ns, total)
}

// NoticeView is a public notice with the plan it publishes.
type NoticeView struct {
	Notice     *termgoal.Notice      `json:"notice"`
	Items      []termgoal.PlanItem   `json:"items"`
	Objections []termgoal.Objection  `json:"objections"`
	Plan       *termgoal.PlanVersion `json:"-"`
}

func (h *Handler) getNotice(c *gin.Context) {
	v, err := h.NoticeView(c, c.Param("process_id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// NoticeView loads the latest notice of a process for the public.
func (h *Handler) NoticeView(c *gin.Context, processID string) (*NoticeView, error) {
	ctx := c.Request.Context()
	n, err := h.store.Notice(ctx, processID)
	if err != nil {
		return nil, err
	}
	plan, err := h.store.PlanVersion(ctx, n.TermID, n.Version)
	if err != nil {
		return nil, err
	}
	objs, err := h.store.Objections(ctx, processID)
	if err != nil {
		return nil, err
	}
	for i := range objs {
		objs[i].AuthorID = 0
		if objs[i].Anonymous {
			objs[i].AuthorName = ""
		}
	}
	if objs == nil {
		objs = []termgoal.Objection{}
	}
	return &NoticeView{Notice: n, Items: plan.Items, Objections: objs, Plan: plan}, nil
}
