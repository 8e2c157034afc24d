package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"termgoal/edge"
)

func TestProtectedRoutesAnswer401(t *testing.T) {
	h := testHandler(t)
	srv := h.wrap()
	n := 0
	for _, r := range h.engine.Routes() {
		key := r.Method + " " + r.Path
		if publicRoutes[key] || !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		n++
		path := ginParam.ReplaceAllString(r.Path, "1")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(r.Method, path+"?lang=en", strings.NewReader(`{}`)))
		var body edge.ErrorBody
		_ = json.Unmarshal(w.Body.Bytes(), &body)
		if w.Code != http.StatusUnauthorized || body.Error.Code != "unauthorized" || body.Error.Message == "" {
			t.Errorf("%s: %d %s", key, w.Code, w.Body.String())
		}
	}
	if n < 25 {
		t.Errorf("only %d protected routes", n)
	}
}

func TestSecurityHeadersAndCrossOrigin(t *testing.T) {
	srv := testHandler(t).wrap()
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "strict-origin-when-cross-origin",
		"Strict-Transport-Security": "max-age=31536000; includeSubDomains", "Cache-Control": "no-store",
	} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	if w.Header().Get("X-Request-ID") == "" {
		t.Error("no request id")
	}
	// A browser's cross-site POST is refused before it reaches a handler.
	r := httptest.NewRequest(http.MethodPost, "/api/v1/auth/token", strings.NewReader(`{}`))
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"forbidden"`) {
		t.Errorf("cross-site POST: %d %s", w.Code, w.Body.String())
	}
	// So is a form posted from a foreign Origin by a browser that sends no Sec-Fetch-Site.
	r = httptest.NewRequest(http.MethodPost, "/logout", strings.NewReader(""))
	r.Header.Set("Origin", "https://evil.example")
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden {
		t.Errorf("foreign Origin: %d %s", w.Code, w.Body.String())
	}
}

// TestCookiesSecureUnlessPlainHTTP: by default every cookie is __Host- prefixed and Secure and
// HSTS is sent; only the developer's plain-HTTP server (PlainHTTP) goes without both.
func TestCookiesSecureUnlessPlainHTTP(t *testing.T) {
	for _, plain := range []bool{false, true} {
		h, err := newHandler(Config{Log: slog.New(slog.DiscardHandler), PlainHTTP: plain})
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		h.wrap().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/login?lang=en", nil))
		cks := w.Result().Cookies()
		if len(cks) == 0 {
			t.Fatalf("plain %v: no cookie", plain)
		}
		for _, ck := range cks {
			if strings.HasPrefix(ck.Name, "__Host-") == plain || ck.Secure == plain || !ck.HttpOnly || ck.Path != "/" ||
				ck.Domain != "" || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("plain %v: cookie %+v", plain, ck)
			}
		}
		if hsts := w.Header().Get("Strict-Transport-Security"); (hsts == "") != plain {
			t.Errorf("plain %v: HSTS %q", plain, hsts)
		}
	}
}

func TestBadBearerToken(t *testing.T) {
	srv := testHandler(t).wrap()
	for _, authz := range []string{"Basic abc", "Bearer "} {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
		r.Header.Set("Authorization", authz)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != http.StatusUnauthorized {
			t.Errorf("%q: %d", authz, w.Code)
		}
	}
}

func TestUnknownRoute(t *testing.T) {
	w := httptest.NewRecorder()
	testHandler(t).wrap().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/nope", nil))
	if w.Code != 404 || !strings.Contains(w.Body.String(), `"not_found"`) {
		t.Errorf("%d %s", w.Code, w.Body.String())
	}
}
