package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"termgoal"
	"termgoal/catalog"
	"termgoal/postgres"
)

// browser is one browser signed in on the pages: it sends its session cookie and takes the
// one each answer sets.
type browser struct {
	f      *fixture
	cookie *http.Cookie
}

// signInBrowser signs user in through the sign-in page of a new browser.
func (f *fixture) signInBrowser(user, pw, ua string) *browser {
	b := &browser{f: f}
	b.signIn(user, pw, ua)
	return b
}

func (b *browser) signIn(user, pw, ua string) {
	b.f.t.Helper()
	form := url.Values{"username": {user}, "password": {pw}}
	w := b.send(http.MethodPost, "/login", form.Encode(), "application/x-www-form-urlencoded", ua)
	if w.Code != http.StatusSeeOther || b.cookie == nil {
		b.f.t.Fatalf("signing in %s: %d %s", user, w.Code, w.Body.String())
	}
}

func (b *browser) send(method, path, body, ctype, ua string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	r.Header.Set("User-Agent", ua)
	if b.cookie != nil {
		r.AddCookie(b.cookie)
	}
	w := httptest.NewRecorder()
	b.f.srv.ServeHTTP(w, r)
	for _, ck := range w.Result().Cookies() {
		if ck.Name == "__Host-termgoal_session" {
			b.cookie = ck
		}
	}
	return w
}

// me answers the status of GET /api/v1/me with this browser's session.
func (b *browser) me() int { return b.send(http.MethodGet, "/api/v1/me", "", "", "").Code }

// TestSessionsListedAndEnded: a session gets a new token at sign-in and when the account's
// roles change; an account and its administrator list its sessions (never their tokens) and
// end them; sign-out ends the session on the server; an administrator of another subtree
// reaches none of it.
func TestSessionsListedAndEnded(t *testing.T) {
	f := newFixture(t)
	laptop := &browser{f: f, cookie: &http.Cookie{Name: "__Host-termgoal_session", Value: "planted-by-an-attacker"}}
	laptop.signIn("holderA1", testPassword, "laptop")
	if laptop.cookie.Value == "planted-by-an-attacker" {
		t.Fatal("the session kept the token the browser came with")
	}
	phone := f.signInBrowser("holderA1", testPassword, "phone")
	if laptop.me() != 200 || phone.me() != 200 {
		t.Fatal("signed-in browsers are refused")
	}
	id := f.accounts["holderA1"].ID
	path := "/api/v1/accounts/" + itoa(id) + "/sessions"
	var sessions List[postgres.Session]
	w := laptop.send(http.MethodGet, path, "", "", "laptop")
	if err := json.Unmarshal(w.Body.Bytes(), &sessions); err != nil || w.Code != 200 || len(sessions.Items) != 2 {
		t.Fatalf("own sessions: %d %s", w.Code, w.Body.String())
	}
	for _, s := range sessions.Items {
		if s.Current != (s.UserAgent == "laptop") || s.ExpiresAt.IsZero() || s.IP == "" {
			t.Errorf("session %+v", s)
		}
	}
	if strings.Contains(w.Body.String(), laptop.cookie.Value) {
		t.Error("the list shows a session's token")
	}
	// Another subtree's administrator does not find the account; its own administrator does.
	f.errCode("GET", path, f.account("adminB", termgoal.RoleAdmin, f.b.ID), nil, 404)
	f.do("GET", path, f.aTok, nil, 200, &sessions)
	var phoneID int64
	for _, s := range sessions.Items {
		if s.UserAgent == "phone" {
			phoneID = s.ID
		}
	}
	f.do("DELETE", path+"/"+itoa(phoneID), f.aTok, nil, 204, nil)
	if phone.me() != 401 || laptop.me() != 200 {
		t.Error("ending the phone's session: want the phone signed out, the laptop not")
	}
	f.errCode("DELETE", path+"/"+itoa(phoneID), f.aTok, nil, 404)

	// A new role renews the session's token; the old token is dead.
	before := *laptop.cookie
	f.do("POST", "/api/v1/accounts/"+itoa(id)+"/grants", f.aTok, map[string]any{"role": "consultee", "org_id": f.a1.ID}, 201, nil)
	if laptop.me() != 200 || laptop.cookie.Value == before.Value {
		t.Error("the session kept its token over a change of roles")
	}
	if (&browser{f: f, cookie: &before}).me() != 401 {
		t.Error("the token from before the change of roles still works")
	}

	// Sign-out ends the session on the server: its cookie, replayed, is refused.
	kept := *laptop.cookie
	if w := laptop.send(http.MethodPost, "/logout", "", "", "laptop"); w.Code != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", w.Code)
	}
	if (&browser{f: f, cookie: &kept}).me() != 401 {
		t.Error("a signed-out session's cookie still works")
	}
	if n := len(f.auditLines("session_ended")); n != 1 {
		t.Errorf("%d session_ended lines", n)
	}
}

