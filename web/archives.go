package web

import (
	"net/url"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/edge"
)

// The term page's archive bundles (P6): an administrator writes one, as a correction of an
// earlier one if need be, and downloads them.

// webWriteArchive writes a new bundle of the term.
func (h *Handler) webWriteArchive(c *gin.Context) {
	h.termForm(c, func(t *termgoal.Term, form url.Values) (string, error) {
		info, err := h.ops.StoreTermArchive(c.Request.Context(), edge.Caller(c), edge.Actor(c), t.ID, form.Get("supersedes"))
		return edge.T(c, "web.archive_written", map[string]any{"name": info.Name}), err
	})
}

// webArchiveFile downloads one bundle of the term.
func (h *Handler) webArchiveFile(c *gin.Context) {
	id, err := edge.ParseID(c.Param("id"))
	if err != nil {
		h.Fail(c, err)
		return
	}
	f, err := h.ops.TermArchiveFile(c.Request.Context(), edge.Caller(c), id, c.Param("name"))
	if err != nil {
		h.Fail(c, err)
		return
	}
	defer f.Close()
	if err := edge.SendFile(c, c.Param("name"), "application/zip", f); err != nil {
		h.log.WarnContext(c.Request.Context(), "archive not delivered", "err", err)
	}
}
