package devenv

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"termgoal/workflows"
	"testing"
	"time"

	_ "github.com/lib/pq"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
)

func TestFreePort(t *testing.T) {
	ports, err := freePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	if ports[0] == ports[1] || ports[1] == ports[2] || ports[0] == ports[2] {
		t.Fatalf("ports not distinct: %v", ports)
	}
	if _, err := FreePort(); err != nil {
		t.Fatal(err)
	}
}

func queryInt(t *testing.T, dbURL, query string) int {
	t.Helper()
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s on %s: %v", query, dbURL, err)
	}
	return n
}

func exec1(t *testing.T, dbURL, stmt string) {
	t.Helper()
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

func TestStartPostgres(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir := filepath.Join(t.TempDir(), "pg")

	pg, err := StartPostgres(ctx, dir, t.Output())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Stop() })
	if n := queryInt(t, pg.URL("postgres"), "select 1"); n != 1 {
		t.Fatalf("select 1 = %d", n)
	}
	// Durable: what it acknowledged survives a crash.
	if n := queryInt(t, pg.URL("postgres"), "select count(*) from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes') and setting = 'on'"); n != 3 {
		t.Fatalf("%d of fsync, synchronous_commit and full_page_writes on, want 3", n)
	}
	if err := pg.CreateDatabase(ctx, "keep me"); err != nil {
		t.Fatal(err)
	}
	if err := pg.CreateDatabase(ctx, "keep me"); err != nil {
		t.Fatalf("second CreateDatabase: %v", err)
	}
	exec1(t, pg.URL("keep me"), "create table t (n int); insert into t values (42)")

	// Starting again while it runs adopts the running server.
	again, err := StartPostgres(ctx, dir, t.Output())
	if err != nil || again.Port != pg.Port {
		t.Fatalf("adopt running cluster: port %v, %v; want %d", again, err, pg.Port)
	}

	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	// A stale postmaster.pid naming a live process that is not postgres (this
	// test) must not block the next start.
	stale := fmt.Sprintf("%d\n%s\n0\n%d\n", os.Getpid(), pg.data(), pg.Port)
	if err := os.WriteFile(filepath.Join(pg.data(), "postmaster.pid"), []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}

	pg2, err := StartPostgres(ctx, dir, t.Output())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg2.Stop() })
	if pg2.Port != pg.Port {
		t.Errorf("port changed from %d to %d though it was free", pg.Port, pg2.Port)
	}
	if n := queryInt(t, pg2.URL("keep me"), "select n from t"); n != 42 {
		t.Fatalf("data after restart = %d, want 42", n)
	}
	if err := pg2.Stop(); err != nil {
		t.Fatal(err)
	}

	// A taken port makes the next start pick another one.
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", pg.Port))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	pg3, err := StartPostgres(ctx, dir, t.Output())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg3.Stop() })
	if pg3.Port == pg.Port {
		t.Fatal("reused a taken port")
	}
	if n := queryInt(t, pg3.URL("keep me"), "select n from t"); n != 42 {
		t.Fatalf("data after port change = %d, want 42", n)
	}

	// A crash (postmaster killed) leaves postmaster.pid and the socket lock
	// behind, naming a dead (here: zombie) process.
	b, err := os.ReadFile(filepath.Join(pg3.data(), "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.Split(string(b), "\n")[0])
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100 && postmasterAlive(pid, pg3.data()); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	pg4, err := StartPostgres(ctx, dir, t.Output())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg4.Stop() })
	if n := queryInt(t, pg4.URL("keep me"), "select n from t"); n != 42 {
		t.Fatalf("data after crash = %d, want 42", n)
	}
}

func TestPostgresForTests(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	url, stop, err := PostgresForTests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	t.Log("using", url)
	if n := queryInt(t, url, "select 1"); n != 1 {
		t.Fatalf("select 1 = %d", n)
	}
}

func TestSharedTestCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	url1, stop1, err := sharedTestCluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	url2, stop2, err := sharedTestCluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if url1 != url2 {
		t.Fatalf("two users got %s and %s", url1, url2)
	}
	stop1()
	// The other user still holds it, so it keeps running.
	if n := queryInt(t, url2, "select 1"); n != 1 {
		t.Fatalf("select 1 = %d", n)
	}
	stop2()
	db, _ := sql.Open("postgres", url2)
	defer db.Close()
	if err := db.Ping(); err == nil {
		t.Fatal("still running after the last user stopped")
	}
}

func temporalCLI(t *testing.T) string {
	t.Helper()
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	cli, err := TemporalCLI(root)
	if err != nil {
		t.Fatal(err)
	}
	return cli
}

