package app

import (
	"context"
	"strings"

	"termgoal"
)

// SignIn checks a username and password under the brute-force limit. The pages and the token
// endpoint call it, then start a session or issue a token.
func (s *Service) SignIn(ctx context.Context, username, password string) (*termgoal.Account, error) {
	key := limiterKey(username)
	if s.signins.blocked(key) {
		return nil, termgoal.Errorf(termgoal.ETOOMANY, "auth.too_many_attempts",
			"too many failed sign-ins for this user; wait 5 minutes and try again", "minutes", 5)
	}
	acc, hash, err := s.Store.AccountByUsername(ctx, strings.TrimSpace(username))
	if err != nil && termgoal.ErrorCode(err) != termgoal.ENOTFOUND {
		return nil, err
	}
	if err != nil {
		CheckPassword(dummyHash, password) // same time as a real check
		s.signins.fail(key)
		return nil, errBadCredentials()
	}
	if !CheckPassword(hash, password) {
		s.signins.fail(key)
		return nil, errBadCredentials()
	}
	s.signins.reset(key)
	return acc, nil
}

func errBadCredentials() error {
	return termgoal.Errorf(termgoal.EUNAUTHORIZED, "auth.bad_credentials", "wrong username or password")
}
