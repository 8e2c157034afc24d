package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"

	"termgoal/devenv"
	"termgoal/metrics"
	"termgoal/postgres"
)

// runDev runs the whole system on embedded defaults: the pinned Temporal CLI's dev server on a
// SQLite file and a private PostgreSQL cluster, both under .data/ so a second run keeps the
// data; then migrations, demo data, the worker and the HTTP server in this process.
func runDev(ctx context.Context, cfg config, log *slog.Logger) error {
	root, err := devenv.Root()
	if err != nil {
		return err
	}
	data := filepath.Join(root, ".data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		fmt.Println("starting PostgreSQL under .data/pg …")
		pg, err := devenv.StartPostgres(ctx, filepath.Join(data, "pg"), os.Stderr)
		if err != nil {
			return err
		}
		defer pg.Stop()
		if err := pg.CreateDatabase(ctx, "termgoal"); err != nil {
			return err
		}
		cfg.DatabaseURL = pg.URL("termgoal")
	}
	fmt.Println("starting the Temporal dev server (.data/temporal.db) …")
	cli, err := devenv.TemporalCLI(root)
	if err != nil {
		return err
	}
	tmp, err := devenv.StartTemporal(ctx, cli, filepath.Join(data, "temporal.db"), os.Stderr)
	if err != nil {
		return err
	}
	defer tmp.Stop()
	cfg.TemporalAddr, cfg.TemporalUI = tmp.HostPort, tmp.UIURL

	s, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := postgres.Migrate(ctx, s.DB()); err != nil {
		return err
	}
	m := metrics.New(s)
	c, err := dialTemporal(cfg, log, m)
	if err != nil {
		return err
	}
	defer c.Close()
	mln, err := net.Listen("tcp", cmp.Or(cfg.MetricsAddr, "127.0.0.1:9464"))
	if err != nil {
		// 9464 is taken: any free port will do for a developer's run.
		if mln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return err
		}
	}
	defer serveMetricsOn(mln, m, log)()
	w, err := startWorker(ctx, cfg, s, c, m)
	if err != nil {
		return err
	}
	defer w.Stop()
	seeded, err := seed(ctx, s, c)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		// 8080 is taken: any free port will do for a developer's run.
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return err
		}
	}
	printBanner(ln.Addr().String(), cfg.TemporalUI, mln.Addr().String(), seeded)
	return serveHTTP(ctx, ln, cfg, s, c, log, m)
}

func printBanner(addr, temporalUI, metricsAddr string, seeded bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "\ntermgoal is running. Ctrl-C stops everything; the data stays in .data/.\n\n")
	fmt.Fprintf(&b, "  app:          http://%s/\n", addr)
	fmt.Fprintf(&b, "  API document: http://%s/api/v1/openapi.json\n", addr)
	fmt.Fprintf(&b, "  Temporal UI:  %s\n", temporalUI)
	fmt.Fprintf(&b, "  metrics:      http://%s/metrics\n\n", metricsAddr)
	if seeded {
		fmt.Fprintf(&b, "  demo data loaded.\n")
	}
	fmt.Fprintf(&b, "  demo sign-ins (password %s):\n", demoPassword)
	for _, u := range demoUsers {
		fmt.Fprintf(&b, "    %-12s %s\n", u.Username, u.Role)
	}
	fmt.Println(b.String())
}
