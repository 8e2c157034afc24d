package devenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"debug/buildinfo"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mathrand "math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/lib/pq"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"

	"termgoal/workflows"
)

// TemporalServerVersion is the pinned Temporal server release that the tests and `make
// cluster` run (bin/temporal-server). The dev server of the pinned CLI embeds server v1.29.1,
// whose history API leaves out the events of a speculative workflow task (the one an update
// runs in): a worker that lost its cached copy of a workflow then fails every such task with
// "premature end of stream" for as long as updates keep arriving (temporalio/temporal#7741).
// From v1.32 the history API includes them.
const TemporalServerVersion = "v1.32.2"

// temporalServerToolchain builds the server: it needs a newer Go than termgoal's.
const temporalServerToolchain = "go1.27.3"

const temporalServerModule = "go.temporal.io/server"

// TemporalServer returns root/bin/temporal-server, installing the pinned Temporal server
// there with go install when it is missing or another version (the build takes several
// minutes; its output goes to stderr). `make tools` installs it the same way.
func TemporalServer(root string) (string, error) {
	return pinnedTool(root, "temporal-server", temporalServerModule, TemporalServerVersion,
		temporalServerModule+"/cmd/server@"+TemporalServerVersion, "GOTOOLCHAIN="+temporalServerToolchain)
}

// pinnedTool returns root/bin/name, installing pkg there with go install (env added to the
// build's environment) unless it is the build of module at version.
func pinnedTool(root, name, module, version, pkg string, env ...string) (string, error) {
	bin, err := filepath.Abs(filepath.Join(root, "bin"))
	if err != nil {
		return "", err
	}
	path := filepath.Join(bin, name)
	if builtFrom(path, module, version) {
		return path, nil
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return "", err
	}
	// Test processes may get here together: one installs, the others wait.
	lock, err := lockFile(filepath.Join(bin, "."+name+".lock"), syscall.LOCK_EX)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if builtFrom(path, module, version) {
		return path, nil
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = "/usr/local/go/bin/go"
	}
	// go install names the binary after its package's directory: build it aside, then move it.
	tmp, err := os.MkdirTemp(bin, ".install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(os.Stderr, "devenv: go install %s into %s (a few minutes the first time)\n", pkg, bin)
	cmd := exec.Command(goCmd, "install", pkg)
	cmd.Dir = tmp
	cmd.Env = append(append(os.Environ(), "GOBIN="+tmp), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("devenv: go install %s: %w", pkg, err)
	}
	_, file := filepath.Split(strings.Split(pkg, "@")[0])
	if err := os.Rename(filepath.Join(tmp, file), path); err != nil {
		return "", err
	}
	if !builtFrom(path, module, version) {
		return "", fmt.Errorf("devenv: %s is not %s %s after go install", path, module, version)
	}
	return path, nil
}

// TemporalSQLTool returns root/bin/temporal-sql-tool, the pinned server's tool that creates and
// updates its schema in PostgreSQL, installing it when missing.
func TemporalSQLTool(root string) (string, error) {
	return pinnedTool(root, "temporal-sql-tool", temporalServerModule, TemporalServerVersion,
		temporalServerModule+"/cmd/tools/sql@"+TemporalServerVersion, "GOTOOLCHAIN="+temporalServerToolchain)
}

// TemporalSchema creates pg's two databases when they are missing and sets up or updates the
// Temporal server's schema in them with tool (the schemas are embedded in it).
func TemporalSchema(ctx context.Context, tool string, pg ServerPostgres, log io.Writer) error {
	conn, err := sql.Open("postgres", pg.url("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close()
	for db, schema := range map[string]string{pg.Database: "postgresql/v12/temporal", pg.VisibilityBase: "postgresql/v12/visibility"} {
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, db).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(db)); err != nil {
				return err
			}
		}
		if err := pg.schema(ctx, tool, db, schema, log); err != nil {
			return err
		}
	}
	return nil
}

