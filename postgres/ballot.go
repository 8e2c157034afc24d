package postgres

// One-time codes of anonymous ballots. Only the hex sha256 of a code is stored, with its
// process and rater group; using it up records when, never who.

import (
	"context"
	"database/sql"
	"errors"
	"regexp"

	"github.com/lib/pq"

	"termgoal"
)

// codeHash is the form of a stored code: a hex sha256.
var codeHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// IssueBallotCodes stores the hashes of the codes issued to a rater group of an appraisal. A
// hash already stored is kept as it is, so a retried call issues nothing twice.
func (s *Store) IssueBallotCodes(ctx context.Context, processID, group string, hashes []string) error {
	for _, h := range hashes {
		if !codeHash.MatchString(h) {
			return invalid("ballot.code_hash", "a ballot code is stored as its hex sha256")
		}
	}
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO ballot_codes (code_hash, process_id, grp) SELECT h, $1, $2 FROM unnest($3::text[]) h
		ON CONFLICT (code_hash) DO NOTHING`, processID, group, pq.Array(hashes))
	return mapError(err, "issue ballot codes")
}

// BallotCode returns the appraisal and the rater group of a code's hash, and whether the code
// is used up. An unknown hash is ENOTFOUND.
func (s *Store) BallotCode(ctx context.Context, hash string) (processID, group string, used bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT process_id, grp, used_at IS NOT NULL FROM ballot_codes WHERE code_hash = $1`, hash).
		Scan(&processID, &group, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, termgoal.Errorf(termgoal.ENOTFOUND, "ballot.code_unknown", "this code is not valid")
	}
	if err != nil {
		return "", "", false, mapError(err, "ballot code")
	}
	return processID, group, used, nil
}

// useBallotCode uses up the code of the change's ballot. A code that is unknown, of another
// process or used already is ECONFLICT, which rolls the whole change back: the ballot is not
// counted.
func useBallotCode(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	if c.BallotCode == "" {
		return nil
	}
	res, err := tx.ExecContext(ctx, `
		UPDATE ballot_codes SET used_at = $3 WHERE code_hash = $1 AND process_id = $2 AND used_at IS NULL`,
		c.BallotCode, c.Process.ID, c.At)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return termgoal.Errorf(termgoal.ECONFLICT, "ballot.code_used", "this code has already been used or is not valid")
	}
	return nil
}
