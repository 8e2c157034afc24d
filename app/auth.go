package app

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"termgoal"
)

// Sign-in limits (S6), kept in PostgreSQL so that they hold across restarts and serve
// processes. Per username and address: SignInAttempts attempts in signInWindow, each counted
// before the password is checked, so concurrent guesses never check more; a success forgets
// them. Per address: SignInFailuresPerAddress failures across usernames. Neither is per
// account alone, so nobody can lock a user out from elsewhere; an unknown username counts
// like a known one, so the answers tell nothing of which accounts exist.
const (
	SignInAttempts           = 5
	SignInFailuresPerAddress = 30
	signInWindow             = 15 * time.Minute
)

// SignIn checks a username and password from address ip under the sign-in limits, and audits
// each failure and each block; for an account with the second factor on, code too (a code of
// its authenticator app or a recovery code): without one the answer is *ErrSecondFactor. The
// pages and the token endpoint call it, then start a session or issue a token.
func (s *Service) SignIn(ctx context.Context, username, password, code, ip string) (*termgoal.Account, error) {
	acc, err := s.checkPassword(ctx, username, password, ip)
	if err != nil {
		return nil, err
	}
	on, err := s.secondFactorOn(ctx, acc.ID)
	switch {
	case err != nil:
		return nil, err
	case !on:
		return acc, nil
	case strings.TrimSpace(code) == "":
		return nil, &ErrSecondFactor{AccountID: acc.ID}
	}
	return s.SignInCode(ctx, acc.ID, code, ip)
}

// checkPassword is SignIn's first step: the username and password under the sign-in limits.
func (s *Service) checkPassword(ctx context.Context, username, password, ip string) (*termgoal.Account, error) {
	username = strings.TrimSpace(username)
	now := s.Now()
	pair, addr := "user:"+strings.ToLower(username)+"|"+ip, "ip:"+ip
	actor := termgoal.Actor{Name: "anonymous", IP: ip}
	detail := map[string]any{"username": termgoal.Clip(username, 64)}
	failures, since, err := s.Store.SignInAttempts(ctx, addr, now, signInWindow)
	if err != nil {
		return nil, err
	}
	if failures >= SignInFailuresPerAddress {
		return nil, errTooMany(since.Add(signInWindow).Sub(now))
	}
	attempts, since, err := s.Store.CountSignIn(ctx, pair, now, signInWindow)
	if err != nil {
		return nil, err
	}
	if attempts > SignInAttempts {
		if attempts == SignInAttempts+1 {
			detail["scope"] = "username_and_address"
			s.auditQuietly(ctx, actor, "signin_blocked", detail)
		}
		return nil, errTooMany(since.Add(signInWindow).Sub(now))
	}
	acc, hash, err := s.Store.AccountByUsername(ctx, username)
	if err != nil && termgoal.ErrorCode(err) != termgoal.ENOTFOUND {
		return nil, err
	}
	if err != nil {
		CheckPassword(dummyHash, password) // same time as a real check
	}
	if err != nil || !CheckPassword(hash, password) || acc.Disabled {
		if n, _, err := s.Store.CountSignIn(ctx, addr, now, signInWindow); err == nil && n == SignInFailuresPerAddress {
			s.auditQuietly(ctx, actor, "signin_blocked", map[string]any{"scope": "address"})
		}
		s.auditQuietly(ctx, actor, "signin_failed", detail)
		return nil, errBadCredentials()
	}
	if err := s.Store.ForgetSignIn(ctx, pair); err != nil {
		return nil, err
	}
	return acc, nil
}

// errTooMany refuses a sign-in for the minutes left of a limit's window.
func errTooMany(left time.Duration) error {
	minutes := max(1, int(math.Ceil(left.Minutes())))
	return termgoal.Errorf(termgoal.ETOOMANY, "auth.too_many_attempts",
		fmt.Sprintf("too many failed sign-ins; wait %d minutes and try again", minutes), "minutes", minutes)
}

// auditQuietly appends to the audit log what must not fail the request it records (a failed
// sign-in); a failure to write is logged.
func (s *Service) auditQuietly(ctx context.Context, actor termgoal.Actor, action string, detail map[string]any) {
	if err := s.Audit(context.WithoutCancel(ctx), actor, termgoal.Audit{Action: action, Detail: detail}); err != nil {
		s.Log.ErrorContext(ctx, "audit", "action", action, "err", err.Error())
	}
}

func errBadCredentials() error {
	return termgoal.Errorf(termgoal.EUNAUTHORIZED, "auth.bad_credentials", "wrong username or password")
}

// SignInOIDC signs in the account of an identity (issuer|subject) an OIDC provider vouched
// for: the account linked to it, or else the only one of email, the address the provider
// verified ("" when it did not), which is then linked (postgres.Store.AccountByOIDC). None, or a
// disabled account, is refused and audited; an account with two-step sign-in on answers
// *ErrSecondFactor, as SignIn does.
func (s *Service) SignInOIDC(ctx context.Context, identity, email, ip string) (*termgoal.Account, error) {
	acc, err := s.Store.AccountByOIDC(ctx, identity, email)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND || err == nil && acc.Disabled {
		s.auditQuietly(ctx, termgoal.Actor{Name: "anonymous", IP: ip}, "signin_failed", map[string]any{"method": "oidc", "email": termgoal.Clip(email, 64)})
		return nil, termgoal.Errorf(termgoal.EUNAUTHORIZED, "auth.oidc_no_account", "no account here belongs to this sign-in; ask an administrator to put your email on your account")
	}
	if err != nil {
		return nil, err
	}
	on, err := s.secondFactorOn(ctx, acc.ID)
	if err != nil {
		return nil, err
	}
	if on {
		return nil, &ErrSecondFactor{AccountID: acc.ID}
	}
	return acc, nil
}
