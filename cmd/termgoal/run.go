package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	sdklog "go.temporal.io/sdk/log"

	"termgoal/api"
	"termgoal/app"
	"termgoal/codec"
	"termgoal/metrics"
	"termgoal/postgres"
	"termgoal/tracing"
	"termgoal/worker"
)

func openStore(ctx context.Context, cfg config) (*postgres.Store, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set")
	}
	return postgres.Open(ctx, cfg.DatabaseURL)
}

// dialTemporal dials the Temporal frontend with the payload codec, the tracing interceptor
// and, with m, the SDK's metrics exported through m; the worker built on the client inherits
// them all.
func dialTemporal(cfg config, log *slog.Logger, m *metrics.Metrics) (client.Client, error) {
	tracer, err := tracing.Interceptor()
	if err != nil {
		return nil, err
	}
	pc, err := cfg.payloadCodec()
	if err != nil {
		return nil, err
	}
	dc := codec.DataConverter(pc)
	o := client.Options{
		HostPort:         cfg.TemporalAddr,
		Namespace:        cfg.Namespace,
		Logger:           sdklog.NewStructuredLogger(log.With("component", "temporal")),
		Interceptors:     []interceptor.ClientInterceptor{tracer},
		DataConverter:    dc,
		FailureConverter: codec.FailureConverter(dc),
	}
	if m != nil {
		if o.MetricsHandler, err = m.Temporal(log); err != nil {
			return nil, err
		}
	}
	return client.Dial(o)
}

// connect opens the store, makes the process's metrics on it and dials Temporal with them;
// close releases the store and the client.
func connect(ctx context.Context, cfg config, log *slog.Logger) (s *postgres.Store, c client.Client, m *metrics.Metrics, close func(), err error) {
	if s, err = openStore(ctx, cfg); err != nil {
		return nil, nil, nil, nil, err
	}
	m = metrics.New(s)
	if c, err = dialTemporal(cfg, log, m); err != nil {
		_ = s.Close()
		return nil, nil, nil, nil, err
	}
	return s, c, m, func() { c.Close(); _ = s.Close() }, nil
}

func runMigrate(ctx context.Context, cfg config) error {
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	return postgres.Migrate(ctx, s.DB())
}

