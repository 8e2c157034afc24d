package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"termgoal/archive"
	"termgoal/codec"
	"termgoal/demo"
	"termgoal/devenv"
	"termgoal/edge"
	"termgoal/metrics"
	"termgoal/postgres"
)

// devLogName is the file under .data/ that `termgoal dev` logs to.
const devLogName = "termgoal.log"

// runDev runs the whole system on embedded defaults: the pinned Temporal CLI's dev server on a
// SQLite file and a private PostgreSQL cluster, both under .data/ so a second run keeps the
// data; then migrations, demo data, the worker and the HTTP server in this process.
func runDev(ctx context.Context, cfg config, _ *slog.Logger) error {
	root, err := devenv.Root()
	if err != nil {
		return err
	}
	data := filepath.Join(root, ".data")
	if err := os.MkdirAll(data, 0o750); err != nil {
		return err
	}
	// Logs go to a file, so the banner stays in sight; errors show on the terminal too.
	logFile, err := os.OpenFile(filepath.Join(data, devLogName), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600) // #nosec G304 -- under .data/, a name of ours
	if err != nil {
		return err
	}
	defer logFile.Close()
	log := slog.New(edge.ContextLogHandler(slog.NewMultiHandler(
		slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelInfo}),
		slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))))
	slog.SetDefault(log)
	if cfg.DatabaseURL == "" {
		fmt.Println("starting PostgreSQL under .data/pg …")
		pg, err := devenv.StartPostgres(ctx, filepath.Join(data, "pg"), logFile)
		if err != nil {
			return err
		}
		defer pg.Stop()
		if err := pg.CreateDatabase(ctx, "termgoal"); err != nil {
			return err
		}
		cfg.DatabaseURL = pg.URL("termgoal")
	}
	if cfg.PayloadKeys == "" && cfg.PayloadFile == "" {
		if cfg.PayloadFile, err = devPayloadKeys(data); err != nil {
			return err
		}
	}
	if os.Getenv("ARCHIVE_DIR") == "" {
		cfg.ArchiveDir = filepath.Join(data, "archive")
	}
	if cfg.ArchiveKeyFile, err = devArchiveKey(data); err != nil {
		return err
	}
	// The address is taken before the Temporal UI starts: the UI decodes payloads through it.
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		// 8080 is taken: any free port will do for a developer's run.
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return err
		}
	}
	defer ln.Close()
	fmt.Println("starting the Temporal dev server (.data/temporal.db) …")
	cli, err := devenv.TemporalCLI(root)
	if err != nil {
		return err
	}
	tmp, err := devenv.StartTemporal(ctx, cli, filepath.Join(data, "temporal.db"), logFile,
		devenv.TemporalOptions{CodecEndpoint: "http://" + ln.Addr().String() + "/api/v1/codec"})
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
	seeded, err := demo.Seed(ctx, s, c)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	// The developer's server speaks plain HTTP; its cookies can do without Secure only where
	// nothing but this machine reaches it.
	cfg.PlainHTTP = ln.Addr().(*net.TCPAddr).IP.IsLoopback()
	fmt.Print(demo.Banner(ctx, s, ln.Addr().String(), cfg.TemporalUI, mln.Addr().String(), ".data/"+devLogName, seeded))
	return serveHTTP(ctx, ln, cfg, s, c, log, m)
}

// devPayloadKeys returns the file of the developer's payload key ring under data, written with
// a new key on the first run: .data/temporal.db's histories need the same key on the next.
func devPayloadKeys(data string) (string, error) {
	file := filepath.Join(data, "payload-keys")
	if _, err := os.Stat(file); err == nil {
		return file, nil
	}
	key, err := codec.NewKey("dev-" + time.Now().Format("2006-01-02"))
	if err != nil {
		return "", err
	}
	return file, os.WriteFile(file, []byte("# termgoal dev: the key ring of .data/temporal.db's payloads\n"+key+"\n"), 0o600)
}

// devArchiveKey returns the file of the developer's archive signing key under data, made on
// the first run.
func devArchiveKey(data string) (string, error) {
	file := filepath.Join(data, "archive-signing-key")
	if _, err := os.Stat(file); err == nil {
		return file, nil
	}
	secret, _, err := archive.NewSigner("dev")
	if err != nil {
		return "", err
	}
	return file, os.WriteFile(file, []byte(secret+"\n"), 0o600)
}

// runPayloadKey prints a new key entry for TEMPORAL_PAYLOAD_KEYS, named by its argument or by
// today's date.
func runPayloadKey(context.Context, config, *slog.Logger) error {
	id := time.Now().Format("2006-01-02")
	if len(os.Args) > 2 {
		id = os.Args[2]
	}
	key, err := codec.NewKey(id)
	if err != nil {
		return err
	}
	fmt.Println(key)
	return nil
}

// runSeed loads the demo data into the database of DATABASE_URL.
func runSeed(ctx context.Context, cfg config, log *slog.Logger) error {
	s, c, _, closeAll, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeAll()
	_, err = demo.Seed(ctx, s, c)
	return err
}
