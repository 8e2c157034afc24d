package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const output = `goos: linux
goarch: amd64
pkg: termgoal/e2e
cpu: Intel(R) Xeon(R) CPU @ 2.20GHz
BenchmarkActionRoundTrip-2   	     200	  11560000 ns/op	         5.180 bare-p50-ms	        11.56 action-p50-ms	         2.232 ratio-p50
BenchmarkSustainedActions-2  	     200	   6270000 ns/op	       346.7 bare-updates/s	       159.5 actions/s	         0.4600 ratio
PASS
ok  	termgoal/e2e	95.1s
`

// TestParseAndMerge: each result line becomes an entry with its package and every value-unit
// pair; a later run replaces its own entries and keeps the others; a line whose figures do not
// pair is refused.
func TestParseAndMerge(t *testing.T) {
	at := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	rs, err := parse(strings.NewReader(output), "dev-server", at)
	if err != nil || len(rs) != 2 {
		t.Fatalf("parse: %+v, %v", rs, err)
	}
	a := rs[0]
	if a.Name != "BenchmarkActionRoundTrip" || a.Package != "termgoal/e2e" || a.Iterations != 200 ||
		a.Metrics["ratio-p50"] != 2.232 || a.Metrics["ns/op"] != 11560000 || !strings.Contains(a.CPU, "Xeon") {
		t.Errorf("the first result: %+v", a)
	}
	file := filepath.Join(t.TempDir(), "bench", "results.json")
	if err := merge(file, rs); err != nil {
		t.Fatal(err)
	}
	later, _ := parse(strings.NewReader("pkg: termgoal/e2e\nBenchmarkSustainedActions-2 100 1 ns/op 0.95 ratio\n"), "dev-server", at.Add(time.Hour))
	cluster, _ := parse(strings.NewReader("pkg: termgoal/e2e\nBenchmarkSustainedActions-2 100 1 ns/op 0.7 ratio\n"), "cluster", at)
	if err := merge(file, append(later, cluster...)); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	got := string(b)
	for _, want := range []string{`"dev-server/termgoal/e2e.BenchmarkActionRoundTrip"`, `"ratio": 0.95`, `"cluster/termgoal/e2e.BenchmarkSustainedActions"`, `"ratio": 0.7`} {
		if !strings.Contains(got, want) {
			t.Errorf("results lack %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, `"ratio": 0.46`) {
		t.Errorf("the earlier sustained figure stayed:\n%s", got)
	}
	if _, err := parse(strings.NewReader("BenchmarkX-2 1 5 ns/op 7\n"), "dev-server", at); err == nil {
		t.Error("unpaired figures accepted")
	}
}
