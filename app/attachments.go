package app

import (
	"archive/zip"
	"bytes"
	"context"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"termgoal"
	"termgoal/postgres"
)

// attachmentTypes are the types an attachment may have, each with the file extensions that go
// with it. The type is sniffed from the bytes, never taken from the client; the extension
// must agree with it, so a file downloaded and opened locally is what it claims to be.
var attachmentTypes = map[string][]string{
	"application/pdf": {".pdf"},
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"text/plain":      {".txt"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       {".xlsx"},
}

// officeTypes are the Office formats, which sniff as zip: the extension names the type and
// the archive must hold that format's main part.
var officeTypes = map[string]struct{ contentType, part string }{
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/document.xml"},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/workbook.xml"},
}

// AddAttachment stores a file named name on p for actor, with its audit line: p must be running, the file at most
// 10 MiB, the step one of goal setting's (by default p's current step), the type sniffed from
// the bytes and agreeing with the extension. The caller has checked that actor may see p.
func (s *Service) AddAttachment(ctx context.Context, actor termgoal.Actor, p *termgoal.Process, name string, data []byte, step termgoal.Step) (*postgres.Attachment, error) {
	if p.Status != "running" {
		return nil, termgoal.Errorf(termgoal.ECONFLICT, "process.closed", "the process is closed", "status", p.Status)
	}
	if step == "" {
		step = p.Step
	} else if !slices.Contains(termgoal.GoalSteps, step) {
		return nil, termgoal.Errorf(termgoal.EINVALID, "attachment.step", "unknown step", "step", string(step))
	}
	ct, err := attachmentType(name, data)
	if err != nil {
		return nil, err
	}
	a := &postgres.Attachment{ProcessID: p.ID, Step: step, AccountID: actor.AccountID, AccountName: actor.Name,
		Filename: name, ContentType: ct, Data: data}
	audit := termgoal.Audit{At: s.Now(), ActorID: actor.AccountID, ActorName: actor.Name, IP: actor.IP,
		Action: "attachment_added", ProcessID: p.ID, TermID: p.TermID}
	if err := s.Store.AddAttachment(ctx, a, audit); err != nil {
		return nil, err
	}
	return a, nil
}

// attachmentType returns the content type of an upload named name, or refuses it.
func attachmentType(name string, data []byte) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	refuse := termgoal.Errorf(termgoal.EINVALID, "attachment.type",
		"only PDF, PNG, JPEG, plain text (.txt), Word (.docx) and Excel (.xlsx) files are allowed, with the extension of their type",
		"filename", name)
	sniffed, _, err := mime.ParseMediaType(http.DetectContentType(data))
	if err != nil {
		return "", refuse
	}
	if sniffed == "application/zip" {
		office, ok := officeTypes[ext]
		if !ok || !zipHas(data, office.part) {
			return "", refuse
		}
		return office.contentType, nil
	}
	if !slices.Contains(attachmentTypes[sniffed], ext) {
		return "", refuse
	}
	if sniffed == "text/plain" {
		if utf8.Valid(data) {
			return "text/plain; charset=utf-8", nil
		}
		return "text/plain", nil // GB 18030 and other legacy encodings: the reader's program guesses
	}
	return sniffed, nil
}

// zipHas reports whether data is a zip archive with a member named part. Only the central
// directory is read; nothing is decompressed.
func zipHas(data []byte, part string) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	return slices.ContainsFunc(zr.File, func(f *zip.File) bool { return f.Name == part })
}
