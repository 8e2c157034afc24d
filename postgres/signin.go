package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// CountSignIn counts one sign-in attempt for key in a window of the given length that starts
// at key's first attempt, and answers the attempts counted in the current window with its
// start. One statement: concurrent attempts each get their own count.
func (s *Store) CountSignIn(ctx context.Context, key string, now time.Time, window time.Duration) (attempts int, since time.Time, err error) {
	err = s.db.QueryRowContext(ctx, `
		INSERT INTO signin_attempts AS t (key, attempts, since) VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET
			attempts = CASE WHEN t.since <= $2::timestamptz - make_interval(secs => $3) THEN 1 ELSE t.attempts + 1 END,
			since    = CASE WHEN t.since <= $2::timestamptz - make_interval(secs => $3) THEN $2 ELSE t.since END
		RETURNING attempts, since`, key, now, window.Seconds()).Scan(&attempts, &since)
	return attempts, since, err
}

// SignInAttempts answers the attempts counted for key in the window that holds now (0 when it
// has passed).
func (s *Store) SignInAttempts(ctx context.Context, key string, now time.Time, window time.Duration) (attempts int, since time.Time, err error) {
	err = s.db.QueryRowContext(ctx, `
		SELECT attempts, since FROM signin_attempts WHERE key = $1 AND since > $2::timestamptz - make_interval(secs => $3)`,
		key, now, window.Seconds()).Scan(&attempts, &since)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	return attempts, since, err
}

// ForgetSignIn forgets key's attempts (after a successful sign-in).
func (s *Store) ForgetSignIn(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM signin_attempts WHERE key = $1`, key)
	return err
}
