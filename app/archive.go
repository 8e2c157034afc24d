package app

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"termgoal"
	"termgoal/archive"
)

// Archives is where the term bundles are kept (P6): a directory of files that are written once
// and never rewritten, and the key that signs them.
type Archives struct {
	Dir    string          // ARCHIVE_DIR; "" keeps none
	Signer *archive.Signer // ARCHIVE_SIGNING_KEY; nil: bundles are listed and served, not written
	// PlanPDFs prints the plan versions as the bundle's PDFs (the pages' printable plan, package
	// web); nil leaves them out.
	PlanPDFs func(ctx context.Context, t *termgoal.Term, plans []termgoal.PlanVersion) ([]archive.Entry, error)
}

// ArchiveInfo is one stored bundle of a term, as its manifest says.
type ArchiveInfo struct {
	Name           string    `json:"name"`
	Size           int64     `json:"size"`
	CreatedAt      time.Time `json:"created_at"`
	ManifestSHA256 string    `json:"manifest_sha256"`
	Supersedes     string    `json:"supersedes,omitempty"` // the manifest SHA-256 of the bundle it corrects
	KeyID          string    `json:"key_id"`
}

// archiveName is a stored bundle's file name: the term and the time it was written.
var archiveName = regexp.MustCompile(`^term-([0-9]+)-[0-9]{8}T[0-9]{6}\.[0-9]{9}Z\.zip$`)

func errNoArchive(name string) error {
	return termgoal.Errorf(termgoal.ENOTFOUND, "archive.not_found", "no such archive bundle of this term", "name", termgoal.Clip(name, 80))
}

func errNoArchiveDir() error {
	return termgoal.Errorf(termgoal.EUNAVAILABLE, "archive.no_dir", "this server keeps no archive bundles: ARCHIVE_DIR is not set")
}

// archivesOf checks that acc administers term id and that bundles are kept here.
func (s *Service) archivesOf(ctx context.Context, acc *termgoal.Account, id int64) (*termgoal.Term, error) {
	t, path, err := s.TermAccess(ctx, acc, id)
	if err != nil {
		return nil, err
	}
	if !IsAdmin(acc, path) {
		return nil, ErrForbidden()
	}
	if s.Archives.Dir == "" {
		return nil, errNoArchiveDir()
	}
	return t, nil
}

// StoreTermArchive writes term id's bundle into the archive directory, as a new file, for an
// administrator of the term; supersedes names a bundle of the term this one corrects ("" for
// none).
func (s *Service) StoreTermArchive(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, id int64, supersedes string) (ArchiveInfo, error) {
	if _, err := s.archivesOf(ctx, acc, id); err != nil {
		return ArchiveInfo{}, err
	}
	return s.StoreArchive(ctx, actor, id, supersedes)
}

// StoreArchive is StoreTermArchive without the caller's authorization: the operator's
// `termgoal archive write`.
func (s *Service) StoreArchive(ctx context.Context, actor termgoal.Actor, id int64, supersedes string) (ArchiveInfo, error) {
	if s.Archives.Dir == "" {
		return ArchiveInfo{}, errNoArchiveDir()
	}
	if s.Archives.Signer == nil {
		return ArchiveInfo{}, termgoal.Errorf(termgoal.EUNAVAILABLE, "archive.no_key", "this server has no key to sign archive bundles: ARCHIVE_SIGNING_KEY is not set")
	}
	var before string
	if supersedes != "" {
		old, err := s.archiveInfo(id, supersedes)
		if err != nil {
			return ArchiveInfo{}, err
		}
		before = old.ManifestSHA256
	}
	if err := os.MkdirAll(s.Archives.Dir, 0o750); err != nil {
		return ArchiveInfo{}, err
	}
	name := fmt.Sprintf("term-%d-%s.zip", id, s.Now().UTC().Format("20060102T150405.000000000Z"))
	file := filepath.Join(s.Archives.Dir, name)
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- ARCHIVE_DIR and a name of ours
	if err != nil {
		return ArchiveInfo{}, err
	}
	_, err = s.WriteTermArchive(ctx, actor, f, id, *s.Archives.Signer, before)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(file)
		return ArchiveInfo{}, err
	}
	return s.archiveInfo(id, name)
}

