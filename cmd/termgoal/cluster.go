package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"

	"termgoal/demo"
	"termgoal/devenv"
	"termgoal/postgres"
)

// runCluster runs the production shape on one machine (make cluster) until Ctrl-C: see
// startCluster.
func runCluster(ctx context.Context, cfg config, _ *slog.Logger) error {
	cl, err := startDataCluster(ctx, cfg, "cluster", false)
	if err != nil {
		return err
	}
	defer cl.Stop()
	fmt.Printf("\ntermgoal cluster: http://%s (two serve processes behind it, round robin)\n"+
		"  Temporal server %s on PostgreSQL at %s: %s\n  workers: 2; logs: %s\n"+
		"  sign in as admin / demo12345 (and the other demo accounts); Ctrl-C stops everything\n\n",
		cl.Addr, devenv.TemporalServerVersion, cl.pg.URL(""), cl.Temporal.HostPort, cl.dir)
	<-ctx.Done()
	return nil
}

// cluster is the production shape on one machine: a private PostgreSQL under .data/cluster/pg
// holding termgoal's database and the Temporal server's two; the pinned Temporal server
// binary on it; two `termgoal worker` and two `termgoal serve` processes of this binary; and a
// round-robin proxy in front of the two servers. Each logs to its own file under
// .data/cluster/. A chaos run kills any of them and starts it again.
type cluster struct {
	Addr     string // the proxy's host:port
	Temporal *devenv.Temporal
	Workers  []*devenv.Process
	Servers  []*devenv.Process

	dir          string
	exe          string // the termgoal binary the workers and servers run
	cfg          config
	pg           *devenv.Postgres
	temporalBin  string
	temporalOpts devenv.ServerOptions
	temporalLog  io.Writer
	proxy        *http.Server
	logs         []*os.File
	databaseURL  string
	store        *postgres.Store // termgoal's database, for the demo data and chaos's counts
}

// startDataCluster starts a cluster of this binary under .data/name, emptied first when fresh.
func startDataCluster(ctx context.Context, cfg config, name string, fresh bool) (*cluster, error) {
	root, err := devenv.Root()
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, ".data", name)
	if fresh {
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
	}
	return startCluster(ctx, cfg, dir, exe)
}

// startCluster starts a cluster that keeps its data and logs in dir and runs the termgoal
// binary exe, its proxy on cfg.HTTPAddr (any free port when that is taken), and loads the
// demo data into an empty database.
func startCluster(ctx context.Context, cfg config, dir, exe string) (_ *cluster, err error) {
	root, err := devenv.Root()
	if err != nil {
		return nil, err
	}
	cl := &cluster{dir: dir, exe: exe, cfg: cfg}
	defer func() {
		if err != nil {
			cl.Stop()
		}
	}()
	if err := os.MkdirAll(cl.dir, 0o750); err != nil {
		return nil, err
	}
	fmt.Printf("starting PostgreSQL under %s …\n", filepath.Join(dir, "pg"))
	if cl.pg, err = devenv.StartPostgres(ctx, filepath.Join(cl.dir, "pg"), cl.logFile("postgres")); err != nil {
		return nil, err
	}
	if err := cl.pg.CreateDatabase(ctx, "termgoal"); err != nil {
		return nil, err
	}
	fmt.Printf("setting up the Temporal server %s on it …\n", devenv.TemporalServerVersion)
	pg := devenv.ServerPostgres{Addr: "127.0.0.1:" + strconv.Itoa(cl.pg.Port), User: "postgres",
		Database: "temporal", VisibilityBase: "temporal_visibility"}
	tool, err := devenv.TemporalSQLTool(root)
	if err != nil {
		return nil, err
	}
	if err := devenv.TemporalSchema(ctx, tool, pg, cl.logFile("temporal-schema")); err != nil {
		return nil, err
	}
	if cl.temporalBin, err = devenv.TemporalServer(root); err != nil {
		return nil, err
	}
	cl.temporalLog = cl.logFile("temporal")
	cl.temporalOpts = devenv.ServerOptions{Dir: filepath.Join(cl.dir, "temporal"), Postgres: &pg}
	if cl.Temporal, err = devenv.StartTemporalServer(ctx, cl.temporalBin, cl.temporalLog, cl.temporalOpts); err != nil {
		return nil, err
	}
	cl.temporalOpts.Ports = cl.Temporal.Ports // a restart takes the same ports
	cl.databaseURL = cl.pg.URL("termgoal")
	if cl.store, err = postgres.Open(ctx, cl.databaseURL); err != nil {
		return nil, err
	}
	if err := postgres.Migrate(ctx, cl.store.DB()); err != nil {
		return nil, err
	}
	if err := cl.startApps(ctx); err != nil {
		return nil, err
	}
	if err := cl.seed(ctx); err != nil {
		return nil, err
	}
	return cl, cl.serveProxy(cfg.HTTPAddr)
}

