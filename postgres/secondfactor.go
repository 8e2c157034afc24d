package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// SecondFactor is an account's TOTP enrollment.
type SecondFactor struct {
	Secret       string     // base32
	EnabledAt    *time.Time // nil while enrolling
	RecoveryLeft int        // unused recovery codes
}

// SecondFactor answers account's enrollment; none is ENOTFOUND.
func (s *Store) SecondFactor(ctx context.Context, account int64) (SecondFactor, error) {
	var f SecondFactor
	err := s.db.QueryRowContext(ctx, `
		SELECT t.secret, t.enabled_at,
		       (SELECT count(*) FROM account_recovery_codes r WHERE r.account_id = t.account_id AND r.used_at IS NULL)
		FROM account_totp t WHERE t.account_id = $1`, account).Scan(&f.Secret, &f.EnabledAt, &f.RecoveryLeft)
	if errors.Is(err, sql.ErrNoRows) {
		return f, notFound("second factor", account)
	}
	return f, mapError(err, "second factor")
}

// EnrollSecondFactor starts account's enrollment with secret, replacing one not yet
// confirmed; an enrollment in force is left alone (false).
func (s *Store) EnrollSecondFactor(ctx context.Context, account int64, secret string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `
		INSERT INTO account_totp (account_id, secret) VALUES ($1, $2)
		ON CONFLICT (account_id) DO UPDATE SET secret = $2, created_at = now(), last_step = 0
		WHERE account_totp.enabled_at IS NULL`, account, secret)
	if err != nil {
		return false, mapError(err, "enroll second factor")
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// UseTOTPStep records that account's code of time step was used, when no code of that step or
// a later one was (false: a replay). With confirm, it puts an enrollment in force; without, only
// one in force counts.
func (s *Store) UseTOTPStep(ctx context.Context, account, step int64, confirm bool) (bool, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE account_totp SET last_step = $2, enabled_at = coalesce(enabled_at, CASE WHEN $3 THEN now() END)
		WHERE account_id = $1 AND last_step < $2 AND (enabled_at IS NOT NULL) <> $3`, account, step, confirm)
	if err != nil {
		return false, mapError(err, "use second factor")
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetRecoveryCodes replaces account's recovery codes by hashes.
func (s *Store) SetRecoveryCodes(ctx context.Context, account int64, hashes [][]byte) error {
	return s.inTx(ctx, "set recovery codes", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM account_recovery_codes WHERE account_id = $1`, account); err != nil {
			return err
		}
		for _, h := range hashes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO account_recovery_codes (account_id, code_hash) VALUES ($1, $2)`, account, h); err != nil {
				return err
			}
		}
		return nil
	})
}

// UseRecoveryCode spends account's unused recovery code of hash (false: none such).
func (s *Store) UseRecoveryCode(ctx context.Context, account int64, hash []byte) (bool, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE account_recovery_codes SET used_at = now()
		WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL
		  AND EXISTS (SELECT 1 FROM account_totp t WHERE t.account_id = $1 AND t.enabled_at IS NOT NULL)`, account, hash)
	if err != nil {
		return false, mapError(err, "use recovery code")
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// DropSecondFactor removes account's enrollment and recovery codes (false: there was none).
func (s *Store) DropSecondFactor(ctx context.Context, account int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `
		WITH codes AS (DELETE FROM account_recovery_codes WHERE account_id = $1),
		     gone AS (DELETE FROM account_totp WHERE account_id = $1 RETURNING 1)
		SELECT count(*) FROM gone`, account).Scan(&n)
	return n == 1, mapError(err, "drop second factor")
}
