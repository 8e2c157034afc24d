package e2e

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/archive"
	"termgoal/archive/archivetest"
	"termgoal/workflows"
)

// toInForce walks a new term's goal setting on the server to a plan in force: the draft, the
// committee's vote, the superior's approval, the public notice with an anonymous objection
// dismissed, an administrator closing the notice, the filing under docNumber and the
// pledges. It answers the term and the process.
func (s *sys) toInForce(t *testing.T, docNumber string) (int64, string) {
	t.Helper()
	p := s.toApproval(t, village(nil))
	proc, err := s.store.Process(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	s.act("sup", p, workflows.UpdateApprove, map[string]any{"comment": "同意"}, "", 200)
	s.must(200, "", "POST", "/api/v1/notices/"+p+"/objections", map[string]any{"content": "指标偏低"})
	s.act("sup", p, workflows.UpdateResolveObjection, map[string]any{"seq": 1, "upheld": false, "reason": "指标符合实际"}, "", 200)
	s.act("admin", p, workflows.UpdateMoveTo, map[string]any{"step": termgoal.StepFiling, "reason": "公示期满"}, "", 200)
	s.act("clerk", p, workflows.UpdateFile, map[string]any{"doc_number": docNumber}, "", 200)
	s.act("holder", p, workflows.UpdateSignPledges, map[string]any{"pledges": termgoal.Pledges}, "", 200)
	if pr, err := s.store.Process(context.Background(), p); err != nil || pr.Step != termgoal.StepInForce {
		t.Fatalf("goal setting after the pledges: %+v, %v", pr, err)
	}
	return proc.TermID, p
}

// appraise starts the appraisal of term (annual for year, or the end-of-term one with year
// 0) and walks it to the archive: self-assessment, the superior's score and result, an
// administrator closing the notice, the holder's acknowledgement.
func (s *sys) appraise(t *testing.T, term int64, year int) string {
	t.Helper()
	ctx := context.Background()
	in := workflows.AppraisalInput{TermID: term, Kind: termgoal.AppraisalAnnual, Year: year, Initiator: termgoal.Actor{Name: "admin"}}
	p, result := workflows.AppraisalID(term, year), map[string]any{"grade": termgoal.GradeCompleted}
	if year == 0 {
		in.Kind, p, result["outcome"] = termgoal.AppraisalTermEnd, workflows.TermEndID(term), termgoal.OutcomeReappoint
	}
	if _, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: p, TaskQueue: workflows.TaskQueue}, workflows.AppraisalWorkflowName, in); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(s.inbox("holder", p)) == 1 })
	s.act("holder", p, workflows.UpdateSelfAssess, map[string]any{
		"items":   []map[string]any{{"no": 1, "actual": "1.2 万元", "evidence": "账目"}, {"no": 2, "actual": "培训 4 次", "evidence": "签到表"}},
		"summary": "目标完成", "proposed_grade": termgoal.GradeCompleted,
	}, "", 200)
	s.act("sup", p, workflows.UpdateScore, map[string]any{"scores": []map[string]any{{"no": 1, "score": 95}, {"no": 2, "score": 92}}, "comment": "完成"}, "", 200)
	s.act("sup", p, workflows.UpdateDetermine, result, "", 200)
	s.act("admin", p, workflows.UpdateMoveTo, map[string]any{"step": termgoal.StepFeedback, "reason": "公示期满"}, "", 200)
	s.act("holder", p, workflows.UpdateAcknowledge, map[string]any{}, "", 200)
	if err := s.client.GetWorkflow(ctx, p, "").Get(ctx, nil); err != nil {
		t.Fatalf("appraisal %s ended with %v", p, err)
	}
	return p
}

