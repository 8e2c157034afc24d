// Command benchjson keeps the figures of `make bench` and `make bench-all` in one JSON file
// (bench/results.json): it reads `go test -bench` output on standard input and merges each
// benchmark's metrics into the file, so a quick run updates its own entries and keeps the
// others'.
//
//	go test -run '^$' -bench . ./e2e/ | tee /dev/stderr | go run ./cmd/benchjson -o bench/results.json -label dev-server
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Results is the file: each benchmark's latest figures under its label and name.
type Results struct {
	Benchmarks map[string]Result `json:"benchmarks"` // "LABEL/PACKAGE.BenchmarkName"
}

// Result is one benchmark's figures from one run.
type Result struct {
	Label      string             `json:"label"` // where it ran: dev-server, cluster
	Package    string             `json:"package"`
	Name       string             `json:"name"`
	Iterations int64              `json:"iterations"`
	Metrics    map[string]float64 `json:"metrics"` // unit → value, ns/op and the ReportMetric figures
	CPU        string             `json:"cpu,omitempty"`
	Cores      int                `json:"cores"`
	At         time.Time          `json:"at"`
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

// parse reads benchmark output: its "pkg:" and "cpu:" lines and each result line.
func parse(r io.Reader, label string, at time.Time) ([]Result, error) {
	var out []Result
	pkg, cpu := "", ""
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "pkg: "):
			pkg = strings.TrimPrefix(line, "pkg: ")
		case strings.HasPrefix(line, "cpu: "):
			cpu = strings.TrimPrefix(line, "cpu: ")
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n, _ := strconv.ParseInt(m[2], 10, 64)
		res := Result{Label: label, Package: pkg, Name: m[1], Iterations: n, Metrics: map[string]float64{}, CPU: cpu, Cores: runtime.NumCPU(), At: at}
		fields := strings.Fields(m[3])
		if len(fields)%2 != 0 {
			return nil, fmt.Errorf("%s: the figures %q do not come in value-unit pairs", m[1], m[3])
		}
		for i := 0; i < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a number", m[1], fields[i])
			}
			res.Metrics[fields[i+1]] = v
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

// merge puts results into file (created when missing), replacing the entries of the same key.
func merge(file string, results []Result) error {
	all := Results{Benchmarks: map[string]Result{}}
	switch b, err := os.ReadFile(file); { // #nosec G304 -- the file the caller names
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return err
	default:
		if err := json.Unmarshal(b, &all); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if all.Benchmarks == nil {
			all.Benchmarks = map[string]Result{}
		}
	}
	for _, r := range results {
		all.Benchmarks[r.Label+"/"+r.Package+"."+r.Name] = r
	}
	b, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o750); err != nil {
		return err
	}
	return os.WriteFile(file, append(b, '\n'), 0o644) // #nosec G306 -- figures to commit, not a secret
}

func main() {
	file := flag.String("o", "bench/results.json", "the JSON file to merge the figures into")
	label := flag.String("label", "dev-server", "where the benchmarks ran (dev-server, cluster)")
	flag.Parse()
	results, err := parse(os.Stdin, *label, time.Now().UTC())
	if err == nil && len(results) == 0 {
		err = errors.New("no benchmark results on standard input")
	}
	if err == nil {
		err = merge(*file, results)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchjson:", err)
		os.Exit(1)
	}
	names := make([]string, len(results))
	for i, r := range results {
		names[i] = r.Name
	}
	sort.Strings(names)
	fmt.Fprintf(os.Stderr, "benchjson: %s in %s\n", strings.Join(names, ", "), *file)
}
