package edge

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"termgoal/catalog"
)

const (
	langCookie    = "lang"
	ctxLang       = "lang"
	ctxLangCookie = "lang_cookie"
)

// RequestLang picks the language: the lang query parameter, the language remembered in the
// cookie, the account's language, then Accept-Language; zh-CN when none of them names a
// supported language.
func RequestLang(r *http.Request, cookieLang, accountLang string) string {
	if l := catalog.Norm(r.URL.Query().Get("lang")); l != "" {
		return l
	}
	if l := catalog.Norm(cookieLang); l != "" {
		return l
	}
	if l := catalog.Norm(accountLang); l != "" {
		return l
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	for _, t := range tags { // already sorted by weight
		if l := catalog.Norm(t.String()); l != "" {
			return l
		}
	}
	return catalog.DefaultLang
}

// LangCookie remembers a language chosen with ?lang= in a cookie, so the choice holds on later
// pages, and hands the remembered one to Lang.
func LangCookie(k Cookies) gin.HandlerFunc {
	return func(c *gin.Context) {
		if l := catalog.Norm(c.Query("lang")); l != "" {
			k.Set(c.Writer, langCookie, l, 365*24*3600)
		}
		c.Set(ctxLangCookie, CookieLang(c.Request, k))
		c.Next()
	}
}

// CookieLang is the language the request's cookie remembers ("" for none).
func CookieLang(r *http.Request, k Cookies) string {
	l, _ := k.Get(r, langCookie)
	return l
}

// Lang returns the caller's language (see RequestLang), computed once per request.
func Lang(c *gin.Context) string {
	if l := c.GetString(ctxLang); l != "" {
		return l
	}
	acc := ""
	if a := Caller(c); a != nil {
		acc = a.Lang
	}
	l := RequestLang(c.Request, c.GetString(ctxLangCookie), acc)
	c.Set(ctxLang, l)
	return l
}

// Localizer returns the go-i18n localizer for the caller's language.
func Localizer(c *gin.Context) *i18n.Localizer { return catalog.Localizer(Lang(c)) }

// T translates key with args (placeholders {{.name}}) into the caller's language; a missing
// key answers the key itself, so a gap shows up in the page instead of an empty string.
func T(c *gin.Context, key string, args map[string]any) string {
	return catalog.TL(Lang(c), key, args)
}
