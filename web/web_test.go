package web

import (
	"net/url"
	"strings"
	"termgoal"
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
		"/\t/evil.example":     "/inbox", // a browser drops the tab: //evil.example
		"/\n/evil.example":     "/inbox",
		"/ /evil.example":      "/inbox",
		"/a\\..\\\\evil":       "/inbox",
		"/tasks/t1?q=%2F%2F":   "/tasks/t1?q=%2F%2F",
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

// The result form's sales figures: a month a line, as typed or pasted from a spreadsheet.
func TestSalesFromText(t *testing.T) {
	got, err := salesFromText("2026-01 100000 60000 95000\n\n2026-02,100000，60000\t120_000\n")
	if err != nil || len(got) != 2 || got[1].Month != "2026-02" || got[1].Achieved != 120000 || got[0].Minimum != 60000 {
		t.Errorf("salesFromText = %+v, %v", got, err)
	}
	for _, bad := range []string{"2026-01 100000 60000", "2026-01 100000 sixty 1", "2026-01 1 2 3 4"} {
		if _, err := salesFromText(bad); termgoal.ErrorCode(err) != termgoal.EINVALID {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if got, err := salesFromText(" \n"); err != nil || got != nil {
		t.Errorf("no figures: %+v, %v", got, err)
	}
}

// A saved draft keeps the editor's fields and nothing else.
func TestEditorField(t *testing.T) {
	for name, want := range map[string]bool{"rows": true, "note": true, "title_0": true, "target_2026_12": true, "quantitative_3": true,
		"key": false, "action": false, "edit": false, "title_x": false, "target_2026": false, "secret_1": false, "title": false} {
		if editorField(name) != want {
			t.Errorf("editorField(%q) = %v", name, !want)
		}
	}
}