func TestStartTemporal(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cli := temporalCLI(t)
	db := filepath.Join(t.TempDir(), "temporal.db")

	// The database is made by a server that knew no search attribute, as one from before the
	// workflows set them: the next start must add them.
	tmp, err := startTemporal(ctx, cli, db, t.Output(), TemporalOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tmp.Stop)
	if tmp.HostPort == "127.0.0.1:7233" {
		t.Error("used the default port")
	}
	if err := httpOK(ctx, http.DefaultClient, tmp.UIURL); err != nil {
		t.Errorf("UI: %v", err)
	}
	temporal := func(args ...string) (string, error) {
		out, err := exec.Command(cli, append(args, "--address", tmp.HostPort)...).CombinedOutput()
		return string(out), err
	}
	if out, err := temporal("operator", "cluster", "health"); err != nil || !strings.Contains(out, "SERVING") {
		t.Fatalf("health check: %v\n%s", err, out)
	}
	if out, err := temporal("operator", "namespace", "create", "--namespace", "kept"); err != nil {
		t.Fatalf("create namespace: %v\n%s", err, out)
	}
	tmp.Stop()
	if conn, err := net.Dial("tcp", tmp.HostPort); err == nil {
		conn.Close()
		t.Fatal("frontend still listening after Stop")
	}

	tmp, err = StartTemporal(ctx, cli, db, t.Output(), TemporalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tmp.Stop)
	if out, err := temporal("operator", "namespace", "describe", "--namespace", "kept"); err != nil {
		t.Fatalf("namespace lost across restart: %v\n%s", err, out)
	}
	out, err := temporal("operator", "search-attribute", "list")
	for _, sa := range workflows.SearchAttributes {
		if name, _, _ := strings.Cut(sa, "="); err != nil || !strings.Contains(out, name) {
			t.Errorf("search attribute %s not registered after a restart: %v\n%s", name, err, out)
		}
	}
}

func TestTemporalForTests(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	hostPort, stop, err := TemporalForTests(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	conn, err := net.Dial("tcp", hostPort)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}

func TestTemporalCLIPinned(t *testing.T) {
	if temporalCLIPinned("/bin/sh") {
		t.Fatal("/bin/sh taken for the Temporal CLI")
	}
	if !temporalCLIPinned(temporalCLI(t)) {
		t.Fatal("installed CLI is not the pinned one")
	}
}

// TestTailBufferKeepsHeadAndTail: a crash's cause (its first line) and its end both stay.
func TestTailBufferKeepsHeadAndTail(t *testing.T) {
	b := &tailBuffer{max: 80}
	b.Write([]byte("panic: address already in use\n"))
	for range 100 {
		b.Write([]byte("stack frame\n"))
	}
	b.Write([]byte("exit"))
	s := b.String()
	if !strings.HasPrefix(s, "panic: address already in use\n") || !strings.HasSuffix(s, "exit") || len(s) > 85 {
		t.Fatalf("%q", s)
	}
	short := &tailBuffer{max: 40}
	short.Write([]byte("ok"))
	if short.String() != "ok" {
		t.Fatalf("%q", short.String())
	}
}

// TestStartTemporalServer: the pinned server binary starts in memory with the namespace
// "default" and termgoal's search attributes.
func TestStartTemporalServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := TemporalServer(root)
	if err != nil {
		t.Fatal(err)
	}
	tmp, err := StartTemporalServer(ctx, bin, t.Output(), ServerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Stop()
	c, err := client.Dial(client.Options{HostPort: tmp.HostPort})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	for _, sa := range workflows.SearchAttributes {
		if name, _, _ := strings.Cut(sa, "="); have.GetCustomAttributes()[name] == 0 {
			t.Errorf("search attribute %s not registered", name)
		}
	}
}

// TestTemporalOnPostgresForTests: the server runs on two databases of its own on the tests'
// PostgreSQL, with the namespace and the search attributes, and stop drops the databases.
func TestTemporalOnPostgresForTests(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	base, stopPG, err := PostgresForTests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stopPG()
	db, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	temporalDBs := func() (n int) {
		if err := db.QueryRow(`SELECT count(*) FROM pg_database WHERE datname LIKE 'temporal\_%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := temporalDBs()
	hostPort, stop, err := TemporalOnPostgresForTests(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	if n := temporalDBs(); n != before+2 {
		stop()
		t.Fatalf("%d databases for the server, want 2", n-before)
	}
	c, err := client.Dial(client.Options{HostPort: hostPort})
	if err != nil {
		stop()
		t.Fatal(err)
	}
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: "default"})
	c.Close()
	if err != nil || len(have.GetCustomAttributes()) < len(workflows.SearchAttributes) {
		stop()
		t.Fatalf("search attributes: %v %v", have.GetCustomAttributes(), err)
	}
	stop()
	if n := temporalDBs(); n != before {
		t.Fatalf("%d databases left behind", n-before)
	}
}