// schema sets up or updates schemaName in database db.
func (pg ServerPostgres) schema(ctx context.Context, tool, db, schemaName string, log io.Writer) error {
	conn, err := sql.Open("postgres", pg.url(db))
	if err != nil {
		return err
	}
	defer conn.Close()
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT to_regclass('schema_version') IS NOT NULL`).Scan(&exists); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(pg.Addr)
	if err != nil {
		return err
	}
	args := []string{"--plugin", "postgres12", "--endpoint", host, "--port", port, "--user", pg.User, "--database", db}
	run := func(more ...string) error {
		cmd := exec.CommandContext(ctx, tool, append(args, more...)...)
		cmd.Env = append(os.Environ(), "SQL_PASSWORD="+pg.Password)
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("devenv: temporal-sql-tool %s on %s: %w", more[0], db, err)
		}
		return nil
	}
	if !exists { // setup-schema refuses a database that has one
		if err := run("setup-schema", "-v", "0.0"); err != nil {
			return err
		}
	}
	return run("update-schema", "--schema-name", schemaName)
}

// TemporalOnPostgresForTests starts the pinned Temporal server as `make cluster` runs it, on two
// new databases of the tests' PostgreSQL (PostgresForTests), and returns its gRPC host:port.
// stop ends it and drops the databases.
func TemporalOnPostgresForTests(ctx context.Context, root string, dynamicConfig ...string) (hostPort string, stop func(), err error) {
	base, stopPG, err := PostgresForTests(ctx)
	if err != nil {
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		stopPG()
		return "", nil, err
	}
	password, _ := u.User.Password()
	suffix := randomHex()
	pg := ServerPostgres{Addr: u.Host, User: u.User.Username(), Password: password,
		Database: "temporal_" + suffix, VisibilityBase: "temporal_visibility_" + suffix}
	drop := func() {
		if conn, err := sql.Open("postgres", pg.url("postgres")); err == nil {
			for _, db := range []string{pg.Database, pg.VisibilityBase} {
				_, _ = conn.Exec(`DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(db) + ` WITH (FORCE)`)
			}
			conn.Close()
		}
		stopPG()
	}
	tool, err := TemporalSQLTool(root)
	if err == nil {
		err = TemporalSchema(ctx, tool, pg, io.Discard)
	}
	var bin string
	if err == nil {
		bin, err = TemporalServer(root)
	}
	var t *Temporal
	if err == nil {
		t, err = StartTemporalServer(ctx, bin, nil, ServerOptions{Postgres: &pg, DynamicConfig: dynamicConfig})
	}
	if err != nil {
		drop()
		return "", nil, err
	}
	return t.HostPort, func() { t.Stop(); drop() }, nil
}

// Kill ends the server with SIGKILL, as a crash would, and waits for it to be gone.
func (t *Temporal) Kill() {
	t.stopOnce.Do(func() {
		_ = t.cmd.Process.Kill()
		<-t.done
	})
}

// ServerOptions say what a Temporal server started from the server binary keeps its state in
// and runs with beyond the defaults.
type ServerOptions struct {
	// Dir holds its configuration. "": a temporary directory, removed when it stops.
	Dir string
	// Postgres keeps its state in PostgreSQL instead of SQLite in memory (the databases need the server's schema:
	// `make cluster` sets them up with its SQL tool).
	Postgres      *ServerPostgres
	DynamicConfig []string // key=value settings of the server's dynamic config
	// Ports are the frontend's gRPC port and the ports of its services (9 in all); nil: free
	// ones. A restarted server of a cluster takes the ports it had.
	Ports []int
}

// ServerPostgres is where a server keeps its state in PostgreSQL.
type ServerPostgres struct {
	Addr                     string // host:port
	User, Password           string
	Database, VisibilityBase string
}

