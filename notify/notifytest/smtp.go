// Package notifytest runs an in-process SMTP server for tests of email notifications.
package notifytest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http/httptest"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"termgoal/notify"
)

// Mail is one message the server accepted, decoded.
type Mail struct {
	From    string
	To      []string
	Subject string
	Body    string
	Header  mail.Header
}

// Server is an SMTP server on a free port of 127.0.0.1. With a username it offers only AUTH
// PLAIN and refuses mail from an unauthenticated session; with STARTTLS it offers TLS with a
// test certificate the client config trusts.
type Server struct {
	Host, Username, Password string
	Port                     int
	clientTLS                *tls.Config
	implicit                 bool

	mu    sync.Mutex
	mails []Mail
	fails int
}

// Options select authentication and TLS: STARTTLS, or TLS from the first byte (ImplicitTLS).
type Options struct {
	Username, Password string
	StartTLS           bool
	ImplicitTLS        bool
}

// NewServer starts a server that stops when the test ends.
func NewServer(t testing.TB, o Options) *Server {
	t.Helper()
	s := &Server{Host: "127.0.0.1", Username: o.Username, Password: o.Password}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.AllowInsecureAuth = !o.StartTLS && !o.ImplicitTLS
	if o.StartTLS || o.ImplicitTLS {
		// Borrow httptest's certificate (valid for 127.0.0.1) and trust it in the client.
		hs := httptest.NewUnstartedServer(nil)
		hs.StartTLS()
		srv.TLSConfig = &tls.Config{Certificates: hs.TLS.Certificates}
		pool := x509.NewCertPool()
		pool.AddCert(hs.Certificate())
		s.clientTLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
		hs.Close()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	if o.ImplicitTLS {
		ln = tls.NewListener(ln, srv.TLSConfig)
		s.implicit = true
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Config is a mailer config that reaches the server.
func (s *Server) Config(from string) notify.MailerConfig {
	c := notify.MailerConfig{Host: s.Host, Port: s.Port, Username: s.Username, Password: s.Password, From: from,
		TLS: notify.TLSNone, Timeout: 5 * time.Second}
	if s.clientTLS != nil {
		c.TLS, c.TLSConfig = notify.TLSStartTLS, s.clientTLS
		if s.implicit {
			c.TLS = notify.TLSImplicit
		}
	}
	return c
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Mails returns the messages accepted so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// FailNext makes the next n messages fail with a temporary error (451).
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.fails = n
	s.mu.Unlock()
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.Username || pass != ss.s.Password {
			return errors.New("invalid credentials")
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.Username != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.fails > 0 {
		ss.s.fails--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	m, err := decode(raw)
	if err != nil {
		return err
	}
	m.From, m.To = ss.from, ss.to
	ss.s.mails = append(ss.s.mails, m)
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// decode reads a single-part message: the subject's encoded words and the body's transfer
// encoding.
func decode(raw []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Mail{}, err
	}
	var body io.Reader = msg.Body
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return Mail{}, err
	}
	return Mail{Subject: subject, Body: strings.ReplaceAll(string(b), "\r\n", "\n"), Header: msg.Header}, nil
}
