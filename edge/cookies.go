package edge

import (
	"net/http"
)

// Cookies sets and reads termgoal's cookies (S1). By default a cookie is named with the
// __Host- prefix and marked Secure: a browser sends it over HTTPS only, to this host only, and
// no other host (a sibling subdomain) can plant one. Every cookie is HttpOnly, SameSite=Lax and
// for the whole site. Plain, only for `termgoal dev` listening on a loopback address, drops the
// prefix and Secure so that the plain-HTTP developer's server can sign in.
type Cookies struct{ Plain bool }

// Name is the name a cookie called base goes by.
func (k Cookies) Name(base string) string {
	if k.Plain {
		return base
	}
	return "__Host-" + base
}

// Set sets the cookie base to value for maxAge seconds (negative: delete it).
func (k Cookies) Set(w http.ResponseWriter, base, value string, maxAge int) {
	// #nosec G124 -- Secure unless Plain, which only `termgoal dev` on a loopback address sets
	http.SetCookie(w, &http.Cookie{Name: k.Name(base), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: !k.Plain, SameSite: http.SameSiteLaxMode})
}

// Get returns the value of the cookie base, if the request carries it.
func (k Cookies) Get(r *http.Request, base string) (string, bool) {
	ck, err := r.Cookie(k.Name(base))
	if err != nil {
		return "", false
	}
	return ck.Value, true
}
