package devenv

import (
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"

	"termgoal/workflows"
)

// TemporalCLIVersion is the pinned Temporal CLI. (v1.9.1 refuses to be
// built with go install.)
const TemporalCLIVersion = "v1.5.1"

const temporalCLIModule = "github.com/temporalio/cli"

// TemporalCLI returns root/bin/temporal, installing the pinned Temporal CLI
// there with go install when it is missing or another version (the build
// takes a few minutes; its output goes to stderr).
func TemporalCLI(root string) (string, error) {
	bin, err := filepath.Abs(filepath.Join(root, "bin"))
	if err != nil {
		return "", err
	}
	path := filepath.Join(bin, "temporal")
	if temporalCLIPinned(path) {
		return path, nil
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return "", err
	}
	// Test processes may get here together: one installs, the others wait.
	lock, err := lockFile(filepath.Join(bin, ".temporal.lock"), syscall.LOCK_EX)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if temporalCLIPinned(path) {
		return path, nil
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = "/usr/local/go/bin/go"
	}
	pkg := temporalCLIModule + "/cmd/temporal@" + TemporalCLIVersion
	fmt.Fprintf(os.Stderr, "devenv: go install %s into %s (a few minutes the first time)\n", pkg, bin)
	cmd := exec.Command(goCmd, "install", pkg)
	cmd.Dir = bin
	cmd.Env = append(os.Environ(), "GOBIN="+bin)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("devenv: go install %s: %w", pkg, err)
	}
	if !temporalCLIPinned(path) {
		return "", fmt.Errorf("devenv: %s is not Temporal CLI %s after go install", path, TemporalCLIVersion)
	}
	return path, nil
}

// temporalCLIPinned reports whether path is the pinned Temporal CLI. A
// go-installed CLI says "0.0.0-DEV" to --version, so its build info is read
// first; a release binary is asked.
func temporalCLIPinned(path string) bool {
	if info, err := buildinfo.ReadFile(path); err == nil &&
		info.Main.Path == temporalCLIModule && info.Main.Version == TemporalCLIVersion {
		return true
	}
	out, err := exec.Command(path, "--version").Output()
	return err == nil && strings.Contains(string(out), "version "+strings.TrimPrefix(TemporalCLIVersion, "v")+" ")
}

// Temporal is a running Temporal dev server (`temporal server start-dev`)
// with the namespace "default".
type Temporal struct {
	HostPort string // gRPC frontend, e.g. "127.0.0.1:41234"
	UIURL    string // web UI, e.g. "http://127.0.0.1:41235"
	HTTPURL  string // HTTP API, e.g. "http://127.0.0.1:41236"
	Ports    []int  // a server binary's ports (ServerOptions.Ports), to start it again on them

	cmd      *exec.Cmd
	done     chan struct{} // closed when the process has exited
	stopOnce sync.Once
}

// StartTemporal starts a Temporal dev server from the CLI at cli, on free
// ports of 127.0.0.1 (never assuming 7233 is free), keeping its state in
// dbFile (an SQLite file, reused by the next start; "" keeps it in memory).
// It returns once the frontend serves the default namespace. Server output
// goes to log (nil: discarded). The server also ends if this process dies.
// o adds settings of the server's dynamic config and the UI's codec endpoint.
//
// The ports are free when chosen but may be taken by someone else before the server binds
// them (tests start servers side by side): then it tries again on other ports, up to 3 times.
func StartTemporal(ctx context.Context, cli string, dbFile string, log io.Writer, o TemporalOptions) (*Temporal, error) {
	if log == nil {
		log = io.Discard
	}
	for attempt := 1; ; attempt++ {
		t, err := startTemporal(ctx, cli, dbFile, log, o, workflows.SearchAttributes)
		if err == nil || attempt == 3 || !strings.Contains(err.Error(), "address already in use") {
			return t, err
		}
	}
}

// TemporalOptions are what a dev server may run with beyond the defaults.
type TemporalOptions struct {
	DynamicConfig []string // key=value settings of the server's dynamic config
	// CodecEndpoint is where the Temporal UI decodes payloads (termgoal's /api/v1/codec), so
	// that it shows the encrypted histories in the clear to a signed-in top administrator.
	CodecEndpoint string
}

// startTemporal is StartTemporal with the search attributes to register (NAME=Type).
func startTemporal(ctx context.Context, cli string, dbFile string, log io.Writer, o TemporalOptions, searchAttributes []string) (*Temporal, error) {
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	args := []string{"server", "start-dev", "--ip", "127.0.0.1", "--log-level", "warn",
		"--dynamic-config-value", "system.enableActivityEagerExecution=true",
		"--port", strconv.Itoa(ports[0]), "--ui-port", strconv.Itoa(ports[1]), "--http-port", strconv.Itoa(ports[2])}
	for _, kv := range o.DynamicConfig {
		args = append(args, "--dynamic-config-value", kv)
	}
	if o.CodecEndpoint != "" {
		args = append(args, "--ui-codec-endpoint", o.CodecEndpoint)
	}
	for _, sa := range searchAttributes { // the workflows set them as they move
		args = append(args, "--search-attribute", sa)
	}
	if dbFile != "" {
		if dbFile, err = filepath.Abs(dbFile); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(dbFile), 0o755); err != nil {
			return nil, err
		}
		args = append(args, "--db-filename", dbFile)
	}
	t := &Temporal{
		HostPort: fmt.Sprintf("127.0.0.1:%d", ports[0]),
		UIURL:    fmt.Sprintf("http://127.0.0.1:%d", ports[1]),
		HTTPURL:  fmt.Sprintf("http://127.0.0.1:%d", ports[2]),
		cmd:      exec.Command(cli, args...),
		done:     make(chan struct{}),
	}
	if err := t.launch(ctx, log, "temporal dev server", func(ctx context.Context) error {
		if err := t.waitReady(ctx); err != nil {
			return err
		}
		return t.registerSearchAttributes(ctx, searchAttributes)
	}, func() {}); err != nil {
		return nil, err
	}
	return t, nil
}

