package notify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"termgoal/notify"
)

// received is one request a test hook server got.
type received struct {
	header http.Header
	query  map[string][]string
	body   []byte
}

// hookServer answers every post with status and answer, and hands the requests to the test.
func hookServer(t *testing.T, status int, answer string) (*httptest.Server, <-chan received) {
	t.Helper()
	ch := make(chan received, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ch <- received{header: r.Header, query: r.URL.Query(), body: b}
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

var fixedNow = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func testNotifier() *notify.Notifier {
	n := notify.New(nil, "http://app.example/")
	n.Now = func() time.Time { return fixedNow }
	return n
}

var event = notify.Event{ID: "n-1", Kind: notify.Reminder, ProcessID: "goalsetting-term-3", TaskID: "t-1",
	Params: map[string]any{"step": "approval"}, Subject: "待办即将到期", Text: "请及时处理。", Link: "http://app.example/tasks/t-1"}

func TestGenericHookIsSigned(t *testing.T) {
	srv, got := hookServer(t, 204, "")
	if err := testNotifier().Post(ctx, notify.Hook{Kind: notify.KindGeneric, URL: srv.URL, Secret: "k3y"}, event); err != nil {
		t.Fatal(err)
	}
	r := <-got
	// The receiver's check: HMAC-SHA256 of the raw body with the shared secret.
	mac := hmac.New(sha256.New, []byte("k3y"))
	mac.Write(r.body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if sig := r.header.Get(notify.SignatureHeader); sig != want || !notify.Verify("k3y", r.body, sig) || notify.Verify("other", r.body, sig) {
		t.Errorf("signature %q, want %q", sig, want)
	}
	var ev notify.Event
	if err := json.Unmarshal(r.body, &ev); err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(fixedNow.Unix(), 10)
	if ev.ID != "n-1" || ev.TaskID != "t-1" || ev.Params["step"] != "approval" || ev.Timestamp != fixedNow.Unix() ||
		r.header.Get(notify.TimestampHeader) != ts || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("event %+v header %v", ev, r.header)
	}
}

func TestDingTalkHook(t *testing.T) {
	srv, got := hookServer(t, 200, `{"errcode":0,"errmsg":"ok"}`)
	hook := notify.Hook{Kind: notify.KindDingTalk, URL: srv.URL + "/robot/send?access_token=tok", Secret: "SEC1"}
	if err := testNotifier().Post(ctx, hook, event); err != nil {
		t.Fatal(err)
	}
	r := <-got
	var body struct {
		MsgType  string `json:"msgtype"`
		Markdown struct{ Title, Text string }
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	if body.MsgType != "markdown" || body.Markdown.Title != "待办即将到期" || !strings.Contains(body.Markdown.Text, "请及时处理。") ||
		!strings.Contains(body.Markdown.Text, "http://app.example/tasks/t-1") {
		t.Errorf("body %s", r.body)
	}
	ts := strconv.FormatInt(fixedNow.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte("SEC1"))
	mac.Write([]byte(ts + "\n" + "SEC1"))
	if r.query["access_token"][0] != "tok" || r.query["timestamp"][0] != ts ||
		r.query["sign"][0] != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
		t.Errorf("query %v", r.query)
	}

	// A 200 with an error code is a failure, and the error does not quote the token.
	srv2, _ := hookServer(t, 200, `{"errcode":310000,"errmsg":"sign not match"}`)
	err := testNotifier().Post(ctx, notify.Hook{Kind: notify.KindDingTalk, URL: srv2.URL + "?access_token=tok"}, event)
	if err == nil || !strings.Contains(err.Error(), "310000") || strings.Contains(err.Error(), "tok") {
		t.Errorf("error %v", err)
	}
}

func TestWeComHook(t *testing.T) {
	srv, got := hookServer(t, 200, `{"errcode":0,"errmsg":"ok"}`)
	if err := testNotifier().Post(ctx, notify.Hook{Kind: notify.KindWeCom, URL: srv.URL + "?key=k"}, event); err != nil {
		t.Fatal(err)
	}
	var body struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	r := <-got
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	if body.MsgType != "markdown" || !strings.HasPrefix(body.Markdown.Content, "**待办即将到期**\n请及时处理。") {
		t.Errorf("body %s", r.body)
	}
	srv2, _ := hookServer(t, 200, `{"errcode":93000,"errmsg":"invalid webhook url"}`)
	if err := testNotifier().Post(ctx, notify.Hook{Kind: notify.KindWeCom, URL: srv2.URL}, event); err == nil {
		t.Error("errcode 93000 taken for success")
	}
}

func TestFeishuHook(t *testing.T) {
	srv, got := hookServer(t, 200, `{"code":0,"msg":"success","data":{}}`)
	if err := testNotifier().Post(ctx, notify.Hook{Kind: notify.KindFeishu, URL: srv.URL, Secret: "fs"}, event); err != nil {
		t.Fatal(err)
	}
	var body struct {
		MsgType   string `json:"msg_type"`
		Content   struct{ Text string }
		Timestamp string
		Sign      string
	}
	r := <-got
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(fixedNow.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(ts+"\n"+"fs")) // the key is timestamp\nsecret, the message empty
	if body.MsgType != "text" || body.Content.Text != "待办即将到期\n请及时处理。\n\nhttp://app.example/tasks/t-1" ||
		body.Timestamp != ts || body.Sign != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
		t.Errorf("body %s", r.body)
	}
	srv2, _ := hookServer(t, 200, `{"code":19021,"msg":"sign match fail"}`)
	if err := testNotifier().Post(ctx, notify.Hook{Kind: notify.KindFeishu, URL: srv2.URL}, event); err == nil {
		t.Error("code 19021 taken for success")
	}
}

func TestHookFailures(t *testing.T) {
	srv, _ := hookServer(t, 500, "boom")
	err := testNotifier().Post(ctx, notify.Hook{Kind: notify.KindGeneric, URL: srv.URL + "/h?token=secret"}, event)
	if err == nil || !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("500: %v", err)
	}
	srv.Close()
	err = testNotifier().Post(ctx, notify.Hook{Kind: notify.KindGeneric, URL: srv.URL + "/h?token=secret"}, event)
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("closed server: %v", err)
	}
	if err := testNotifier().Post(ctx, notify.Hook{Kind: "pager", URL: "http://x"}, event); err == nil {
		t.Error("unknown kind posted")
	}
}
