package e2e

import (
	"context"
	"slices"
	"testing"

	"termgoal"
	"termgoal/workflows"
)

// An appraisal graded "not completed" starts a rectification report, its own flow: the holder
// reports, the superior returns it and then approves it; each flow refuses the other's
// actions. Their histories are stored for the replay test (issue 28).
func TestRectificationReportOverHTTP(t *testing.T) {
	s := start(t)
	s.setup()
	term := s.fillTerms(t, 1)[0]
	s.planInForce(t, term)
	p := s.startAppraisal(t, term)

	s.act("holder", p, workflows.UpdateSelfAssess, map[string]any{
		"items":   []map[string]any{{"no": 1, "actual": "0.2 万元"}, {"no": 2, "actual": "培训 1 次"}},
		"summary": "未完成", "proposed_grade": termgoal.GradeNotCompleted,
	}, "", 200)
	s.act("sup", p, workflows.UpdateScore, map[string]any{"scores": []map[string]any{{"no": 1, "score": 50}, {"no": 2, "score": 40}}}, "", 200)
	s.act("sup", p, workflows.UpdateDetermine, map[string]any{"grade": termgoal.GradeNotCompleted}, "", 200)
	s.act("holder", p, workflows.UpdateReport, map[string]any{"summary": "x"}, "", 409) // not an appraisal's action
	s.act("admin", p, workflows.UpdateMoveTo, map[string]any{"step": termgoal.StepFeedback, "reason": "公示期满"}, "", 200)
	s.act("holder", p, workflows.UpdateAcknowledge, map[string]any{}, "", 200)

	f := workflows.FollowUpID(p)
	waitFor(t, func() bool { return len(s.inbox("holder", f)) == 1 })
	s.expectInbox("holder", f, workflows.TaskReport)
	s.act("holder", f, workflows.UpdateSelfAssess, map[string]any{"summary": "x"}, "", 409) // not a report's action
	s.act("holder", f, workflows.UpdateReport, map[string]any{}, "", 422)
	s.act("holder", f, workflows.UpdateReport, map[string]any{"summary": "已整改：集体经济台账补齐"}, "", 200)
	s.expectInbox("sup", f, workflows.TaskApprove)
	s.act("sup", f, workflows.UpdateReturn, map[string]any{"comment": "补充凭证"}, "", 200)
	s.expectInbox("holder", f, workflows.TaskReport)
	s.act("holder", f, workflows.UpdateReport, map[string]any{"summary": "已补充凭证"}, "", 200)
	s.act("sup", f, workflows.UpdateApprove, map[string]any{}, "", 200)

	ctx := context.Background()
	if pr, err := s.store.Process(ctx, f); err != nil || pr.Step != termgoal.StepCompleted || pr.Status != "completed" {
		t.Fatalf("the rectification report after the approval: %+v, %v", pr, err)
	}
	if err := s.client.GetWorkflow(ctx, f, "").Get(ctx, nil); err != nil {
		t.Errorf("the report workflow ended with %v", err)
	}
	want := []string{"started", "report_submitted", "returned", "report_submitted", "approved"}
	if got := s.auditActions(f); !slices.Equal(got, want) {
		t.Errorf("the report's audit %v, want %v", got, want)
	}
	s.saveHistory(t, p, "appraisal_rectified")
	s.saveHistory(t, f, "report_rectify_checked")
}
