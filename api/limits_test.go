package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/edge"
	"termgoal/workflows"
)

// rowCounts counts the rows of every table but the session store's, the sign-in bookkeeping
// (signin_attempts, the audit log's failed sign-ins) and the audit log's refused requests, to
// show a request changed nothing.
func (f *fixture) rowCounts() map[string]int {
	f.t.Helper()
	ctx := context.Background()
	rows, err := f.store.DB().QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('sessions', 'goose_db_version')`)
	if err != nil {
		f.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			f.t.Fatal(err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	out := map[string]int{}
	for _, t := range tables {
		var n int
		if err := f.store.DB().QueryRowContext(ctx, `SELECT count(*) FROM "`+t+`"`).Scan(&n); err != nil {
			f.t.Fatal(err)
		}
		out[t] = n
	}
	// A hostile sign-in is still a failed sign-in: it is counted and audited, as it must be.
	var signins int
	if err := f.store.DB().QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action IN ('signin_failed', 'signin_blocked', 'access_refused')`).Scan(&signins); err != nil {
		f.t.Fatal(err)
	}
	out["audit_log"] -= signins
	delete(out, "signin_attempts")
	delete(out, "audit_chains") // the head of the global chain moves with those lines
	return out
}

// send sends body with a content type and returns the recorder.
func (f *fixture) send(method, target, token, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/", strings.NewReader(body))
	req.URL = &url.URL{Path: target}
	if p, q, ok := strings.Cut(target, "?"); ok {
		req.URL = &url.URL{Path: p, RawQuery: q}
	}
	req.RequestURI = req.URL.RequestURI()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	return w
}

