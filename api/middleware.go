package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
)

const ctxRequestID = "request_id"

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// requestLog gives every request an id (the caller's X-Request-ID when it looks sane) and logs
// one line per request with the id, the actor and the outcome.
func (h *Handler) requestLog(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if !validRequestID.MatchString(id) {
		id = randomHex(8)
	}
	c.Set(ctxRequestID, id)
	c.Header("X-Request-ID", id)
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	h.cfg.Metrics.ObserveHTTP(c.FullPath(), c.Request.Method, status, time.Since(start))
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	attrs := []any{
		"request_id", id,
		"method", c.Request.Method,
		"path", c.FullPath(),
		"status", status,
		"duration_ms", float64(time.Since(start).Microseconds()) / 1000,
		"ip", c.ClientIP(),
	}
	if a := Caller(c); a != nil {
		attrs = append(attrs, "account_id", a.ID)
	}
	h.log.Log(c.Request.Context(), level, "http request", attrs...)
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

// RequestID returns the id of the request, as logged.
func RequestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
