package api

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/edge"
	"termgoal/postgres"
)

// addAttachment stores a file sent as the multipart field "file" (with an optional "step",
// by default the process's current step) on a process the caller can see.
func (h *Handler) addAttachment(c *gin.Context) {
	p, ok := h.visibleProcess(c)
	if !ok {
		return
	}
	a, err := h.saveAttachment(c, p)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, a)
}

// listAttachments answers a page of a process's attachments, without their bytes.
func (h *Handler) listAttachments(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	p, ok := h.visibleProcess(c)
	if !ok {
		return
	}
	items, total, err := h.store.Attachments(c.Request.Context(), p.ID, limit, offset)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, items, total)
}

// getAttachment sends an attachment's bytes to whoever can see its process, always as a
// download and never sniffed by the browser: a file is evidence to read, not a page to run.
func (h *Handler) getAttachment(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	a, err := h.store.Attachment(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	if _, err := h.ops.VisibleProcess(ctx, edge.Caller(c), a.ProcessID); err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}))
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Security-Policy", "sandbox; default-src 'none'")
	c.Header("Content-Length", strconv.FormatInt(a.Size, 10))
	c.Data(http.StatusOK, a.ContentType, a.Data)
}

// saveAttachment reads the request's multipart upload (the file in "file", an optional "step")
// and stores it on p for the caller (app.Service.AddAttachment). The handler has checked that
// the caller may see p.
func (h *Handler) saveAttachment(c *gin.Context, p *termgoal.Process) (*postgres.Attachment, error) {
	name, data, step, err := edge.ReadUpload(c)
	if err != nil {
		return nil, err
	}
	return h.ops.AddAttachment(c.Request.Context(), edge.Actor(c), p, name, data, step)
}
