package app

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"time"

	"termgoal"
	"termgoal/archive"
	"termgoal/catalog"
	"termgoal/pdf"
)

// Archives is where the term bundles are kept (P6), each written once and never rewritten,
// and the key that signs them.
type Archives struct {
	Store archive.Store // a directory or an S3-compatible bucket; nil: Dir
	Dir   string        // ARCHIVE_DIR, the directory store when Store is nil; "" with no Store keeps none
	// Signer is ARCHIVE_SIGNING_KEY; nil: bundles are listed and served, not written.
	Signer *archive.Signer
	// Forms prints the bundle's PDFs (the pages' printable forms, package web); nil leaves
	// them out.
	Forms ArchiveForms
}

// ArchiveForms prints the paper record of a term as the bundle's PDFs: each plan version's
// responsibility statement (目标责任书) and each appraisal's registration form (考核登记表).
type ArchiveForms interface {
	PlanPDFs(ctx context.Context, t *termgoal.Term, plans []termgoal.PlanVersion) ([]archive.Entry, error)
	AppraisalPDFs(ctx context.Context, t *termgoal.Term, appraisals []termgoal.AppraisalRecord) ([]archive.Entry, error)
}

// ArchiveInfo is one stored bundle of a term, as its manifest says.
type ArchiveInfo struct {
	Name           string    `json:"name"`
	Size           int64     `json:"size"`
	CreatedAt      time.Time `json:"created_at"`
	ManifestSHA256 string    `json:"manifest_sha256"`
	Supersedes     string    `json:"supersedes,omitempty"` // the manifest SHA-256 of the bundle it corrects
	Occasion       string    `json:"occasion,omitempty"`   // "term_end:PROCESS" for a bundle written when the term ended
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

// store is where the bundles are kept; nil: nowhere.
func (a Archives) store() archive.Store {
	switch {
	case a.Store != nil:
		return a.Store
	case a.Dir != "":
		return archive.DirStore(a.Dir)
	}
	return nil
}

// Where says where the bundles are kept ("" for nowhere).
func (a Archives) Where() string {
	if st := a.store(); st != nil {
		return st.String()
	}
	return ""
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
	if s.Archives.store() == nil {
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
	if err := s.canArchive(); err != nil {
		return ArchiveInfo{}, err
	}
	about := archive.Manifest{}
	if supersedes != "" {
		old, err := s.archiveInfo(ctx, id, supersedes)
		if err != nil {
			return ArchiveInfo{}, err
		}
		about.Supersedes = old.ManifestSHA256
	}
	return s.storeArchive(ctx, actor, id, about)
}

// ArchiveTermEnd writes term id's bundle once its end-of-term appraisal processID is filed (the
// appraisal workflow's last activity): once, however often it is asked, its manifest naming the
// occasion. A server that keeps no bundles writes none and says so in its log.
func (s *Service) ArchiveTermEnd(ctx context.Context, id int64, processID string) error {
	if err := s.canArchive(); err != nil {
		s.Log.WarnContext(ctx, "the term ended and no archive bundle was written", "term", id, "err", err)
		return nil
	}
	occasion := "term_end:" + processID
	written, err := s.archivesOfTerm(ctx, id)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(written, func(a ArchiveInfo) bool { return a.Occasion == occasion }) {
		return nil
	}
	_, err = s.storeArchive(ctx, termgoal.System, id, archive.Manifest{Occasion: occasion})
	return err
}

// canArchive checks that this server keeps bundles and has the key to sign them.
func (s *Service) canArchive() error {
	if s.Archives.store() == nil {
		return errNoArchiveDir()
	}
	if s.Archives.Signer == nil {
		return termgoal.Errorf(termgoal.EUNAVAILABLE, "archive.no_key", "this server has no key to sign archive bundles: ARCHIVE_SIGNING_KEY is not set")
	}
	return nil
}

// storeArchive writes term id's bundle, about saying what it supersedes and why it is written,
// as a new file of the store; the caller has checked canArchive.
func (s *Service) storeArchive(ctx context.Context, actor termgoal.Actor, id int64, about archive.Manifest) (ArchiveInfo, error) {
	tmp, err := os.CreateTemp("", "termgoal-bundle-*.zip")
	if err != nil {
		return ArchiveInfo{}, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	about.CreatedAt = s.Now().UTC()
	sum, err := s.writeTermArchive(ctx, actor, tmp, id, *s.Archives.Signer, about)
	if err != nil {
		return ArchiveInfo{}, err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		return ArchiveInfo{}, err
	}
	name := fmt.Sprintf("term-%d-%s.zip", id, about.CreatedAt.Format("20060102T150405.000000000Z"))
	if err := s.Archives.store().Create(ctx, name, tmp, size); err != nil {
		return ArchiveInfo{}, fmt.Errorf("store the bundle in %s: %w", s.Archives.store(), err)
	}
	return ArchiveInfo{Name: name, Size: size, CreatedAt: about.CreatedAt, ManifestSHA256: sum,
		Supersedes: about.Supersedes, Occasion: about.Occasion, KeyID: s.Archives.Signer.ID}, nil
}

// TermArchives lists term id's stored bundles, newest first.
func (s *Service) TermArchives(ctx context.Context, acc *termgoal.Account, id int64) ([]ArchiveInfo, error) {
	if _, err := s.archivesOf(ctx, acc, id); err != nil {
		return nil, err
	}
	return s.archivesOfTerm(ctx, id)
}

// archivesOfTerm lists term id's stored bundles, newest first.
func (s *Service) archivesOfTerm(ctx context.Context, id int64) ([]ArchiveInfo, error) {
	names, err := s.Archives.store().List(ctx, fmt.Sprintf("term-%d-", id))
	if err != nil {
		return nil, err
	}
	list := []ArchiveInfo{}
	for _, n := range names {
		if m := archiveName.FindStringSubmatch(n); m == nil || m[1] != fmt.Sprint(id) {
			continue // another term's, whose id starts with this one's
		}
		info, err := s.archiveInfo(ctx, id, n)
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
func (s *Service) TermArchiveFile(ctx context.Context, acc *termgoal.Account, id int64, name string) (archive.Object, error) {
	if _, err := s.archivesOf(ctx, acc, id); err != nil {
		return nil, err
	}
	return s.openArchive(ctx, id, name)
}

// openArchive opens term id's bundle name: a name of the pattern, of that term, stored.
func (s *Service) openArchive(ctx context.Context, id int64, name string) (archive.Object, error) {
	if m := archiveName.FindStringSubmatch(name); m == nil || m[1] != fmt.Sprint(id) {
		return nil, errNoArchive(name)
	}
	o, err := s.Archives.store().Open(ctx, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoArchive(name)
	}
	return o, err
}

// archiveInfo reads the manifest of term id's bundle name.
func (s *Service) archiveInfo(ctx context.Context, id int64, name string) (ArchiveInfo, error) {
	o, err := s.openArchive(ctx, id, name)
	if err != nil {
		return ArchiveInfo{}, err
	}
	defer o.Close()
	z, err := zip.NewReader(o, o.Size())
	if err != nil {
		return ArchiveInfo{}, err
	}
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
	return ArchiveInfo{Name: name, Size: o.Size(), CreatedAt: man.CreatedAt, ManifestSHA256: archive.Sum(raw),
		Supersedes: man.Supersedes, Occasion: man.Occasion, KeyID: man.KeyID}, nil
}

// formsError says what printing the bundle's PDFs failed at; without Chromium no bundle is
// written (503, and how to install it, in the caller's language).
func formsError(what string, err error) error {
	if errors.Is(err, pdf.ErrNoChromium) {
		return termgoal.Errorf(termgoal.EUNAVAILABLE, "export.no_chromium", err.Error())
	}
	return fmt.Errorf("%s: %w", what, err)
}

// ArchivedFiling is a filing record in a term's bundle (filings.json): the document number a
// process was filed under, when and by whom (from its audit line).
type ArchivedFiling struct {
	ProcessID   string     `json:"process_id"`
	Kind        string     `json:"kind"`
	PlanVersion int        `json:"plan_version"`
	DocNumber   string     `json:"doc_number"`
	FiledAt     *time.Time `json:"filed_at,omitempty"`
	FiledBy     string     `json:"filed_by,omitempty"`
}

// ArchivedWarnings are the term-rule warnings a process recorded (term-rules.json): those an
// end-of-term appraisal weighed, their messages in Chinese, the record's language.
type ArchivedWarnings struct {
	ProcessID string        `json:"process_id"`
	Kind      string        `json:"kind"`
	Year      int           `json:"year"`
	Warnings  []TermWarning `json:"warnings"`
}

// archiveRecords picks the filing records and the term-rule warnings out of the term's
// processes; never nil.
func archiveRecords(procs []termgoal.Process, lines []termgoal.SealedLine) ([]ArchivedFiling, []ArchivedWarnings) {
	filings, warnings := []ArchivedFiling{}, []ArchivedWarnings{}
	for _, p := range procs {
		if p.State.DocNumber != "" {
			f := ArchivedFiling{ProcessID: p.ID, Kind: p.Kind, PlanVersion: p.Version, DocNumber: p.State.DocNumber}
			for _, l := range lines {
				if l.ProcessID == p.ID && l.Action == "filed" {
					f.FiledAt, f.FiledBy = &l.At, l.Actor
				}
			}
			filings = append(filings, f)
		}
		if a := p.State.Appraisal; a != nil && a.Warnings != nil {
			warnings = append(warnings, ArchivedWarnings{ProcessID: p.ID, Kind: p.Kind, Year: a.Year,
				Warnings: TermWarnings(catalog.LangZH, a.Warnings)})
		}
	}
	return filings, warnings
}

// writeTermArchive writes the archive bundle of term id to w, signed by signer (package
// archive): the term, each plan version, each process of the term (its row and state, and the
// objections to its notice with their resolutions), every appraisal of the term with its
// result, the progress reports, and the audit lines of the term's processes with their hash
// chains. about gives the manifest's Supersedes (the SHA-256 of the manifest of the bundle this
// one corrects), Occasion and CreatedAt. It answers the new bundle's manifest SHA-256 and
// audits the writing.
func (s *Service) writeTermArchive(ctx context.Context, actor termgoal.Actor, w io.Writer, id int64, signer archive.Signer, about archive.Manifest) (string, error) {
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
	procs, err := s.Store.ProcessesOfTerm(ctx, id)
	if err != nil {
		return "", err
	}
	appraisals, err := s.Store.TermAppraisals(ctx, id)
	if err != nil {
		return "", err
	}
	if f := s.Archives.Forms; f != nil {
		plans, err := f.PlanPDFs(ctx, t, plans)
		if err != nil {
			return "", formsError("the plans' PDFs", err)
		}
		forms, err := f.AppraisalPDFs(ctx, t, appraisals)
		if err != nil {
			return "", formsError("the registration forms' PDFs", err)
		}
		files = append(append(files, plans...), forms...)
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
	filings, warnings := archiveRecords(procs, lines)
	if err := add("filings.json", filings); err != nil {
		return "", err
	}
	if err := add("term-rules.json", warnings); err != nil {
		return "", err
	}
	about.TermID, about.Title = id, t.OrgName+" "+t.Start.Format("2006-01-02")+"–"+t.End.Format("2006-01-02")
	sum, err := archive.Write(w, about, files, lines, signer)
	if err != nil {
		return "", err
	}
	return sum, s.Audit(ctx, actor, termgoal.Audit{Action: "archive_written", TermID: id,
		Detail: map[string]any{"manifest_sha256": sum, "supersedes": about.Supersedes, "occasion": about.Occasion, "files": len(files) + 1, "audit_lines": len(lines), "key_id": signer.ID}})
}