func TestHostileTextIsRefusedBeforeTheWorkflow(t *testing.T) {
	f := newFixture(t)
	fake := &fakeTemporal{}
	f.h.setTemporal(fake)
	objection := "/api/v1/notices/goalsetting-term-1/objections"
	for name, tc := range map[string]struct {
		body   string
		status int
		key    string
	}{
		"900 KB objection": {`{"content":"` + strings.Repeat("异", 300000) + `"}`, 422, "text.too_long"},
		"NUL":              {`{"content":"异议\u0000x"}`, 422, "text.control"},
		"escape sequence":  {`{"content":"\u001b[2J"}`, 422, "text.control"},
		"2 MB body":        {`{"content":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "error.too_large"},
	} {
		w := f.send("POST", objection, "", "application/json", tc.body)
		if w.Code != tc.status || fake.update.UpdateID != "" {
			t.Errorf("%s: %d %.200s; update %+v", name, w.Code, w.Body.String(), fake.update)
		}
	}
	// The message is in the caller's language and names the field and the limit.
	e := f.errCode("POST", objection+"?lang=en", "", `{"content":"`+strings.Repeat("异", termgoal.MaxText+1)+`"}`, 422)
	if e.Error.Message != fmt.Sprintf("content is too long: at most %d characters.", termgoal.MaxText) {
		t.Errorf("message %q", e.Error.Message)
	}
	e = f.errCode("POST", objection, "", `{"content":"异议\u0000x"}`, 422)
	if e.Error.Message != "content 含有控制字符（如 NUL），请删除后重试。" {
		t.Errorf("message %q", e.Error.Message)
	}
	// JSON sent with a form's content type (curl -d) is still read as JSON and checked.
	if w := f.send("POST", objection, "", "application/x-www-form-urlencoded", `{"content":"异议\u0000x"}`); w.Code != 422 {
		t.Errorf("JSON as a form: %d %s", w.Code, w.Body.String())
	}
	// A text at its limit, with newlines, goes through.
	f.seedProcess("goalsetting-term-1", f.a1, termgoal.StepNotice, "running", "2026-03-01")
	if w := f.send("POST", objection, "", "application/x-www-form-urlencoded", `{"content":"`+strings.Repeat("异", termgoal.MaxText-2)+`\n\t"}`); w.Code != 200 {
		t.Errorf("a valid objection sent as curl -d sends it: %d %s", w.Code, w.Body.String())
	}
	if fake.update.UpdateName != workflows.UpdateFileObjection {
		t.Errorf("a valid objection did not reach the workflow: %+v", fake.update)
	}
}

// TestObjectionTextStaysOutOfTheWorkflow: the content is stored before the update, the
// workflow gets its ID only (never one the body names), a retry stores nothing new, and an
// address or a notice is capped per day.
func TestObjectionTextStaysOutOfTheWorkflow(t *testing.T) {
	f := newFixture(t)
	fake := &fakeTemporal{}
	f.h.setTemporal(fake)
	f.h.ops.ObjectionsPerAddress, f.h.ops.ObjectionsPerNotice = 2, 3
	pid := "goalsetting-term-9"
	f.seedProcess(pid, f.a1, termgoal.StepNotice, "running", "2026-03-01")
	objection := "/api/v1/notices/" + pid + "/objections"
	file := func(addr, key, body string, want int) *workflows.FileObjectionInput {
		t.Helper()
		req := httptest.NewRequest("POST", objection, strings.NewReader(body))
		req.RemoteAddr, fake.update = addr+":1234", client.UpdateWorkflowOptions{}
		req.Header.Set("Idempotency-Key", key)
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, req)
		if w.Code != want {
			t.Fatalf("%s %s: %d %s", addr, key, w.Code, w.Body.String())
		}
		if want != 200 {
			return nil
		}
		in, _ := fake.update.Args[0].(*workflows.FileObjectionInput)
		return in
	}
	var stored string
	in := file("10.0.0.1", "k1", `{"content":"指标偏低","text_id":"forged"}`, 200)
	err := f.store.DB().QueryRow(`SELECT content FROM texts WHERE id = $1 AND process_id = $2 AND ip = '10.0.0.1'`, in.TextID, pid).Scan(&stored)
	if err != nil || stored != "指标偏低" || in.Content != "" || len(in.TextID) != 64 {
		t.Fatalf("stored %q (%v); the workflow got %+v", stored, err, in)
	}
	if again := file("10.0.0.1", "k1", `{"content":"指标偏低"}`, 200); again.TextID != in.TextID {
		t.Errorf("a retry with the same key stored another text: %s", again.TextID)
	}
	// An empty objection carries no ID (the workflow refuses it), even a forged one.
	if empty := file("10.0.0.1", "k0", `{"content":" ","text_id":"`+in.TextID+`"}`, 200); empty.TextID != "" {
		t.Errorf("an empty objection reached the workflow with %q", empty.TextID)
	}
	file("10.0.0.1", "k2", `{"content":"第二条"}`, 200)
	file("10.0.0.1", "k4", `{"content":"第三条"}`, 429)
	file("10.0.0.2", "k3", `{"content":"另一个地址"}`, 200)
	e := f.errCode("POST", objection+"?lang=en", "", `{"content":"第四条"}`, 429)
	if e.Error.Code != termgoal.ETOOMANY || !strings.Contains(e.Error.Message, "3") {
		t.Errorf("the notice's cap: %+v", e)
	}
	var n int
	_ = f.store.DB().QueryRow(`SELECT count(*) FROM texts WHERE process_id = $1`, pid).Scan(&n)
	if n != 3 {
		t.Errorf("%d texts stored, want 3", n)
	}
	f.errCode("POST", "/api/v1/notices/no-such-process/objections", "", `{"content":"x"}`, 404)
}

// hostileStrings stand in for any string an attacker controls.
var hostileStrings = []string{
	strings.Repeat("异", 300000), "异议\x00x", "\x00", "a\x1b[2Jb", "a\u0085b", "\u202e\x7f",
}

// hostileBodies are sent to every route.
var hostileBodies = []string{
	`"\u0000"`, `{"content":"\u0000","text":"\u0000","username":"\u0000","name":"\u0000","reason":"\u0000"}`,
	strings.Repeat("[", 100000) + strings.Repeat("]", 100000), "\xff\xfe{}", `{"id":1e400}`,
	`{"limit":99999999999999999999999999}`, `[]`, `123`, `{"a":` + strings.Repeat(`{"a":`, 5000) + `1` + strings.Repeat(`}`, 5001),
	`{"content":"` + strings.Repeat("异", 400000) + `"}`,
}

// hostileParams replace each path parameter and query value.
var hostileParams = []string{"\x00", "1\x00", "\xff", "-1", "99999999999999999999999", "461168601842738791", "1e400", strings.Repeat("9", 3000), "%00"}

// invalidUTF8 is sent in forms and queries; in JSON the decoder turns it into U+FFFD.
const invalidUTF8 = "\xff\xfe"

// fillStrings sets every string of v (a pointer) to s.
func fillStrings(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			fillStrings(v.Elem(), s)
		}
	case reflect.String:
		v.SetString(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillStrings(v.Field(i), s)
			}
		}
	case reflect.Slice:
		if v.Len() == 0 && v.Type().Elem().Kind() != reflect.Uint8 {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		}
		for i := range v.Len() {
			fillStrings(v.Index(i), s)
		}
	}
}

// TestHostileInputOnEveryRoute feeds every route hostile path values, queries, JSON bodies and
// forms, signed in as the root administrator and anonymously: nothing answers 5xx, nothing is
// written and no workflow is asked for anything.
func TestHostileInputOnEveryRoute(t *testing.T) {
	f := newFixture(t)
	fake := &fakeTemporal{}
	f.h.setTemporal(fake)
	before := f.rowCounts()
	skip := map[string]bool{
		"/api/v1/auth/logout": true, "/logout": true, "/settings/sessions/end": true, // they end sessions, as they should
		"/campaign-schedules": true, // its page lists Temporal's schedules, which the fake lacks (campaigns_test.go runs it on a real server)
		// They make a new secret for the authenticator app, as they should, whatever comes with
		// them (secondfactor_test.go).
		"POST /api/v1/me/second-factor": true, "POST /settings/second-factor": true,
	}
	n := 0
	check := func(w *httptest.ResponseRecorder, method, path, what string) {
		n++
		if w.Code >= 500 {
			t.Errorf("%s %q (%s): %d %.300s", method, path, what, w.Code, w.Body.String())
		}
	}
	for _, rt := range f.h.engine.Routes() {
		if skip[rt.Path] || skip[rt.Method+" "+rt.Path] || strings.HasPrefix(rt.Path, "/static") {
			continue
		}
		for _, p := range hostileParams {
			path := rt.Path
			for _, seg := range strings.Split(rt.Path, "/") {
				if strings.HasPrefix(seg, ":") || strings.HasPrefix(seg, "*") {
					path = strings.Replace(path, seg, p, 1)
				}
			}
			for _, tok := range []string{"", f.rootTok} {
				q := "?q=" + url.QueryEscape(p) + "&limit=" + url.QueryEscape(p) + "&offset=" + url.QueryEscape(p) + "&page=" + url.QueryEscape(p) +
					"&status=" + url.QueryEscape(p) + "&org=" + url.QueryEscape(p)
				if rt.Method == "GET" {
					check(f.send(rt.Method, path+q, tok, "", ""), rt.Method, path, "query")
					continue
				}
				check(f.send(rt.Method, path+q, tok, "application/json", `"\u0000"`), rt.Method, path, "query")
				for _, b := range hostileBodies {
					check(f.send(rt.Method, path, tok, "application/json", b), rt.Method, path, "body "+b[:min(len(b), 40)])
				}
				for _, s := range append(hostileStrings, invalidUTF8) {
					form := url.Values{}
					for _, k := range []string{"content", "text", "reason", "username", "password", "comment", "title", "to", "year", "kind"} {
						form.Set(k, s)
					}
					check(f.send(rt.Method, path, tok, "application/x-www-form-urlencoded", form.Encode()), rt.Method, path, "form")
				}
			}
		}
	}
	// Every action, with each string of its input hostile.
	for name, newInput := range workflows.Actions {
		for _, s := range hostileStrings {
			in := newInput()
			fillStrings(reflect.ValueOf(in), s)
			w := f.send("POST", "/api/v1/processes/goalsetting-term-1/actions/"+name, f.rootTok, "application/json", mustJSON(t, in))
			check(w, "POST", name, "input")
			if w.Code != 422 && w.Code != 413 {
				t.Errorf("%s with %.20q: %d %.200s", name, s, w.Code, w.Body.String())
			}
		}
	}
	if fake.update.UpdateID != "" || fake.started.ID != "" {
		t.Errorf("a workflow was asked: update %+v, start %+v", fake.update, fake.started)
	}
	if after := f.rowCounts(); !reflect.DeepEqual(before, after) {
		t.Errorf("rows changed:\nbefore %v\nafter  %v", before, after)
	}
	t.Logf("%d hostile requests", n)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSlowBodyIsCutOff: a body sent a byte at a time is answered 408 once its deadline passes.
func TestSlowBodyIsCutOff(t *testing.T) {
	s := newFixture(t).store
	h, err := newHandler(Config{Store: s, Log: slog.New(slog.DiscardHandler), BodyTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.wrap())
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			time.Sleep(100 * time.Millisecond)
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), edge.ETIMEOUT) {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	<-done
}
