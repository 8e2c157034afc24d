package api

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
)

// page sends a web request with a bearer token (the pages take the same callers as the API)
// and checks the status; it answers the body and the Location header. Without a session, a
// flash message is not carried to the next page (the browser tests see them).
func (f *fixture) page(method, path, token string, want int) (string, string) {
	f.t.Helper()
	req := httptest.NewRequest(method, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	if w.Code != want {
		f.t.Fatalf("%s %s: %d, want %d: %s", method, path, w.Code, want, w.Body.String())
	}
	return w.Body.String(), w.Header().Get("Location")
}

// The notifications page lists the caller's notifications with the header's unread badge;
// opening one marks it read and goes to its page; another account's is not found; mark all
// read empties the badge.
func TestWebNotifications(t *testing.T) {
	f := newFixture(t)
	holder := f.accounts["holderA1"]
	base := time.Now().Add(-time.Hour)
	var ns []postgres.Notification
	for i, kind := range []string{"assigned", "returned", "digest"} {
		ns = append(ns, postgres.Notification{ID: fmt.Sprintf("p1/n/%d/%d", i, holder.ID), AccountID: holder.ID, Kind: kind,
			ProcessID: "p1", TaskID: "t1", CreatedAt: base.Add(time.Duration(i) * time.Minute),
			Params: map[string]any{"holder": "青山村", "step": "approval", "due_on": "2026-03-10", "date": "2026-03-02", "due": 2, "overdue": 1}})
	}
	ns = append(ns, postgres.Notification{ID: "other/1", AccountID: f.accounts["adminA"].ID, Kind: "assigned"})
	if err := f.store.CreateNotifications(context.Background(), ns); err != nil {
		t.Fatal(err)
	}

	body, _ := f.page("GET", "/notifications", f.a1Tok, 200)
	for _, want := range []string{`id="count-unread"`, ">3</span>", "每日待办摘要（2026-03-02）", "新待办：青山村·上级审定",
		"/notifications/open?id=p1%2fn%2f0%2f" + fmt.Sprint(holder.ID), "全部标为已读", "共 3 条"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	_, loc := f.page("GET", "/notifications/open?id="+url.QueryEscape(ns[0].ID), f.a1Tok, 303)
	if loc != "/tasks/t1" {
		t.Errorf("assigned goes to %q", loc)
	}
	_, loc = f.page("GET", "/notifications/open?id="+url.QueryEscape(ns[1].ID), f.a1Tok, 303)
	if loc != "/processes/p1" {
		t.Errorf("returned goes to %q", loc)
	}
	if n, _ := f.store.UnreadCount(context.Background(), holder.ID); n != 1 {
		t.Errorf("unread after opening two: %d", n)
	}
	body, _ = f.page("GET", "/notifications/open?id=other%2F1", f.a1Tok, 404)
	if !strings.Contains(body, "通知不存在") {
		t.Errorf("another's notification: %s", body)
	}
	body, _ = f.page("GET", "/notifications?unread=true&lang=en", f.a1Tok, 200)
	if !strings.Contains(body, "Your tasks due (2026-03-02)") || strings.Contains(body, "New task") || !strings.Contains(body, "1 in all") {
		t.Errorf("unread only:\n%s", body)
	}
	_, loc = f.page("POST", "/notifications/read", f.a1Tok, 303)
	if loc != "/notifications" {
		t.Errorf("mark all goes to %q", loc)
	}
	body, _ = f.page("GET", "/notifications", f.a1Tok, 200)
	if strings.Contains(body, `id="count-unread"`) || strings.Contains(body, "mark-all-read") {
		t.Errorf("after mark all:\n%s", body)
	}
	if n, _ := f.store.UnreadCount(context.Background(), f.accounts["adminA"].ID); n != 1 {
		t.Errorf("another account's notification was marked: %d", n)
	}
	if _, loc := f.page("GET", "/notifications", "", 303); !strings.HasPrefix(loc, "/login") {
		t.Errorf("anonymous goes to %q", loc)
	}
}

// The process page lists the attachments and uploads with the API's checks: a refusal shows
// the page again with the translated reason; someone who may not see the process is refused.
func TestWebAttachments(t *testing.T) {
	f := newFixture(t)
	p := f.seedProcess("goalsetting-webatt", f.a1, termgoal.StepDraft, "running", "2026-02-01")
	path := "/processes/" + p.ID + "/attachments"
	send := func(token, filename string, data []byte, want int) (string, string) {
		t.Helper()
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", filename)
		_, _ = fw.Write(data)
		_ = mw.Close()
		req := httptest.NewRequest("POST", path, &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, req)
		if w.Code != want {
			t.Fatalf("upload %s: %d, want %d: %s", filename, w.Code, want, w.Body.String())
		}
		return w.Body.String(), w.Header().Get("Location")
	}

	body, _ := f.page("GET", "/processes/"+p.ID, f.a1Tok, 200)
	if !strings.Contains(body, `id="no-attachments"`) || !strings.Contains(body, `id="attachment-form"`) {
		t.Fatalf("empty attachments:\n%s", body)
	}
	_, loc := send(f.a1Tok, "意见.txt", []byte("同意该方案"), 303)
	if loc != "/processes/"+p.ID+"#attachments" {
		t.Errorf("after upload: %q", loc)
	}
	body, _ = f.page("GET", "/processes/"+p.ID, f.a1Tok, 200)
	for _, want := range []string{`href="/api/v1/attachments/`, "意见.txt", "15 B", "holderA1 姓名"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	body, _ = send(f.a1Tok, "plan.pdf", []byte("not a pdf at all"), 422)
	if !strings.Contains(body, "不允许上传“plan.pdf”") || !strings.Contains(body, `id="attachment-form"`) {
		t.Errorf("refusal:\n%s", body)
	}
	send(f.no, "x.txt", []byte("x"), 404)
	if _, total, _ := f.store.Attachments(context.Background(), p.ID, 0, 0); total != 1 {
		t.Errorf("%d attachments stored", total)
	}
	closed := f.seedProcess("goalsetting-webatt-closed", f.a1, termgoal.StepPledge, "completed", "2026-02-01")
	if body, _ := f.page("GET", "/processes/"+closed.ID, f.a1Tok, 200); strings.Contains(body, `id="attachment-form"`) {
		t.Error("a closed process offers an upload")
	}
}
