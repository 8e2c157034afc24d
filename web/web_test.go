package web

import (
	"net/url"
	"strings"
	"testing"
)

// The pages' own behaviour, apart from the engine: the page tests that need the whole handler
// (sessions, the store, Temporal) run in package api, which mounts these pages.

func TestEveryPageTemplateParses(t *testing.T) {
	if _, err := New(Config{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range webPages {
		if webTemplates[p] == nil || webTemplates[p].Lookup("layout") == nil {
			t.Errorf("page %s has no layout", p)
		}
	}
}

// After signing in, only a path of this site is followed: never another host.
func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/tasks/t1?x=1":        "/tasks/t1?x=1",
		"":                     "/inbox",
		"//evil.example/":      "/inbox",
		"/\\evil.example":      "/inbox",
		"https://evil.example": "/inbox",
		"javascript:alert(1)":  "/inbox",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// A form shown again after an unknown outcome keeps the key the user sent, so the retry is the
// same action; any other form gets a fresh key.
func TestFormKeyIsKeptOnlyAfterAnUnknownOutcome(t *testing.T) {
	sent := url.Values{"key": {"k-1"}}
	fresh := &webPage{Form: sent}
	refused := &webPage{Form: sent, Error: "refused"}
	unknown := &webPage{Form: url.Values{"key": {"k-1"}, "_keep_key": {"1"}}, Error: "no answer in time"}
	if k := fresh.Key(); k == "k-1" || len(k) != 32 || strings.Trim(k, "0123456789abcdef") != "" {
		t.Errorf("fresh form key %q", k)
	}
	if k := refused.Key(); k == "k-1" {
		t.Error("a refused form reuses its key: the corrected action would answer the refusal")
	}
	if k := unknown.Key(); k != "k-1" {
		t.Errorf("after an unknown outcome the key is %q, want the one sent", k)
	}
}
