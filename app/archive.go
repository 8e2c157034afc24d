package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"termgoal"
	"termgoal/archive"
)

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
