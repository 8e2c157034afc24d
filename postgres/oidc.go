package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"termgoal"
)

// AccountByOIDC returns the account an OIDC identity (issuer and subject, as one string) signs
// in to: the one it was linked to, or else the only account whose email is email, which it is
// then linked to. None, or several with the email, is ENOTFOUND.
func (s *Store) AccountByOIDC(ctx context.Context, identity, email string) (*termgoal.Account, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM accounts WHERE oidc_subject = $1`, identity).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) && strings.TrimSpace(email) != "" {
		// Linked once, by the only account of the email that no identity holds yet.
		err = s.db.QueryRowContext(ctx, `
			WITH m AS (SELECT id, oidc_subject FROM accounts WHERE lower(email) = lower($2))
			UPDATE accounts a SET oidc_subject = $1 FROM m
			WHERE a.id = m.id AND m.oidc_subject IS NULL AND (SELECT count(*) FROM m) = 1
			RETURNING a.id`, identity, strings.TrimSpace(email)).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("account", identity)
	}
	if err != nil {
		return nil, mapError(err, "account by oidc")
	}
	return s.Account(ctx, id)
}
