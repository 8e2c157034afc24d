package workflows_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"termgoal"
	"termgoal/postgres"
	"termgoal/workflows"
)

// When Temporal suggests it, the run continues as new, within a step too, and carries its
// whole state, including the update IDs already applied: the same key sent to the new run
// answers the first result and applies nothing.
func TestContinueAsNewCarriesState(t *testing.T) {
	fx := newFixture(t, termgoal.Template{})
	submit := act{at: at(1), id: "draft-key", who: "holder", name: workflows.UpdateSubmitDraft, input: &workflows.SubmitDraftInput{Items: items("稿")}}
	_, err := playInput(t, fx, monday, []act{submit}, workflows.GoalSettingInput{TermID: fx.term.ID, Initiator: fx.actors["sup"]},
		func(env *testsuite.TestWorkflowEnvironment) {
			// Suggested once the draft is in: the run is at the committee's vote, which has a
			// window of days, and continues as new at once.
			env.RegisterDelayedCallback(func() { env.SetContinueAsNewSuggested(true) }, at(1)+time.Minute)
		})
	var can *workflow.ContinueAsNewError
	if !errors.As(err, &can) {
		t.Fatalf("want continue-as-new, got %v", err)
	}
	var next workflows.GoalSettingInput
	must(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	if next.State == nil || next.State.Step != termgoal.StepCommittee || next.State.Version != 1 {
		t.Fatalf("carried state = %+v", next.State)
	}
	if _, ok := next.State.Applied["draft-key"]; !ok {
		t.Fatal("the applied update ID was not carried")
	}

	again := submit
	again.at = at(2)
	vote := act{at: at(3), who: "m1", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}}
	check := act{at: at(4), check: func(t *testing.T, s *workflows.GoalState) {
		if s.Version != 1 || len(s.Votes) != 1 {
			t.Errorf("version %d votes %d", s.Version, len(s.Votes))
		}
	}}
	if _, err := playInput(t, fx, monday, []act{again, vote, check}, next, nil); err != errNotCompleted {
		t.Fatal(err)
	}
	audit, _, err := fx.store.Audit(context.Background(), postgres.AuditFilter{ProcessID: workflows.GoalSettingID(fx.term.ID), Limit: 50})
	must(t, err)
	drafts := 0
	for _, a := range audit {
		if a.Action == "draft_submitted" {
			drafts++
		}
	}
	if drafts != 1 {
		t.Errorf("draft_submitted %d times", drafts)
	}
}
