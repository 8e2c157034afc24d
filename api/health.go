package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"

	"termgoal/postgres"
)

// Health serves /healthz, the process lives (always 200), and /readyz, its PostgreSQL and its
// Temporal answer within 2 s (200, else 503 naming what does not), for `serve` and for the
// worker's own listener. Probes and load balancers call them; they need no sign-in and say
// nothing but up or down.
func Health(s *postgres.Store, c client.Client, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { readyz(w, r, s, c, log) })
	return mux
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	writeHealth(w, http.StatusOK, map[string]string{"process": "ok"})
}

func readyz(w http.ResponseWriter, r *http.Request, s *postgres.Store, c client.Client, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks, status := map[string]string{"postgres": "ok", "temporal": "ok"}, http.StatusOK
	fail := func(name string, err error) {
		log.WarnContext(ctx, "not ready", "check", name, "err", err.Error())
		checks[name], status = "unavailable", http.StatusServiceUnavailable
	}
	if s == nil {
		fail("postgres", errNotConfigured)
	} else if err := s.DB().PingContext(ctx); err != nil {
		fail("postgres", err)
	}
	if c == nil {
		fail("temporal", errNotConfigured)
	} else if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		fail("temporal", err)
	}
	writeHealth(w, status, checks)
}

type healthError string

func (e healthError) Error() string { return string(e) }

const errNotConfigured = healthError("not configured")

func writeHealth(w http.ResponseWriter, status int, checks map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(checks)
}
