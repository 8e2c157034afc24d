package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/edge"
)

// Session and token lifetimes (S1).
const (
	sessionIdle     = 30 * time.Minute
	sessionLifetime = 12 * time.Hour
	tokenLifetime   = 12 * time.Hour
	ctxToken        = "token_hash"
	sessionCookie   = "termgoal_session"
)

func newSessions(cfg Config) *scs.SessionManager {
	sm := scs.New()
	if cfg.Store != nil {
		sm.Store = cfg.Store.SessionStore()
	} else {
		sm.Store = memstore.New()
	}
	sm.IdleTimeout = sessionIdle
	sm.Lifetime = sessionLifetime
	k := edge.Cookies{Plain: cfg.PlainHTTP}
	sm.Cookie.Name = k.Name(sessionCookie)
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = !k.Plain
	sm.Cookie.Path = "/"
	return sm
}

// cookies is how the handler sets its cookies: __Host- and Secure unless PlainHTTP.
func (h *Handler) cookies() edge.Cookies { return edge.Cookies{Plain: h.cfg.PlainHTTP} }

// loadCaller puts the caller into the context: a bearer token first, then the session. A bad
// or expired token is refused at once rather than treated as anonymous, so a client learns
// that its token stopped working.
func (h *Handler) loadCaller(c *gin.Context) {
	ctx := c.Request.Context()
	if authz := c.GetHeader("Authorization"); authz != "" {
		tok, ok := strings.CutPrefix(authz, "Bearer ")
		if !ok || tok == "" || h.store == nil {
			h.fail(c, termgoal.Errorf(termgoal.EUNAUTHORIZED, "auth.bad_token", "the bearer token is invalid or expired"))
			return
		}
		sum := sha256.Sum256([]byte(tok))
		acc, err := h.store.AccountByToken(ctx, sum[:])
		if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
			err = termgoal.Errorf(termgoal.EUNAUTHORIZED, "auth.bad_token", "the bearer token is invalid or expired")
		}
		if err != nil {
			h.fail(c, err)
			return
		}
		edge.SetCaller(c, acc)
		c.Set(ctxToken, sum[:])
		c.Next()
		return
	}
	if h.store != nil {
		acc, err := edge.LoadSession(c, h.sessions, h.store)
		if err != nil {
			h.fail(c, err)
			return
		}
		if acc != nil {
			edge.SetCaller(c, acc)
		}
	}
	c.Next()
}

// requireAuth answers 401 to an anonymous caller.
func (h *Handler) requireAuth(c *gin.Context) {
	if edge.Caller(c) == nil {
		c.Header("WWW-Authenticate", `Bearer realm="termgoal"`)
		h.fail(c, errUnauthorized())
		return
	}
	c.Next()
}

type tokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Code     string `json:"code,omitempty"` // with the second factor on: the app's code or a recovery code
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// createToken exchanges a username and password for a bearer token. Only the token's SHA-256
// is stored.
func (h *Handler) createToken(c *gin.Context) {
	var req tokenRequest
	if !h.bind(c, &req) {
		return
	}
	ctx := c.Request.Context()
	acc, err := h.ops.SignIn(ctx, req.Username, req.Password, req.Code, c.ClientIP())
	if err != nil {
		h.fail(c, err)
		return
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		h.fail(c, err)
		return
	}
	tok := base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(tok))
	exp := h.cfg.Now().Add(tokenLifetime).UTC().Truncate(time.Second)
	if err := h.store.CreateToken(ctx, acc.ID, sum[:], "api", exp); err != nil {
		h.fail(c, err)
		return
	}
	edge.SetCaller(c, acc)
	if !h.audit(c, termgoal.Audit{Action: "token_created", Detail: map[string]any{"expires_at": exp}}) {
		return
	}
	c.JSON(http.StatusOK, tokenResponse{Token: tok, ExpiresAt: exp})
}

// logout ends the session and revokes the bearer token the request came with.
func (h *Handler) logout(c *gin.Context) {
	ctx := c.Request.Context()
	if v, ok := c.Get(ctxToken); ok {
		if err := h.store.RevokeToken(ctx, v.([]byte)); err != nil {
			h.fail(c, err)
			return
		}
	}
	if err := h.sessions.Destroy(ctx); err != nil {
		h.fail(c, err)
		return
	}
	if !h.audit(c, termgoal.Audit{Action: "signed_out"}) {
		return
	}
	c.Status(http.StatusNoContent)
}

// me answers the caller's account with its grants.
func (h *Handler) me(c *gin.Context) { c.JSON(http.StatusOK, edge.Caller(c)) }
