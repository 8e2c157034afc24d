package app

import (
	"context"
	"net"
	"net/mail"
	"net/url"
	"strings"

	"termgoal"
	"termgoal/notify"
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

// CheckHook trims a webhook's URL and refuses an unknown kind, a URL that is not http(s) or a
// secret too long: for the hooks of an org and a person's own robot alike.
func CheckHook(kind, rawURL, secret string) (string, error) {
	rawURL = strings.TrimSpace(rawURL)
	u, err := url.Parse(rawURL)
	switch {
	case !notify.ValidKind(kind):
		return "", termgoal.Errorf(termgoal.EINVALID, "webhook.kind", "the kind must be generic, dingtalk, wecom or feishu")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(rawURL) > 2000:
		return "", termgoal.Errorf(termgoal.EINVALID, "webhook.url", "the webhook needs an http or https URL")
	case len(secret) > 200:
		return "", termgoal.Errorf(termgoal.EINVALID, "webhook.secret", "the secret is at most 200 characters", "max", 200)
	}
	return rawURL, nil
}

// publicHTTPS reports whether a person's robot URL is https to a public host (publicHost).
func publicHTTPS(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "https" && publicHost(u)
}

// publicHost reports whether u's host is neither this machine nor the private network, by name
// or address: the worker posts to webhooks and robots, so none may reach what only the server
// can (loopback, private and link-local addresses, localhost, a bare host name).
func publicHost(u *url.URL) bool {
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".local") || !strings.Contains(host, ".") && net.ParseIP(host) == nil {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return notify.PublicIP(ip)
	}
	return true
}

// CheckOrgHook checks an org's webhook: CheckHook, to a public host.
func CheckOrgHook(kind, rawURL, secret string) (string, error) {
	rawURL, err := CheckHook(kind, rawURL, secret)
	if err != nil {
		return "", err
	}
	if u, _ := url.Parse(rawURL); !publicHost(u) {
		return "", termgoal.Errorf(termgoal.EINVALID, "webhook.url_private", "a webhook must reach an address on the internet, not this machine or the private network")
	}
	return rawURL, nil
}

// SetPreferences sets where actor's notifications go besides the in-app list (T6), and
// audits the change; the address and the robot's URL and secret stay out of the audit log. A
// robot sent without a secret keeps the one stored for the same URL. It answers what it set,
// without the secret.
func (s *Service) SetPreferences(ctx context.Context, actor termgoal.Actor, p postgres.Preferences) (postgres.Preferences, error) {
	var err error
	if p.Email, err = CheckEmail(p.Email); err != nil {
		return p, err
	}
	if p.Robot.Kind == "" {
		p.Robot = postgres.Robot{}
	} else if p.Robot.URL, err = CheckHook(p.Robot.Kind, p.Robot.URL, p.Robot.Secret); err != nil {
		return p, err
	} else if !publicHTTPS(p.Robot.URL) {
		return p, termgoal.Errorf(termgoal.EINVALID, "webhook.url_public", "a robot of one's own needs an https address on the internet")
	}
	if p.Robot.Kind != "" && p.Robot.Secret == "" {
		was, err := s.Store.Preferences(ctx, actor.AccountID)
		if err != nil {
			return p, err
		}
		if was.Robot.URL == p.Robot.URL {
			p.Robot.Secret = was.Robot.Secret
		}
	}
	if err := s.Store.SetPreferences(ctx, actor.AccountID, p); err != nil {
		return p, err
	}
	p.Robot.HasSecret, p.Robot.Secret = p.Robot.Secret != "", ""
	return p, s.Audit(ctx, actor, termgoal.Audit{Action: "preferences_changed", Detail: map[string]any{
		"account_id": actor.AccountID, "has_email": p.Email != "", "email_each": p.EmailEach, "daily_digest": p.DailyDigest,
		"robot": p.Robot.Kind}})
}

// Preferences answers the notification preferences of an account, without the robot's secret.
func (s *Service) Preferences(ctx context.Context, accountID int64) (postgres.Preferences, error) {
	p, err := s.Store.Preferences(ctx, accountID)
	p.Robot.Secret = ""
	return p, err
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
