package edge

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/catalog"
)

// Error codes of the HTTP edge itself, next to the domain's (termgoal.E*).
const (
	ETOOLARGE = "too_large"
	ETIMEOUT  = "request_timeout"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[string]int{
	termgoal.EMALFORMED:    http.StatusBadRequest,
	termgoal.EUNAUTHORIZED: http.StatusUnauthorized,
	termgoal.EFORBIDDEN:    http.StatusForbidden,
	termgoal.ENOTFOUND:     http.StatusNotFound,
	termgoal.ECONFLICT:     http.StatusConflict,
	termgoal.EINVALID:      http.StatusUnprocessableEntity,
	termgoal.ETOOMANY:      http.StatusTooManyRequests,
	termgoal.ECODEREQUIRED: http.StatusUnauthorized,
	ETOOLARGE:              http.StatusRequestEntityTooLarge,
	ETIMEOUT:               http.StatusRequestTimeout,
	termgoal.EUNAVAILABLE:  http.StatusServiceUnavailable,
	termgoal.EINTERNAL:     http.StatusInternalServerError,
}

// ErrorStatus returns the HTTP status for an error code; unknown codes are internal errors.
func ErrorStatus(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// ErrorBody is the JSON shape of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the code and the message in the caller's language.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Problem returns the code, status and translated message for err as the caller sees it. An
// internal error (anything that is not a *termgoal.Error with a known code) is logged on log with the
// request id and answered with a generic message: its text never reaches the client.
func Problem(c *gin.Context, log *slog.Logger, err error) (code string, status int, message string) {
	var e *termgoal.Error
	if !errors.As(err, &e) || e.Code == termgoal.EINTERNAL || statusOf[e.Code] == 0 {
		log.ErrorContext(c.Request.Context(), "internal error", "err", err.Error())
		return termgoal.EINTERNAL, http.StatusInternalServerError, T(c, "error.internal", nil)
	}
	return e.Code, statusOf[e.Code], MessageOf(c, e)
}

// MessageOf translates a domain error by its Key and Args; the English Message is the fallback
// when the catalogs have no such key. Errors without a key fall back to the code's generic
// message.
func MessageOf(c *gin.Context, e *termgoal.Error) string {
	if e.Key != "" {
		if s, ok := catalog.Translate(Localizer(c), e.Key, localizeArgs(c, e.Args)); ok {
			return s
		}
	}
	if e.Message != "" {
		return e.Message
	}
	return T(c, "error."+e.Code, nil)
}

// localizeArgs translates the arguments that name vocabulary (a step, a pledge, a grade) so
// the message reads "the process is at step 公示", not "at step notice".
func localizeArgs(c *gin.Context, args map[string]any) map[string]any {
	out := make(map[string]any, len(args))
	for k, v := range args {
		out[k] = v
		if s, ok := v.(string); ok && vocabularyArgs[k] != "" {
			if t, ok := catalog.Translate(Localizer(c), vocabularyArgs[k]+s, nil); ok {
				out[k] = t
			}
		}
	}
	return out
}

// vocabularyArgs are the arguments localizeArgs translates, each with its key prefix.
var vocabularyArgs = map[string]string{"step": "steps.", "pledge": "pledges.", "grade": "grades.", "halted": "halted_status."}

// Shorthands for errors both edges raise.

// ErrMalformed refuses a request body or form that cannot be read, saying what is wrong in
// the words of JSON, never of Go (no type or struct names).
func ErrMalformed(err error) error {
	d := malformedDetail(err)
	return termgoal.Errorf(termgoal.EMALFORMED, "error.malformed", "the request body is not valid JSON of the expected shape: "+d, "detail", d)
}

func malformedDetail(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return "the body must be " + jsonKind(typ.Type)
		}
		return fmt.Sprintf("%s must be %s", field, jsonKind(typ.Type))
	case errors.As(err, new(*time.ParseError)):
		return "a date or time must look like 2026-01-31 or 2026-01-31T09:00:00+08:00"
	case strings.HasPrefix(err.Error(), "Time.UnmarshalJSON"):
		return "a date or time must be a string"
	case strings.Contains(err.Error(), "UnmarshalJSON"):
		return "a value is not of the expected kind"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ends too early"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case strings.HasPrefix(err.Error(), "json: "):
		return "the body cannot be read as JSON"
	}
	return err.Error()
}

// jsonKind names the JSON value a Go type is read from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		if t == reflect.TypeFor[time.Time]() {
			return "a date or time"
		}
		return "an object"
	}
	return "a value of another kind"
}

// ErrNotFound is the answer for an unknown id.
func ErrNotFound() error {
	return termgoal.Errorf(termgoal.ENOTFOUND, "error.not_found", "not found")
}

// ValidKey bounds an Idempotency-Key to printable ASCII of a sane length.
var ValidKey = regexp.MustCompile(`^[\x21-\x7e]{1,200}$`)

// ErrBadKey refuses an Idempotency-Key, sent as a header or with a form, that is not 1 to 200
// printable ASCII characters.
func ErrBadKey() error {
	return termgoal.Errorf(termgoal.EMALFORMED, "action.bad_key", "the Idempotency-Key must be 1 to 200 printable ASCII characters")
}

// ParseID reads a positive numeric ID; anything else is an unknown one (404).
func ParseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, ErrNotFound()
	}
	return id, nil
}