// TestPasswordsAndDisabling: a new password and a disabled account end the account's sessions
// and tokens; the password rules hold; nobody disables their own account or reaches one outside
// their subtree.
func TestPasswordsAndDisabling(t *testing.T) {
	f := newFixture(t)
	id := itoa(f.accounts["holderA1"].ID)
	laptop := f.signInBrowser("holderA1", testPassword, "laptop")
	phone := f.signInBrowser("holderA1", testPassword, "phone")

	// The holder changes their password on the laptop: the phone and the API token end.
	for body, key := range map[string]string{
		`{"current_password":"wrong-password","new_password":"a new passphrase"}`:   "account.current_password",
		`{"current_password":"` + testPassword + `","new_password":"short"}`:        "account.password",
		`{"current_password":"` + testPassword + `","new_password":"password1234"}`: "account.password_common",
	} {
		w := laptop.send(http.MethodPut, "/api/v1/me/password", body, "application/json", "laptop")
		if w.Code != 422 || !strings.Contains(w.Body.String(), catalog.TL("zh-CN", key, map[string]any{"min": 8})) {
			t.Errorf("%s: %d %s, want %s", body, w.Code, w.Body.String(), key)
		}
	}
	w := laptop.send(http.MethodPut, "/api/v1/me/password",
		`{"current_password":"`+testPassword+`","new_password":"a new passphrase"}`, "application/json", "laptop")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"sessions":1`) || !strings.Contains(w.Body.String(), `"tokens":1`) {
		t.Fatalf("change: %d %s", w.Code, w.Body.String())
	}
	if laptop.me() != 200 || phone.me() != 401 {
		t.Error("after a new password: want the laptop signed in, the phone out")
	}
	f.errCode("GET", "/api/v1/me", f.a1Tok, nil, 401)
	f.token("holderA1", testPassword, 401)
	tok := f.token("holderA1", "a new passphrase", 200)

	// The administrator resets it: every session and token ends.
	f.errCode("PUT", "/api/v1/accounts/"+id+"/password", f.account("adminB", termgoal.RoleAdmin, f.b.ID), map[string]string{"new_password": "another passphrase"}, 404)
	f.do("PUT", "/api/v1/accounts/"+id+"/password", f.aTok, map[string]string{"new_password": "another passphrase"}, 200, nil)
	if laptop.me() != 401 {
		t.Error("a reset left the session")
	}
	f.errCode("GET", "/api/v1/me", tok, nil, 401)

	// Disabled: no sign-in (answered as a wrong password), no session, no token; enabled again.
	tok = f.token("holderA1", "another passphrase", 200)
	laptop = f.signInBrowser("holderA1", "another passphrase", "laptop")
	f.errCode("POST", "/api/v1/accounts/"+itoa(f.accounts["adminA"].ID)+"/disable", f.aTok, nil, 404) // not oneself
	f.do("POST", "/api/v1/accounts/"+id+"/disable", f.aTok, nil, 200, nil)
	if laptop.me() != 401 {
		t.Error("a disabled account's session works")
	}
	f.errCode("GET", "/api/v1/me", tok, nil, 401)
	if e := f.errCode("POST", "/api/v1/auth/token", "", tokenRequest{Username: "holderA1", Password: "another passphrase"}, 401); e.Error.Code != "unauthorized" {
		t.Errorf("a disabled account's sign-in: %+v", e)
	}
	f.do("POST", "/api/v1/accounts/"+id+"/enable", f.aTok, nil, 200, nil)
	f.token("holderA1", "another passphrase", 200)
	for _, action := range []string{"password_changed", "password_reset", "account_disabled", "account_enabled"} {
		if len(f.auditLines(action)) != 1 {
			t.Errorf("no audit line %s", action)
		}
	}
}

// TestSecurityPage: the page lists the caller's sessions, marks this one, ends the others, and
// changes the password; a refused password is not shown back.
func TestSecurityPage(t *testing.T) {
	f := newFixture(t)
	laptop := f.signInBrowser("holderA1", testPassword, "laptop-browser")
	phone := f.signInBrowser("holderA1", testPassword, "phone-browser")
	w := laptop.send(http.MethodGet, "/settings/security", "", "", "laptop-browser")
	page := w.Body.String()
	if w.Code != 200 || !strings.Contains(page, "phone-browser") || !strings.Contains(page, catalog.TL("zh-CN", "web.session_this", nil)) {
		t.Fatalf("security page: %d %s", w.Code, page)
	}
	form := url.Values{"current_password": {testPassword}, "new_password": {"qwertyuiop"}}
	w = laptop.send(http.MethodPost, "/settings/password", form.Encode(), "application/x-www-form-urlencoded", "laptop-browser")
	if w.Code != 422 || !strings.Contains(w.Body.String(), catalog.TL("zh-CN", "account.password_common", nil)) || strings.Contains(w.Body.String(), "qwertyuiop") {
		t.Errorf("a common password: %d", w.Code)
	}
	if w := laptop.send(http.MethodPost, "/settings/sessions/end", "", "", "laptop-browser"); w.Code != http.StatusSeeOther {
		t.Fatalf("sign out elsewhere: %d", w.Code)
	}
	if phone.me() != 401 || laptop.me() != 200 {
		t.Error("signing out elsewhere: want the phone out, the laptop in")
	}
	form.Set("new_password", "一句只有我知道的话")
	if w := laptop.send(http.MethodPost, "/settings/password", form.Encode(), "application/x-www-form-urlencoded", "laptop-browser"); w.Code != http.StatusSeeOther {
		t.Fatalf("change: %d %s", w.Code, w.Body.String())
	}
	f.token("holderA1", "一句只有我知道的话", 200)
}