// TermArchives lists term id's stored bundles, newest first.
func (s *Service) TermArchives(ctx context.Context, acc *termgoal.Account, id int64) ([]ArchiveInfo, error) {
	if _, err := s.archivesOf(ctx, acc, id); err != nil {
		return nil, err
	}
	names, err := filepath.Glob(filepath.Join(s.Archives.Dir, fmt.Sprintf("term-%d-*.zip", id)))
	if err != nil {
		return nil, err
	}
	list := []ArchiveInfo{}
	for _, n := range names {
		info, err := s.archiveInfo(id, filepath.Base(n))
		if err != nil {
			s.Log.WarnContext(ctx, "unreadable archive bundle", "file", n, "err", err)
			continue
		}
		list = append(list, info)
	}
	slices.SortFunc(list, func(a, b ArchiveInfo) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return list, nil
}

// TermArchiveFile opens term id's stored bundle name, for download.
func (s *Service) TermArchiveFile(ctx context.Context, acc *termgoal.Account, id int64, name string) (*os.File, error) {
	if _, err := s.archivesOf(ctx, acc, id); err != nil {
		return nil, err
	}
	if _, err := s.archiveInfo(id, name); err != nil {
		return nil, err
	}
	return os.Open(filepath.Join(s.Archives.Dir, name)) // #nosec G304 -- a name of the pattern, in ARCHIVE_DIR
}

// archiveInfo reads the manifest of term id's bundle name.
func (s *Service) archiveInfo(id int64, name string) (ArchiveInfo, error) {
	m := archiveName.FindStringSubmatch(name)
	if m == nil || m[1] != fmt.Sprint(id) {
		return ArchiveInfo{}, errNoArchive(name)
	}
	file := filepath.Join(s.Archives.Dir, name)
	z, err := zip.OpenReader(file)
	if errors.Is(err, os.ErrNotExist) {
		return ArchiveInfo{}, errNoArchive(name)
	}
	if err != nil {
		return ArchiveInfo{}, err
	}
	defer z.Close()
	rc, err := z.Open(archive.ManifestName)
	if err != nil {
		return ArchiveInfo{}, err
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return ArchiveInfo{}, err
	}
	var man archive.Manifest
	if err := json.Unmarshal(raw, &man); err != nil {
		return ArchiveInfo{}, err
	}
	st, err := os.Stat(file)
	if err != nil {
		return ArchiveInfo{}, err
	}
	return ArchiveInfo{Name: name, Size: st.Size(), CreatedAt: man.CreatedAt, ManifestSHA256: archive.Sum(raw),
		Supersedes: man.Supersedes, KeyID: man.KeyID}, nil
}

// WriteTermArchive writes the archive bundle of term id to w, signed by signer (package
// archive): the term, each plan version, each process of the term (its row and state, and the
// objections to its notice with their resolutions), every appraisal of the term with its
// result, the progress reports, and the audit lines of the term's processes with their hash
// chains. supersedes names the bundle this one corrects (its manifest's SHA-256, "" for none).
// It answers the new bundle's manifest SHA-256 and audits the writing.
func (s *Service) WriteTermArchive(ctx context.Context, actor termgoal.Actor, w io.Writer, id int64, signer archive.Signer, supersedes string) (string, error) {
	t, err := s.Store.Term(ctx, id)
	if err != nil {
		return "", err
	}
	var files []archive.Entry
	add := func(name string, v any) error {
		b, err := json.MarshalIndent(v, "", "  ")
		if err == nil {
			files = append(files, archive.Entry{Name: name, Data: b})
		}
		return err
	}
	if err := add("term.json", t); err != nil {
		return "", err
	}
	plans, err := s.Store.PlanVersions(ctx, id)
	if err != nil {
		return "", err
	}
	for _, p := range plans {
		if err := add(fmt.Sprintf("plans/v%d.json", p.Version), p); err != nil {
			return "", err
		}
	}
	if s.Archives.PlanPDFs != nil {
		pdfs, err := s.Archives.PlanPDFs(ctx, t, plans)
		if err != nil {
			return "", fmt.Errorf("the plans' PDFs: %w", err)
		}
		files = append(files, pdfs...)
	}
	procs, err := s.Store.ProcessesOfTerm(ctx, id)
	if err != nil {
		return "", err
	}
	appraisals, err := s.Store.TermAppraisals(ctx, id)
	if err != nil {
		return "", err
	}
	chains := make([]string, 0, len(procs)+len(appraisals))
	for _, p := range procs {
		objections, err := s.Store.Objections(ctx, p.ID)
		if err != nil {
			return "", err
		}
		if err := add("processes/"+p.ID+".json", map[string]any{"process": p, "objections": objections}); err != nil {
			return "", err
		}
		chains = append(chains, p.ID)
	}
	for _, a := range appraisals {
		if err := add("appraisals/"+a.ProcessID+".json", a); err != nil {
			return "", err
		}
		chains = append(chains, a.ProcessID)
	}
	reports, err := s.Store.ProgressReports(ctx, id)
	if err != nil {
		return "", err
	}
	if err := add("progress.json", reports); err != nil {
		return "", err
	}
	slices.Sort(chains)
	lines, err := s.Store.SealedLines(ctx, slices.Compact(chains))
	if err != nil {
		return "", err
	}
	sum, err := archive.Write(w, archive.Manifest{TermID: id, Title: t.OrgName + " " + t.Start.Format("2006-01-02") + "–" + t.End.Format("2006-01-02"),
		CreatedAt: s.Now().UTC(), Supersedes: supersedes}, files, lines, signer)
	if err != nil {
		return "", err
	}
	return sum, s.Audit(ctx, actor, termgoal.Audit{Action: "archive_written", TermID: id,
		Detail: map[string]any{"manifest_sha256": sum, "supersedes": supersedes, "files": len(files) + 1, "audit_lines": len(lines), "key_id": signer.ID}})
}
