package main

import (
	"cmp"
	"fmt"
	"os"

	"termgoal/notify"
)

// config is read from the environment only.
type config struct {
	DatabaseURL   string // DATABASE_URL: lib/pq URL; dev starts a private cluster when empty
	TemporalAddr  string // TEMPORAL_ADDRESS: host:port of the Temporal frontend
	Namespace     string // TEMPORAL_NAMESPACE
	TemporalUI    string // TEMPORAL_UI_URL: linked from the process page
	HTTPAddr      string // HTTP_ADDR: where serve listens
	HealthAddr    string // WORKER_HEALTH_ADDR: where worker answers /healthz and /readyz
	SecureCookies bool   // SECURE_COOKIES=1 behind TLS
	AppURL        string // APP_URL: the app's external URL, for links in emails and webhooks
}

func configFromEnv() config {
	return config{
		DatabaseURL:   os.Getenv("DATABASE_URL"),
		TemporalAddr:  cmp.Or(os.Getenv("TEMPORAL_ADDRESS"), "127.0.0.1:7233"),
		Namespace:     cmp.Or(os.Getenv("TEMPORAL_NAMESPACE"), "default"),
		TemporalUI:    cmp.Or(os.Getenv("TEMPORAL_UI_URL"), "http://127.0.0.1:8233"),
		HTTPAddr:      cmp.Or(os.Getenv("HTTP_ADDR"), "127.0.0.1:8080"),
		HealthAddr:    cmp.Or(os.Getenv("WORKER_HEALTH_ADDR"), "127.0.0.1:8081"),
		SecureCookies: os.Getenv("SECURE_COOKIES") == "1",
		AppURL:        os.Getenv("APP_URL"),
	}
}

// notifier builds what sends notifications: email when SMTP_HOST is set (SMTP_PORT,
// SMTP_USERNAME, SMTP_PASSWORD, SMTP_FROM, SMTP_TLS), and webhooks. Links point at APP_URL,
// by default the address serve listens on.
func notifier(cfg config) (*notify.Notifier, error) {
	mc, err := notify.MailerConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	m, err := notify.NewMailer(mc)
	if err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	return notify.New(m, cmp.Or(cfg.AppURL, "http://"+cfg.HTTPAddr)), nil
}
