package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestClusterSurvivesKills runs the production shape (make cluster) from the built binary: the
// Temporal server on PostgreSQL, two workers and two servers behind the proxy. A short chaos
// run acts through the proxy while a worker, a server and the Temporal server are killed -9
// and started again: every acknowledged action is applied exactly once, no process is stuck
// and the read model equals every workflow's state.
func TestClusterSurvivesKills(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "termgoal")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cl, err := startCluster(ctx, config{HTTPAddr: "127.0.0.1:0"}, filepath.Join(dir, "cluster"), bin)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Stop()
	counts, err := chaos(ctx, cl, 30, 120, 8, 3, t.Output())
	if err != nil {
		t.Fatal(err)
	}
	t.Log(counts)
	if !counts.ok() || counts.Acknowledged < counts.Sent*9/10 {
		t.Fatalf("chaos: %s", counts)
	}
}
