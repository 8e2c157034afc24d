package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
)

// maxBody bounds every JSON request body.
const maxBody = 1 << 20

// Paging defaults: lists answer 50 items unless asked, never more than 200.
const (
	defaultLimit = 50
	maxLimit     = 200
)

// List is the shape of every list answer.
type List[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

func list[T any](c *gin.Context, items []T, total int) {
	if items == nil {
		items = []T{}
	}
	c.JSON(http.StatusOK, List[T]{Items: items, Total: total})
}

// pageOf cuts one page out of a list held in memory.
func pageOf[T any](items []T, limit, offset int) []T {
	if offset >= len(items) {
		return []T{}
	}
	return items[offset:min(len(items), offset+limit)]
}

// paging reads limit and offset; a value that is not a number is malformed, a negative one or
// an offset past app.MaxOffset invalid, and a limit above the maximum is cut down to it.
func (h *Handler) paging(c *gin.Context) (limit, offset int, ok bool) {
	limit, offset = defaultLimit, 0
	for name, dst := range map[string]*int{"limit": &limit, "offset": &offset} {
		s := c.Query(name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			h.fail(c, termgoal.Errorf(termgoal.EMALFORMED, "paging.not_number", name+" must be a number", "name", name))
			return 0, 0, false
		}
		*dst = n
	}
	if limit < 1 || offset < 0 || offset > app.MaxOffset {
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "paging.range", "limit must be at least 1 and offset from 0 to 10000; narrow the list with its filters",
			"max", app.MaxOffset))
		return 0, 0, false
	}
	return min(limit, maxLimit), offset, true
}

// bind decodes the JSON body into v; unknown fields and trailing data are malformed.
func (h *Handler) bind(c *gin.Context, v any) bool {
	if err := decodeBody(c, v, false); err != nil {
		h.fail(c, err)
		return false
	}
	return true
}

// decodeBody decodes the body strictly and checks its texts and lists (termgoal.CheckText).
// With allowEmpty an empty body leaves v unchanged (actions without fields).
func decodeBody(c *gin.Context, v any, allowEmpty bool) error {
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		if allowEmpty {
			return nil
		}
		return termgoal.Errorf(termgoal.EMALFORMED, "error.empty_body", "the request needs a JSON body")
	}
	if err != nil {
		return bodyError(err, edge.ErrMalformed(err))
	}
	if dec.More() {
		return edge.ErrMalformed(errors.New("data after the JSON value"))
	}
	return termgoal.CheckText(v)
}

// idParam reads a numeric path parameter; anything else is an unknown id (404).
func (h *Handler) idParam(c *gin.Context, name string) (int64, bool) {
	id, err := edge.ParseID(c.Param(name))
	if err != nil {
		h.fail(c, err)
		return 0, false
	}
	return id, true
}

// audit appends one line to the audit log for a write done outside a workflow, with the
// caller and their address. It answers the error itself and reports whether it succeeded.
func (h *Handler) audit(c *gin.Context, a termgoal.Audit) bool {
	if err := h.appendAudit(c, a); err != nil {
		h.fail(c, err)
		return false
	}
	return true
}

// appendAudit writes a by the request's caller, at now, from the caller's address.
func (h *Handler) appendAudit(c *gin.Context, a termgoal.Audit) error {
	return h.ops.Audit(c.Request.Context(), edge.Actor(c), a)
}

// reply answers v with status, or the error.
func reply(h *Handler, c *gin.Context, status int, v any, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(status, v)
}
