package edge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"

	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"

	"termgoal"
)

// Keys of the request's Gin context and of the session.
const (
	ctxAccount     = "account"
	ctxRequestID   = "request_id"
	sessionAccount = "account_id"
)

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

// SetCaller makes acc the request's caller, and its id part of every line the request logs.
func SetCaller(c *gin.Context, acc *termgoal.Account) {
	c.Set(ctxAccount, acc)
	c.Request = c.Request.WithContext(WithLogAttrs(c.Request.Context(), slog.Int64("account_id", acc.ID)))
}

// SetRequestID gives the request its id, which every line it logs carries.
func SetRequestID(c *gin.Context, id string) {
	c.Set(ctxRequestID, id)
	c.Header("X-Request-ID", id)
	c.Request = c.Request.WithContext(WithLogAttrs(c.Request.Context(), slog.String("request_id", id)))
}

// RequestID returns the id of the request, as logged.
func RequestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

// StartSession signs the browser in as acc, with a fresh session token (no fixation).
func StartSession(c *gin.Context, sm *scs.SessionManager, acc *termgoal.Account) error {
	if err := sm.RenewToken(c.Request.Context()); err != nil {
		return err
	}
	sm.Put(c.Request.Context(), sessionAccount, acc.ID)
	SetCaller(c, acc)
	return nil
}

// SessionAccount returns the account id the browser's session is signed in as (0: none).
func SessionAccount(ctx context.Context, sm *scs.SessionManager) int64 {
	return sm.GetInt64(ctx, sessionAccount)
}

// RandomHex returns n random bytes in hex: request ids, form keys.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
