package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/trace"

	"termgoal"
	"termgoal/edge"
)

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// auditRefusals records in the audit log each request of a signed-in caller that was refused
// (403), with the route and the address it came from (S4), for the pages and the API alike.
// Anonymous callers are refused as 401 and not recorded: nothing names them.
func (h *Handler) auditRefusals(c *gin.Context) {
	c.Next()
	if c.Writer.Status() != http.StatusForbidden || edge.Caller(c) == nil {
		return
	}
	if err := h.appendAudit(c, termgoal.Audit{Action: "access_refused",
		Detail: map[string]any{"method": c.Request.Method, "route": c.FullPath(), "path": termgoal.Clip(c.Request.URL.Path, 300)}}); err != nil {
		h.log.ErrorContext(c.Request.Context(), "audit", "action", "access_refused", "err", err.Error())
	}
}

// requestLog gives every request an id (the caller's X-Request-ID when it looks sane), which
// every line logged during the request carries, and logs one line per request with its outcome.
func (h *Handler) requestLog(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if !validRequestID.MatchString(id) {
		id = edge.RandomHex(8)
	}
	edge.SetRequestID(c, id)
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	h.cfg.Metrics.ObserveHTTP(c.FullPath(), c.Request.Method, status, time.Since(start))
	if route := c.FullPath(); route != "" {
		trace.SpanFromContext(c.Request.Context()).SetName(c.Request.Method + " " + route)
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	// The request id and the account id come from the context (edge/logattrs.go); the address is
	// personal data and stays out of the logs (the audit log keeps it where it must).
	h.log.Log(c.Request.Context(), level, "http request", "method", c.Request.Method, "path", c.FullPath(),
		"status", status, "duration_ms", float64(time.Since(start).Microseconds())/1000)
}

// recovery turns a panic into a 500 with the standard error body; the panic is logged, never
// shown.
func (h *Handler) recovery(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			h.fail(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}

// noCache keeps API answers out of shared caches: they are personal.
func noCache(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Next()
}

func notFound(h *Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		h.fail(c, termgoal.Errorf(termgoal.ENOTFOUND, "error.route_not_found", "no such route"))
	}
}
