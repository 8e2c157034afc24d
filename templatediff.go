package termgoal

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// FieldChange is one setting that differs between two versions of a template: its path in the
// template's JSON (e.g. "appraisal.groups.1.weight", "step_days.draft") and its value in each,
// as JSON text ("" where a version lacks it).
type FieldChange struct {
	Path string `json:"path"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// CompareTemplates lists the settings that differ between an older and a newer version of a
// template, by path; the version number and the ID are not settings. A list compares by
// position (a rater group added at the end is one added path per field).
func CompareTemplates(older, newer Template) []FieldChange {
	older.ID, older.Version, newer.ID, newer.Version = 0, 0, 0, 0
	// A template without appraisal settings has the default ones: saving them as they are is
	// no change.
	for _, t := range []*Template{&older, &newer} {
		a := t.AppraisalConfig()
		t.Appraisal = &a
	}
	a, b := flatten(older), flatten(newer)
	var changes []FieldChange
	for _, path := range slices.Sorted(maps.Keys(union(a, b))) {
		if a[path] != b[path] {
			changes = append(changes, FieldChange{Path: path, Old: a[path], New: b[path]})
		}
	}
	return changes
}

func union(a, b map[string]string) map[string]bool {
	u := map[string]bool{}
	for k := range a {
		u[k] = true
	}
	for k := range b {
		u[k] = true
	}
	return u
}

// flatten maps each leaf of v's JSON to its path; empty lists and objects are leaves.
func flatten(v any) map[string]string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // a Template always marshals
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		panic(err)
	}
	out := map[string]string{}
	var walk func(path string, n any)
	walk = func(path string, n any) {
		switch n := n.(type) {
		case map[string]any:
			if len(n) > 0 {
				for k, c := range n {
					walk(strings.TrimPrefix(path+"."+k, "."), c)
				}
				return
			}
		case []any:
			if len(n) > 0 {
				for i, c := range n {
					walk(fmt.Sprintf("%s.%d", path, i), c)
				}
				return
			}
		}
		leaf, _ := json.Marshal(n)
		out[path] = string(leaf)
	}
	walk("", tree)
	return out
}
