package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"termgoal"
)

const accountCols = `a.id, a.username, a.display_name, a.person_id, a.lang, a.disabled_at IS NOT NULL`

// accountDest lists the scan destinations of accountCols.
func accountDest(a *termgoal.Account) []any {
	return []any{&a.ID, &a.Username, &a.DisplayName, &a.PersonID, &a.Lang, &a.Disabled}
}

func scanAccount(r scanner) (termgoal.Account, error) {
	var a termgoal.Account
	err := r.Scan(accountDest(&a)...)
	return a, err
}

func scanGrant(r scanner) (termgoal.Grant, error) {
	var g termgoal.Grant
	err := r.Scan(&g.Role, &g.OrgID, &g.OrgPath, &g.OrgName)
	return g, err
}

// CreateAccount inserts a with its password hash and sets a.ID; grants are added with
// AddGrant. A taken username is ECONFLICT.
func (s *Store) CreateAccount(ctx context.Context, a *termgoal.Account, passwordHash string) error {
	if a.Username == "" || a.DisplayName == "" {
		return invalid("account.name", "the account needs a username and a display name")
	}
	if a.Lang == "" {
		a.Lang = "zh-CN"
	}
	err := s.db.QueryRowContext(ctx, `
		INSERT INTO accounts (username, password_hash, display_name, person_id, lang)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		a.Username, passwordHash, a.DisplayName, a.PersonID, a.Lang).Scan(&a.ID)
	return mapError(err, "create account")
}

// Account returns an account with its grants.
func (s *Store) Account(ctx context.Context, id int64) (*termgoal.Account, error) {
	a, err := get(ctx, s.db, scanAccount, "account", id, `SELECT `+accountCols+` FROM accounts a WHERE a.id = $1`, id)
	if err != nil {
		return nil, err
	}
	return a, s.loadGrants(ctx, a)
}

// AccountByUsername returns an account with its grants, and its password hash for sign-in.
func (s *Store) AccountByUsername(ctx context.Context, username string) (*termgoal.Account, string, error) {
	var hash string
	a, err := get(ctx, s.db, func(r scanner) (termgoal.Account, error) {
		var a termgoal.Account
		err := r.Scan(append(accountDest(&a), &hash)...)
		return a, err
	}, "account", username, `SELECT `+accountCols+`, a.password_hash FROM accounts a WHERE a.username = $1`, username)
	if err != nil {
		return nil, "", err
	}
	return a, hash, s.loadGrants(ctx, a)
}

// Administers tells whether account holds the admin role over the org of process id (as
// Account.Can would, with the org's path), in one statement: an action asks it before the
// update. A process that does not exist is not found.
func (s *Store) Administers(ctx context.Context, account int64, id string) (bool, error) {
	var admin bool
	err := s.db.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM grants g JOIN orgs go ON go.id = g.org_id
			WHERE g.account_id = $2 AND g.role = $3 AND starts_with(o.path, go.path))
		FROM processes p JOIN orgs o ON o.id = p.org_id WHERE p.id = $1`,
		id, account, string(termgoal.RoleAdmin)).Scan(&admin)
	if errors.Is(err, sql.ErrNoRows) {
		return false, notFound("process", id)
	}
	return admin, mapError(err, "administers")
}

func (s *Store) loadGrants(ctx context.Context, a *termgoal.Account) error {
	grants, err := list(ctx, s.db, scanGrant, `
		SELECT g.role, g.org_id, o.path, o.name FROM grants g JOIN orgs o ON o.id = g.org_id
		WHERE g.account_id = $1 ORDER BY o.path, g.role`, a.ID)
	a.Grants = grants
	return err
}

// AddGrant gives an account a role on an org subtree; granting it again is a no-op.
func (s *Store) AddGrant(ctx context.Context, accountID int64, g termgoal.Grant) error {
	if !g.Role.Valid() {
		return invalid("grant.role", "unknown role", "role", string(g.Role))
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO grants (account_id, role, org_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		accountID, g.Role, g.OrgID)
	return mapError(err, "add grant")
}

// AccountsWithRole returns the accounts holding role on the org at orgPath, through a grant on
// the org itself or on an ancestor (the grant's org path is a prefix of orgPath), by id.
// Grants are not loaded.
func (s *Store) AccountsWithRole(ctx context.Context, role termgoal.Role, orgPath string) ([]termgoal.Account, error) {
	return list(ctx, s.db, scanAccount, `
		SELECT `+accountCols+` FROM accounts a
		WHERE EXISTS (SELECT 1 FROM grants g JOIN orgs o ON o.id = g.org_id
		              WHERE g.account_id = a.id AND g.role = $1 AND starts_with($2, o.path))
		ORDER BY a.id`, role, orgPath)
}

// AccountsOfPerson returns the accounts a person signs in with, by id. Grants are not loaded.
func (s *Store) AccountsOfPerson(ctx context.Context, personID int64) ([]termgoal.Account, error) {
	return list(ctx, s.db, scanAccount, `SELECT `+accountCols+` FROM accounts a WHERE a.person_id = $1 ORDER BY a.id`, personID)
}

// CreateToken stores an API token by its hash; the token itself is never stored.
func (s *Store) CreateToken(ctx context.Context, accountID int64, tokenHash []byte, name string, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, account_id, name, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, accountID, name, expires)
	return mapError(err, "create token")
}

// RevokeToken deletes a token; revoking an unknown token is not an error.
func (s *Store) RevokeToken(ctx context.Context, tokenHash []byte) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM api_tokens WHERE token_hash = $1`, tokenHash)
	return mapError(err, "revoke token")
}

// AccountByToken returns the account, with its grants, of an unexpired token. An expired token
// is ENOTFOUND like an unknown one, so a caller cannot tell them apart.
func (s *Store) AccountByToken(ctx context.Context, tokenHash []byte) (*termgoal.Account, error) {
	a, err := get(ctx, s.db, scanAccount, "token", "", `
		SELECT `+accountCols+` FROM api_tokens t JOIN accounts a ON a.id = t.account_id
		WHERE t.token_hash = $1 AND t.expires_at > now() AND a.disabled_at IS NULL`, tokenHash)
	if err != nil {
		return nil, err
	}
	return a, s.loadGrants(ctx, a)
}
