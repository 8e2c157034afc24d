package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The variables table names every environment variable the code reads (outside tests), and
// nothing else: `termgoal env`, the README and deploy/'s test rely on it.
func TestVariablesAreThoseTheCodeReads(t *testing.T) {
	read := regexp.MustCompile(`[gG]etenv\("([A-Z][A-Z0-9_]*)"\)`)
	found := map[string]bool{}
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "../.." || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range read.FindAllStringSubmatch(string(b), -1) {
			found[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	delete(found, "TEST_DATABASE_URL") // the tests' own
	var names []string
	for _, v := range variables {
		names = append(names, v.name)
		if !found[v.name] {
			t.Errorf("%s is listed but nothing reads it", v.name)
		}
	}
	for name := range found {
		if !slices.Contains(names, name) {
			t.Errorf("%s is read but not listed in variables", name)
		}
	}
	if len(found) < 10 {
		t.Fatalf("only %d variables found in the source: %v", len(found), found)
	}
}