// startApps starts two workers and two servers of this binary, each on ports of its own.
func (cl *cluster) startApps(ctx context.Context) error {
	keys, err := devPayloadKeys(cl.dir)
	if err != nil {
		return err
	}
	signing, err := devArchiveKey(cl.dir)
	if err != nil {
		return err
	}
	env := []string{"DATABASE_URL=" + cl.databaseURL, "TEMPORAL_ADDRESS=" + cl.Temporal.HostPort,
		"TEMPORAL_NAMESPACE=default", "TEMPORAL_PAYLOAD_KEYS=", "TEMPORAL_PAYLOAD_KEY_FILE=" + keys,
		"ARCHIVE_DIR=" + filepath.Join(cl.dir, "archive"), "ARCHIVE_SIGNING_KEY=", "ARCHIVE_SIGNING_KEY_FILE=" + signing,
		"METRICS_ADDR="}
	ports := make([]int, 4)
	for i := range ports {
		if ports[i], err = devenv.FreePort(); err != nil {
			return err
		}
	}
	for i := range 2 {
		addr := "127.0.0.1:" + strconv.Itoa(ports[i])
		name := fmt.Sprintf("worker-%d", i+1)
		cl.Workers = append(cl.Workers, devenv.NewProcess(name, addr, cl.logFile(name),
			append(slices.Clip(env), "WORKER_HEALTH_ADDR="+addr), cl.exe, "worker"))
		addr = "127.0.0.1:" + strconv.Itoa(ports[2+i])
		name = fmt.Sprintf("serve-%d", i+1)
		cl.Servers = append(cl.Servers, devenv.NewProcess(name, addr, cl.logFile(name),
			append(slices.Clip(env), "HTTP_ADDR="+addr, "APP_URL="+cl.cfg.AppURL), cl.exe, "serve"))
	}
	for _, p := range append(append([]*devenv.Process{}, cl.Workers...), cl.Servers...) {
		if err := p.Start(ctx); err != nil {
			return err
		}
	}
	return nil
}

// seed loads the demo data into an empty database.
func (cl *cluster) seed(ctx context.Context) error {
	c, err := cl.client()
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = demo.Seed(ctx, cl.store, c)
	return err
}

// client dials the cluster's Temporal server with the key ring its workers and servers use.
func (cl *cluster) client() (client.Client, error) {
	cfg := cl.cfg
	cfg.TemporalAddr, cfg.PayloadKeys = cl.Temporal.HostPort, ""
	var err error
	if cfg.PayloadFile, err = devPayloadKeys(cl.dir); err != nil {
		return nil, err
	}
	return dialTemporal(cfg, slog.New(slog.DiscardHandler), nil)
}

// serveProxy answers on addr (any free port when it is taken) by passing each request to the
// next server in turn; a server that does not answer gets 502, which a client retries as it
// retries 503.
func (cl *cluster) serveProxy(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return err
		}
	}
	cl.Addr = ln.Addr().String()
	var next atomic.Uint64
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		p := cl.Servers[next.Add(1)%uint64(len(cl.Servers))]
		r.Out.URL.Scheme, r.Out.URL.Host = "http", p.Addr
		r.SetXForwarded()
	}}
	proxy.ErrorLog = log.New(cl.logFile("proxy"), "", log.LstdFlags)
	cl.proxy = &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = cl.proxy.Serve(ln) }()
	return nil
}

// RestartTemporal starts the Temporal server again on its ports (after Temporal.Kill).
func (cl *cluster) RestartTemporal(ctx context.Context) (err error) {
	cl.Temporal, err = devenv.StartTemporalServer(ctx, cl.temporalBin, cl.temporalLog, cl.temporalOpts)
	return err
}

// Stop stops the proxy, the servers, the workers, the Temporal server and PostgreSQL, in this
// order.
func (cl *cluster) Stop() {
	if cl.proxy != nil {
		_ = cl.proxy.Close()
	}
	for _, p := range append(append([]*devenv.Process{}, cl.Servers...), cl.Workers...) {
		p.Stop()
	}
	if cl.Temporal != nil {
		cl.Temporal.Stop()
	}
	if cl.store != nil {
		_ = cl.store.Close()
	}
	if cl.pg != nil {
		_ = cl.pg.Stop()
	}
	for _, f := range cl.logs {
		_ = f.Close()
	}
}

// logFile opens .data/cluster/name.log for appending (the output of a run is kept).
func (cl *cluster) logFile(name string) io.Writer {
	f, err := os.OpenFile(filepath.Join(cl.dir, name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600) // #nosec G304 -- under .data/cluster, a name of ours
	if err != nil {
		return io.Discard
	}
	cl.logs = append(cl.logs, f)
	return f
}
