package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"termgoal"
	"termgoal/app"
)

// code is the authenticator app's code for secret at now+skew steps.
func code(t *testing.T, secret string, skew int) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, time.Now().Add(time.Duration(skew)*30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enroll sets up and turns on the second factor of the caller of tok; it answers the secret
// and the recovery codes.
func (f *fixture) enroll(tok string) (string, []string) {
	f.t.Helper()
	var e struct {
		Secret string `json:"secret"`
		URL    string `json:"otpauth_url"`
	}
	f.do("POST", "/api/v1/me/second-factor", tok, nil, 201, &e)
	if e.Secret == "" || !strings.Contains(e.URL, "issuer=termgoal") {
		f.t.Fatalf("enrollment %+v", e)
	}
	var res app.Confirmed
	f.do("POST", "/api/v1/me/second-factor/confirm", tok, map[string]string{"code": code(f.t.(*testing.T), e.Secret, 0)}, 200, &res)
	if len(res.RecoveryCodes) != 10 {
		f.t.Fatalf("recovery codes %v", res.RecoveryCodes)
	}
	return e.Secret, res.RecoveryCodes
}

// TestSecondFactor: an administrator turns two-step sign-in on with a first code (the other
// ways in end); from then on a token takes a code, each code once, a recovery code once, and
// at most CodeAttempts tries per account; turning it off takes the password and a code; an
// administrator resets it for an account they manage.
func TestSecondFactor(t *testing.T) {
	f := newFixture(t)
	var st app.SecondFactorStatus
	f.do("GET", "/api/v1/me/second-factor", f.aTok, nil, 200, &st)
	if st.Enabled || !st.Recommended {
		t.Fatalf("before: %+v", st)
	}
	// A wrong first code leaves it off; a new enrollment replaces the one not confirmed.
	var first struct{ Secret string }
	f.do("POST", "/api/v1/me/second-factor", f.aTok, nil, 201, &first)
	if e := f.errCode("POST", "/api/v1/me/second-factor/confirm", f.aTok, map[string]string{"code": "123456"}, 422); !strings.Contains(e.Error.Message, "验证码") {
		t.Fatalf("a wrong first code: %+v", e)
	}
	secret, recovery := f.enroll(f.aTok)
	if secret == first.Secret {
		t.Fatal("the enrollment kept its secret")
	}
	f.errCode("GET", "/api/v1/me", f.aTok, nil, 401) // the token from before ends

	ask := func(c string) (int, string) {
		b, _ := json.Marshal(tokenRequest{Username: "adminA", Password: testPassword, Code: c})
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, httptest.NewRequest("POST", "/api/v1/auth/token", bytes.NewReader(b)))
		return w.Code, w.Body.String()
	}
	if status, body := ask(""); status != 401 || !strings.Contains(body, `"code_required"`) {
		t.Fatalf("no code: %d %s", status, body)
	}
	if status, body := ask(code(t, secret, 0)); status != 401 || !strings.Contains(body, "验证码") {
		t.Fatalf("the confirming code again: %d %s", status, body)
	}
	if status, body := ask(code(t, secret, 1)); status != 200 {
		t.Fatalf("the next step's code: %d %s", status, body)
	}
	if status, _ := ask(code(t, secret, -1)); status != 401 {
		t.Fatalf("an older step's code after a newer one: %d", status)
	}
	if status, body := ask(strings.ToUpper(recovery[0])); status != 200 {
		t.Fatalf("a recovery code: %d %s", status, body)
	}
	if status, _ := ask(recovery[0]); status != 401 {
		t.Fatalf("a recovery code twice: %d", status)
	}
	if status, _ := ask("kkkkk-kkkkk"); status != 401 {
		t.Fatalf("a made-up recovery code: %d", status)
	}
	// Codes are limited per account, from any address: past the limit even a right one fails.
	ctx := context.Background()
	id := f.accounts["adminA"].ID
	forget := func() {
		if _, err := f.store.DB().ExecContext(ctx, `DELETE FROM signin_attempts`); err != nil {
			t.Fatal(err)
		}
	}
	forget()
	for i := range app.CodeAttempts {
		_, err := f.h.ops.SignInCode(ctx, id, "000000", fmt.Sprintf("198.51.100.%d", i))
		if termgoal.ErrorCode(err) == termgoal.ETOOMANY {
			t.Fatalf("refused as too many after %d codes", i)
		}
	}
	if _, err := f.h.ops.SignInCode(ctx, id, recovery[1], "198.51.100.99"); termgoal.ErrorCode(err) != termgoal.ETOOMANY {
		t.Fatalf("past the limit: %v", err)
	}
	forget()

	// Off: the password and a code; then the password alone signs in.
	tok := f.signInWithCode("adminA", recovery[2])
	f.errCode("DELETE", "/api/v1/me/second-factor", tok, map[string]string{"password": "wrong-password", "code": recovery[3]}, 422)
	f.errCode("DELETE", "/api/v1/me/second-factor", tok, map[string]string{"password": testPassword, "code": "999999"}, 422)
	f.do("DELETE", "/api/v1/me/second-factor", tok, map[string]string{"password": testPassword, "code": recovery[3]}, 204, nil)
	f.token("adminA", testPassword, 200)

	// Reset by an administrator who manages the account; not by one who does not.
	secret, _ = f.enroll(f.token("adminA", testPassword, 200))
	f.errCode("DELETE", fmt.Sprintf("/api/v1/accounts/%d/second-factor", f.accounts["root"].ID), f.signInWithCode("adminA", code(t, secret, 1)), nil, 404)
	var ended app.Ended
	f.do("DELETE", fmt.Sprintf("/api/v1/accounts/%d/second-factor", id), f.rootTok, nil, 200, &ended)
	if ended.Tokens != 1 {
		t.Fatalf("reset ended %+v", ended)
	}
	f.token("adminA", testPassword, 200)
	var actions []string
	for _, a := range []string{"second_factor_enabled", "second_factor_disabled", "second_factor_reset", "signin_failed"} {
		if len(f.auditLines(a)) == 0 {
			actions = append(actions, a)
		}
	}
	if len(actions) > 0 {
		t.Fatalf("not audited: %v", actions)
	}
}

