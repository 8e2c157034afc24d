package app

import (
	"context"
	"net/mail"
	"strings"

	"termgoal"
	"termgoal/postgres"
)

// CheckEmail trims an address and refuses one that is not a plain address ("" clears it).
func CheckEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" || len(email) > 254 {
		return "", termgoal.Errorf(termgoal.EINVALID, "account.email", "the email address is not valid")
	}
	return email, nil
}

// SetPreferences sets where actor's notifications go besides the in-app list (T6), and
// audits the change; the address itself stays out of the audit log. It answers what it set.
func (s *Service) SetPreferences(ctx context.Context, actor termgoal.Actor, p postgres.Preferences) (postgres.Preferences, error) {
	var err error
	if p.Email, err = CheckEmail(p.Email); err != nil {
		return p, err
	}
	if err := s.Store.SetPreferences(ctx, actor.AccountID, p); err != nil {
		return p, err
	}
	return p, s.Audit(ctx, actor, termgoal.Audit{Action: "preferences_changed", Detail: map[string]any{
		"account_id": actor.AccountID, "has_email": p.Email != "", "email_each": p.EmailEach, "daily_digest": p.DailyDigest}})
}

// FailedDeliveries pages through the notifications a channel still fails to take, in the
// orgs acc administers (T6: a failed delivery is visible to administrators).
func (s *Service) FailedDeliveries(ctx context.Context, acc *termgoal.Account, limit, offset int) ([]postgres.FailedDelivery, int, error) {
	roots := AdminRoots(acc)
	if len(roots) == 0 {
		return nil, 0, ErrForbidden()
	}
	return s.Store.FailedDeliveries(ctx, roots, limit, offset)
}
