package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
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

func (h *Handler) getNotice(c *gin.Context) {
	v, err := h.ops.NoticeView(c.Request.Context(), c.Param("process_id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
