package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Found from outside (issue 30): the static files list no directory, and the page after
// signing in is never on another host, however the next parameter is dressed.
func TestStaticListsNoDirectoryAndNextStaysHome(t *testing.T) {
	srv := testHandler(t).wrap()
	for path, want := range map[string]int{"/static/": 404, "/static/app.css": 200} {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != want || (want == 404 && strings.Contains(w.Body.String(), "app.css")) {
			t.Errorf("GET %s: %d %q, want %d", path, w.Code, w.Body.String(), want)
		}
	}
}

// Signing in with a next parameter that a browser would read as another host goes to the inbox.
func TestSignInNextStaysOnThisSite(t *testing.T) {
	f := newFixture(t)
	for next, want := range map[string]string{
		"/tasks/t1":            "/tasks/t1",
		"/\t/evil.example":     "/inbox",
		"/\\evil.example":      "/inbox",
		"//evil.example/x":     "/inbox",
		"https://evil.example": "/inbox",
	} {
		form := url.Values{"username": {"holderA1"}, "password": {testPassword}, "next": {next}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, req)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != want {
			t.Errorf("signing in with next=%q: %d to %q, want %q", next, w.Code, w.Header().Get("Location"), want)
		}
	}
}
