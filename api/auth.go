package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
	"github.com/gin-gonic/gin"

	"termgoal"
)

// Session and token lifetimes (S1).
const (
	sessionIdle     = 30 * time.Minute
	sessionLifetime = 12 * time.Hour
	tokenLifetime   = 12 * time.Hour
	sessionAccount  = "account_id"
	ctxAccount      = "account"
	ctxToken        = "token_hash"
)

func newSessions(cfg Config) *scs.SessionManager {
	sm := scs.New()
	if cfg.Store != nil {
		sm.Store = postgresstore.New(cfg.Store.DB())
	} else {
		sm.Store = memstore.New()
	}
	sm.IdleTimeout = sessionIdle
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = "termgoal_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.Cookie.Path = "/"
	return sm
}

// Caller returns the signed-in account, or nil for an anonymous request.
func Caller(c *gin.Context) *termgoal.Account {
	if v, ok := c.Get(ctxAccount); ok {
		return v.(*termgoal.Account)
	}
	return nil
}

// Actor returns who performs an action: the caller (anonymous: account 0) and their address.
func Actor(c *gin.Context) termgoal.Actor {
	a := termgoal.Actor{IP: c.ClientIP()}
	if acc := Caller(c); acc != nil {
		a.AccountID, a.Name = acc.ID, acc.DisplayName
	}
	return a
}

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
		h.setCaller(c, acc)
		c.Set(ctxToken, sum[:])
		c.Next()
		return
	}
	if id := h.sessions.GetInt64(ctx, sessionAccount); id != 0 && h.store != nil {
		acc, err := h.store.Account(ctx, id)
		switch {
		case termgoal.ErrorCode(err) == termgoal.ENOTFOUND:
			_ = h.sessions.Destroy(ctx)
		case err != nil:
			h.fail(c, err)
			return
		default:
			h.setCaller(c, acc)
		}
	}
	c.Next()
}

// setCaller makes acc the request's caller, and its id part of every line the request logs.
func (h *Handler) setCaller(c *gin.Context, acc *termgoal.Account) {
	c.Set(ctxAccount, acc)
	c.Request = c.Request.WithContext(withLogAttrs(c.Request.Context(), slog.Int64("account_id", acc.ID)))
}

// requireAuth answers 401 to an anonymous caller.
func (h *Handler) requireAuth(c *gin.Context) {
	if Caller(c) == nil {
		c.Header("WWW-Authenticate", `Bearer realm="termgoal"`)
		h.fail(c, errUnauthorized())
		return
	}
	c.Next()
}

// StartSession signs the browser in as acc, with a fresh session token (no fixation).
func (h *Handler) StartSession(c *gin.Context, acc *termgoal.Account) error {
	ctx := c.Request.Context()
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.sessions.Put(ctx, sessionAccount, acc.ID)
	c.Set(ctxAccount, acc)
	return nil
}

// EndSession signs the browser out.
func (h *Handler) EndSession(c *gin.Context) error {
	return h.sessions.Destroy(c.Request.Context())
}

type tokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
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
	acc, err := h.ops.SignIn(ctx, req.Username, req.Password)
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
	c.Set(ctxAccount, acc)
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
	if err := h.EndSession(c); err != nil {
		h.fail(c, err)
		return
	}
	if !h.audit(c, termgoal.Audit{Action: "signed_out"}) {
		return
	}
	c.Status(http.StatusNoContent)
}

// me answers the caller's account with its grants.
func (h *Handler) me(c *gin.Context) { c.JSON(http.StatusOK, Caller(c)) }
