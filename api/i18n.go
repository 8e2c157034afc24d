package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
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

const (
	langCookie = "lang"
	ctxLang    = "lang"
)

//go:embed i18n/*.json
var catalogFS embed.FS

var (
	bundle     *i18n.Bundle
	bundleErr  error
	bundleOnce sync.Once
	localizers map[string]*i18n.Localizer
)

// loadCatalogs parses the embedded catalogs once.
func loadCatalogs() error {
	bundleOnce.Do(func() {
		b := i18n.NewBundle(language.MustParse(DefaultLang))
		b.RegisterUnmarshalFunc("json", json.Unmarshal)
		localizers = map[string]*i18n.Localizer{}
		for _, l := range Langs {
			if _, err := b.LoadMessageFileFS(catalogFS, "i18n/"+l+".json"); err != nil {
				bundleErr = fmt.Errorf("api: catalog %s: %w", l, err)
				return
			}
			// The default language backs up a key missing from another catalog.
			localizers[l] = i18n.NewLocalizer(b, l, DefaultLang)
		}
		bundle = b
	})
	return bundleErr
}

// normLang maps a language tag to a supported language, or "" when none fits.
func normLang(s string) string {
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

// requestLang picks the language: the lang query parameter, the lang cookie, the account's
// language, then Accept-Language; zh-CN when none of them names a supported language.
func requestLang(r *http.Request, accountLang string) string {
	if l := normLang(r.URL.Query().Get("lang")); l != "" {
		return l
	}
	if ck, err := r.Cookie(langCookie); err == nil {
		if l := normLang(ck.Value); l != "" {
			return l
		}
	}
	if l := normLang(accountLang); l != "" {
		return l
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	for _, t := range tags { // already sorted by weight
		if l := normLang(t.String()); l != "" {
			return l
		}
	}
	return DefaultLang
}

// langMiddleware remembers a language chosen with ?lang= in a cookie, so the choice holds on
// later pages.
func (h *Handler) langMiddleware(c *gin.Context) {
	if l := normLang(c.Query("lang")); l != "" {
		http.SetCookie(c.Writer, &http.Cookie{
			Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: h.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
		})
	}
	c.Next()
}

// Lang returns the caller's language (see requestLang), computed once per request.
func Lang(c *gin.Context) string {
	if l := c.GetString(ctxLang); l != "" {
		return l
	}
	acc := ""
	if a := Caller(c); a != nil {
		acc = a.Lang
	}
	l := requestLang(c.Request, acc)
	c.Set(ctxLang, l)
	return l
}

// Localizer returns the go-i18n localizer for the caller's language.
func Localizer(c *gin.Context) *i18n.Localizer { return localizerFor(Lang(c)) }

func localizerFor(lang string) *i18n.Localizer {
	if err := loadCatalogs(); err != nil {
		return nil
	}
	if l, ok := localizers[lang]; ok {
		return l
	}
	return localizers[DefaultLang]
}

// T translates key with args (placeholders {{.name}}) into the caller's language; a missing
// key answers the key itself, so a gap shows up in the page instead of an empty string.
func T(c *gin.Context, key string, args map[string]any) string {
	return TL(Lang(c), key, args)
}

// TL is T for an explicit language (emails, background jobs).
func TL(lang, key string, args map[string]any) string {
	if s, ok := translate(localizerFor(lang), key, args); ok {
		return s
	}
	return key
}

func translate(l *i18n.Localizer, key string, args map[string]any) (string, bool) {
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
	if err := loadCatalogs(); err != nil {
		return false
	}
	l := i18n.NewLocalizer(bundle, lang)
	_, tag, err := l.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: key})
	return err == nil && normLang(tag.String()) == lang
}

// defaultCatalog is the default language's catalog, for the lists of names the filters offer.
var defaultCatalog = sync.OnceValue(func() map[string]string {
	var m map[string]string
	if b, err := catalogFS.ReadFile("i18n/" + DefaultLang + ".json"); err == nil {
		_ = json.Unmarshal(b, &m)
	}
	return m
})

// catalogNames lists, sorted, the names the catalogs translate under prefix (the actions of
// "audit_actions.", the steps of "steps.").
func catalogNames(prefix string) []string {
	var names []string
	for k := range defaultCatalog() {
		if n, ok := strings.CutPrefix(k, prefix); ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}
