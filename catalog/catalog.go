// Package catalog holds the messages of termgoal in every language it speaks (O5: zh-CN first,
// English second), as go-i18n catalogs embedded in the binary: the JSON API's errors, the pages'
// texts and the vocabulary (steps, roles, grades) both show.
package catalog

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages the catalogs cover, the default first (O5: zh-CN first, English second).
const (
	LangZH      = "zh-CN"
	LangEN      = "en"
	DefaultLang = LangZH
)

// Langs lists the supported languages in the order a language switcher shows them.
var Langs = []string{LangZH, LangEN}

//go:embed *.json
var catalogFS embed.FS

var (
	bundle     *i18n.Bundle
	bundleErr  error
	bundleOnce sync.Once
	localizers map[string]*i18n.Localizer
)

// Load parses the embedded catalogs once; the first call reports a broken catalog.
func Load() error {
	bundleOnce.Do(func() {
		b := i18n.NewBundle(language.MustParse(DefaultLang))
		b.RegisterUnmarshalFunc("json", json.Unmarshal)
		localizers = map[string]*i18n.Localizer{}
		for _, l := range Langs {
			if _, err := b.LoadMessageFileFS(catalogFS, l+".json"); err != nil {
				bundleErr = fmt.Errorf("catalog %s: %w", l, err)
				return
			}
			// The default language backs up a key missing from another catalog.
			localizers[l] = i18n.NewLocalizer(b, l, DefaultLang)
		}
		bundle = b
	})
	return bundleErr
}

// Norm maps a language tag to a supported language, or "" when none fits.
func Norm(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return ""
	case s == "zh" || strings.HasPrefix(s, "zh-") || strings.HasPrefix(s, "zh_"):
		return LangZH
	case s == "en" || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en_"):
		return LangEN
	}
	return ""
}

// Localizer returns the localizer for lang (the default language for an unknown one).
func Localizer(lang string) *i18n.Localizer {
	if err := Load(); err != nil {
		return nil
	}
	if l, ok := localizers[lang]; ok {
		return l
	}
	return localizers[DefaultLang]
}

// TL is T for an explicit language (emails, background jobs).
func TL(lang, key string, args map[string]any) string {
	if s, ok := Translate(Localizer(lang), key, args); ok {
		return s
	}
	return key
}

// TV translates prefix+value (a step, a grade, an action), or gives the value itself when the
// catalogs have no such key.
func TV(lang, prefix, value string) string {
	if s, ok := Translate(Localizer(lang), prefix+value, nil); ok {
		return s
	}
	return value
}

// Translate localizes key; false when the catalogs have no such key.
func Translate(l *i18n.Localizer, key string, args map[string]any) (string, bool) {
	if l == nil || key == "" {
		return "", false
	}
	s, err := l.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: args})
	if err != nil || s == "" {
		return "", false
	}
	return s, true
}

// HasKey reports whether the catalog of lang has key itself (no fallback); the catalog tests
// use it.
func HasKey(lang, key string) bool {
	if err := Load(); err != nil {
		return false
	}
	l := i18n.NewLocalizer(bundle, lang)
	_, tag, err := l.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: key})
	return err == nil && Norm(tag.String()) == lang
}

// defaultCatalog is the default language's catalog, for the lists of names the filters offer.
var defaultCatalog = sync.OnceValue(func() map[string]string {
	var m map[string]string
	if b, err := catalogFS.ReadFile(DefaultLang + ".json"); err == nil {
		_ = json.Unmarshal(b, &m)
	}
	return m
})

// Names lists, sorted, the names the catalogs translate under prefix (the actions of
// "audit_actions.", the steps of "steps.").
func Names(prefix string) []string {
	var names []string
	for k := range defaultCatalog() {
		if n, ok := strings.CutPrefix(k, prefix); ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}