// url is the lib/pq URL of database db on pg's server.
func (pg ServerPostgres) url(db string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(pg.User, pg.Password), Host: pg.Addr, Path: "/" + db, RawQuery: "sslmode=disable"}
	if pg.Password == "" {
		u.User = url.User(pg.User)
	}
	return u.String()
}

// serverPorts is how many ports a server binds: the frontend's gRPC, HTTP and membership
// ports, and the gRPC and membership ports of history, matching and its internal worker.
const serverPorts = 9

// StartTemporalServer starts the pinned Temporal server binary at binary on ports of
// 127.0.0.1 with the namespace "default" and termgoal's search attributes, and returns once
// the frontend serves that namespace. Server output goes to log (nil: discarded). The server
// also ends if this process dies. Unlike the CLI's dev server it has no web UI.
func StartTemporalServer(ctx context.Context, binary string, log io.Writer, o ServerOptions) (*Temporal, error) {
	if log == nil {
		log = io.Discard
	}
	for attempt := 1; ; attempt++ {
		t, err := startTemporalServer(ctx, binary, log, o)
		if err == nil || attempt == 3 || o.Ports != nil || !strings.Contains(err.Error(), "address already in use") {
			return t, err
		}
	}
}

func startTemporalServer(ctx context.Context, binary string, log io.Writer, o ServerOptions) (*Temporal, error) {
	ports := o.Ports
	if ports == nil {
		var err error
		if ports, err = lowFreePorts(serverPorts); err != nil {
			return nil, err
		}
	}
	if len(ports) != serverPorts {
		return nil, fmt.Errorf("devenv: a Temporal server takes %d ports, not %d", serverPorts, len(ports))
	}
	dir, cleanup := o.Dir, func() {}
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "temporal-server-"); err != nil {
			return nil, err
		}
		cleanup = func() { os.RemoveAll(dir) }
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	config, err := writeServerConfig(dir, ports, o)
	if err != nil {
		cleanup()
		return nil, err
	}
	t := &Temporal{
		HostPort: fmt.Sprintf("127.0.0.1:%d", ports[0]),
		HTTPURL:  fmt.Sprintf("http://127.0.0.1:%d", ports[1]),
		Ports:    ports,
		cmd:      exec.Command(binary, "--config-file", config, "--allow-no-auth", "start"),
		done:     make(chan struct{}),
	}
	if err := t.launch(ctx, log, "temporal server", t.setUpServer, cleanup); err != nil {
		return nil, err
	}
	return t, nil
}

// setUpServer waits for the frontend and registers the namespace "default" and termgoal's
// search attributes when they are missing.
func (t *Temporal) setUpServer(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := t.retry(ctx, "not ready", t.registerDefaultNamespace); err != nil {
		return err
	}
	// The namespace registry refreshes every few seconds: until then the new namespace is
	// unknown to the frontend and the history service.
	return t.retry(ctx, "search attributes", func(ctx context.Context) error {
		return t.registerSearchAttributes(ctx, workflows.SearchAttributes)
	})
}

// registerDefaultNamespace registers the namespace "default" (a week's retention, as the dev
// server's) unless it exists.
func (t *Temporal) registerDefaultNamespace(ctx context.Context) error {
	conn, err := net.DialTimeout("tcp", t.HostPort, time.Second)
	if err != nil {
		return err
	}
	conn.Close()
	c, err := client.Dial(client.Options{HostPort: t.HostPort, Logger: log.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: "default", WorkflowExecutionRetentionPeriod: durationpb.New(7 * 24 * time.Hour)})
	var exists *serviceerror.NamespaceAlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return err
	}
	_, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"})
	return err
}

