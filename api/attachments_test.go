package api

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
)

// seedProcess writes a process of a new term in org as its workflow would, with open tasks
// for the given accounts; due is its step's due date.
func (f *fixture) seedProcess(id string, org termgoal.Org, step termgoal.Step, status, due string, assignees ...int64) termgoal.Process {
	f.t.Helper()
	ctx := context.Background()
	term := termgoal.Term{OrgID: org.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: mustDay("2026-01-10"), End: mustDay("2030-01-09"), TemplateID: f.tmpl.ID}
	if err := f.store.CreateTerm(ctx, &term); err != nil {
		f.t.Fatal(err)
	}
	dueOn := mustDay(due)
	p := termgoal.Process{ID: id, Kind: "goal_setting", TermID: term.ID, OrgID: org.ID, Step: step, Status: status,
		DeadlineOn: mustDay("2026-03-10"), StepDueOn: &dueOn, StartedAt: time.Now(), UpdatedAt: time.Now()}
	c := termgoal.Change{ID: id + "/started", At: time.Now(), Action: "started", Process: p}
	for i, acc := range assignees {
		c.Open = append(c.Open, termgoal.Task{ID: fmt.Sprintf("%s-%d", id, i+1), Kind: "draft", AccountID: acc, DueOn: dueOn})
	}
	if err := f.store.Apply(ctx, c); err != nil {
		f.t.Fatal(err)
	}
	return p
}

// upload posts a multipart form with the file (field "file") and the other fields.
func (f *fixture) upload(path, token, filename string, data []byte, fields map[string]string, want int, out any) {
	f.t.Helper()
	w := f.uploadRaw(path, token, filename, data, fields)
	if w.Code != want {
		f.t.Fatalf("upload %s to %s: %d, want %d: %s", filename, path, w.Code, want, w.Body.String())
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			f.t.Fatal(err)
		}
	}
}

// uploadRaw posts a multipart form with fields and, unless filename is empty, a file, as the
// bearer of token, and answers the response whatever its status.
func (f *fixture) uploadRaw(path, token, filename string, data []byte, fields map[string]string) *httptest.ResponseRecorder {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	return w
}

