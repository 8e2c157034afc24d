package metrics

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// SeriesNames names what the registry exports: deploy/'s dashboards and alerts are checked
// against it.
func TestSeriesNamesAreExported(t *testing.T) {
	m := New(nil)
	m.ObserveHTTP("/x", "GET", 200, time.Millisecond)
	m.CountAction("vote", Applied)
	m.ObserveWrite(time.Millisecond)
	families, err := m.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := SeriesNames()
	found := 0
	for _, f := range families {
		name := f.GetName()
		if !strings.HasPrefix(name, "termgoal_") {
			continue
		}
		found++
		if !slices.Contains(names, name) && !slices.Contains(names, name+"_count") {
			t.Errorf("%s is exported but not in SeriesNames", name)
		}
	}
	if found != 3 {
		t.Errorf("%d termgoal series gathered, want 3", found)
	}
	var nilMetrics *Metrics // records nothing, and does not panic
	nilMetrics.ObserveHTTP("/x", "GET", 200, time.Millisecond)
	nilMetrics.CountAction("vote", Applied)
	nilMetrics.ObserveWrite(time.Millisecond)
}
