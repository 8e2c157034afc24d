package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/trace"

	"termgoal"
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
// internal error (anything that is not a *termgoal.Error with a known code) is logged with the
// request id and answered with a generic message: its text never reaches the client.
func (h *Handler) Problem(c *gin.Context, err error) (code string, status int, message string) {
	var e *termgoal.Error
	if !errors.As(err, &e) || e.Code == termgoal.EINTERNAL || statusOf[e.Code] == 0 {
		h.log.ErrorContext(c.Request.Context(), "internal error", "err", err.Error())
		return termgoal.EINTERNAL, http.StatusInternalServerError, T(c, "error.internal", nil)
	}
	return e.Code, statusOf[e.Code], MessageOf(c, e)
}

// fail answers err as `{"error":{"code","message"}}` with the status of its code and stops the
// handler chain.
func (h *Handler) fail(c *gin.Context, err error) {
	code, status, msg := h.Problem(c, err)
	if sc := trace.SpanContextFromContext(c.Request.Context()); sc.IsValid() {
		c.Header("X-Trace-ID", sc.TraceID().String()) // to find the failed request in the traces
	}
	if status == http.StatusTooManyRequests {
		c.Header("Retry-After", "300")
	}
	c.AbortWithStatusJSON(status, ErrorBody{Error: ErrorDetail{Code: code, Message: msg}})
}

// MessageOf translates a domain error by its Key and Args; the English Message is the fallback
// when the catalogs have no such key. Errors without a key fall back to the code's generic
// message.
func MessageOf(c *gin.Context, e *termgoal.Error) string {
	if e.Key != "" {
		if s, ok := translate(Localizer(c), e.Key, localizeArgs(c, e.Args)); ok {
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
			if t, ok := translate(Localizer(c), vocabularyArgs[k]+s, nil); ok {
				out[k] = t
			}
		}
	}
	return out
}

// vocabularyArgs are the arguments localizeArgs translates, each with its key prefix.
var vocabularyArgs = map[string]string{"step": "steps.", "pledge": "pledges.", "grade": "grades.", "halted": "halted_status."}

// writeRawError answers outside Gin (the cross-origin protection refuses before routing).
func writeRawError(w http.ResponseWriter, r *http.Request, status int, code, key, fallback string) {
	msg, ok := translate(localizerFor(requestLang(r, "")), key, nil)
	if !ok {
		msg = fallback
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(ErrorBody{Error: ErrorDetail{Code: code, Message: msg}})
}

// Shorthands for errors the handlers raise.

func errUnauthorized() error {
	return termgoal.Errorf(termgoal.EUNAUTHORIZED, "error.unauthorized", "sign in first")
}

func errMalformed(err error) error {
	return termgoal.Errorf(termgoal.EMALFORMED, "error.malformed", "the request body is not valid JSON of the expected shape: "+err.Error(), "detail", err.Error())
}

func errNotFound() error {
	return termgoal.Errorf(termgoal.ENOTFOUND, "error.not_found", "not found")
}
