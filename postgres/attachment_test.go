package postgres_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

func TestAttachments(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	holder := account(t, s, "holder", &w.person.ID)
	must(t, s.Apply(ctx, w.change("goal-1/c/1", 0, termgoal.StepDraft, "started")))

	data := []byte("%PDF-1.4 evidence")
	a := &postgres.Attachment{ProcessID: "goal-1", Step: termgoal.StepDraft, AccountID: holder.ID, Filename: "证明.pdf",
		ContentType: "application/pdf", Data: data}
	audit := termgoal.Audit{ActorID: holder.ID, ActorName: "Li Wei", Action: "attachment_added", ProcessID: "goal-1",
		TermID: w.term.ID, Detail: map[string]any{"note": "kept"}}
	must(t, s.AddAttachment(ctx, a, audit))
	sum := sha256.Sum256(data)
	if a.ID == 0 || a.Size != int64(len(data)) || a.SHA256 != hex.EncodeToString(sum[:]) || a.CreatedAt.IsZero() {
		t.Fatalf("added %+v", a)
	}
	if len(audit.Detail) != 1 {
		t.Errorf("AddAttachment changed the caller's detail: %v", audit.Detail)
	}
	must(t, s.AddAttachment(ctx, &postgres.Attachment{ProcessID: "goal-1", AccountID: holder.ID, Filename: "b.txt",
		ContentType: "text/plain; charset=utf-8", Data: []byte("second")}, audit))

	list, total, err := s.Attachments(ctx, "goal-1", 1, 0)
	must(t, err)
	if total != 2 || len(list) != 1 || list[0].ID != a.ID || list[0].Filename != "证明.pdf" || list[0].Data != nil ||
		list[0].AccountName != "holder (display)" || list[0].SHA256 != a.SHA256 || list[0].Step != termgoal.StepDraft {
		t.Errorf("Attachments = %d %+v", total, list)
	}
	got, err := s.Attachment(ctx, a.ID)
	must(t, err)
	if !bytes.Equal(got.Data, data) || got.ContentType != "application/pdf" || got.Size != a.Size {
		t.Errorf("Attachment = %+v", got)
	}
	_, err = s.Attachment(ctx, 99999)
	wantCode(t, err, termgoal.ENOTFOUND)

	lines, _, err := s.Audit(ctx, postgres.AuditFilter{ProcessID: "goal-1"})
	must(t, err)
	var added []termgoal.Audit
	for _, l := range lines {
		if l.Action == "attachment_added" {
			added = append(added, l)
		}
	}
	if len(added) != 2 || added[0].Detail["sha256"] != a.SHA256 || added[0].Detail["filename"] != "证明.pdf" ||
		added[0].Detail["size"] != float64(len(data)) || added[0].Detail["note"] != "kept" || added[0].ActorID != holder.ID {
		t.Errorf("audit %+v", added)
	}

	// An unknown process is refused and leaves no audit line.
	err = s.AddAttachment(ctx, &postgres.Attachment{ProcessID: "nope", AccountID: holder.ID, Filename: "x.txt",
		ContentType: "text/plain", Data: []byte("x")}, termgoal.Audit{Action: "attachment_added"})
	wantCode(t, err, termgoal.EINVALID)
	err = s.AddAttachment(ctx, &postgres.Attachment{ProcessID: "goal-1", AccountID: holder.ID}, audit)
	wantCode(t, err, termgoal.EINVALID)
	if _, n, _ := s.Audit(ctx, postgres.AuditFilter{}); n != len(lines) {
		t.Errorf("audit lines %d, want %d", n, len(lines))
	}
}

func TestAttachmentsPerProcessAreBounded(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	holder := account(t, s, "holder", &w.person.ID)
	must(t, s.Apply(ctx, w.change("goal-1/c/1", 0, termgoal.StepDraft, "started")))
	add := func() error {
		return s.AddAttachment(ctx, &postgres.Attachment{ProcessID: "goal-1", AccountID: holder.ID, Filename: "a.txt",
			ContentType: "text/plain", Data: []byte("x")}, termgoal.Audit{Action: "attachment_added", ProcessID: "goal-1"})
	}
	for range postgres.MaxAttachments {
		must(t, add())
	}
	wantCode(t, add(), termgoal.EINVALID)
	wantCode(t, s.AddAttachment(ctx, &postgres.Attachment{ProcessID: "nope", AccountID: holder.ID, Filename: "a.txt",
		ContentType: "text/plain", Data: []byte("x")}, termgoal.Audit{Action: "attachment_added"}), termgoal.EINVALID)
	if _, total, err := s.Attachments(ctx, "goal-1", 1, 0); err != nil || total != postgres.MaxAttachments {
		t.Errorf("%d attachments (%v)", total, err)
	}
}
