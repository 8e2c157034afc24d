package api

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/edge"
	"termgoal/postgres"
)

// maxAttachment bounds an attachment's bytes (T3); the request may be a little larger for the
// multipart framing and the step field.
const (
	maxAttachment     = 10 << 20
	maxAttachmentBody = maxAttachment + 64<<10
)

// attachmentTypes are the types an attachment may have, each with the file extensions that go
// with it. The type is sniffed from the bytes, never taken from the client; the extension
// must agree with it, so a file downloaded and opened locally is what it claims to be.
var attachmentTypes = map[string][]string{
	"application/pdf": {".pdf"},
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"text/plain":      {".txt"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       {".xlsx"},
}

// officeTypes are the Office formats, which sniff as zip: the extension names the type and
// the archive must hold that format's main part.
var officeTypes = map[string]struct{ contentType, part string }{
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/document.xml"},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/workbook.xml"},
}

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

// saveAttachment reads the request's multipart upload (the file in "file", an optional "step")
// and stores it on p for the caller, with its audit line: p must be running, the file at most
// 10 MiB, the step one of goal setting's (by default p's current step), the type sniffed from
// the bytes and agreeing with the extension. The handler has checked that the caller may see
// p. The JSON API and the process page both upload through it.
func (h *Handler) saveAttachment(c *gin.Context, p *termgoal.Process) (*postgres.Attachment, error) {
	if p.Status != "running" {
		return nil, termgoal.Errorf(termgoal.ECONFLICT, "process.closed", "the process is closed", "status", p.Status)
	}
	name, data, step, err := readUpload(c)
	if err != nil {
		return nil, err
	}
	if step == "" {
		step = p.Step
	} else if !slices.Contains(termgoal.GoalSteps, step) {
		return nil, termgoal.Errorf(termgoal.EINVALID, "attachment.step", "unknown step", "step", string(step))
	}
	ct, err := attachmentType(name, data)
	if err != nil {
		return nil, err
	}
	actor := edge.Actor(c)
	a := &postgres.Attachment{ProcessID: p.ID, Step: step, AccountID: actor.AccountID, AccountName: actor.Name,
		Filename: name, ContentType: ct, Data: data}
	audit := termgoal.Audit{At: h.cfg.Now(), ActorID: actor.AccountID, ActorName: actor.Name, IP: actor.IP,
		Action: "attachment_added", ProcessID: p.ID, TermID: p.TermID}
	if err := h.store.AddAttachment(c.Request.Context(), a, audit); err != nil {
		return nil, err
	}
	return a, nil
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

// readUpload reads the multipart body as a stream, holding at most one attachment in memory
// and nothing on disk: the file's sanitized name and bytes, and the optional step.
func readUpload(c *gin.Context) (name string, data []byte, step termgoal.Step, err error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxAttachmentBody)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return "", nil, "", termgoal.Errorf(termgoal.EMALFORMED, "attachment.multipart",
			"send the file as multipart/form-data in the field \"file\"")
	}
	found := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", nil, "", uploadError(err)
		}
		switch part.FormName() {
		case "file":
			if found {
				return "", nil, "", termgoal.Errorf(termgoal.EINVALID, "attachment.one_file", "send one file per request")
			}
			found, name = true, sanitizeFilename(part.FileName())
			if data, err = io.ReadAll(io.LimitReader(part, maxAttachment+1)); err != nil {
				return "", nil, "", uploadError(err)
			}
			if len(data) > maxAttachment {
				return "", nil, "", errTooLarge()
			}
		case "step":
			b, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return "", nil, "", uploadError(err)
			}
			step = termgoal.Step(strings.TrimSpace(string(b)))
		}
		part.Close()
	}
	switch {
	case !found:
		return "", nil, "", termgoal.Errorf(termgoal.EINVALID, "attachment.missing", "send the file in the field \"file\"")
	case len(data) == 0:
		return "", nil, "", termgoal.Errorf(termgoal.EINVALID, "attachment.empty", "the file is empty")
	}
	return name, data, step, nil
}

// uploadError maps an error reading the body: too large, or not multipart.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errTooLarge()
	}
	return termgoal.Errorf(termgoal.EMALFORMED, "attachment.multipart", "send the file as multipart/form-data in the field \"file\"")
}

func errTooLarge() error {
	return termgoal.Errorf(termgoal.EINVALID, "attachment.too_large", "an attachment may be at most 10 MiB", "max_mib", maxAttachment>>20)
}

// attachmentType returns the content type of an upload named name, or refuses it.
func attachmentType(name string, data []byte) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	refuse := termgoal.Errorf(termgoal.EINVALID, "attachment.type",
		"only PDF, PNG, JPEG, plain text (.txt), Word (.docx) and Excel (.xlsx) files are allowed, with the extension of their type",
		"filename", name)
	sniffed, _, err := mime.ParseMediaType(http.DetectContentType(data))
	if err != nil {
		return "", refuse
	}
	if sniffed == "application/zip" {
		office, ok := officeTypes[ext]
		if !ok || !zipHas(data, office.part) {
			return "", refuse
		}
		return office.contentType, nil
	}
	if !slices.Contains(attachmentTypes[sniffed], ext) {
		return "", refuse
	}
	if sniffed == "text/plain" {
		if utf8.Valid(data) {
			return "text/plain; charset=utf-8", nil
		}
		return "text/plain", nil // GB 18030 and other legacy encodings: the reader's program guesses
	}
	return sniffed, nil
}

// zipHas reports whether data is a zip archive with a member named part. Only the central
// directory is read; nothing is decompressed.
func zipHas(data []byte, part string) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	return slices.ContainsFunc(zr.File, func(f *zip.File) bool { return f.Name == part })
}

// maxFilename bounds a stored file name in bytes.
const maxFilename = 200

// sanitizeFilename keeps the last element of a client's file name without control characters
// or characters that file systems or headers treat specially, cut to maxFilename bytes with
// its extension kept. Nothing usable left gives "attachment".
func sanitizeFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r), strings.ContainsRune(`<>:"|?*;`, r):
			return -1
		}
		return r
	}, name)
	name = strings.Trim(strings.Join(strings.Fields(name), " "), ". ")
	if len(name) > maxFilename {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		base := name[:maxFilename-len(ext)]
		for !utf8.ValidString(base) {
			base = base[:len(base)-1]
		}
		name = base + ext
	}
	if name == "" {
		name = "attachment"
	}
	return name
}
