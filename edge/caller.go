package edge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"

	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"

	"termgoal"
)

// Keys of the request's Gin context and of the session.
const (
	ctxAccount     = "account"
	ctxRequestID   = "request_id"
	sessionAccount = "account_id"
	sessionGrants  = "grants" // the account's roles when the session's token was issued
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

// SessionRegistry names the account of each browser session (postgres.Store), so that
// sessions can be listed and ended by account.
type SessionRegistry interface {
	RegisterSession(ctx context.Context, token string, account int64, ip, userAgent string) error
	// SessionAccount answers not found for a session that was ended or whose account is
	// disabled.
	SessionAccount(ctx context.Context, token string) (*termgoal.Account, error)
}

// StartSession signs the browser in as acc on a new session token (never the one it came
// with: no fixation), registered with the browser's address and name.
func StartSession(c *gin.Context, sm *scs.SessionManager, reg SessionRegistry, acc *termgoal.Account) error {
	if err := renewSession(c, sm, reg, acc); err != nil {
		return err
	}
	sm.Put(c.Request.Context(), sessionAccount, acc.ID)
	SetCaller(c, acc)
	return nil
}

// LoadSession returns the account the browser's session is signed in as: nil for none, or
// for a session ended elsewhere (signed out, ended by an administrator, a new password, a
// disabled account), which is then dropped. When the account's roles changed since the
// session's token was issued, the session goes on under a new token.
func LoadSession(c *gin.Context, sm *scs.SessionManager, reg SessionRegistry) (*termgoal.Account, error) {
	ctx := c.Request.Context()
	if sm.GetInt64(ctx, sessionAccount) == 0 {
		return nil, nil
	}
	acc, err := reg.SessionAccount(ctx, sm.Token(ctx))
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		return nil, sm.Destroy(ctx)
	}
	if err != nil {
		return nil, err
	}
	if sm.GetString(ctx, sessionGrants) != grantsPrint(acc) {
		if err := renewSession(c, sm, reg, acc); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// renewSession gives the session a new token for acc, registered, noting acc's roles.
func renewSession(c *gin.Context, sm *scs.SessionManager, reg SessionRegistry, acc *termgoal.Account) error {
	ctx := c.Request.Context()
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Put(ctx, sessionGrants, grantsPrint(acc))
	return reg.RegisterSession(ctx, sm.Token(ctx), acc.ID, c.ClientIP(), c.Request.UserAgent())
}

// grantsPrint is acc's roles as one string, to notice when they change.
func grantsPrint(acc *termgoal.Account) string {
	var b strings.Builder
	for _, g := range acc.Grants {
		fmt.Fprintf(&b, "%s@%d;", g.Role, g.OrgID)
	}
	return b.String()
}

// RandomHex returns n random bytes in hex: request ids, form keys.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
