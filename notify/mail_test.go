package notify_test

import (
	"context"
	"strings"
	"testing"

	"termgoal/notify"
	"termgoal/notify/notifytest"
)

var ctx = context.Background()

func TestMailerSendsOverStartTLSWithAuth(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Options{Username: "bot", Password: "s3cret", StartTLS: true})
	m, err := notify.NewMailer(srv.Config("termgoal <noreply@example.org>"))
	if err != nil {
		t.Fatal(err)
	}
	msg := notify.Compose("zh-CN", notify.Assigned, map[string]any{"holder": "青山村党支部", "step": "approval", "due_on": "2026-03-10"},
		"http://app.example/tasks/t-1")
	if err := m.Send(ctx, "li@example.org", msg); err != nil {
		t.Fatal(err)
	}
	mails := srv.Mails()
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	got := mails[0]
	if got.From != "noreply@example.org" || len(got.To) != 1 || got.To[0] != "li@example.org" {
		t.Errorf("envelope from %q to %v", got.From, got.To)
	}
	if got.Subject != "新待办：青山村党支部·上级审定" {
		t.Errorf("subject %q", got.Subject)
	}
	if !strings.Contains(got.Body, "请于 2026-03-10 前处理") || !strings.Contains(got.Body, "http://app.example/tasks/t-1") {
		t.Errorf("body %q", got.Body)
	}
	if got.Header.Get("Message-Id") == "" || !strings.Contains(got.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("header %v", got.Header)
	}
}

func TestMailerSendsOverImplicitTLS(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Options{Username: "bot", Password: "s3cret", ImplicitTLS: true})
	m, err := notify.NewMailer(srv.Config("noreply@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(ctx, "amy@example.org", notify.Compose("en", notify.Digest, map[string]any{"date": "2026-03-02", "due": 1, "overdue": 0}, "")); err != nil {
		t.Fatal(err)
	}
	if mails := srv.Mails(); len(mails) != 1 || mails[0].Subject != "Your tasks due (2026-03-02)" || mails[0].To[0] != "amy@example.org" {
		t.Errorf("mails %+v", mails)
	}
}

func TestMailerErrors(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Options{Username: "bot", Password: "s3cret"})
	cfg := srv.Config("noreply@example.org")
	cfg.Password = "wrong"
	m, err := notify.NewMailer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(ctx, "li@example.org", notify.Message{Subject: "s", Text: "t"}); err == nil {
		t.Error("wrong password: sent")
	}
	cfg.Password = "s3cret"
	m, _ = notify.NewMailer(cfg)
	srv.FailNext(1)
	if err := m.Send(ctx, "li@example.org", notify.Message{Subject: "s", Text: "t"}); err == nil {
		t.Error("server said 451: sent")
	}
	if err := m.Send(ctx, "li@example.org", notify.Message{Subject: "s", Text: "t"}); err != nil {
		t.Error(err)
	}
	if n := len(srv.Mails()); n != 1 {
		t.Errorf("%d mails", n)
	}
	// STARTTLS is mandatory by default: a server without it is refused.
	cfg.TLS, cfg.TLSConfig = notify.TLSStartTLS, nil
	m, _ = notify.NewMailer(cfg)
	if err := m.Send(ctx, "li@example.org", notify.Message{Subject: "s", Text: "t"}); err == nil {
		t.Error("starttls to a server without it: sent")
	}
}

func TestMailerConfig(t *testing.T) {
	env := map[string]string{"SMTP_HOST": "smtp.example.org", "SMTP_PORT": "2525", "SMTP_FROM": "a@example.org", "SMTP_TLS": "tls"}
	cfg, err := notify.MailerConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || cfg.Host != "smtp.example.org" || cfg.Port != 2525 || cfg.TLS != "tls" {
		t.Errorf("config %+v %v", cfg, err)
	}
	if m, err := notify.NewMailer(cfg); err != nil || m == nil {
		t.Errorf("NewMailer: %v", err)
	}
	env["SMTP_PORT"] = "x"
	if _, err := notify.MailerConfigFromEnv(func(k string) string { return env[k] }); err == nil {
		t.Error("bad port accepted")
	}
	if m, err := notify.NewMailer(notify.MailerConfig{}); m != nil || err != nil {
		t.Errorf("no host: %v %v", m, err)
	}
	if _, err := notify.NewMailer(notify.MailerConfig{Host: "h", From: "a@example.org", TLS: "ssl3"}); err == nil {
		t.Error("bad TLS mode accepted")
	}
	if _, err := notify.NewMailer(notify.MailerConfig{Host: "h", From: "not an address"}); err == nil {
		t.Error("bad sender accepted")
	}
}

func TestCompose(t *testing.T) {
	p := map[string]any{"holder": "Qingshan", "step": "committee", "due_on": "2026-03-10"}
	en := notify.Compose("en-US", notify.Overdue, p, "")
	if en.Subject != "Task overdue: Qingshan · committee vote" || !strings.Contains(en.Text, "was due on 2026-03-10") {
		t.Errorf("en %+v", en)
	}
	zh := notify.Compose("", notify.Digest, map[string]any{"date": "2026-03-02", "due": 3, "overdue": 1}, "")
	if zh.Subject != "每日待办摘要（2026-03-02）" || zh.Text != "您有 3 项待办将在 3 个工作日内到期或已逾期，其中 1 项已逾期。" {
		t.Errorf("zh %+v", zh)
	}
	unknown := notify.Compose("zh-CN", "mystery", p, "")
	if unknown.Subject != "termgoal 通知" {
		t.Errorf("unknown kind %+v", unknown)
	}
}

// Every event has its own subject and text in both languages, with no placeholder left.
func TestEveryEventHasItsText(t *testing.T) {
	p := map[string]any{"holder": "青山村", "step": "notice", "due_on": "2026-03-10", "actor": "李部长", "reason": "r", "action": "dismissed",
		"grade": "excellent", "doc_number": "青组备〔2026〕7号", "version": 2, "assignee": "王书记", "date": "2026-03-02", "due": 1, "overdue": 0}
	for _, lang := range []string{"zh-CN", "en"} {
		generic := notify.Compose(lang, "mystery", p, "")
		seen := map[string]string{}
		for _, kind := range notify.Events {
			m := notify.Compose(lang, kind, p, "")
			if m.Subject == generic.Subject || m.Text == "" || strings.ContainsAny(m.Subject+m.Text, "{}") {
				t.Errorf("%s %s: %+v", lang, kind, m)
			}
			if other, ok := seen[m.Subject]; ok {
				t.Errorf("%s: %s and %s share the subject %q", lang, kind, other, m.Subject)
			}
			seen[m.Subject] = kind
		}
	}
	if m := notify.Compose("zh-CN", notify.ResultPublished, p, ""); !strings.Contains(m.Text, "“优秀”") {
		t.Errorf("the grade untranslated: %s", m.Text)
	}
	if m := notify.Compose("en", notify.ObjectionResolved, p, ""); !strings.Contains(m.Text, "resolved: dismissed") {
		t.Errorf("the resolution untranslated: %s", m.Text)
	}
}