// runReconcile prints what differs between the read model of the running processes and their
// workflows, and fails when anything does. With --repair it repairs what differs (app.Repair)
// and checks again.
func runReconcile(ctx context.Context, cfg config, log *slog.Logger) error {
	flags := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	repair := flags.Bool("repair", false, "repair the differences: running workflows write their read model again, ended ones are shown halted")
	reason := flags.String("reason", "read model repaired by termgoal reconcile", "the reason the audit log records for a repair")
	if err := flags.Parse(os.Args[2:]); err != nil {
		return err
	}
	s, c, _, closeAll, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeAll()
	diffs, err := app.Reconcile(ctx, s, c)
	for _, d := range diffs {
		fmt.Println(d)
	}
	if err != nil {
		return err
	}
	if len(diffs) > 0 && *repair {
		repaired, err := app.Repair(ctx, s, c, diffs, *reason)
		fmt.Printf("repaired %d processes: %s\n", len(repaired), strings.Join(repaired, " "))
		if err != nil {
			return err
		}
		if diffs, err = app.Reconcile(ctx, s, c); err != nil {
			return err
		}
		for _, d := range diffs {
			fmt.Println("still:", d)
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%d differences between the read model and the workflows", len(diffs))
	}
	fmt.Println("the read model agrees with every running workflow")
	return nil
}

// runAudit runs `audit verify`: it recomputes every chain of the audit log (it needs the
// database only) and fails naming the first line changed, inserted or removed.
func runAudit(ctx context.Context, cfg config, _ *slog.Logger) error {
	if len(os.Args) != 3 || os.Args[2] != "verify" {
		return errors.New("usage: termgoal audit verify")
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if rep.Problem != nil {
		return fmt.Errorf("the audit log does not verify: %s", rep.Problem)
	}
	fmt.Printf("the audit log verifies: %d lines in %d chains\n", rep.Lines, rep.Chains)
	return nil
}

func runWorker(ctx context.Context, cfg config, log *slog.Logger) error {
	s, c, m, closeAll, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeAll()
	ln, err := net.Listen("tcp", cfg.HealthAddr)
	if err != nil {
		return err
	}
	health := &http.Server{Handler: api.Health(s, c, log), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = health.Serve(ln) }()
	stopMetrics, err := serveMetrics(cfg.MetricsAddr, m, log)
	if err != nil {
		_ = health.Close()
		return err
	}
	defer stopMetrics()
	w, err := startWorker(ctx, cfg, s, c, m)
	if err != nil {
		_ = health.Close()
		return err
	}
	log.Info("worker running", "health", ln.Addr().String())
	<-ctx.Done()
	// Stop polling, let running tasks finish (worker.StopTimeout), then close the listener.
	w.Stop()
	return health.Close()
}

// startWorker starts the worker with the notifier of the environment and creates the
// schedules it serves when they are missing.
func startWorker(ctx context.Context, cfg config, s *postgres.Store, c client.Client, m *metrics.Metrics) (*worker.Worker, error) {
	n, err := notifier(cfg)
	if err != nil {
		return nil, err
	}
	switch err := worker.CheckSearchAttributes(ctx, c, cfg.Namespace); {
	case errors.Is(err, worker.ErrSearchAttributesUnknown):
		slog.Warn("search attributes not checked", "err", err)
	case err != nil:
		return nil, err
	}
	archives, err := cfg.archives()
	if err != nil {
		return nil, err
	}
	w, err := worker.NewWith(c, s, worker.Config{Notifier: n, Metrics: m, Archives: archives})
	if err != nil {
		return nil, err
	}
	if err := w.Start(); err != nil {
		return nil, err
	}
	if err := worker.EnsureSchedules(ctx, c); err != nil {
		w.Stop()
		return nil, err
	}
	return w, nil
}

func runServe(ctx context.Context, cfg config, log *slog.Logger) error {
	s, c, m, closeAll, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeAll()
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return err
	}
	stopMetrics, err := serveMetrics(cfg.MetricsAddr, m, log)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer stopMetrics()
	return serveHTTP(ctx, ln, cfg, s, c, log, m)
}

// serveMetrics serves m at GET /metrics on addr, a listener of its own that only operators
// reach (never the public one); "" serves nothing. stop closes it.
func serveMetrics(addr string, m *metrics.Metrics, log *slog.Logger) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return serveMetricsOn(ln, m, log), nil
}

// serveMetricsOn serves m at GET /metrics on ln; the result closes it.
func serveMetricsOn(ln net.Listener, m *metrics.Metrics, log *slog.Logger) (stop func()) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("metrics", "addr", ln.Addr().String())
	return func() { _ = srv.Close() }
}

// newServer bounds how long a client may hold a connection: headers within 10 s, the whole
// request within 60 s (api.New cuts a slow body off with 408 after 30 s), the answer within
// 60 s, an idle keep-alive connection 2 minutes, and headers to 64 KiB.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// serveHTTP serves the web pages and the API until ctx ends, then shuts down gracefully.
func serveHTTP(ctx context.Context, ln net.Listener, cfg config, s *postgres.Store, c client.Client, log *slog.Logger, m *metrics.Metrics) error {
	pc, err := cfg.payloadCodec()
	if err != nil {
		return err
	}
	oidc, err := cfg.oidc()
	if err != nil {
		return err
	}
	archives, err := cfg.archives()
	if err != nil {
		return err
	}
	h, err := api.New(api.Config{Store: s, Temporal: c, Log: log, TemporalUIURL: cfg.TemporalUI, PayloadCodec: pc, PlainHTTP: cfg.PlainHTTP, Metrics: m, OIDC: oidc, Archives: archives})
	if err != nil {
		return err
	}
	srv := newServer(h)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Finish the requests in flight; a probe sees the listener gone at once.
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
