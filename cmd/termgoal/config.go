package main

import (
	"cmp"
	"os"
)

// config is read from the environment only.
type config struct {
	DatabaseURL   string // DATABASE_URL: lib/pq URL; dev starts a private cluster when empty
	TemporalAddr  string // TEMPORAL_ADDRESS: host:port of the Temporal frontend
	Namespace     string // TEMPORAL_NAMESPACE
	TemporalUI    string // TEMPORAL_UI_URL: linked from the process page
	HTTPAddr      string // HTTP_ADDR: where serve listens
	SecureCookies bool   // SECURE_COOKIES=1 behind TLS
}

func configFromEnv() config {
	return config{
		DatabaseURL:   os.Getenv("DATABASE_URL"),
		TemporalAddr:  cmp.Or(os.Getenv("TEMPORAL_ADDRESS"), "127.0.0.1:7233"),
		Namespace:     cmp.Or(os.Getenv("TEMPORAL_NAMESPACE"), "default"),
		TemporalUI:    cmp.Or(os.Getenv("TEMPORAL_UI_URL"), "http://127.0.0.1:8233"),
		HTTPAddr:      cmp.Or(os.Getenv("HTTP_ADDR"), "127.0.0.1:8080"),
		SecureCookies: os.Getenv("SECURE_COOKIES") == "1",
	}
}
