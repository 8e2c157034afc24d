package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"termgoal"
	"termgoal/app"
)

// OIDC configures sign-in with an OpenID Connect provider (S1), beside the passwords: the
// sign-in page offers a button, and the provider's user signs in to the account whose email
// the provider verified (linked to that identity from then on). The code flow with PKCE, state
// and nonce; the ID token is checked by go-oidc against the provider's keys. An account with
// two-step sign-in on is still asked for its code.
type OIDC struct {
	Issuer       string // OIDC_ISSUER: the provider's issuer URL (discovery at /.well-known/openid-configuration)
	ClientID     string // OIDC_CLIENT_ID
	ClientSecret string // OIDC_CLIENT_SECRET
	RedirectURL  string // APP_URL + /login/oidc/callback, registered with the provider
	Name         string // OIDC_NAME: the button's label, e.g. 统一身份认证
	// HTTPClient reaches the provider (tests: its httptest server); nil is http.DefaultClient.
	HTTPClient *http.Client
}

// oidcSignIn is the provider, discovered at its first use, so that serve starts while the
// provider is down.
type oidcSignIn struct {
	cfg      OIDC
	mu       sync.Mutex
	provider *oidc.Provider
}

func (o *oidcSignIn) context(ctx context.Context) context.Context {
	if o.cfg.HTTPClient != nil {
		return oidc.ClientContext(ctx, o.cfg.HTTPClient)
	}
	return ctx
}

// oauth answers the provider and the OAuth 2 configuration of the code flow.
func (o *oidcSignIn) oauth(ctx context.Context) (*oidc.Provider, *oauth2.Config, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider == nil {
		p, err := oidc.NewProvider(o.context(ctx), o.cfg.Issuer)
		if err != nil {
			return nil, nil, termgoal.Errorf(termgoal.EUNAVAILABLE, "auth.oidc_unavailable", "the sign-in provider does not answer; try again later or sign in with a password")
		}
		o.provider = p
	}
	return o.provider, &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, RedirectURL: o.cfg.RedirectURL,
		Endpoint: o.provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, nil
}

// What the browser's session keeps between the redirect to the provider and its return.
const (
	oidcState    = "oidc_state"
	oidcNonce    = "oidc_nonce"
	oidcVerifier = "oidc_verifier"
	oidcNext     = "oidc_next"
)

// webOIDCStart sends the browser to the provider.
func (h *Handler) webOIDCStart(c *gin.Context) {
	ctx := c.Request.Context()
	_, conf, err := h.oidc.oauth(ctx)
	if err != nil {
		h.signedIn(c, nil, err, url.Values{"next": {c.Query("next")}})
		return
	}
	state, nonce, verifier := randomText(), randomText(), oauth2.GenerateVerifier()
	h.sessions.Put(ctx, oidcState, state)
	h.sessions.Put(ctx, oidcNonce, nonce)
	h.sessions.Put(ctx, oidcVerifier, verifier)
	h.sessions.Put(ctx, oidcNext, c.Query("next"))
	c.Redirect(http.StatusFound, conf.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)))
}

// webOIDCCallback is where the provider sends the browser back: the state must be this
// browser's, the code is exchanged (with the PKCE verifier), the ID token verified (issuer,
// audience, expiry, signature, nonce); then the account signs in as with a password.
func (h *Handler) webOIDCCallback(c *gin.Context) {
	ctx := c.Request.Context()
	state, nonce, verifier, next := h.sessions.PopString(ctx, oidcState), h.sessions.PopString(ctx, oidcNonce),
		h.sessions.PopString(ctx, oidcVerifier), h.sessions.PopString(ctx, oidcNext)
	form := url.Values{"next": {next}}
	identity, email, err := h.oidcIdentity(c, state, nonce, verifier)
	if err != nil {
		h.signedIn(c, nil, err, form)
		return
	}
	acc, err := h.ops.SignInOIDC(ctx, identity, email, c.ClientIP())
	if need := (*app.ErrSecondFactor)(nil); errors.As(err, &need) {
		h.askCode(c, need.AccountID, next)
		return
	}
	h.signedIn(c, acc, err, form)
}

func errOIDC() error {
	return termgoal.Errorf(termgoal.EUNAUTHORIZED, "auth.oidc_failed", "the sign-in with the provider did not complete; try again")
}

// oidcIdentity checks the provider's answer and returns the identity (issuer|subject) and the
// email the provider verified ("" when it did not).
func (h *Handler) oidcIdentity(c *gin.Context, state, nonce, verifier string) (identity, email string, err error) {
	ctx := c.Request.Context()
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(c.Query("state"))) != 1 || c.Query("error") != "" {
		return "", "", errOIDC()
	}
	provider, conf, err := h.oidc.oauth(ctx)
	if err != nil {
		return "", "", err
	}
	tok, err := conf.Exchange(h.oidc.context(ctx), c.Query("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		h.log.WarnContext(ctx, "oidc code exchange", "err", err)
		return "", "", errOIDC()
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: h.oidc.cfg.ClientID}).Verify(h.oidc.context(ctx), raw)
	if err != nil || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		h.log.WarnContext(ctx, "oidc id token", "err", err)
		return "", "", errOIDC()
	}
	var claims struct {
		Email    string `json:"email"`
		Verified bool   `json:"email_verified"`
	}
	if err := idt.Claims(&claims); err != nil {
		return "", "", errOIDC()
	}
	if !claims.Verified {
		claims.Email = ""
	}
	return idt.Issuer + "|" + idt.Subject, claims.Email, nil
}

// randomText is 256 random bits, URL-safe.
func randomText() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
