package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// Every line a request logs, its own and an internal error's, carries the request id and the
// caller's account id, and no address.
func TestLogLinesCarryRequestAndAccount(t *testing.T) {
	f := newFixture(t)
	var buf bytes.Buffer
	h, err := newHandler(Config{Store: f.store, Log: slog.New(slog.NewJSONHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h.engine.GET("/test-boom", func(c *gin.Context) { h.fail(c, errors.New("boom")) })
	req := httptest.NewRequest("GET", "/test-boom", nil)
	req.Header.Set("Authorization", "Bearer "+f.aTok)
	req.Header.Set("X-Request-ID", "req-12345678")
	w := httptest.NewRecorder()
	h.wrap().ServeHTTP(w, req)
	if w.Code != 500 {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
	var lines []map[string]any
	for line := range strings.Lines(buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %s", line)
		}
		lines = append(lines, m)
	}
	msgs := map[string]bool{}
	for _, m := range lines {
		msgs[m["msg"].(string)] = true
		if m["request_id"] != "req-12345678" || m["account_id"] != float64(f.accounts["adminA"].ID) {
			t.Errorf("a line without the request's ids: %v", m)
		}
		if _, ok := m["ip"]; ok {
			t.Errorf("a line with the address: %v", m)
		}
	}
	if !msgs["internal error"] || !msgs["http request"] {
		t.Errorf("lines %v", lines)
	}
}
