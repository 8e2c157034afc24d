package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"termgoal/codec"
)

// testCodec seals the payloads of every fixture's codec endpoint.
var testCodec = func() *codec.Codec {
	key, err := codec.NewKey("test")
	if err != nil {
		panic(err)
	}
	keys, err := codec.ParseKeys(key)
	if err != nil {
		panic(err)
	}
	return codec.New(keys)
}()

func payloadsJSON(t *testing.T, ps ...*commonpb.Payload) string {
	t.Helper()
	b, err := protojson.Marshal(&commonpb.Payloads{Payloads: ps})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCodecEndpoint: the top administrator seals and opens payloads through the codec
// endpoint, by token or by session cookie from the Temporal UI's origin, which alone may read
// the answers across origins; nobody else may use it; a payload of another key ring is
// refused in the caller's language.
func TestCodecEndpoint(t *testing.T) {
	f := newFixture(t)
	plain, err := converter.GetDefaultDataConverter().ToPayload(map[string]string{"name": "张三"})
	if err != nil {
		t.Fatal(err)
	}
	var sealed commonpb.Payloads
	b := f.do("POST", "/api/v1/codec/encode", f.rootTok, payloadsJSON(t, plain), 200, nil)
	if err := protojson.Unmarshal(b, &sealed); err != nil || len(sealed.Payloads) != 1 {
		t.Fatalf("encode: %v %s", err, b)
	}
	if strings.Contains(string(b), "5byg5LiJ") || string(sealed.Payloads[0].Metadata["encoding"]) != codec.Encoding {
		t.Fatalf("encode did not seal: %s", b)
	}

	// The Temporal UI, with the top administrator's session cookie, from its own origin.
	ui := f.signInBrowser("root", testPassword, "ui")
	send := func(method, path, origin, body, token string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Origin", origin)
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		} else {
			r.AddCookie(ui.cookie)
		}
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, r)
		return w
	}
	w := send("POST", "/api/v1/codec/decode", "http://ui", payloadsJSON(t, sealed.Payloads...), "")
	var opened commonpb.Payloads
	if w.Code != 200 || protojson.Unmarshal(w.Body.Bytes(), &opened) != nil || len(opened.Payloads) != 1 {
		t.Fatalf("decode from the UI: %d %s", w.Code, w.Body)
	}
	var m map[string]string
	if err := converter.GetDefaultDataConverter().FromPayload(opened.Payloads[0], &m); err != nil || m["name"] != "张三" {
		t.Fatalf("decoded %v %v", m, err)
	}
	if w.Header().Get("Access-Control-Allow-Origin") != "http://ui" || w.Header().Get("Access-Control-Allow-Credentials") != "true" {
		t.Fatalf("the UI may not read the answer: %v", w.Header())
	}
	pre := send("OPTIONS", "/api/v1/codec/decode", "http://ui", "", "")
	if pre.Code != http.StatusNoContent || !strings.Contains(pre.Header().Get("Access-Control-Allow-Headers"), "X-Namespace") {
		t.Fatalf("preflight: %d %v", pre.Code, pre.Header())
	}
	// Another origin gets no leave to read, neither in the preflight nor in an answer.
	for _, w := range []*httptest.ResponseRecorder{send("OPTIONS", "/api/v1/codec/decode", "http://evil", "", ""),
		send("POST", "/api/v1/codec/decode", "http://evil", payloadsJSON(t, sealed.Payloads...), "")} {
		if w.Header().Get("Access-Control-Allow-Origin") != "" || w.Header().Get("Access-Control-Allow-Methods") != "" {
			t.Fatalf("another origin may read: %v", w.Header())
		}
	}
	// The bypass is the codec's alone: a cross-origin POST elsewhere is still refused.
	if w := send("POST", "/api/v1/orgs", "http://ui", "{}", ""); w.Code != http.StatusForbidden {
		t.Fatalf("a cross-origin POST elsewhere: %d", w.Code)
	}

	// Nobody but the top administrator; no body, a wrong body, a foreign key ring.
	body := payloadsJSON(t, sealed.Payloads...)
	f.errCode("POST", "/api/v1/codec/decode", "", body, 401)
	for _, tok := range []string{f.aTok, f.a1Tok, f.no} {
		f.errCode("POST", "/api/v1/codec/decode", tok, body, 403)
	}
	f.errCode("POST", "/api/v1/codec/decode", f.rootTok, `{"payloads": 3}`, 400)
	other, _ := codec.NewKey("test")
	otherKeys, _ := codec.ParseKeys(other)
	foreign, _ := codec.New(otherKeys).Encode([]*commonpb.Payload{plain})
	if e := f.errCode("POST", "/api/v1/codec/decode", f.rootTok, payloadsJSON(t, foreign...), 422); e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, "密钥") {
		t.Fatalf("a foreign payload: %+v", e)
	}
}
