// Command termgoal is the one binary of termgoal:
//
//	termgoal dev      the whole system on embedded defaults (make run)
//	termgoal cluster  the production shape on one machine (make cluster)
//	termgoal chaos    kills parts of a cluster under load and counts what was lost (make chaos)
//	termgoal serve    the HTTP server (web pages and JSON API)
//	termgoal worker   the Temporal worker
//	termgoal migrate  applies the database migrations
//	termgoal seed     loads the demo organization when the database is empty
//	termgoal import [--dry-run] FILE  imports orgs, people, posts and terms from XLSX or CSV
//	termgoal reconcile [--repair]  compares (and repairs) the read model with the workflows
//	termgoal audit verify  checks the audit log's hash chains
//	termgoal payload-key [ID]  prints a new key for TEMPORAL_PAYLOAD_KEYS
//	termgoal archive key|write|verify  a term's signed archive bundle
//	termgoal env      lists the environment variables it reads
//
// Configuration comes from environment variables only; see config.go and the README.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"termgoal/edge"
	"termgoal/tracing"
)

// command is one subcommand of the binary.
type command struct {
	name, what string
	run        func(context.Context, config, *slog.Logger) error
}

// commands is the one list of subcommands (and help): main dispatches on it and help lists it (deploy/'s
// test checks every command its files run against this list through `termgoal help`).
var commands = []command{
	{"dev", "run everything on embedded defaults: Temporal dev server, PostgreSQL, worker, web, demo data", runDev},
	{"cluster", "run the production shape on one machine: the Temporal server on a private PostgreSQL, two workers and two servers behind one address, logs in .data/cluster/", runCluster},
	{"chaos", "act through a fresh cluster while killing -9 its workers, servers and Temporal server, then count what was lost or doubled: [--processes N] [--actions N] [--clients N] [--kills N]", runChaos},
	{"serve", "run the HTTP server: web pages, JSON API, /healthz and /readyz", runServe},
	{"worker", "run the Temporal worker, with /healthz and /readyz on WORKER_HEALTH_ADDR", runWorker},
	{"migrate", "apply the database migrations", func(ctx context.Context, cfg config, _ *slog.Logger) error { return runMigrate(ctx, cfg) }},
	{"seed", "load the demo organization into an empty database", runSeed},
	{"import", "import orgs, people, posts and terms from an XLSX or CSV file: [--dry-run] [--as USER] FILE", runImport},
	{"reconcile", "compare every running process's read model with its workflow and list what differs; --repair repairs it", runReconcile},
	{"audit", "audit verify: recompute the audit log's hash chains and name the first line changed, inserted or removed", runAudit},
	{"archive", "a term's archive bundle: key [ID] prints a signing key; write [--supersedes BUNDLE] TERM_ID writes one into ARCHIVE_DIR; verify [--public-key ID:BASE64]... BUNDLE checks one, with no database", runArchive},
	{"payload-key", "print a new AES-256 key entry ID:BASE64 for TEMPORAL_PAYLOAD_KEYS (ID defaults to today's date)", runPayloadKey},
	{"env", "list the environment variables termgoal reads", func(context.Context, config, *slog.Logger) error { printVariables(os.Stdout); return nil }},
}

func main() {
	if len(os.Args) < 2 {
		usage(os.Stderr)
		os.Exit(2)
	}
	if os.Args[1] == "help" {
		usage(os.Stdout)
		return
	}
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == os.Args[1] })
	if i < 0 {
		usage(os.Stderr)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// JSON for the production commands (a developer's `dev` logs to a file of its own); each
	// line of a request carries its request and account ids (edge.ContextLogHandler).
	log := slog.New(edge.ContextLogHandler(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	shutdown, err := tracing.Setup(ctx, "termgoal-"+os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "termgoal: tracing:", err)
		os.Exit(1)
	}
	err = commands[i].run(ctx, configFromEnv(), log)
	_ = shutdown(context.Background()) // flush the last spans
	if err != nil {
		fmt.Fprintln(os.Stderr, "termgoal:", err)
		os.Exit(1)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, "usage: termgoal <command>\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.what)
	}
	fmt.Fprintf(w, "  %-9s %s\n", "help", "show this list")
	fmt.Fprint(w, "\nConfiguration comes from the environment only: termgoal env lists it.\n")
}
