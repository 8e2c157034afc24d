package workflows_test

import (
	"context"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"

	"termgoal"
	"termgoal/workflows"
)

// A plan amendment (目标调整): once the plan is in force, the holder drafts a change for a
// reason, the superior approves it, the new version comes into force and the old one is
// superseded; every version is kept.
func TestPlanAmendment(t *testing.T) {
	fx := newFixture(t, termgoal.Template{Consultation: true})
	// Goal setting first, straight through.
	acts := append([]act{draft(1, "集体经济")}, through(2)[:5]...)
	for i, m := range []string{"m1", "m2", "m3"} {
		acts = append(acts, act{at: at(10 + i), who: m, name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}})
	}
	acts = append(acts, approve(at(20), "sup", ""))
	acts = append(acts, finish(day(8))...)
	res, err := play(t, fx, monday, acts)
	must(t, err)
	if res.Step != termgoal.StepInForce {
		t.Fatalf("goal setting ended at %s", res.Step)
	}

	amended := items("集体经济（调整）")
	amended[0].Weight, amended[1].Weight = 70, 30
	id := workflows.AmendmentID(fx.term.ID, 1)
	steps := []act{
		{at: at(1), check: func(t *testing.T, s *workflows.GoalState) {
			if s.Kind != workflows.KindAmendment || s.Step != termgoal.StepDraft || s.Version != 1 || len(s.Items) != 2 {
				t.Errorf("amendment starts at %s, version %d, %d items", s.Step, s.Version, len(s.Items))
			}
		}},
		{at: at(2), who: "holder", name: workflows.UpdateSubmitDraft, input: &workflows.SubmitDraftInput{Items: amended, Note: "上级政策调整"}},
		{at: at(3), check: stepIs(termgoal.StepApproval)},
		approve(at(4), "sup", ""),
	}
	res, err = playInput(t, fx, monday.AddDate(0, 1, 0), steps,
		workflows.GoalSettingInput{TermID: fx.term.ID, Initiator: fx.actors["holder"], Amendment: true, Reason: "不可预见因素"},
		func(env *testsuite.TestWorkflowEnvironment) {
			env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: id})
		})
	must(t, err)
	if res.Step != termgoal.StepInForce || res.Version != 2 {
		t.Fatalf("amendment result %+v", res)
	}
	ctx := context.Background()
	versions, err := fx.store.PlanVersions(ctx, fx.term.ID)
	must(t, err)
	if len(versions) != 2 || versions[0].Version != 2 || versions[0].Status != "in_force" || versions[1].Status != "superseded" || versions[0].Items[0].Weight != 70 {
		t.Errorf("versions = %+v", versions)
	}
	p, err := fx.store.Process(ctx, id)
	must(t, err)
	if p.Kind != workflows.KindAmendment || p.Status != "completed" {
		t.Errorf("amendment process %s %s", p.Kind, p.Status)
	}
}
