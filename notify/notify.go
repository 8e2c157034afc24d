// Package notify sends termgoal's notifications (T6) outside the app: email over SMTP and
// webhooks (a generic JSON hook signed with HMAC-SHA256, and the group-robot formats of
// DingTalk, WeCom and Feishu). It also holds the message texts in both languages, since the
// activities that send cannot use the API's catalogs. It keeps no state: what was sent is
// recorded by the caller (activities.Notify), which makes retries send nothing twice.
package notify

import (
	"net/http"
	"strings"
	"time"
)

// Message is what a person reads: a subject, a plain text and a link into the app.
type Message struct {
	Subject, Text string
	Link          string
}

// Body is the text followed by the link, for channels without a separate link field.
func (m Message) Body() string {
	if m.Link == "" {
		return m.Text
	}
	return m.Text + "\n\n" + m.Link
}

// DefaultTimeout bounds one webhook post.
const DefaultTimeout = 10 * time.Second

// Notifier sends messages. Mailer is nil when no SMTP server is configured: notifications are
// then in-app and webhooks only.
type Notifier struct {
	Mailer  *Mailer
	HTTP    *http.Client     // posts webhooks; its Timeout bounds each post
	BaseURL string           // the app's external URL, for absolute links; "" leaves links relative
	Now     func() time.Time // for webhook timestamps and signatures
}

// New returns a Notifier with an HTTP client that gives up after DefaultTimeout.
func New(m *Mailer, baseURL string) *Notifier {
	return &Notifier{
		Mailer:  m,
		HTTP:    &http.Client{Timeout: DefaultTimeout},
		BaseURL: strings.TrimRight(baseURL, "/"),
		Now:     time.Now,
	}
}

// Link returns the absolute URL of an app path such as "/tasks/t-1".
func (n *Notifier) Link(path string) string {
	if path == "" {
		return ""
	}
	return n.BaseURL + path
}

func (n *Notifier) now() time.Time {
	if n.Now == nil {
		return time.Now()
	}
	return n.Now()
}

func (n *Notifier) client() *http.Client {
	if n.HTTP == nil {
		return &http.Client{Timeout: DefaultTimeout}
	}
	return n.HTTP
}
