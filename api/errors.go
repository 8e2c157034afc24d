package api

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/trace"

	"termgoal"
	"termgoal/catalog"
	"termgoal/edge"
)

// fail answers err as `{"error":{"code","message"}}` with the status of its code and stops the
// handler chain.
func (h *Handler) fail(c *gin.Context, err error) {
	code, status, msg := edge.Problem(c, h.log, err)
	if sc := trace.SpanContextFromContext(c.Request.Context()); sc.IsValid() {
		c.Header("X-Trace-ID", sc.TraceID().String()) // to find the failed request in the traces
	}
	if status == http.StatusTooManyRequests {
		c.Header("Retry-After", "300")
	}
	c.AbortWithStatusJSON(status, edge.ErrorBody{Error: edge.ErrorDetail{Code: code, Message: msg}})
}

// writeRawError answers outside Gin (the cross-origin protection refuses before routing).
func writeRawError(w http.ResponseWriter, r *http.Request, k edge.Cookies, status int, code, key, fallback string) {
	msg, ok := catalog.Translate(catalog.Localizer(edge.RequestLang(r, edge.CookieLang(r, k), "")), key, nil)
	if !ok {
		msg = fallback
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(edge.ErrorBody{Error: edge.ErrorDetail{Code: code, Message: msg}})
}

// Shorthands for errors the handlers raise.

func errUnauthorized() error {
	return termgoal.Errorf(termgoal.EUNAUTHORIZED, "error.unauthorized", "sign in first")
}