// TestTermArchiveBundle is the term archive's acceptance (P6, S4): a term runs on a real
// Temporal server through goal setting (with an objection on notice and the filing), two
// annual appraisals and the end-of-term appraisal; the filing of the last writes the term's
// bundle by itself, once. Downloaded over the API it verifies with the published key and
// holds the plan (JSON and PDF), each appraisal with its registration form, the objection
// and its resolution, the filing record with its document number and every chain in full;
// three copies, each with one change (a byte of a PDF, an audit row, the manifest), are
// refused, each for its reason; another key's trust refuses the bundle as it is. An
// administrator's bundle on demand is a second, audited file.
func TestTermArchiveBundle(t *testing.T) {
	s := start(t)
	s.setup()
	const doc = "青组〔2026〕12号"
	term, goal := s.toInForce(t, doc)
	procs := []string{goal, s.appraise(t, term, 2026), s.appraise(t, term, 2027), s.appraise(t, term, 0)}

	// The bundle written when the end-of-term appraisal was filed.
	base := fmt.Sprintf("/api/v1/terms/%d/archives", term)
	var list []any
	waitFor(t, func() bool {
		list, _ = s.must(200, "admin", "GET", base, nil).body["items"].([]any)
		return len(list) > 0
	})
	if len(list) != 1 {
		t.Fatalf("bundles after the term ended: %v", list)
	}
	info := list[0].(map[string]any)
	if info["occasion"] != "term_end:"+procs[3] {
		t.Errorf("the bundle's occasion: %v", info)
	}
	dl := s.do("admin", "GET", base+"/"+fmt.Sprint(info["name"]), nil, "")
	if dl.status != 200 {
		t.Fatalf("download: %d", dl.status)
	}
	b := dl.raw
	trusted := map[string]ed25519.PublicKey{"e2e": s.archiveKey}
	rep := archive.Verify(bytes.NewReader(b), int64(len(b)), trusted)
	if !rep.OK() || rep.ManifestSHA256 != info["manifest_sha256"] {
		t.Fatalf("the bundle: %v (%s, listed %v)", rep.Problems, rep.ManifestSHA256, info["manifest_sha256"])
	}
	var names []string
	for _, f := range rep.Manifest.Files {
		names = append(names, f.Name)
	}
	all := strings.Join(names, " ")
	want := []string{"term.json", "plans/v1.json", "plans/v1.pdf", "processes/" + goal + ".json", "filings.json", "term-rules.json", "progress.json", archive.AuditName}
	for _, p := range procs[1:] {
		want = append(want, "appraisals/"+p+".json", "appraisals/"+p+".pdf", "processes/"+p+".json")
	}
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("the bundle lacks %s: %s", w, all)
		}
	}
	if f := archivetest.Read(t, b, "filings.json"); !strings.Contains(string(f), doc) || !strings.Contains(string(f), `"filed_by": "clerk"`) {
		t.Errorf("filings.json: %s", f)
	}
	if p := archivetest.Read(t, b, "processes/"+goal+".json"); !strings.Contains(string(p), "指标偏低") || !strings.Contains(string(p), "指标符合实际") {
		t.Errorf("the objection and its resolution are not in the goal setting's file: %s", p)
	}
	if pdf := archivetest.Read(t, b, "appraisals/"+procs[1]+".pdf"); !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("the registration form is not a PDF: %.20q", pdf)
	}
	heads := map[string]int64{}
	for _, h := range rep.Manifest.Chains {
		heads[h.Chain] = h.Seq
	}
	for _, p := range procs {
		if heads[p] < 5 {
			t.Errorf("the chain of %s in the bundle: %v", p, heads)
		}
	}

	// Three copies, each changed in one place.
	for _, c := range []struct{ what, file, reason string }{
		{"a byte of a PDF", "appraisals/" + procs[2] + ".pdf", "appraisals/" + procs[2] + ".pdf: changed"},
		{"an audit row", archive.AuditName, archive.AuditName + ": changed"},
		{"the manifest", archive.ManifestName, archive.ManifestName + ": the signature does not verify"},
	} {
		copyOf := archivetest.Rewrite(t, b, func(name string, d []byte) []byte {
			switch {
			case name != c.file:
			case name == archive.AuditName:
				return bytes.Replace(d, []byte(`"action":"filed"`), []byte(`"action":"filez"`), 1)
			case name == archive.ManifestName:
				return bytes.Replace(d, []byte(`"key_id"`), []byte(` "key_id"`), 1)
			default:
				d[len(d)/2] ^= 1
			}
			return d
		})
		if bytes.Equal(copyOf, b) {
			t.Fatalf("%s: the copy is unchanged", c.what)
		}
		got := archive.Verify(bytes.NewReader(copyOf), int64(len(copyOf)), trusted)
		if got.OK() || !strings.Contains(strings.Join(got.Problems, "\n"), c.reason) {
			t.Errorf("%s: want %q, got %q", c.what, c.reason, got.Problems)
		}
	}
	_, otherPublic, _ := archive.NewSigner("2026")
	_, other, _ := archive.ParsePublicKey(otherPublic)
	if rep := archive.Verify(bytes.NewReader(b), int64(len(b)), map[string]ed25519.PublicKey{"e2e": other}); rep.OK() {
		t.Fatal("a bundle verified with another key")
	}

	// On demand: a second file, audited as the first.
	r := s.must(201, "admin", "POST", base, nil)
	if r.body["name"] == info["name"] || r.body["occasion"] != nil {
		t.Errorf("the bundle on demand: %v", r.body)
	}
	if n := count(s.auditActions(""), "archive_written"); n != 2 {
		t.Errorf("archive_written audited %d times", n)
	}
	s.saveHistory(t, procs[3], "appraisal_term_end_archived")
}
