package api

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/pquerna/otp/totp"

	"termgoal/web"
)

// provider is an OpenID Connect provider in the test: discovery, keys, an authorization
// endpoint that signs in whoever the test names, and a token endpoint that checks the client,
// the code and its PKCE verifier and answers a signed ID token.
type provider struct {
	t      *testing.T
	srv    *httptest.Server
	key    *rsa.PrivateKey
	mu     sync.Mutex
	codes  map[string]map[string]any // code → the ID token's claims, with the PKCE challenge
	claims map[string]any            // who signs in next
	nonce  string                    // a nonce to put in instead of the request's ("": the request's)
}

func newProvider(t *testing.T) *provider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{t: t, key: key, codes: map[string]map[string]any{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize",
			"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/keys", "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != "termgoal" || q.Get("code_challenge_method") != "S256" || q.Get("response_type") != "code" {
			http.Error(w, "bad request", 400)
			return
		}
		p.mu.Lock()
		claims := map[string]any{"nonce": q.Get("nonce"), "challenge": q.Get("code_challenge")}
		for k, v := range p.claims {
			claims[k] = v
		}
		if p.nonce != "" {
			claims["nonce"] = p.nonce
		}
		code := randomCode()
		p.codes[code] = claims
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		_ = r.ParseForm()
		p.mu.Lock()
		claims, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if id != "termgoal" || secret != "s3cret" || !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != claims["challenge"] {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		delete(claims, "challenge")
		now := time.Now()
		claims["iss"], claims["aud"], claims["iat"], claims["exp"] = p.srv.URL, "termgoal", now.Unix(), now.Add(5*time.Minute).Unix()
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			t.Error(err)
			return
		}
		payload, _ := json.Marshal(claims)
		jws, err := signer.Sign(payload)
		if err != nil {
			t.Error(err)
			return
		}
		idToken, _ := jws.CompactSerialize()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func randomCode() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// signIn walks browser b through the provider as whoever claims names; it answers our
// callback's answer.
func (p *provider) signIn(b *browser, claims map[string]any) *httptest.ResponseRecorder {
	p.t.Helper()
	p.mu.Lock()
	p.claims = claims
	p.mu.Unlock()
	w := b.send(http.MethodGet, "/login/oidc?next=/inbox", "", "", "sso")
	to := w.Header().Get("Location")
	if w.Code != http.StatusFound || !strings.HasPrefix(to, p.srv.URL+"/authorize?") {
		p.t.Fatalf("to the provider: %d %q", w.Code, to)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(to)
	if err != nil {
		p.t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound || back.Path != "/login/oidc/callback" {
		p.t.Fatalf("back from the provider: %d %v", res.StatusCode, back)
	}
	return b.send(http.MethodGet, back.RequestURI(), "", "", "sso")
}

// TestOIDCSignIn: with a provider configured, its user signs in to the account of the email it
// verified, linked from then on to that identity; an unverified or unknown email, a forged
// state, a wrong nonce or a disabled account sign nobody in; two-step sign-in still asks for
// its code.
func TestOIDCSignIn(t *testing.T) {
	p := newProvider(t)
	f := newFixture(t, func(c *Config) {
		c.OIDC = &web.OIDC{Issuer: p.srv.URL, ClientID: "termgoal", ClientSecret: "s3cret", RedirectURL: "http://app.example/login/oidc/callback",
			Name: "统一身份认证", HTTPClient: p.srv.Client()}
	})
	ctx := t.Context()
	holder := f.accounts["holderA1"].ID
	if _, err := f.store.DB().ExecContext(ctx, `UPDATE accounts SET email = 'A1@example.org' WHERE id = $1`, holder); err != nil {
		t.Fatal(err)
	}
	login := (&browser{f: f}).send(http.MethodGet, "/login", "", "", "x").Body.String()
	if !strings.Contains(login, `href="/login/oidc`) || !strings.Contains(login, "统一身份认证") {
		t.Fatalf("the sign-in page offers no provider: %s", login)
	}

	// Unverified and unknown emails sign nobody in.
	for _, claims := range []map[string]any{{"sub": "u1", "email": "a1@example.org", "email_verified": false},
		{"sub": "u2", "email": "nobody@example.org", "email_verified": true}} {
		b := &browser{f: f}
		if w := p.signIn(b, claims); w.Code != http.StatusUnauthorized || b.me() != 401 {
			t.Fatalf("%v: %d", claims, w.Code)
		}
	}
	// The verified email signs in, in any case, and links the identity.
	b := &browser{f: f}
	if w := p.signIn(b, map[string]any{"sub": "u1", "email": "a1@EXAMPLE.org", "email_verified": true}); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/inbox" || b.me() != 200 {
		t.Fatalf("a verified email: %d %s", w.Code, w.Body)
	}
	if _, err := f.store.DB().ExecContext(ctx, `UPDATE accounts SET email = 'new@example.org' WHERE id = $1`, holder); err != nil {
		t.Fatal(err)
	}
	if w := p.signIn(&browser{f: f}, map[string]any{"sub": "u1", "email": "other@example.org", "email_verified": true}); w.Code != http.StatusSeeOther {
		t.Fatalf("the linked identity: %d", w.Code)
	}
	// A forged state, a wrong nonce: refused.
	forged := &browser{f: f}
	forged.send(http.MethodGet, "/login/oidc", "", "", "sso")
	if w := forged.send(http.MethodGet, "/login/oidc/callback?code=x&state=forged", "", "", "sso"); w.Code != http.StatusUnauthorized || forged.me() != 401 {
		t.Fatalf("a forged state: %d", w.Code)
	}
	p.nonce = "replayed"
	if w := p.signIn(&browser{f: f}, map[string]any{"sub": "u1"}); w.Code != http.StatusUnauthorized {
		t.Fatalf("a wrong nonce: %d", w.Code)
	}
	p.nonce = ""
	// Two-step sign-in: the code after the provider.
	secret, _ := f.enroll(f.token("holderA1", testPassword, 200))
	b = &browser{f: f}
	if w := p.signIn(b, map[string]any{"sub": "u1"}); w.Code != 200 || !strings.Contains(w.Body.String(), `id="code-form"`) || b.me() != 401 {
		t.Fatalf("with two-step sign-in: %d", w.Code)
	}
	c, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if w := b.send(http.MethodPost, "/login/code", "code="+c, "application/x-www-form-urlencoded", "sso"); w.Code != http.StatusSeeOther || b.me() != 200 {
		t.Fatalf("the code after the provider: %d", w.Code)
	}
	// A disabled account: refused.
	if _, err := f.store.DB().ExecContext(ctx, `UPDATE accounts SET disabled_at = now() WHERE id = $1`, holder); err != nil {
		t.Fatal(err)
	}
	if w := p.signIn(&browser{f: f}, map[string]any{"sub": "u1"}); w.Code != http.StatusUnauthorized {
		t.Fatalf("a disabled account: %d", w.Code)
	}
	if len(f.auditLines("signin_failed")) == 0 {
		t.Fatal("refused sign-ins are not audited")
	}
}
