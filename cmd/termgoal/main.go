// Command termgoal is the one binary of termgoal:
//
//	termgoal dev      the whole system on embedded defaults (make run)
//	termgoal serve    the HTTP server (web pages and JSON API)
//	termgoal worker   the Temporal worker
//	termgoal migrate  applies the database migrations
//	termgoal seed     loads the demo organization when the database is empty
//
// Configuration comes from environment variables only; see config.go and the README.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg := configFromEnv()
	var err error
	switch os.Args[1] {
	case "dev":
		err = runDev(ctx, cfg, log)
	case "serve":
		err = runServe(ctx, cfg, log)
	case "worker":
		err = runWorker(ctx, cfg, log)
	case "migrate":
		err = runMigrate(ctx, cfg)
	case "seed":
		err = runSeed(ctx, cfg, log)
	default:
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "termgoal:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: termgoal <command>

commands:
  dev      run everything on embedded defaults: Temporal dev server, PostgreSQL, worker, web, demo data
  serve    run the HTTP server (DATABASE_URL, TEMPORAL_ADDRESS, HTTP_ADDR)
  worker   run the Temporal worker (DATABASE_URL, TEMPORAL_ADDRESS)
  migrate  apply the database migrations (DATABASE_URL)
  seed     load the demo organization into an empty database (DATABASE_URL, TEMPORAL_ADDRESS)
`)
}
