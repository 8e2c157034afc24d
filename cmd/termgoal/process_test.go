package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"termgoal/codec"
	"termgoal/devenv"
)

// TestServeAndWorkerProbesAndShutdown runs the built binary as an operator would: `migrate`,
// then `serve` and `worker` against a private PostgreSQL and a Temporal dev server. Both turn
// ready, both turn not ready when PostgreSQL stops, and SIGTERM during a request lets it
// complete before each process exits 0.
func TestServeAndWorkerProbesAndShutdown(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bin := filepath.Join(dir, "termgoal")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	pg, err := devenv.StartPostgres(ctx, filepath.Join(dir, "pg"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pg.Stop() })
	if err := pg.CreateDatabase(ctx, "termgoal"); err != nil {
		t.Fatal(err)
	}
	root, err := devenv.Root()
	if err != nil {
		t.Fatal(err)
	}
	temporal, stopTemporal, err := devenv.TemporalForTests(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopTemporal)
	ports := make([]int, 4)
	for i := range ports {
		if ports[i], err = devenv.FreePort(); err != nil {
			t.Fatal(err)
		}
	}
	serveAddr, workerAddr := fmt.Sprintf("127.0.0.1:%d", ports[0]), fmt.Sprintf("127.0.0.1:%d", ports[1])
	env := append(os.Environ(), "DATABASE_URL="+pg.URL("termgoal"), "TEMPORAL_ADDRESS="+temporal,
		"HTTP_ADDR="+serveAddr, "WORKER_HEALTH_ADDR="+workerAddr, "TEMPORAL_PAYLOAD_KEYS="+payloadKey(t))
	metricsAddr := map[string]string{"serve": fmt.Sprintf("127.0.0.1:%d", ports[2]), "worker": fmt.Sprintf("127.0.0.1:%d", ports[3])}
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Stdout, cmd.Stderr = append(slices.Clone(env), "METRICS_ADDR="+metricsAddr[args[0]]), t.Output(), t.Output()
		return cmd
	}
	if err := run("migrate").Run(); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	serve, work := run("serve"), run("worker")
	for _, cmd := range []*exec.Cmd{serve, work} {
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill() })
	}
	status := func(url string) int {
		res, err := http.Get(url)
		if err != nil {
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	waitStatus := func(url string, want int) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for status(url) != want {
			if time.Now().After(deadline) {
				t.Fatalf("%s never answered %d (last %d)", url, want, status(url))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	for _, addr := range []string{serveAddr, workerAddr} {
		waitStatus("http://"+addr+"/readyz", http.StatusOK)
		waitStatus("http://"+addr+"/healthz", http.StatusOK)
	}
	// Each serves its metrics on a listener of its own; the public one does not.
	for name, series := range map[string]string{"serve": "termgoal_http_request_duration_seconds_count", "worker": "termgoal_read_model_write_seconds_count"} {
		res, err := http.Get("http://" + metricsAddr[name] + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), series) || !strings.Contains(string(body), "termgoal_read_model_scrape_errors 0") ||
			!strings.Contains(string(body), "\ntemporal_") {
			t.Errorf("%s /metrics: %d, no %s or no Temporal SDK series", name, res.StatusCode, series)
		}
	}
	// The read model of an empty system agrees with Temporal.
	reconcile := run("reconcile")
	var out bytes.Buffer
	reconcile.Stdout = &out
	if err := reconcile.Run(); err != nil || !strings.Contains(out.String(), "agrees") {
		t.Errorf("termgoal reconcile: %v %s", err, out.String())
	}
	// The audit log's chains verify (the migrations and a start wrote lines).
	audit := run("audit", "verify")
	out.Reset()
	audit.Stdout = &out
	if err := audit.Run(); err != nil || !strings.Contains(out.String(), "the audit log verifies") {
		t.Errorf("termgoal audit verify: %v %s", err, out.String())
	}
	if got := status("http://" + serveAddr + "/metrics"); got != http.StatusNotFound {
		t.Errorf("the public listener answers /metrics with %d", got)
	}
	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{serveAddr, workerAddr} {
		waitStatus("http://"+addr+"/readyz", http.StatusServiceUnavailable)
		if got := status("http://" + addr + "/healthz"); got != http.StatusOK {
			t.Errorf("%s/healthz with PostgreSQL down: %d", addr, got)
		}
	}

	// A request whose body is still arriving when SIGTERM comes is answered in full.
	conn, err := net.Dial("tcp", serveAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"content":"异议\u0000"}`
	fmt.Fprintf(conn, "POST /api/v1/notices/p/objections HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:5])
	time.Sleep(200 * time.Millisecond)
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := io.WriteString(conn, body[5:]); err != nil {
		t.Fatalf("the connection was cut: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to the request in flight: %v", err)
	}
	answer, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(answer), "invalid") {
		t.Errorf("the request in flight: %d %s", res.StatusCode, answer)
	}
	if err := work.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for name, cmd := range map[string]*exec.Cmd{"serve": serve, "worker": work} {
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s after SIGTERM: %v", name, err)
			}
		case <-time.After(40 * time.Second):
			t.Errorf("%s did not stop within 40 s of SIGTERM", name)
		}
	}
}

// payloadKey is a key ring of one new key, for the processes a test starts.
func payloadKey(t *testing.T) string {
	t.Helper()
	key, err := codec.NewKey("test")
	if err != nil {
		t.Fatal(err)
	}
	return key
}
