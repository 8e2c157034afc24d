package catalog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"termgoal"
	"termgoal/workflows"
)

func messages(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(lang + ".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	zh, en := messages(t, LangZH), messages(t, LangEN)
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("en lacks %s", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("zh-CN lacks %s", k)
		}
	}
}

// keyPatterns find the message keys the code base uses: domain errors and validator refusals.
var keyPatterns = []*regexp.Regexp{
	regexp.MustCompile(`Errorf\(\s*(?:termgoal\.)?(?:E[A-Z]+|termgoal.ETOOMANY),\s*"([a-z_]+\.[a-z_.]+)"`),
	regexp.MustCompile(`\b(?:invalid|conflict)\(\s*"([a-z_]+\.[a-z_.]+)"`),
	regexp.MustCompile(`key, msg = termgoal\.E[A-Z]+, "([a-z_.]+)"`),
}

// storePatterns find the store's constraint keys (map values) and what its one-row helpers
// name in "<what>.not_found".
var (
	constraintKeyPattern = regexp.MustCompile(`(?m)^\s*"[a-z_]+":\s*"([a-z_]+\.[a-z_]+)",\s*$`)
	notFoundPattern      = regexp.MustCompile(`(?:get|rowError|notFound)\([^"\n]*"([a-z_]+)"`)
)

func TestEveryKeyInTheCodeIsTranslated(t *testing.T) {
	zh, en := messages(t, LangZH), messages(t, LangEN)
	keys := map[string]string{}
	add := func(p *regexp.Regexp, b []byte, f, suffix string) {
		for _, m := range p.FindAllSubmatch(b, -1) {
			keys[string(m[1])+suffix] = f
		}
	}
	for _, dir := range []string{"..", "../workflows", "../postgres", "../calendar", "../activities", "../app", "../edge", "../api", "../web"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range keyPatterns {
				add(p, b, f, "")
			}
			if filepath.Base(dir) == "postgres" {
				add(constraintKeyPattern, b, f, "")
				add(notFoundPattern, b, f, ".not_found")
			}
		}
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys; the patterns are broken", len(keys))
	}
	for k, f := range keys {
		if zh[k] == "" {
			t.Errorf("zh-CN lacks %s (used in %s)", k, f)
		}
		if en[k] == "" {
			t.Errorf("en lacks %s (used in %s)", k, f)
		}
	}
}

func TestUIVocabularyIsTranslated(t *testing.T) {
	var keys []string
	for _, s := range append(slices.Clone(termgoal.GoalSteps), termgoal.StepInForce, termgoal.StepCancelled, termgoal.StepRejected) {
		keys = append(keys, "steps."+string(s))
	}
	for _, r := range termgoal.Roles {
		keys = append(keys, "roles."+string(r))
	}
	for _, k := range []string{"draft", "opinion", "answer", "review", "vote", "approve", "resolve", "file", "pledge", "delegated"} {
		keys = append(keys, "task_kinds."+k)
	}
	for _, a := range []string{"started", "draft_submitted", "opinion_given", "opinion_answered", "consultation_window_closed",
		"consultation_completed", "expert_reviewed", "voted", "vote_window_closed", "approved", "returned", "objection_filed",
		"objection_upheld", "objection_dismissed", "notice_passed", "notice_period_ended", "filed", "pledges_signed",
		"rejected", "commented", "transferred", "reassigned", "delegated", "delegation_answered", "delegation_recalled",
		"signer_added", "signer_removed", "withdrawn", "copied", "urged", "reminded", "reminder_sent", "escalated",
		"auto_approve", "auto_reject", "auto_return", "deadline_extended", "moved", "cancelled"} {
		keys = append(keys, "audit_actions."+a)
	}
	for a := range workflows.Actions {
		keys = append(keys, "actions."+a)
	}
	for _, p := range termgoal.Pledges {
		keys = append(keys, "pledges."+p)
	}
	for _, code := range []string{"malformed", "unauthorized", "forbidden", "not_found", "conflict", "invalid", "unavailable", "internal", termgoal.ETOOMANY} {
		keys = append(keys, "error."+code)
	}
	for _, lang := range Langs {
		for _, k := range keys {
			if !HasKey(lang, k) {
				t.Errorf("%s lacks %s", lang, k)
			}
		}
	}
	if got := TL(LangEN, "ui.total", map[string]any{"total": 3}); got != "3 in all" {
		t.Errorf("TL = %q", got)
	}
}

// TestWebTemplateKeysAreTranslated checks that every message key the page templates name
// literally is in both catalogs.
func TestWebTemplateKeysAreTranslated(t *testing.T) {
	files, err := filepath.Glob("../web/templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	key := regexp.MustCompile(`\.T "([a-z_]+\.[a-z_.]+)"`)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllSubmatch(b, -1) {
			n++
			for _, lang := range Langs {
				if !HasKey(lang, string(m[1])) {
					t.Errorf("%s: %s lacks %s", filepath.Base(f), lang, m[1])
				}
			}
		}
	}
	if n < 50 {
		t.Fatalf("found only %d keys; the pattern is broken", n)
	}
}

// TestNoKeyIsUnused checks that every key of the catalogs is named by the code or the pages:
// literally, through a prefix the code completes ("steps." + a step, "web.appointment_" + a
// kind), or as a store's "<what>.not_found". A key nothing names is a text nobody reads.
func TestNoKeyIsUnused(t *testing.T) {
	var text strings.Builder
	notFound := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != ".." || d.Name() == "bin" || d.Name() == "testdata" || d.Name() == "test-artifacts") {
			return filepath.SkipDir
		}
		ext := filepath.Ext(path)
		if d.IsDir() || strings.HasSuffix(path, "_test.go") || (ext != ".go" && ext != ".html" && ext != ".js") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text.Write(b)
		if filepath.Base(filepath.Dir(path)) == "postgres" {
			for _, m := range notFoundPattern.FindAllSubmatch(b, -1) {
				notFound[string(m[1])] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	code := text.String()
	prefixes := regexp.MustCompile(`"([a-z_.]+[._])"`).FindAllStringSubmatch(code, -1)
	if len(prefixes) < 5 || len(notFound) < 5 {
		t.Fatalf("found %d prefixes and %d not-found names; the walk is broken", len(prefixes), len(notFound))
	}
	for k := range messages(t, LangEN) {
		switch {
		case strings.Contains(code, `"`+k+`"`) || strings.Contains(code, k):
		case slices.ContainsFunc(prefixes, func(p []string) bool { return strings.HasPrefix(k, p[1]) }):
		case strings.HasSuffix(k, ".not_found") && notFound[strings.TrimSuffix(k, ".not_found")]:
		default:
			t.Errorf("%s is in the catalogs but nothing names it", k)
		}
	}
}
