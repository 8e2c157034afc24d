// Package api serves termgoal over HTTP: the JSON API under /api/v1 (and, next to it, the web
// pages). One Gin route table (routes.go), response helpers that own the status code
// (respond.go, errors.go), and authentication by session cookie or bearer token (auth.go). The
// caller, the language and its catalogs and the table from error codes to HTTP statuses are
// package edge's, shared with the pages.
package api

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"termgoal/app"
	"termgoal/catalog"
	"termgoal/edge"
	"termgoal/metrics"
	"termgoal/postgres"
	"termgoal/web"
)

// Config is what New needs. Store and Log are required; Temporal may be nil only where no
// route that starts or acts on a workflow is called (unit tests).
type Config struct {
	Store         *postgres.Store
	Temporal      client.Client
	Log           *slog.Logger
	TemporalUIURL string // the Temporal UI, linked from process pages; its origin may call the codec endpoint
	// PayloadCodec seals and opens Temporal payloads for the codec endpoint (codec.go); nil
	// answers it 404.
	PayloadCodec  converter.PayloadCodec
	ActionTimeout time.Duration // how long an action waits for the workflow; default 10s
	// PlainHTTP drops the __Host- prefix and the Secure flag from the cookies and sends no
	// HSTS: only `termgoal dev` on a loopback address sets it (edge.Cookies).
	PlainHTTP   bool
	BodyTimeout time.Duration // how long a request body may take to arrive; default 30s
	// Objections filed on one notice in 24 hours: from one address, and in all; defaults 5 and
	// 100.
	ObjectionsPerAddress int
	ObjectionsPerNotice  int
	Metrics              *metrics.Metrics // nil records nothing
	OIDC                 *web.OIDC        // sign-in with an OpenID Connect provider; nil: passwords only
	Archives             app.Archives     // where the term bundles are kept
	Now                  func() time.Time
}

// Handler holds what every route handler needs: JSON handlers and web pages decode the request,
// call an operation of ops (package app) and answer.
type Handler struct {
	cfg      Config
	store    *postgres.Store
	temporal client.Client
	ops      *app.Service // the operations the pages and the JSON handlers call
	pages    *web.Handler // the web pages, mounted outside /api/v1
	log      *slog.Logger
	sessions *scs.SessionManager
	engine   *gin.Engine
}

// New builds the HTTP handler: the Gin engine with every route, wrapped in Go's cross-origin
// protection (CSRF), the session middleware and the security headers.
func New(cfg Config) (http.Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("api: Config.Store is required")
	}
	h, err := newHandler(cfg)
	if err != nil {
		return nil, err
	}
	return h.wrap(), nil
}

// newHandler builds a Handler and its engine. A nil store is allowed here for tests that never
// reach the database; sessions then live in memory.
func newHandler(cfg Config) (*Handler, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	cfg.Log = slog.New(edge.ContextLogHandler(cfg.Log.Handler()))
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.BodyTimeout <= 0 {
		cfg.BodyTimeout = defaultBodyTimeout
	}
	if err := catalog.Load(); err != nil {
		return nil, err
	}
	h := &Handler{
		cfg:      cfg,
		store:    cfg.Store,
		temporal: cfg.Temporal,
		log:      cfg.Log,
	}
	h.ops = app.New(app.Service{Store: cfg.Store, Temporal: cfg.Temporal, Log: cfg.Log, Metrics: cfg.Metrics,
		ActionTimeout: cfg.ActionTimeout, ObjectionsPerAddress: cfg.ObjectionsPerAddress, ObjectionsPerNotice: cfg.ObjectionsPerNotice, Now: cfg.Now, TemporalUIURL: cfg.TemporalUIURL, Archives: cfg.Archives})
	h.sessions = newSessions(cfg)
	pages, err := web.New(web.Config{Store: cfg.Store, Ops: h.ops, Log: cfg.Log, Sessions: h.sessions, Cookies: h.cookies(), OIDC: cfg.OIDC})
	if err != nil {
		return nil, err
	}
	h.pages = pages
	if h.ops.Archives.Forms == nil {
		h.ops.Archives.Forms = pages
	}
	h.engine = h.routes()
	return h, nil
}

// wrap puts the engine inside the session middleware, the cross-origin protection and the
// security headers, outermost last.
func (h *Handler) wrap() http.Handler {
	cop := http.NewCrossOriginProtection()
	// The Temporal UI posts payloads to the codec endpoint from its own origin; it changes
	// nothing, and CORS (codecCORS) keeps the answers from every other origin.
	cop.AddInsecureBypassPattern("POST /api/v1/codec/")
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeRawError(w, r, h.cookies(), http.StatusForbidden, "forbidden", "error.cross_origin", "cross-origin request refused")
	}))
	// The request's span is outermost (a no-op unless tracing is set up: package tracing);
	// requestLog names it after the route.
	return otelhttp.NewHandler(bodyDeadline(h.cfg.BodyTimeout, securityHeaders(!h.cfg.PlainHTTP, cop.Handler(h.sessions.LoadAndSave(h.engine)))),
		"HTTP request")
}

// contentSecurityPolicy allows only the app's own scripts, styles and images.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(hsts bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if hsts {
			hd.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}
