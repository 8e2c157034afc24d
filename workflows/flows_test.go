package workflows_test

import (
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"

	"termgoal"
	"termgoal/workflows"
)

// engineUpdates are what every flow accepts: the task mechanism's operations and the
// administrators'.
var engineUpdates = []string{
	workflows.UpdateComment, workflows.UpdateTransfer, workflows.UpdateDelegate, workflows.UpdateAnswerDelegation,
	workflows.UpdateRecallDelegation, workflows.UpdateAddSigner, workflows.UpdateRemoveSigner, workflows.UpdateWithdraw,
	workflows.UpdateCopy, workflows.UpdateUrge, workflows.UpdateClaim, workflows.UpdateUnclaim,
	workflows.UpdateReassign, workflows.UpdateExtend, workflows.UpdateMoveTo, workflows.UpdateCancel,
	workflows.UpdateRemind, workflows.UpdateResync,
}

var (
	decisionUpdates  = []string{workflows.UpdateApprove, workflows.UpdateReturn, workflows.UpdateReject}
	objectionUpdates = []string{workflows.UpdateFileObjection, workflows.UpdateResolveObjection}
)

// Each flow registers the engine's updates and only its own (issue 28): an update another
// flow accepts is unknown to it.
func TestEachFlowRegistersOnlyItsUpdates(t *testing.T) {
	fx := newFixture(t, appraisalTemplate())
	inForce(t, fx, monday.AddDate(0, -2, 0))
	for _, c := range []struct {
		name string
		id   string
		wf   any
		in   any
		own  []string
	}{
		{"goal setting", "gs-flow", workflows.GoalSetting, workflows.GoalSettingInput{TermID: fx.term.ID, Initiator: fx.actors["sup"]},
			slices.Concat(decisionUpdates, objectionUpdates, []string{workflows.UpdateSubmitDraft, workflows.UpdateGiveOpinion,
				workflows.UpdateAnswerOpinion, workflows.UpdateCompleteConsultation, workflows.UpdateRevisePlan, workflows.UpdateReview,
				workflows.UpdateVote, workflows.UpdateFile, workflows.UpdateSignPledges})},
		{"appraisal", "ap-flow", workflows.Appraisal, workflows.AppraisalInput{TermID: fx.term.ID, Year: 2026, Initiator: termgoal.System},
			slices.Concat(objectionUpdates, []string{workflows.UpdateSelfAssess, workflows.UpdateScore, workflows.UpdateCastBallot,
				workflows.UpdateCloseScoring, workflows.UpdateDetermine, workflows.UpdateAcknowledge, workflows.UpdateAppeal,
				workflows.UpdateDecideAppeal})},
		{"report", "rp-flow", workflows.Report, workflows.ReportInput{TermID: fx.term.ID, Kind: termgoal.ProgressMidYear, Year: 2027, Period: "2027-H1", Elapsed: 0.5, Initiator: termgoal.System},
			slices.Concat(decisionUpdates, objectionUpdates, []string{workflows.UpdateReport})},
	} {
		want := slices.Sorted(slices.Values(slices.Concat(engineUpdates, c.own)))
		if got := knownUpdates(t, fx, c.id, c.wf, c.in); !slices.Equal(got, want) {
			t.Errorf("%s registers\n%v\nwant\n%v", c.name, got, want)
		}
	}
}

// knownUpdates starts workflow wf and lists the updates it registers, as Temporal names them
// when it refuses an unknown one.
func knownUpdates(t *testing.T, fx *fixture, id string, wf, in any) []string {
	t.Helper()
	env := newEnv(fx, monday)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: id})
	var known []string
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow("no_such_update", "u1", &testsuite.TestUpdateCallback{
			OnAccept:   func() { t.Errorf("%s accepted an unknown update", id) },
			OnComplete: func(any, error) {},
			OnReject: func(err error) {
				_, list, ok := strings.Cut(err.Error(), "KnownUpdates=[")
				if !ok {
					t.Errorf("%s refused an unknown update with %v", id, err)
					return
				}
				known = slices.Sorted(slices.Values(strings.Fields(strings.TrimSuffix(list, "]"))))
			},
		}, nil)
	}, at(1))
	env.RegisterDelayedCallback(env.CancelWorkflow, at(2))
	env.ExecuteWorkflow(wf, in)
	return known
}
