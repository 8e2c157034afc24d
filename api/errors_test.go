package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/edge"
)

func TestErrorStatusTable(t *testing.T) {
	want := map[string]int{
		termgoal.EMALFORMED: 400, termgoal.EUNAUTHORIZED: 401, termgoal.EFORBIDDEN: 403, termgoal.ENOTFOUND: 404,
		termgoal.ECONFLICT: 409, termgoal.EINVALID: 422, termgoal.ETOOMANY: 429, termgoal.EUNAVAILABLE: 503, termgoal.EINTERNAL: 500,
		"made_up": 500,
	}
	for code, status := range want {
		if got := edge.ErrorStatus(code); got != status {
			t.Errorf("edge.ErrorStatus(%q) = %d, want %d", code, got, status)
		}
	}
}

// failWith answers err through h.fail in a request with the given query and headers.
func failWith(t *testing.T, h *Handler, err error, query string, header http.Header) (*httptest.ResponseRecorder, edge.ErrorBody) {
	t.Helper()
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodGet, "/x"+query, nil)
	for k, v := range header {
		c.Request.Header[k] = v
	}
	h.fail(c, err)
	var body edge.ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q: %v", w.Body.String(), err)
	}
	return w, body
}

func TestFailTranslatesByKey(t *testing.T) {
	h := testHandler(t)
	err := termgoal.Errorf(termgoal.EINVALID, "plan.item_title", "item 3 needs a title", "n", 3)
	w, body := failWith(t, h, err, "", nil)
	if w.Code != 422 || body.Error.Code != "invalid" || body.Error.Message != "第 3 项需要标题。" {
		t.Errorf("zh: %d %+v", w.Code, body)
	}
	_, body = failWith(t, h, err, "?lang=en", nil)
	if body.Error.Message != "Item 3 needs a title." {
		t.Errorf("en: %+v", body)
	}
	// An unknown key falls back to the English message.
	_, body = failWith(t, h, termgoal.Errorf(termgoal.ECONFLICT, "no.such_key", "fallback text"), "", nil)
	if body.Error.Message != "fallback text" {
		t.Errorf("fallback: %+v", body)
	}
	// Vocabulary in the arguments is translated too.
	_, body = failWith(t, h, termgoal.Errorf(termgoal.ECONFLICT, "action.wrong_step", "x", "step", "notice"), "", nil)
	if !strings.Contains(body.Error.Message, "公示") {
		t.Errorf("step argument not translated: %+v", body)
	}
}

func TestInternalErrorsAreHidden(t *testing.T) {
	var logs bytes.Buffer
	h := testHandler(t)
	h.log = slog.New(slog.NewTextHandler(&logs, nil))
	w, body := failWith(t, h, errors.New("pq: password authentication failed for user secret"), "?lang=en", nil)
	if w.Code != 500 || body.Error.Code != "internal" || strings.Contains(body.Error.Message, "secret") {
		t.Errorf("internal error leaked: %d %+v", w.Code, body)
	}
	if !strings.Contains(logs.String(), "secret") {
		t.Errorf("internal error not logged: %s", logs.String())
	}
	// A domain error with an unknown code is internal too.
	w, _ = failWith(t, h, &termgoal.Error{Code: "weird", Message: "x"}, "", nil)
	if w.Code != 500 {
		t.Errorf("unknown code: %d", w.Code)
	}
}

func testHandler(t *testing.T) *Handler {
	t.Helper()
	h, err := newHandler(Config{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return h
}
