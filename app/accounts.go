package app

import (
	"context"

	"termgoal"
	"termgoal/postgres"
)

// Sign-ins (S1): an account's browser sessions and API tokens, its password, and disabling it.
// An account acts on its own sessions and password; an administrator on the accounts they
// manage (Manages). Every change is audited, and a new password or a disabled account ends the
// account's sessions and revokes its tokens.

// managedAccount returns account id when acc is that account (self) or manages it; an account
// beyond acc's reach is not found, as if it did not exist.
func (s *Service) managedAccount(ctx context.Context, acc *termgoal.Account, id int64, self bool) (*termgoal.Account, error) {
	if self && id == acc.ID {
		return acc, nil
	}
	target, err := s.Store.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	if target.ID != acc.ID && IsAnyAdmin(acc) && Manages(acc, target) {
		return target, nil
	}
	return nil, termgoal.Errorf(termgoal.ENOTFOUND, "account.not_found", "account not found", "id", id)
}

// AccountSessions lists the live browser sessions of account id; current is the token of the
// caller's own session, marked in the list.
func (s *Service) AccountSessions(ctx context.Context, acc *termgoal.Account, id int64, current string) ([]postgres.Session, error) {
	if _, err := s.managedAccount(ctx, acc, id, true); err != nil {
		return nil, err
	}
	return s.Store.Sessions(ctx, id, current)
}

// Ended counts what ending an account's sign-ins ended.
type Ended struct {
	Sessions int `json:"sessions"`
	Tokens   int `json:"tokens"`
}

// EndSessions ends account id's browser sessions but the caller's own (keep, "" for none) and
// revokes its API tokens: "sign out everywhere".
func (s *Service) EndSessions(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, id int64, keep string) (Ended, error) {
	if _, err := s.managedAccount(ctx, acc, id, true); err != nil {
		return Ended{}, err
	}
	return s.endSignIns(ctx, actor, id, keep, "sessions_ended")
}

// EndSession ends one browser session of account id.
func (s *Service) EndSession(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, id, session int64) error {
	if _, err := s.managedAccount(ctx, acc, id, true); err != nil {
		return err
	}
	if err := s.Store.EndSession(ctx, id, session); err != nil {
		return err
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: "session_ended", Detail: map[string]any{"account_id": id, "session_id": session}})
}

// ChangePassword gives the caller a new password after checking the current one (under the
// sign-in limits, as a sign-in); the caller's other sessions and tokens end, the session of
// keep goes on.
func (s *Service) ChangePassword(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, current, next, keep string) (Ended, error) {
	if _, err := s.checkPassword(ctx, acc.Username, current, actor.IP); err != nil {
		if termgoal.ErrorCode(err) == termgoal.EUNAUTHORIZED {
			err = termgoal.Errorf(termgoal.EINVALID, "account.current_password", "the current password is wrong")
		}
		return Ended{}, err
	}
	if err := s.setPassword(ctx, acc, next); err != nil {
		return Ended{}, err
	}
	return s.endSignIns(ctx, actor, acc.ID, keep, "password_changed")
}

// SetPassword gives account id, which acc manages, a new password (a reset by an
// administrator); all its sessions and tokens end.
func (s *Service) SetPassword(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, id int64, next string) (Ended, error) {
	target, err := s.managedAccount(ctx, acc, id, false)
	if err != nil {
		return Ended{}, err
	}
	if err := s.setPassword(ctx, target, next); err != nil {
		return Ended{}, err
	}
	return s.endSignIns(ctx, actor, id, "", "password_reset")
}

func (s *Service) setPassword(ctx context.Context, acc *termgoal.Account, pw string) error {
	if err := CheckNewPassword(pw, acc.Username); err != nil {
		return err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	return s.Store.SetPassword(ctx, acc.ID, hash)
}

// SetDisabled disables account id, which acc manages and is not acc's own, ending its sessions
// and tokens, or enables it again.
func (s *Service) SetDisabled(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, id int64, disabled bool) (Ended, error) {
	if _, err := s.managedAccount(ctx, acc, id, false); err != nil {
		return Ended{}, err
	}
	if err := s.Store.SetDisabled(ctx, id, disabled); err != nil {
		return Ended{}, err
	}
	if !disabled {
		return Ended{}, s.Audit(ctx, actor, termgoal.Audit{Action: "account_enabled", Detail: map[string]any{"account_id": id}})
	}
	return s.endSignIns(ctx, actor, id, "", "account_disabled")
}

// endSignIns ends account id's sessions but keep's, revokes its tokens, and audits action with
// the counts.
func (s *Service) endSignIns(ctx context.Context, actor termgoal.Actor, id int64, keep, action string) (Ended, error) {
	var e Ended
	var err error
	if e.Sessions, err = s.Store.EndSessions(ctx, id, keep); err != nil {
		return e, err
	}
	if e.Tokens, err = s.Store.RevokeTokens(ctx, id); err != nil {
		return e, err
	}
	return e, s.Audit(ctx, actor, termgoal.Audit{Action: action,
		Detail: map[string]any{"account_id": id, "sessions_ended": e.Sessions, "tokens_revoked": e.Tokens}})
}
