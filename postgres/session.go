package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/v2"

	"termgoal"
)

// sessionKey is what a browser session is stored under: the SHA-256 of its token, so that
// whoever reads the database cannot take over a session.
func sessionKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SessionStore is scs's store for the browser sessions' data, in table sessions, keyed by
// sessionKey. Deleting a session (sign-out, a renewed token) deletes its account_sessions row.
func (s *Store) SessionStore() scs.Store { return sessionStore{s, postgresstore.New(s.db)} }

type sessionStore struct {
	s  *Store
	pg *postgresstore.PostgresStore
}

func (st sessionStore) Find(token string) ([]byte, bool, error) { return st.pg.Find(sessionKey(token)) }

func (st sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.pg.Commit(sessionKey(token), b, expiry)
}

func (st sessionStore) Delete(token string) error {
	_, err := st.s.db.Exec(`WITH gone AS (DELETE FROM account_sessions WHERE token = $1)
		DELETE FROM sessions WHERE token = $1`, sessionKey(token))
	return mapError(err, "delete session")
}

// Session is a browser session as people see it: never its token.
type Session struct {
	ID         int64     `json:"id"`
	AccountID  int64     `json:"account_id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"` // the session the request came with
}

// RegisterSession records that the session of token belongs to account.
func (s *Store) RegisterSession(ctx context.Context, token string, account int64, ip, userAgent string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO account_sessions (token, account_id, ip, user_agent) VALUES ($1, $2, $3, $4)`,
		sessionKey(token), account, ip, termgoal.Clip(userAgent, 300))
	return mapError(err, "register session")
}

// SessionAccount returns the account, with its grants, of the session of token; not found when
// the session was ended or its account is disabled. It notes when the session was last used
// (to the minute).
func (s *Store) SessionAccount(ctx context.Context, token string) (*termgoal.Account, error) {
	a, err := get(ctx, s.db, scanAccount, "session", "", `
		WITH seen AS (UPDATE account_sessions SET last_seen_at = now()
			WHERE token = $1 AND last_seen_at < now() - interval '1 minute')
		SELECT `+accountCols+` FROM account_sessions s JOIN accounts a ON a.id = s.account_id
		WHERE s.token = $1 AND a.disabled_at IS NULL`, sessionKey(token))
	if err != nil {
		return nil, err
	}
	return a, s.loadGrants(ctx, a)
}

// Sessions lists the live sessions of an account, the last used first; current is the token
// of the request's own session ("" for none).
func (s *Store) Sessions(ctx context.Context, account int64, current string) ([]Session, error) {
	return list(ctx, s.db, func(r scanner) (Session, error) {
		var x Session
		err := r.Scan(&x.ID, &x.AccountID, &x.CreatedAt, &x.LastSeenAt, &x.ExpiresAt, &x.IP, &x.UserAgent, &x.Current)
		return x, err
	}, `
		SELECT s.id, s.account_id, s.created_at, s.last_seen_at, x.expiry, s.ip, s.user_agent, s.token = $2
		FROM account_sessions s JOIN sessions x ON x.token = s.token
		WHERE s.account_id = $1 AND x.expiry > now()
		ORDER BY s.last_seen_at DESC, s.id DESC`, account, sessionKey(current))
}

// EndSessions ends the sessions of an account but the one of token keep ("" for none), and
// answers how many ended.
func (s *Store) EndSessions(ctx context.Context, account int64, keep string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `
		WITH gone AS (DELETE FROM account_sessions WHERE account_id = $1 AND token <> $2 RETURNING token),
		     data AS (DELETE FROM sessions WHERE token IN (SELECT token FROM gone) RETURNING expiry)
		SELECT count(*) FROM data WHERE expiry > now()`, account, sessionKey(keep)).Scan(&n)
	return n, mapError(err, "end sessions")
}

// EndSession ends one session of an account; not found when it has none of that id.
func (s *Store) EndSession(ctx context.Context, account, id int64) error {
	var n int
	err := s.db.QueryRowContext(ctx, `
		WITH gone AS (DELETE FROM account_sessions WHERE id = $1 AND account_id = $2 RETURNING token),
		     data AS (DELETE FROM sessions WHERE token IN (SELECT token FROM gone))
		SELECT count(*) FROM gone`, id, account).Scan(&n)
	if err != nil {
		return mapError(err, "end session")
	}
	if n == 0 {
		return notFound("session", id)
	}
	return nil
}

// RevokeTokens revokes every API token of an account and answers how many were live.
func (s *Store) RevokeTokens(ctx context.Context, account int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `
		WITH gone AS (DELETE FROM api_tokens WHERE account_id = $1 RETURNING expires_at)
		SELECT count(*) FROM gone WHERE expires_at > now()`, account).Scan(&n)
	return n, mapError(err, "revoke tokens")
}

// SetPassword replaces an account's password hash.
func (s *Store) SetPassword(ctx context.Context, account int64, hash string) error {
	return s.updateAccount(ctx, account, `UPDATE accounts SET password_hash = $2 WHERE id = $1`, hash)
}

// SetDisabled disables an account (it cannot sign in; its sessions and tokens stop working)
// or enables it again.
func (s *Store) SetDisabled(ctx context.Context, account int64, disabled bool) error {
	return s.updateAccount(ctx, account, `UPDATE accounts SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END WHERE id = $1`, disabled)
}

func (s *Store) updateAccount(ctx context.Context, account int64, query string, arg any) error {
	res, err := s.db.ExecContext(ctx, query, account, arg)
	if err != nil {
		return mapError(err, "update account")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("account", account)
	}
	return nil
}
