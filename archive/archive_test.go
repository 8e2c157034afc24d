package archive_test

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/archive"
	"termgoal/archive/archivetest"
)

// chain seals n lines of chain as the database would.
func chain(name string, n int) []termgoal.SealedLine {
	var lines []termgoal.SealedLine
	var prev []byte
	for i := 1; i <= n; i++ {
		l := termgoal.SealedLine{ID: int64(100 + i), Chain: name, Seq: int64(i), Prev: prev, At: time.Date(2026, 12, i, 8, 0, 0, 0, time.UTC),
			Actor: "王五", IP: "10.0.0.1", Action: "voted", ProcessID: name, Detail: `{"choice": "for"}`}
		l.Hash = termgoal.SealHash(prev, l.Canonical())
		lines, prev = append(lines, l), l.Hash
	}
	return lines
}

func signer(t *testing.T, id string) (archive.Signer, ed25519.PublicKey) {
	t.Helper()
	secret, public, err := archive.NewSigner(id)
	if err != nil {
		t.Fatal(err)
	}
	s, err := archive.ParseSigner(secret)
	if err != nil {
		t.Fatal(err)
	}
	_, pub, err := archive.ParsePublicKey(public)
	if err != nil {
		t.Fatal(err)
	}
	return s, pub
}

// bundle writes a bundle of two chains and two files.
func bundle(t *testing.T, s archive.Signer) []byte {
	t.Helper()
	var b bytes.Buffer
	lines := append(chain("goalsetting-term-1", 3), chain("appraisal-term-1-2027", 2)...)
	files := []archive.Entry{{Name: "term.json", Data: []byte(`{"id":1,"org":"青山村党支部"}`)}, {Name: "plans/v1.pdf", Data: []byte("%PDF-1.7 the plan")}}
	if _, err := archive.Write(&b, archive.Manifest{TermID: 1, Title: "青山村党支部 2026–2029", CreatedAt: time.Now().UTC()}, files, lines, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func verify(b []byte, trusted map[string]ed25519.PublicKey) archive.Report {
	return archive.Verify(bytes.NewReader(b), int64(len(b)), trusted)
}

func expect(t *testing.T, what string, rep archive.Report, want string) {
	t.Helper()
	if rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), want) {
		t.Errorf("%s: want a problem with %q, got %q", what, want, rep.Problems)
	}
}

// TestVerifyFindsEachTampering: a bundle verifies as written, with the published key and
// without; a changed byte of a file, a changed, removed or inserted audit line, a changed
// manifest, a file added or taken away, another signer: each refused with its reason.
func TestVerifyFindsEachTampering(t *testing.T) {
	s, pub := signer(t, "2026")
	good := bundle(t, s)
	trusted := map[string]ed25519.PublicKey{"2026": pub}
	if rep := verify(good, trusted); !rep.OK() || !strings.Contains(rep.SignedBy, "trusted") || len(rep.Manifest.Chains) != 2 {
		t.Fatalf("the bundle as written: %+v", rep)
	}
	if rep := verify(good, nil); !rep.OK() || !strings.Contains(rep.SignedBy, "embedded") {
		t.Fatalf("without the published key: %+v", rep)
	}

	// One byte of the PDF.
	expect(t, "a byte of the PDF", verify(archivetest.Rewrite(t, good, func(name string, d []byte) []byte {
		if name == "plans/v1.pdf" {
			d[len(d)-1] ^= 1
		}
		return d
	}), trusted), "plans/v1.pdf: changed")

	// The manifest: a changed title.
	expect(t, "the manifest", verify(archivetest.Rewrite(t, good, func(name string, d []byte) []byte {
		if name == archive.ManifestName {
			return bytes.Replace(d, []byte("青山村"), []byte("绿水村"), 1)
		}
		return d
	}), trusted), "manifest.json: the signature does not verify")

	// An audit line changed by someone who also rewrote the manifest's hash of the file and
	// signed it again with a key of their own: the published key refuses it, and without it
	// the chain does.
	forger, _ := signer(t, "2026")
	forged := forge(t, good, forger, func(audit []byte) []byte {
		return bytes.Replace(audit, []byte(`\"for\"`), []byte(`\"against\"`), 1)
	})
	expect(t, "a forged signature", verify(forged, trusted), "the signature does not verify")
	expect(t, "a changed audit line", verify(forged, nil), "changed: line 101")

	// A line removed from the end of a chain, and one removed from its middle.
	dropLast := forge(t, good, forger, func(audit []byte) []byte {
		lines := strings.SplitAfter(string(audit), "\n")
		return []byte(lines[0] + lines[1] + lines[3] + lines[4])
	})
	expect(t, "the last line removed", verify(dropLast, nil), `removed: chain "goalsetting-term-1" at #3`)
	dropMiddle := forge(t, good, forger, func(audit []byte) []byte {
		lines := strings.SplitAfter(string(audit), "\n")
		return []byte(lines[0] + lines[2] + lines[3] + lines[4])
	})
	expect(t, "a middle line removed", verify(dropMiddle, nil), "the chain goes from #1 to #3")

	// A file added, a file taken away.
	if rep := verify(archivetest.Rewrite(t, good, func(_ string, d []byte) []byte { return d }), trusted); !rep.OK() {
		t.Fatalf("a copy, unzipped and zipped again: %v", rep.Problems)
	}
	added := addFile(t, good, "extra.json", []byte("{}"))
	expect(t, "an added file", verify(added, trusted), "extra.json: in the bundle, not listed")
	expect(t, "a file taken away", verify(archivetest.Rewrite(t, good, func(name string, d []byte) []byte {
		if name == "term.json" {
			return nil
		}
		return d
	}), trusted), "term.json: listed in the manifest, missing")

	// Another key id than the trusted ones.
	other, _ := signer(t, "2030")
	expect(t, "an unknown key", verify(bundle(t, other), trusted), `signed with key "2030", which is not among the trusted keys`)
	expect(t, "not a zip", verify([]byte("not a zip"), nil), "not a readable ZIP")
}

// forge rewrites the audit file through edit, puts its new hash in the manifest and signs the
// manifest with s, as someone without the organization's key would.
func forge(t *testing.T, b []byte, s archive.Signer, edit func([]byte) []byte) []byte {
	t.Helper()
	var audit []byte
	b = archivetest.Rewrite(t, b, func(name string, d []byte) []byte {
		if name == archive.AuditName {
			audit = edit(d)
			return audit
		}
		return d
	})
	var m archive.Manifest
	var manifest []byte
	b = archivetest.Rewrite(t, b, func(name string, d []byte) []byte {
		if name != archive.ManifestName {
			return d
		}
		if err := json.Unmarshal(d, &m); err != nil {
			t.Fatal(err)
		}
		for i, f := range m.Files {
			if f.Name == archive.AuditName {
				sum := sha256.Sum256(audit)
				m.Files[i].SHA256, m.Files[i].Size = hex.EncodeToString(sum[:]), int64(len(audit))
			}
		}
		m.PublicKey = s.Key.Public().(ed25519.PublicKey)
		manifest, _ = json.MarshalIndent(m, "", "  ")
		return manifest
	})
	return archivetest.Rewrite(t, b, func(name string, d []byte) []byte {
		if name == archive.SignatureName {
			return []byte(base64.StdEncoding.EncodeToString(ed25519.Sign(s.Key, manifest)))
		}
		return d
	})
}

func addFile(t *testing.T, b []byte, name string, data []byte) []byte {
	t.Helper()
	z, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, f := range z.File {
		if err := w.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	fw, _ := w.Create(name)
	fw.Write(data)
	w.Close()
	return out.Bytes()
}
