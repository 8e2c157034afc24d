package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/archive"
	"termgoal/archive/archivetest"
)

// TestArchiveVerifyNeedsNoDatabase runs `termgoal archive verify` as a reader years later
// would: no DATABASE_URL, no Temporal, only the bundle and the published key. A good bundle
// verifies; one with a changed byte names the file; another key is refused.
func TestArchiveVerifyNeedsNoDatabase(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "termgoal")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	secret, public, err := archive.NewSigner("2026")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := archive.ParseSigner(secret)
	if err != nil {
		t.Fatal(err)
	}
	l := termgoal.SealedLine{ID: 1, Chain: "goalsetting-term-7", Seq: 1, At: time.Now(), Actor: "李四", Action: "draft_submitted", Detail: "{}"}
	l.Hash = termgoal.SealHash(nil, l.Canonical())
	var b bytes.Buffer
	if _, err := archive.Write(&b, archive.Manifest{TermID: 7, Title: "桃源村 2026–2029", CreatedAt: time.Now()},
		[]archive.Entry{{Name: "term.json", Data: []byte(`{"id":7}`)}}, []termgoal.SealedLine{l}, signer); err != nil {
		t.Fatal(err)
	}
	good, bad := filepath.Join(dir, "good.zip"), filepath.Join(dir, "bad.zip")
	if err := os.WriteFile(good, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, archivetest.Rewrite(t, b.Bytes(), func(name string, d []byte) []byte {
		if name == "term.json" {
			return []byte(`{"id":8}`)
		}
		return d
	}), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir} // no DATABASE_URL, no Temporal
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("archive", "verify", "--public-key", public, good); err != nil || !strings.Contains(out, "the bundle verifies") || !strings.Contains(out, `key "2026" (trusted)`) {
		t.Fatalf("a good bundle: %v\n%s", err, out)
	}
	if out, err := run("archive", "verify", "--public-key", public, bad); err == nil || !strings.Contains(out, "FAIL term.json: changed") {
		t.Fatalf("a damaged bundle: %v\n%s", err, out)
	}
	_, otherPublic, _ := archive.NewSigner("2026")
	if out, err := run("archive", "verify", "--public-key", otherPublic, good); err == nil || !strings.Contains(out, "the signature does not verify") {
		t.Fatalf("another key: %v\n%s", err, out)
	}
	if out, err := run("archive", "key", "k1"); err != nil || !strings.Contains(out, "ARCHIVE_SIGNING_KEY=k1:") {
		t.Fatalf("archive key: %v\n%s", err, out)
	}
}

// TestArchivesFromTheEnvironment: ARCHIVE_S3_* puts the bundles in a bucket instead of
// ARCHIVE_DIR (a bundle stored through it is listed there); a bad setting is refused with the
// variable's name.
func TestArchivesFromTheEnvironment(t *testing.T) {
	s3 := archivetest.S3(t, "")
	t.Setenv("ARCHIVE_SIGNING_KEY", "")
	t.Setenv("ARCHIVE_SIGNING_KEY_FILE", "")
	t.Setenv("ARCHIVE_S3_ENDPOINT", s3.Endpoint)
	t.Setenv("ARCHIVE_S3_BUCKET", s3.Bucket)
	t.Setenv("ARCHIVE_S3_PREFIX", "termgoal/")
	t.Setenv("ARCHIVE_S3_ACCESS_KEY", s3.AccessKey)
	t.Setenv("ARCHIVE_S3_SECRET_KEY", s3.SecretKey)
	t.Setenv("ARCHIVE_S3_RETAIN_YEARS", "")
	cfg := config{ArchiveDir: t.TempDir()}
	a, err := cfg.archives()
	if err != nil || a.Where() != "s3://"+s3.Bucket+"/termgoal/" || a.Signer != nil {
		t.Fatalf("archives() = %+v (%s), %v", a, a.Where(), err)
	}
	ctx := context.Background()
	if err := a.Store.Create(ctx, "term-1-x.zip", strings.NewReader("PK"), 2); err != nil {
		t.Fatal(err)
	}
	s3.Prefix = "termgoal/"
	direct, _ := archive.NewS3Store(s3)
	if names, err := direct.List(ctx, "term-1-"); err != nil || len(names) != 1 {
		t.Errorf("the bucket holds %v, %v", names, err)
	}
	t.Setenv("ARCHIVE_S3_RETAIN_YEARS", "ten")
	if _, err := cfg.archives(); err == nil || !strings.Contains(err.Error(), "ARCHIVE_S3_RETAIN_YEARS") {
		t.Errorf("a bad retention: %v", err)
	}
	t.Setenv("ARCHIVE_S3_RETAIN_YEARS", "")
	t.Setenv("ARCHIVE_S3_BUCKET", "")
	if _, err := cfg.archives(); err == nil || !strings.Contains(err.Error(), "ARCHIVE_S3_") {
		t.Errorf("no bucket: %v", err)
	}
}
