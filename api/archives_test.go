package api

import (
	"bytes"
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"termgoal/app"
	"termgoal/archive"
	"termgoal/archive/archivetest"
)

// testSigner signs every fixture's archive bundles.
var testSigner = func() archive.Signer {
	secret, _, err := archive.NewSigner("test")
	if err != nil {
		panic(err)
	}
	s, err := archive.ParseSigner(secret)
	if err != nil {
		panic(err)
	}
	return s
}()

// TestTermArchives: an administrator of the term writes its bundles (a correction names the
// one it corrects), lists and downloads them, and each verifies; the holder and a name outside
// the pattern reach nothing; the term page lists them and writes one. Alike with the bundles
// in a directory and in an S3-compatible bucket.
func TestTermArchives(t *testing.T) {
	t.Run("dir", func(t *testing.T) { testTermArchives(t, newFixture(t)) })
	t.Run("s3", func(t *testing.T) {
		s3, err := archive.NewS3Store(archivetest.S3(t, "archive/"))
		if err != nil {
			t.Fatal(err)
		}
		testTermArchives(t, newFixture(t, func(c *Config) { c.Archives.Store = s3 }))
	})
}

func testTermArchives(t *testing.T, f *fixture) {
	p := f.seedProcess("goalsetting-term-1", f.a1, "draft", "running", "2026-03-01")
	base := "/api/v1/terms/" + itoa(p.TermID) + "/archives"
	var first app.ArchiveInfo
	f.do("POST", base, f.aTok, nil, 201, &first)
	var second app.ArchiveInfo
	f.do("POST", base, f.rootTok, map[string]string{"supersedes": first.Name}, 201, &second)
	if second.Supersedes != first.ManifestSHA256 || second.Name == first.Name {
		t.Fatalf("the correction: %+v of %+v", second, first)
	}
	var list List[app.ArchiveInfo]
	f.do("GET", base, f.aTok, nil, 200, &list)
	if list.Total != 2 || list.Items[0].Name != second.Name {
		t.Fatalf("the list: %+v", list)
	}
	zip := f.do("GET", base+"/"+first.Name, f.aTok, nil, 200, nil)
	rep := archive.Verify(bytes.NewReader(zip), int64(len(zip)), map[string]ed25519.PublicKey{"test": testSigner.Key.Public().(ed25519.PublicKey)})
	if !rep.OK() || rep.ManifestSHA256 != first.ManifestSHA256 || len(rep.Manifest.Chains) != 1 {
		t.Fatalf("the downloaded bundle: %+v", rep)
	}
	f.errCode("POST", base, f.a1Tok, nil, 403)
	f.errCode("GET", base+"/"+first.Name, f.a1Tok, nil, 403)
	f.errCode("GET", base+"/..%2F..%2Fetc%2Fpasswd", f.aTok, nil, 404)
	f.errCode("GET", base+"/"+strings.Replace(first.Name, "term-1-", "term-2-", 1), f.aTok, nil, 404)
	f.errCode("POST", base, f.aTok, map[string]string{"supersedes": "term-1-nothing.zip"}, 404)
	if len(f.auditLines("archive_written")) != 2 {
		t.Fatal("not audited")
	}

	// The term page.
	b := f.signInBrowser("adminA", testPassword, "ui")
	page := b.send(http.MethodGet, "/terms/"+itoa(p.TermID), "", "", "ui").Body.String()
	if !strings.Contains(page, first.Name) || !strings.Contains(page, `id="archive-write"`) {
		t.Fatalf("the term page lists no bundle: %s", page)
	}
	w := b.send(http.MethodPost, "/terms/"+itoa(p.TermID)+"/archives", url.Values{"supersedes": {second.Name}}.Encode(), "application/x-www-form-urlencoded", "ui")
	if w.Code != http.StatusSeeOther {
		t.Fatalf("writing from the page: %d %s", w.Code, w.Body)
	}
	f.do("GET", base, f.aTok, nil, 200, &list)
	if list.Total != 3 || list.Items[0].Supersedes != second.ManifestSHA256 {
		t.Fatalf("after the page: %+v", list)
	}
	r := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/terms/"+itoa(p.TermID)+"/archives/"+first.Name, nil)
	req.AddCookie(b.cookie)
	f.srv.ServeHTTP(r, req)
	if r.Code != 200 || r.Header().Get("Content-Type") != "application/zip" || !bytes.Equal(r.Body.Bytes(), zip) {
		t.Fatalf("the page's download: %d %v", r.Code, r.Header())
	}
}
