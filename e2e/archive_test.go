package e2e

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"strings"
	"testing"

	"termgoal"
	"termgoal/archive"
	"termgoal/workflows"
)

// TestTermArchiveBundle: an administrator writes, over the API, the archive bundle of a term
// whose plan is in force and whose annual appraisal was scored and decided on a real Temporal
// server, and downloads it: it verifies with the published key and holds the term, the plan
// (JSON and the PDF Chromium prints), both processes and their audit chains in full; under
// another key's trust it is refused.
func TestTermArchiveBundle(t *testing.T) {
	s := start(t)
	s.setup()
	term := s.fillTerms(t, 1)[0]
	s.planInForce(t, term)
	p := s.startAppraisal(t, term)
	s.act("holder", p, workflows.UpdateSelfAssess, map[string]any{
		"items":   []map[string]any{{"no": 1, "actual": "1.2 万元", "evidence": "账目"}, {"no": 2, "actual": "培训 4 次", "evidence": "签到表"}},
		"summary": "全年目标基本完成", "proposed_grade": termgoal.GradeCompleted,
	}, "", 200)
	s.expectInbox("sup", p, "score")
	s.act("sup", p, workflows.UpdateScore, map[string]any{"scores": []map[string]any{{"no": 1, "score": 90}, {"no": 2, "score": 80}}, "comment": "基本完成"}, "", 200)
	s.expectInbox("sup", p, "determine")
	s.act("sup", p, workflows.UpdateDetermine, map[string]any{"grade": termgoal.GradeBasicallyCompleted}, "", 200)
	s.expectLastAudit(p, "result_determined")

	// An administrator writes the bundle and downloads it.
	base := fmt.Sprintf("/api/v1/terms/%d/archives", term)
	r := s.must(201, "admin", "POST", base, nil)
	name, sum := fmt.Sprint(r.body["name"]), fmt.Sprint(r.body["manifest_sha256"])
	dl := s.do("admin", "GET", base+"/"+name, nil, "")
	if dl.status != 200 {
		t.Fatalf("download: %d", dl.status)
	}
	b := bytes.NewBuffer(dl.raw)
	rep := archive.Verify(bytes.NewReader(b.Bytes()), int64(b.Len()), map[string]ed25519.PublicKey{"e2e": s.archiveKey})
	if !rep.OK() || rep.ManifestSHA256 != sum {
		t.Fatalf("the bundle: %v (%s, want %s)", rep.Problems, rep.ManifestSHA256, sum)
	}
	var names []string
	for _, f := range rep.Manifest.Files {
		names = append(names, f.Name)
	}
	list := strings.Join(names, " ")
	for _, want := range []string{"term.json", "plans/v1.json", "plans/v1.pdf", "processes/" + workflows.GoalSettingID(term) + ".json", "appraisals/" + p + ".json", "progress.json", archive.AuditName} {
		if !strings.Contains(list, want) {
			t.Errorf("the bundle lacks %s: %s", want, list)
		}
	}
	heads := map[string]int64{}
	for _, h := range rep.Manifest.Chains {
		heads[h.Chain] = h.Seq
	}
	if heads[p] < 3 || heads[workflows.GoalSettingID(term)] < 1 {
		t.Errorf("the chains in the bundle: %v", heads)
	}
	_, otherPublic, _ := archive.NewSigner("2026")
	_, other, _ := archive.ParsePublicKey(otherPublic)
	if rep := archive.Verify(bytes.NewReader(b.Bytes()), int64(b.Len()), map[string]ed25519.PublicKey{"e2e": other}); rep.OK() {
		t.Fatal("a bundle verified with another key")
	}
	if n := count(s.auditActions(""), "archive_written"); n != 1 {
		t.Errorf("archive_written audited %d times", n)
	}
}