// signInWithCode signs user in over the API with a code.
func (f *fixture) signInWithCode(user, c string) string {
	f.t.Helper()
	var out tokenResponse
	f.do("POST", "/api/v1/auth/token", "", tokenRequest{Username: user, Password: testPassword, Code: c}, 200, &out)
	return out.Token
}

// TestSecondFactorPages: the security page sets two-step sign-in up (QR code, secret, first
// code, recovery codes shown once); then the sign-in page asks for a code after the password,
// refuses a wrong one and one that comes too late.
func TestSecondFactorPages(t *testing.T) {
	f := newFixture(t)
	b := f.signInBrowser("adminA", testPassword, "laptop")
	page := b.send(http.MethodGet, "/settings/security", "", "", "laptop").Body.String()
	if !strings.Contains(page, `id="second-factor-enroll"`) || !strings.Contains(page, "管理员") && !strings.Contains(page, "两步登录") {
		t.Fatalf("the page offers no set-up: %s", page)
	}
	w := b.send(http.MethodPost, "/settings/second-factor", "", "application/x-www-form-urlencoded", "laptop")
	page = w.Body.String()
	i := strings.Index(page, `id="second-factor-secret">`)
	if w.Code != 200 || i < 0 || !strings.Contains(page, `src="data:image/png;base64,`) {
		t.Fatalf("enrolling: %d %s", w.Code, page)
	}
	secret := page[i+len(`id="second-factor-secret">`):]
	secret = secret[:strings.Index(secret, "<")]
	// The page shows the secret again until it is confirmed.
	if again := b.send(http.MethodGet, "/settings/security", "", "", "laptop").Body.String(); !strings.Contains(again, secret) {
		t.Fatal("the secret is not shown again")
	}
	form := url.Values{"code": {code(t, secret, 0)}}.Encode()
	w = b.send(http.MethodPost, "/settings/second-factor/confirm", form, "application/x-www-form-urlencoded", "laptop")
	if w.Code != 200 || strings.Count(w.Body.String(), "<li><code>") != 10 || !strings.Contains(w.Body.String(), `id="second-factor-on"`) {
		t.Fatalf("confirming: %d %s", w.Code, w.Body)
	}
	if b.me() != 200 {
		t.Fatal("the session that turned it on ended")
	}

	// Signing in: the password, then the code.
	phone := &browser{f: f}
	login := url.Values{"username": {"adminA"}, "password": {testPassword}}.Encode()
	w = phone.send(http.MethodPost, "/login", login, "application/x-www-form-urlencoded", "phone")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `id="code-form"`) || phone.me() != 401 {
		t.Fatalf("the password alone: %d %s", w.Code, w.Body)
	}
	w = phone.send(http.MethodPost, "/login/code", "code=000000", "application/x-www-form-urlencoded", "phone")
	if w.Code != 401 || !strings.Contains(w.Body.String(), `id="code-form"`) {
		t.Fatalf("a wrong code: %d", w.Code)
	}
	w = phone.send(http.MethodPost, "/login/code", url.Values{"code": {code(t, secret, 1)}}.Encode(), "application/x-www-form-urlencoded", "phone")
	if w.Code != http.StatusSeeOther || phone.me() != 200 {
		t.Fatalf("the right code: %d %s", w.Code, w.Body)
	}
	// A code with no password before it, or too late after it, signs nobody in.
	stranger := &browser{f: f}
	if w := stranger.send(http.MethodPost, "/login/code", "code="+code(t, secret, 1), "application/x-www-form-urlencoded", "x"); w.Code != 401 || stranger.me() != 401 {
		t.Fatalf("a code alone: %d", w.Code)
	}
	late := &browser{f: f}
	late.send(http.MethodPost, "/login", login, "application/x-www-form-urlencoded", "late")
	now := f.h.ops.Now
	f.h.ops.Now = func() time.Time { return time.Now().Add(6 * time.Minute) }
	w = late.send(http.MethodPost, "/login/code", "code="+code(t, secret, 12), "application/x-www-form-urlencoded", "late")
	f.h.ops.Now = now
	if w.Code != 401 || late.me() != 401 {
		t.Fatalf("a code too late: %d", w.Code)
	}
}
