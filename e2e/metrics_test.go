package e2e

import (
	"io"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
)

// scrape reads the system's metrics as Prometheus would and returns the value of the series
// matching pattern (a regular expression over the series name and labels), or -1.
func (s *sys) scrape(t *testing.T, pattern string) float64 {
	t.Helper()
	w := httptest.NewRecorder()
	s.metrics.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(w.Body)
	m := regexp.MustCompile(`(?m)^` + pattern + ` ([0-9.e+-]+)$`).FindSubmatch(body)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMetricsCountActions: after the votes of a committee and a refused approval, /metrics
// counts each action by outcome, times the HTTP requests and the read-model writes, and shows
// the open tasks; the public listener does not serve it.
func TestMetricsCountActions(t *testing.T) {
	s := start(t)
	s.setup()
	p := s.toApproval(t, village(nil)) // three votes applied
	if r := s.do("holder", "POST", "/api/v1/processes/"+p+"/actions/approve", map[string]any{}, ""); r.status != 403 {
		t.Fatalf("the holder approving: %d", r.status)
	}
	for pattern, want := range map[string]float64{
		`termgoal_actions_total\{action="vote",outcome="applied"\}`:    3,
		`termgoal_actions_total\{action="approve",outcome="refused"\}`: 1,
	} {
		if got := s.scrape(t, pattern); got != want {
			t.Errorf("%s = %v, want %v", pattern, got, want)
		}
	}
	for _, pattern := range []string{
		`termgoal_http_request_duration_seconds_count\{method="POST",route="/api/v1/processes/:id/actions/:action",status="200"\}`,
		`termgoal_read_model_write_seconds_count`,
		`termgoal_tasks_open\{level="\d+"\}`,
	} {
		if got := s.scrape(t, pattern); got < 1 {
			t.Errorf("%s = %v, want at least 1", pattern, got)
		}
	}
	if got := s.scrape(t, `termgoal_read_model_scrape_errors`); got != 0 {
		t.Errorf("the read model's gauges failed: %v", got)
	}
	if r := s.do("admin", "GET", "/metrics", nil, ""); r.status != 404 {
		t.Errorf("the public listener serves /metrics: %d", r.status)
	}
}
