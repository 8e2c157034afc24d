package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"termgoal/edge"
)

func TestRequestLang(t *testing.T) {
	cases := []struct {
		query, cookie, account, accept, want string
	}{
		{want: "zh-CN"},
		{accept: "fr-FR, en-US;q=0.8", want: "en"},
		{accept: "en;q=0.5, zh-TW;q=0.9", want: "zh-CN"},
		{account: "en", accept: "zh-CN", want: "en"},
		{cookie: "zh-CN", account: "en", want: "zh-CN"},
		{query: "en", cookie: "zh-CN", account: "zh-CN", want: "en"},
		{query: "xx", cookie: "en", want: "en"},
		{accept: "de", want: "zh-CN"},
	}
	for _, tc := range cases {
		r := httptest.NewRequest(http.MethodGet, "/?lang="+tc.query, nil)
		if tc.accept != "" {
			r.Header.Set("Accept-Language", tc.accept)
		}
		if got := edge.RequestLang(r, tc.cookie, tc.account); got != tc.want {
			t.Errorf("%+v: got %s", tc, got)
		}
	}
}

func TestLangQuerySetsCookie(t *testing.T) {
	h := testHandler(t)
	w := httptest.NewRecorder()
	h.wrap().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/me?lang=en", nil))
	if ck := w.Result().Cookies(); !slices.ContainsFunc(ck, func(c *http.Cookie) bool { return c.Name == "__Host-lang" && c.Value == "en" && c.Secure }) {
		t.Errorf("no lang cookie: %v", ck)
	}
	var body edge.ErrorBody
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	if body.Error.Message != "Please sign in first." {
		t.Errorf("message: %+v", body)
	}
}
