package e2e

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"strings"
	"testing"

	"termgoal"
	"termgoal/app"
	"termgoal/archive"
	"termgoal/workflows"
)

// TestTermArchiveBundle writes the archive bundle of a term whose plan is in force and whose
// annual appraisal was scored and decided on a real Temporal server: it verifies with the
// published key and holds the term, the plan, both processes and their audit chains in full;
// the same bundle under another key's trust is refused.
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

	secret, public, err := archive.NewSigner("2026")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := archive.ParseSigner(secret)
	id, pub, _ := archive.ParsePublicKey(public)
	ops := app.New(app.Service{Store: s.store})
	var b bytes.Buffer
	sum, err := ops.WriteTermArchive(context.Background(), termgoal.Actor{Name: "test"}, &b, term, signer, "")
	if err != nil {
		t.Fatal(err)
	}
	rep := archive.Verify(bytes.NewReader(b.Bytes()), int64(b.Len()), map[string]ed25519.PublicKey{id: pub})
	if !rep.OK() || rep.ManifestSHA256 != sum {
		t.Fatalf("the bundle: %v (%s, want %s)", rep.Problems, rep.ManifestSHA256, sum)
	}
	var names []string
	for _, f := range rep.Manifest.Files {
		names = append(names, f.Name)
	}
	list := strings.Join(names, " ")
	for _, want := range []string{"term.json", "plans/v1.json", "processes/" + workflows.GoalSettingID(term) + ".json", "appraisals/" + p + ".json", "progress.json", archive.AuditName} {
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
	if rep := archive.Verify(bytes.NewReader(b.Bytes()), int64(b.Len()), map[string]ed25519.PublicKey{id: other}); rep.OK() {
		t.Fatal("a bundle verified with another key")
	}
	if n := count(s.auditActions(""), "archive_written"); n != 1 {
		t.Errorf("archive_written audited %d times", n)
	}
}