// writeServerConfig writes the server's configuration and dynamic config into dir and returns
// the configuration's path.
func writeServerConfig(dir string, ports []int, o ServerOptions) (string, error) {
	dynamic := filepath.Join(dir, "dynamicconfig.yaml")
	var dc strings.Builder
	// As the CLI's dev server: search attributes are seen as soon as they are added, and the
	// persistence rate limits are raised to match.
	for _, kv := range append([]string{"system.forceSearchAttributesCacheRefreshOnRead=true",
		"frontend.persistenceMaxQPS=10000", "history.persistenceMaxQPS=45000",
		"system.enableActivityEagerExecution=true"}, o.DynamicConfig...) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return "", fmt.Errorf("devenv: dynamic config %q is not key=value", kv)
		}
		fmt.Fprintf(&dc, "%s:\n  - value: %s\n", k, v)
	}
	if err := os.WriteFile(dynamic, []byte(dc.String()), 0o600); err != nil {
		return "", err
	}
	var store string
	switch {
	case o.Postgres != nil:
		pg := o.Postgres
		store = fmt.Sprintf(`  defaultStore: default
  visibilityStore: visibility
  datastores:
    default:
      sql: {pluginName: postgres12, databaseName: %q, connectAddr: %q, connectProtocol: tcp, user: %q, password: %q, maxConns: 20, maxIdleConns: 20}
    visibility:
      sql: {pluginName: postgres12, databaseName: %q, connectAddr: %q, connectProtocol: tcp, user: %q, password: %q, maxConns: 10, maxIdleConns: 10}
`, pg.Database, pg.Addr, pg.User, pg.Password, pg.VisibilityBase, pg.Addr, pg.User, pg.Password)
	default:
		store = fmt.Sprintf(`  defaultStore: default
  visibilityStore: default
  datastores:
    default:
      sql: {pluginName: sqlite, databaseName: %q, connectAddr: localhost, connectProtocol: tcp, connectAttributes: {mode: memory, cache: shared}}
`, "termgoal-"+randomHex())
	}
	config := fmt.Sprintf(`log:
  stdout: true
  level: warn
persistence:
  numHistoryShards: 1
%s
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
  frontend:
    rpc: {grpcPort: %d, httpPort: %d, membershipPort: %d, bindOnIP: 127.0.0.1}
  history:
    rpc: {grpcPort: %d, membershipPort: %d, bindOnIP: 127.0.0.1}
  matching:
    rpc: {grpcPort: %d, membershipPort: %d, bindOnIP: 127.0.0.1}
  worker:
    rpc: {grpcPort: %d, membershipPort: %d, bindOnIP: 127.0.0.1}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:%d
      httpAddress: 127.0.0.1:%d
dcRedirectionPolicy:
  policy: noop
archival:
  history: {state: disabled}
  visibility: {state: disabled}
namespaceDefaults:
  archival:
    history: {state: disabled}
    visibility: {state: disabled}
publicClient:
  hostPort: 127.0.0.1:%d
dynamicConfigClient:
  filepath: %q
  pollInterval: 10s
`, store, ports[0], ports[1], ports[2], ports[3], ports[4], ports[5], ports[6], ports[7], ports[8],
		ports[0], ports[1], ports[0], dynamic)
	path := filepath.Join(dir, "temporal-server.yaml")
	return path, os.WriteFile(path, []byte(config), 0o600)
}

// lowFreePorts returns n distinct free ports on 127.0.0.1 below 32768: the server's
// PostgreSQL schema keeps its membership ports as smallint, and the kernel's ephemeral ports
// lie above.
func lowFreePorts(n int) ([]int, error) {
	var ports []int
	for try := 0; len(ports) < n; try++ {
		if try == 1000 {
			return nil, fmt.Errorf("devenv: no %d free ports below 32768", n)
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", 20000+mathrand.IntN(12000)))
		if err != nil {
			continue
		}
		// Keep each listener open until all are chosen so they differ.
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// builtFrom reports whether the program at path is the go-installed build of module at version.
func builtFrom(path, module, version string) bool {
	info, err := buildinfo.ReadFile(path)
	return err == nil && info.Main.Path == module && info.Main.Version == version
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
