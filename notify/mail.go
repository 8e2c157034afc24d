package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of an SMTP connection.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS, refused if the server cannot (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption: only for a relay on the same host or network
)

// MailerConfig is how to reach the SMTP server (SMTP_* environment variables).
type MailerConfig struct {
	Host     string
	Port     int    // 0: 587 for starttls, 465 for tls, 25 for none
	Username string // "" sends without authentication
	Password string
	From     string // the sender address, e.g. "termgoal <noreply@example.org>"
	TLS      string // starttls (default), tls or none
	// TLSConfig overrides the TLS settings (a private CA); nil verifies Host against the
	// system roots.
	TLSConfig *tls.Config
	Timeout   time.Duration // per connection; 0: 15s
}

// MailerConfigFromEnv reads SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_FROM and
// SMTP_TLS through getenv (os.Getenv). No SMTP_HOST means no email: the config is zero.
func MailerConfigFromEnv(getenv func(string) string) (MailerConfig, error) {
	c := MailerConfig{
		Host: getenv("SMTP_HOST"), Username: getenv("SMTP_USERNAME"), Password: getenv("SMTP_PASSWORD"),
		From: getenv("SMTP_FROM"), TLS: getenv("SMTP_TLS"),
	}
	if c.Host == "" {
		return MailerConfig{}, nil
	}
	if p := getenv("SMTP_PORT"); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port <= 0 || port > 65535 {
			return MailerConfig{}, fmt.Errorf("SMTP_PORT %q is not a port number", p)
		}
		c.Port = port
	}
	return c, nil
}

// Mailer sends email through one SMTP server, a new connection per message: notifications are
// few and a pooled connection would go stale between them.
type Mailer struct {
	cfg  MailerConfig
	from *mail.Address
}

// NewMailer checks the config. A zero config (no host) gives a nil Mailer and no error.
func NewMailer(cfg MailerConfig) (*Mailer, error) {
	if cfg.Host == "" {
		return nil, nil
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	defaultPort := map[string]int{TLSStartTLS: 587, TLSImplicit: 465, TLSNone: 25}[cfg.TLS]
	if defaultPort == 0 {
		return nil, fmt.Errorf("SMTP TLS mode %q: want starttls, tls or none", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = defaultPort
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("SMTP sender %q: %w", cfg.From, err)
	}
	return &Mailer{cfg: cfg, from: from}, nil
}

// Send sends msg to one address as a plain-text email.
func (m *Mailer) Send(ctx context.Context, to string, msg Message) error {
	if m == nil {
		return errors.New("email is not configured")
	}
	em := gomail.NewMsg()
	em.FromMailAddress(m.from)
	if err := em.To(to); err != nil {
		return fmt.Errorf("email recipient: %w", err)
	}
	em.Subject(msg.Subject)
	em.SetMessageID()
	em.SetDate()
	em.SetBodyString(gomail.TypeTextPlain, msg.Body())

	c, err := gomail.NewClient(m.cfg.Host, m.options()...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, em); err != nil {
		return fmt.Errorf("send email: %w", err)
	}
	return nil
}

func (m *Mailer) options() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(m.cfg.Port), gomail.WithTimeout(m.cfg.Timeout)}
	tlsConf := m.cfg.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: m.cfg.Host, MinVersion: tls.VersionTLS12}
	}
	switch m.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSConfig(tlsConf))
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithTLSConfig(tlsConf))
	}
	if m.cfg.Username != "" {
		// Over TLS, the strongest mechanism the server offers. Without TLS, PLAIN, which
		// go-mail sends only to localhost: a password never crosses the network in clear.
		mech := gomail.SMTPAuthAutoDiscover
		if m.cfg.TLS == TLSNone {
			mech = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(mech), gomail.WithUsername(m.cfg.Username), gomail.WithPassword(m.cfg.Password))
	}
	return opts
}