// officeFile is a zip holding the given members, as a .docx or .xlsx is.
func officeFile(t *testing.T, members ...string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, m := range append([]string{"[Content_Types].xml"}, members...) {
		w, err := zw.Create(m)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte("<xml/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var (
	pdfBytes = []byte("%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n")
	pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
)

func TestAttachments(t *testing.T) {
	f := newFixture(t)
	p := f.seedProcess("goalsetting-att", f.a1, termgoal.StepDraft, "running", "2026-02-01")
	url := "/api/v1/processes/" + p.ID + "/attachments"

	// Stored, listed, audited, and downloaded as the same bytes, never sniffed.
	var a postgres.Attachment
	f.upload(url, f.a1Tok, `..\..\方案 说明.pdf`, pdfBytes, nil, 201, &a)
	if a.ID == 0 || a.Filename != "方案 说明.pdf" || a.ContentType != "application/pdf" || a.Size != int64(len(pdfBytes)) ||
		len(a.SHA256) != 64 || a.Step != termgoal.StepDraft || a.AccountID != f.accounts["holderA1"].ID {
		t.Fatalf("stored %+v", a)
	}
	f.upload(url, f.aTok, "photo.JPG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), map[string]string{"step": "approval"}, 201, &a)
	if a.ContentType != "image/jpeg" || a.Step != termgoal.StepApproval {
		t.Errorf("jpeg %+v", a)
	}
	f.upload(url, f.aTok, "plan.docx", officeFile(t, "word/document.xml"), nil, 201, &a)
	if !strings.Contains(a.ContentType, "wordprocessingml") {
		t.Errorf("docx %+v", a)
	}
	f.upload(url, f.aTok, "plan.xlsx", officeFile(t, "xl/workbook.xml"), nil, 201, nil)
	f.upload(url, f.aTok, "note.txt", []byte("意见：同意"), nil, 201, &a)
	if a.ContentType != "text/plain; charset=utf-8" {
		t.Errorf("txt %+v", a)
	}

	var list List[postgres.Attachment]
	f.do("GET", url, f.a1Tok, nil, 200, &list)
	if list.Total != 5 || len(list.Items) != 5 || list.Items[0].Filename != "方案 说明.pdf" || list.Items[0].AccountName != "holderA1 姓名" {
		t.Fatalf("list %+v", list)
	}
	f.do("GET", url+"?limit=2&offset=4", f.aTok, nil, 200, &list)
	if list.Total != 5 || len(list.Items) != 1 {
		t.Errorf("page %+v", list)
	}
	first := fmt.Sprintf("/api/v1/attachments/%d", list.Items[0].ID-4)
	req := httptest.NewRequest("GET", first, nil)
	req.Header.Set("Authorization", "Bearer "+f.aTok)
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	disp, params, _ := mime.ParseMediaType(w.Header().Get("Content-Disposition"))
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), pdfBytes) || w.Header().Get("Content-Type") != "application/pdf" ||
		disp != "attachment" || params["filename"] != "方案 说明.pdf" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %d %v %q", w.Code, w.Header(), w.Body.String())
	}

	var view app.ProcessView
	f.do("GET", "/api/v1/processes/"+p.ID, f.aTok, nil, 200, &view)
	if len(view.Attachments) != 5 {
		t.Errorf("process view attachments %+v", view.Attachments)
	}
	var audit List[termgoal.Audit]
	f.do("GET", "/api/v1/audit?process_id="+p.ID, f.aTok, nil, 200, &audit)
	added := 0
	for _, l := range audit.Items {
		if l.Action == "attachment_added" {
			added++
			if l.Detail["sha256"] == "" || l.Detail["filename"] == "" || l.Detail["size"] == nil || l.ActorID == 0 {
				t.Errorf("audit line %+v", l)
			}
		}
	}
	if added != 5 {
		t.Errorf("audited %d attachments: %+v", added, audit.Items)
	}

	// Too big: refused with a translated message, nothing stored.
	big := append(bytes.Repeat([]byte("a"), edge.MaxAttachment), 'b')
	var e edge.ErrorBody
	f.upload(url, f.aTok, "big.txt", big, nil, 422, &e)
	if e.Error.Code != termgoal.EINVALID || e.Error.Message != "附件不能超过 10 MiB。" {
		t.Errorf("too big: %+v", e)
	}
	f.upload(url, f.aTok, "max.txt", big[:edge.MaxAttachment], nil, 201, nil)
	// A body past the limit is cut off by http.MaxBytesReader wherever the bytes are.
	f.upload(url, f.aTok, "x.png", pngBytes, map[string]string{"padding": strings.Repeat("p", edge.MaxAttachmentBody)}, 422, &e)
	if e.Error.Message != "附件不能超过 10 MiB。" {
		t.Errorf("body too big: %+v", e)
	}

	// Types outside the list, or an extension that disagrees with the bytes.
	for name, data := range map[string][]byte{
		"page.html":      []byte("<html><script>alert(1)</script></html>"),
		"page.txt":       []byte("<html><script>alert(1)</script></html>"),
		"run.exe":        []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),
		"fake.pdf":       pngBytes,
		"noext":          pdfBytes,
		"plan.pptx":      officeFile(t, "ppt/presentation.xml"),
		"renamed.docx":   officeFile(t, "xl/workbook.xml"),
		"archive.zip":    officeFile(t, "word/document.xml"),
		"picture.gif":    []byte("GIF89a\x01\x00\x01\x00"),
		"vector.svg.png": []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
	} {
		f.upload(url+"?lang=en", f.aTok, name, data, nil, 422, &e)
		if e.Error.Code != termgoal.EINVALID || !strings.Contains(e.Error.Message, "is not allowed") {
			t.Errorf("%s: %+v", name, e)
		}
	}
	f.upload(url, f.aTok, "x.png", pngBytes, map[string]string{"step": "nap"}, 422, nil)
	f.upload(url, f.aTok, "", nil, map[string]string{"step": "draft"}, 422, nil) // no file
	f.upload(url, f.aTok, "empty.txt", nil, nil, 422, nil)
	f.errCode("POST", url, f.aTok, `{"file":"x"}`, 400) // not multipart

	// Not allowed: no grant over the org and no task in the process.
	f.upload(url, f.no, "x.png", pngBytes, nil, 404, nil)
	f.errCode("GET", url, f.no, nil, 404)
	f.errCode("GET", first, f.no, nil, 404)
	other := f.seedProcess("goalsetting-att-b", f.b, termgoal.StepDraft, "running", "2026-02-01")
	f.upload("/api/v1/processes/"+other.ID+"/attachments", f.aTok, "x.png", pngBytes, nil, 404, nil)
	// An assignee without a grant may.
	withTask := f.seedProcess("goalsetting-att-task", f.b, termgoal.StepDraft, "running", "2026-02-01", f.accounts["nobody"].ID)
	f.upload("/api/v1/processes/"+withTask.ID+"/attachments", f.no, "x.png", pngBytes, nil, 201, nil)

	// Unknown process or attachment.
	f.upload("/api/v1/processes/nope/attachments", f.aTok, "x.png", pngBytes, nil, 404, nil)
	f.errCode("GET", "/api/v1/processes/nope/attachments", f.aTok, nil, 404)
	f.errCode("GET", "/api/v1/attachments/99999", f.aTok, nil, 404)
	f.errCode("GET", "/api/v1/attachments/x", f.aTok, nil, 404)

	// A closed process takes no more files.
	done := f.seedProcess("goalsetting-att-done", f.a1, termgoal.StepInForce, "completed", "2026-02-01")
	f.upload("/api/v1/processes/"+done.ID+"/attachments", f.aTok, "x.png", pngBytes, nil, 409, nil)
}
