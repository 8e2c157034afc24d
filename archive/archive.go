// Package archive writes and verifies a term's archive bundle (档案, P6, S4): one ZIP that
// proves itself years later, with no database, no Temporal and no termgoal server. It holds a
// manifest listing every file with its SHA-256, the manifest's Ed25519 signature, the term's
// records as JSON, and the audit lines of the term's processes with their hash chains, whose
// heads the manifest names. Verify checks every hash, the signature and each chain's
// continuity, and says exactly what differs.
package archive

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"termgoal"
)

// Format names the bundle's layout in its manifest.
const Format = "termgoal-archive/1"

// The bundle's fixed files.
const (
	ManifestName  = "manifest.json"
	SignatureName = "manifest.sig" // base64 of the Ed25519 signature over manifest.json's bytes
	AuditName     = "audit.jsonl"  // one termgoal.SealedLine per line, chain by chain in order
)

// File is one file of the bundle as the manifest lists it.
type File struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"` // hex
	Size   int64  `json:"size"`
}

// ChainHead is where an audit chain ended when the bundle was written.
type ChainHead struct {
	Chain string `json:"chain"`
	Seq   int64  `json:"seq"`
	Hash  []byte `json:"hash"`
}

// Manifest describes a bundle.
type Manifest struct {
	Format    string    `json:"format"`
	TermID    int64     `json:"term_id"`
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"created_at"`
	// Supersedes is the SHA-256 (hex) of the manifest of the bundle this one corrects.
	Supersedes string `json:"supersedes,omitempty"`
	// Occasion says why the bundle was written when not on demand: "term_end:" and the
	// end-of-term appraisal whose filing wrote it.
	Occasion  string      `json:"occasion,omitempty"`
	KeyID     string      `json:"key_id"`
	PublicKey []byte      `json:"public_key"` // Ed25519, for a verifier without the key list
	Files     []File      `json:"files"`
	Chains    []ChainHead `json:"chains"`
}

// Entry is a file to put in a bundle.
type Entry struct {
	Name string // a slash-separated relative path, e.g. plans/v1.json
	Data []byte
}

// Signer signs manifests: an Ed25519 key and its id.
type Signer struct {
	ID  string
	Key ed25519.PrivateKey
}

var keyID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ParseSigner reads a signing key written as "id:base64" of its 32-byte seed.
func ParseSigner(spec string) (Signer, error) {
	id, b64, ok := strings.Cut(strings.TrimSpace(spec), ":")
	if !ok || !keyID.MatchString(id) {
		return Signer{}, errors.New("archive signing key: want id:base64seed")
	}
	seed, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(seed) != ed25519.SeedSize {
		return Signer{}, fmt.Errorf("archive signing key %q: want the 32-byte Ed25519 seed in base64", id)
	}
	return Signer{ID: id, Key: ed25519.NewKeyFromSeed(seed)}, nil
}

// LoadSigner reads the signing key from spec (ARCHIVE_SIGNING_KEY) or, when that is empty, the
// file named file (ARCHIVE_SIGNING_KEY_FILE).
func LoadSigner(spec, file string) (Signer, error) {
	if spec == "" && file != "" {
		b, err := os.ReadFile(file) // #nosec G304 G703 -- the operator's own setting
		if err != nil {
			return Signer{}, fmt.Errorf("ARCHIVE_SIGNING_KEY_FILE: %w", err)
		}
		spec = string(b)
	}
	if spec == "" {
		return Signer{}, errors.New("no archive signing key: set ARCHIVE_SIGNING_KEY or ARCHIVE_SIGNING_KEY_FILE (`termgoal archive key` prints one)")
	}
	return ParseSigner(spec)
}

// NewSigner makes a new signing key named id; it answers the key entry ("id:base64seed", a
// secret) and the public key entry ("id:base64", to publish for verifiers).
func NewSigner(id string) (secret, public string, err error) {
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		return "", "", err
	}
	if !keyID.MatchString(id) {
		return "", "", fmt.Errorf("key id %q: letters, digits, '.', '_' or '-'", id)
	}
	return id + ":" + base64.StdEncoding.EncodeToString(key.Seed()), id + ":" + base64.StdEncoding.EncodeToString(pub), nil
}

// ParsePublicKey reads a public key entry "id:base64".
func ParsePublicKey(spec string) (string, ed25519.PublicKey, error) {
	id, b64, ok := strings.Cut(strings.TrimSpace(spec), ":")
	raw, err := base64.StdEncoding.DecodeString(b64)
	if !ok || err != nil || len(raw) != ed25519.PublicKeySize {
		return "", nil, errors.New("public key: want id:base64 of the 32-byte Ed25519 public key")
	}
	return id, ed25519.PublicKey(raw), nil
}

// Write writes the bundle of m (its term, title and what it supersedes) with files and the
// sealed audit lines (ordered by chain and place) to w, signed by s. It answers the manifest's
// SHA-256 (hex), which names the bundle to one that supersedes it.
func Write(w io.Writer, m Manifest, files []Entry, lines []termgoal.SealedLine, s Signer) (string, error) {
	var audit bytes.Buffer
	enc := json.NewEncoder(&audit)
	m.Chains = nil
	for i, l := range lines {
		if err := enc.Encode(l); err != nil {
			return "", err
		}
		if i+1 == len(lines) || lines[i+1].Chain != l.Chain {
			m.Chains = append(m.Chains, ChainHead{Chain: l.Chain, Seq: l.Seq, Hash: l.Hash})
		}
	}
	files = append(slices.Clone(files), Entry{Name: AuditName, Data: audit.Bytes()})
	m.Format, m.KeyID, m.PublicKey, m.Files = Format, s.ID, s.Key.Public().(ed25519.PublicKey), nil
	for _, f := range files {
		if !validName(f.Name) {
			return "", fmt.Errorf("archive: bad file name %q", f.Name)
		}
		sum := sha256.Sum256(f.Data)
		m.Files = append(m.Files, File{Name: f.Name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(f.Data))})
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", err
	}
	z := zip.NewWriter(w)
	put := func(name string, data []byte) error {
		fw, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: m.CreatedAt})
		if err == nil {
			_, err = fw.Write(data)
		}
		return err
	}
	if err := put(ManifestName, manifest); err != nil {
		return "", err
	}
	if err := put(SignatureName, []byte(base64.StdEncoding.EncodeToString(ed25519.Sign(s.Key, manifest))+"\n")); err != nil {
		return "", err
	}
	for _, f := range files {
		if err := put(f.Name, f.Data); err != nil {
			return "", err
		}
	}
	return Sum(manifest), z.Close()
}

func validName(name string) bool {
	return name != "" && name != ManifestName && name != SignatureName && !strings.HasPrefix(name, "/") &&
		path.Clean(name) == name && !strings.HasPrefix(name, "../") && name != ".."
}

// Sum is the SHA-256 (hex) of a manifest's bytes: the bundle's name to one that supersedes it.
func Sum(manifest []byte) string {
	sum := sha256.Sum256(manifest)
	return hex.EncodeToString(sum[:])
}

// Report is what Verify found: the manifest (nil when unreadable), which key signed it, and
// every problem, each saying exactly what differs; none means the bundle is as it was signed.
type Report struct {
	Manifest *Manifest
	// ManifestSHA256 names the bundle (hex): a bundle that corrects it says so in Supersedes.
	ManifestSHA256 string
	SignedBy       string // the key's id, and whether a trusted key or only the embedded one
	Problems       []string
}

// OK tells whether the bundle verified.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// maxFile bounds what Verify reads of one file (a bundle of a hostile sender).
const maxFile = 1 << 30

// Verify checks a bundle: the manifest's signature (with trusted, the keys by id that the
// organization published; without, the key the manifest embeds, which proves integrity only),
// every file's SHA-256 and size, that no file is missing or added, and that every audit chain
// runs unbroken from its first line to the head the manifest names.
func Verify(r io.ReaderAt, size int64, trusted map[string]ed25519.PublicKey) Report {
	var rep Report
	problem := func(format string, args ...any) { rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...)) }
	z, err := zip.NewReader(r, size)
	if err != nil {
		problem("not a readable ZIP: %v", err)
		return rep
	}
	contents := map[string][]byte{}
	for _, f := range z.File {
		if _, dup := contents[f.Name]; dup {
			problem("%s: in the bundle twice", f.Name)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			problem("%s: unreadable: %v", f.Name, err)
			continue
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxFile))
		_ = rc.Close()
		if err != nil {
			problem("%s: unreadable: %v", f.Name, err)
			continue
		}
		contents[f.Name] = b
	}
	manifest, ok := contents[ManifestName]
	if !ok {
		problem("%s is missing", ManifestName)
		return rep
	}
	var m Manifest
	if err := json.Unmarshal(manifest, &m); err != nil || m.Format != Format {
		problem("%s is not a manifest of %s: %v", ManifestName, Format, err)
		return rep
	}
	rep.Manifest = &m
	rep.ManifestSHA256 = Sum(manifest)
	rep.SignedBy = checkSignature(&rep, m, manifest, contents[SignatureName], trusted)
	listed := map[string]bool{ManifestName: true, SignatureName: true}
	for _, f := range m.Files {
		listed[f.Name] = true
		b, ok := contents[f.Name]
		sum := sha256.Sum256(b)
		switch {
		case !ok:
			problem("%s: listed in the manifest, missing from the bundle", f.Name)
		case hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Size:
			problem("%s: changed (its SHA-256 is %x, the manifest says %s)", f.Name, sum, f.SHA256)
		}
	}
	for name := range contents {
		if !listed[name] {
			problem("%s: in the bundle, not listed in the manifest", name)
		}
	}
	if b, ok := contents[AuditName]; ok {
		for _, p := range checkChains(b, m.Chains) {
			problem("%s: %s", AuditName, p)
		}
	}
	slices.Sort(rep.Problems)
	return rep
}

// checkSignature checks sig over manifest and answers who signed it.
func checkSignature(rep *Report, m Manifest, manifest, sig []byte, trusted map[string]ed25519.PublicKey) string {
	key, by := ed25519.PublicKey(m.PublicKey), fmt.Sprintf("key %q (the key embedded in the manifest: it proves the bundle unchanged, not who signed it; give the published key to prove that)", m.KeyID)
	if len(trusted) > 0 {
		if key = trusted[m.KeyID]; key == nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: signed with key %q, which is not among the trusted keys", ManifestName, m.KeyID))
			return ""
		}
		by = fmt.Sprintf("key %q (trusted)", m.KeyID)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sig)))
	if len(key) != ed25519.PublicKeySize || err != nil || !ed25519.Verify(key, manifest, raw) {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%s: the signature does not verify with key %q: the manifest was changed, or signed with another key", ManifestName, m.KeyID))
		return ""
	}
	return by
}

// checkChains reads the audit lines and checks each chain from its first line to its head.
func checkChains(audit []byte, heads []ChainHead) []string {
	var problems []string
	byChain := map[string][]termgoal.SealedLine{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(audit))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var l termgoal.SealedLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			problems = append(problems, fmt.Sprintf("line %d is not an audit line: %v", n, err))
			continue
		}
		if _, ok := byChain[l.Chain]; !ok {
			order = append(order, l.Chain)
		}
		byChain[l.Chain] = append(byChain[l.Chain], l)
	}
	headOf := map[string]ChainHead{}
	for _, h := range heads {
		headOf[h.Chain] = h
		if _, ok := byChain[h.Chain]; !ok {
			problems = append(problems, termgoal.ChainProblem{Kind: "removed", Chain: h.Chain, Seq: 1,
				What: fmt.Sprintf("every line of the chain is gone; the manifest says it ends at #%d", h.Seq)}.String())
		}
	}
	for _, chain := range order {
		h, ok := headOf[chain]
		if !ok {
			problems = append(problems, fmt.Sprintf("chain %q: not named in the manifest", chain))
			continue
		}
		last := termgoal.SealedLine{Chain: chain}
		p := (*termgoal.ChainProblem)(nil)
		for _, l := range byChain[chain] {
			if p = l.Follows(last); p != nil {
				break
			}
			last = l
		}
		if p == nil {
			p = last.EndsAt(h.Seq, h.Hash)
		}
		if p != nil {
			problems = append(problems, p.String())
		}
	}
	return problems
}
