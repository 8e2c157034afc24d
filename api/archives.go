package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal/edge"
)

// A term's archive bundles (P6, app/archive.go): an administrator of the term lists them,
// writes a new one (a correction names the one it supersedes) and downloads them.

type archiveRequest struct {
	Supersedes string `json:"supersedes,omitempty"` // the name of the bundle this one corrects
}

// termArchives lists the term's bundles, newest first.
func (h *Handler) termArchives(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	items, err := h.ops.TermArchives(c.Request.Context(), edge.Caller(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, items, len(items))
}

// writeTermArchive writes a new bundle of the term.
func (h *Handler) writeTermArchive(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	var req archiveRequest
	if err := decodeBody(c, &req, true); err != nil {
		h.fail(c, err)
		return
	}
	info, err := h.ops.StoreTermArchive(c.Request.Context(), edge.Caller(c), edge.Actor(c), id, req.Supersedes)
	reply(h, c, http.StatusCreated, info, err)
}

// termArchiveFile downloads one bundle.
func (h *Handler) termArchiveFile(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	f, err := h.ops.TermArchiveFile(c.Request.Context(), edge.Caller(c), id, c.Param("name"))
	if err != nil {
		h.fail(c, err)
		return
	}
	defer f.Close()
	if err := edge.SendFile(c, c.Param("name"), "application/zip", f); err != nil {
		h.log.WarnContext(c.Request.Context(), "archive not delivered", "err", err)
	}
}