// searchAttributeTypes are the types of workflows.SearchAttributes by the names they use.
var searchAttributeTypes = map[string]enumspb.IndexedValueType{"Keyword": enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	"KeywordList": enumspb.INDEXED_VALUE_TYPE_KEYWORD_LIST, "Int": enumspb.INDEXED_VALUE_TYPE_INT,
	"Datetime": enumspb.INDEXED_VALUE_TYPE_DATETIME}

// registerSearchAttributes adds the search attributes attrs (NAME=Type) the server lacks. The
// --search-attribute flags register them only when the server creates its database, so a
// .data/temporal.db from before an attribute was added would lack it, and every workflow task
// that sets it would fail.
func (t *Temporal) registerSearchAttributes(ctx context.Context, attrs []string) error {
	c, err := client.Dial(client.Options{HostPort: t.HostPort, Logger: log.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer c.Close()
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: "default"})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for _, sa := range attrs {
		name, typ, _ := strings.Cut(sa, "=")
		if _, ok := have.GetCustomAttributes()[name]; !ok {
			missing[name] = searchAttributeTypes[typ]
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: "default", SearchAttributes: missing})
	if err != nil {
		return fmt.Errorf("add search attributes: %w", err)
	}
	return nil
}

// launch starts t's command with its output to log, runs ready, and stops the server when
// ready fails, naming it what and quoting the end of its output. cleanup runs once it exits.
func (t *Temporal) launch(ctx context.Context, log io.Writer, what string, ready func(context.Context) error, cleanup func()) error {
	tail := &tailBuffer{max: 4000}
	t.cmd.Stdout = io.MultiWriter(log, tail)
	t.cmd.Stderr = t.cmd.Stdout
	// Its own process group: a Ctrl-C in the terminal reaches the caller, which stops its worker
	// first and the server after it (Stop), not the server under a running worker.
	t.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM, Setpgid: true}
	if err := t.cmd.Start(); err != nil {
		cleanup()
		return fmt.Errorf("devenv: start %s: %w", what, err)
	}
	go func() {
		t.cmd.Wait()
		cleanup()
		close(t.done)
	}()
	if err := ready(ctx); err != nil {
		t.Stop()
		return fmt.Errorf("devenv: %s: %w\n%s", what, err, tail)
	}
	return nil
}

// waitReady waits until the gRPC port accepts connections and the HTTP API
// (served by the same frontend) describes the default namespace.
func (t *Temporal) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second}
	return t.retry(ctx, "not ready", func(ctx context.Context) error {
		conn, err := net.DialTimeout("tcp", t.HostPort, time.Second)
		if err != nil {
			return errors.New("gRPC port not open")
		}
		conn.Close()
		return httpOK(ctx, client, t.HTTPURL+"/api/v1/namespaces/default")
	})
}

// retry calls f every 250 ms until it succeeds, the server exits or ctx ends; then the error
// says what (prefix) and f's last error.
func (t *Temporal) retry(ctx context.Context, what string, f func(context.Context) error) error {
	for {
		err := f(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-t.done:
			return fmt.Errorf("exited before it was ready (%v)", t.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("%s: %v (%w)", what, err, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// httpOK GETs url and expects 200.
func httpOK(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// Stop interrupts the server, as Ctrl-C would, and waits for it to exit,
// killing it after 20 seconds. It may be called more than once.
func (t *Temporal) Stop() {
	t.stopOnce.Do(func() {
		t.cmd.Process.Signal(os.Interrupt)
		select {
		case <-t.done:
		case <-time.After(20 * time.Second):
			t.cmd.Process.Kill()
			<-t.done
		}
	})
}

// TemporalForTests starts an in-memory Temporal server on free ports from the pinned server
// binary under root/bin (installed when missing; see TemporalServerVersion for why not the
// CLI's dev server) and returns its gRPC host:port. stop ends it.
func TemporalForTests(ctx context.Context, root string, dynamicConfig ...string) (hostPort string, stop func(), err error) {
	bin, err := TemporalServer(root)
	if err != nil {
		return "", nil, err
	}
	t, err := StartTemporalServer(ctx, bin, nil, ServerOptions{DynamicConfig: dynamicConfig})
	if err != nil {
		return "", nil, err
	}
	return t.HostPort, t.Stop, nil
}
