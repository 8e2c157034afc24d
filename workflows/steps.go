package workflows

import (
	"slices"

	"go.temporal.io/sdk/workflow"

	"termgoal"
)

// Actors says who acts on a step.
type Actors string

const (
	// ActHolders: the process's holders (and whoever drafts for them).
	ActHolders Actors = "holders"
	// ActAssigned: whoever holds the step's role over the org (T2), never the holder; the process
	// administrators when nobody does, with the reason no_assignee in the audit log.
	ActAssigned Actors = "assigned"
	// ActConsultees: as ActAssigned, but nobody to consult is no fault: the window closes at once.
	ActConsultees Actors = "consultees"
	// ActReviewer: as ActAssigned, less whoever decided the result (an appeal's second look).
	ActReviewer Actors = "reviewer"
	// ActRaters: the members of the rater groups; the process administrators when there are
	// none and no anonymous ballots.
	ActRaters Actors = "raters"
)

// StepRule describes one step: who acts, the task they get (its actions, operations and form are
// its TaskKind), the window, and what happens on entry and when the window ends. Each step's
// rules are here and only here; the order of the steps is the template's (termgoal.Template).
type StepRule struct {
	Step   termgoal.Step `json:"step"`
	Actors Actors        `json:"actors,omitempty"`
	// Kind is the task each actor gets on entry ("": none).
	Kind string `json:"task_kind,omitempty"`
	// Window: the step stays open until the end of its due date (a durable timer) whoever has
	// acted; closeWindow says what happens then.
	Window bool `json:"window,omitempty"`
	// ByDeadline: due by the process's own deadline, not after the template's working days.
	ByDeadline bool `json:"by_deadline,omitempty"`
	// Ends is the process's status when it ends here ("": it goes on).
	Ends string `json:"ends,omitempty"`
	// enter prepares the state on entry, once the step's signers are resolved and before their
	// tasks open (on an end step: before the last write). true: nothing to wait for, go on to
	// the template's next step.
	enter func(w *goalWF, ctx workflow.Context, s *GoalState, c *termgoal.Change, prev termgoal.Step) bool
	// closeWindow is what happens when the window ends.
	closeWindow func(w *goalWF, ctx workflow.Context, s *GoalState) (*GoalState, error)
	// signers resolves who acts when the flow does it itself (the scoring's rater groups).
	signers func(w *goalWF, ctx workflow.Context, s *GoalState, c *termgoal.Change) ([]Signer, error)
}

// Steps describes every step. It is filled in init: its hooks call back into the engine,
// which reads it.
var Steps []StepRule

func init() {
	Steps = []StepRule{
		// Goal setting (P2) and amendments.
		{Step: termgoal.StepDraft, Actors: ActHolders, Kind: TaskDraft, ByDeadline: true, enter: enterDraft},
		{Step: termgoal.StepConsultation, Actors: ActConsultees, Kind: TaskOpinion, Window: true, enter: enterConsultation, closeWindow: closeConsultation},
		{Step: termgoal.StepExpertReview, Actors: ActAssigned, Kind: TaskReview, enter: enterExpertReview},
		{Step: termgoal.StepCommittee, Actors: ActAssigned, Kind: TaskVote, Window: true, enter: enterCommittee, closeWindow: closeVote},
		{Step: termgoal.StepApproval, Actors: ActAssigned, Kind: TaskApprove},
		{Step: termgoal.StepCongress, Actors: ActAssigned, Kind: TaskApprove},
		// Superiors act on the notice only when an objection comes in (a resolve task).
		{Step: termgoal.StepNotice, Actors: ActAssigned, Window: true, enter: enterNotice, closeWindow: closeNotice},
		{Step: termgoal.StepFiling, Actors: ActAssigned, Kind: TaskFile},
		{Step: termgoal.StepPledge, Actors: ActHolders, Kind: TaskPledge},
		{Step: termgoal.StepInForce, Ends: "completed", enter: enterInForce},
		{Step: termgoal.StepCancelled, Ends: "cancelled"},
		{Step: termgoal.StepRejected, Ends: "rejected"},
		// Appraisals (A1–A6).
		{Step: termgoal.StepSelfAssessment, Actors: ActHolders, Kind: TaskSelfAssess},
		{Step: termgoal.StepScoring, Actors: ActRaters, Kind: TaskScore, Window: true, enter: enterScoring, closeWindow: closeBallots, signers: scoringSigners},
		{Step: termgoal.StepResult, Actors: ActAssigned, Kind: TaskDetermine, enter: enterResult},
		{Step: termgoal.StepFeedback, Actors: ActHolders, Kind: TaskFeedback, Window: true, closeWindow: closeAppeals},
		{Step: termgoal.StepAppealReview, Actors: ActReviewer, Kind: TaskAppealReview},
		{Step: termgoal.StepArchived, Ends: "completed"},
		// Progress reports, self-checks and rectifications (P7).
		{Step: termgoal.StepReport, Actors: ActHolders, Kind: TaskReport, ByDeadline: true},
		{Step: termgoal.StepCheck, Actors: ActAssigned, Kind: TaskApprove},
		{Step: termgoal.StepCompleted, Ends: "completed"},
	}
}

// StepRuleOf describes step; a step the table lacks is acted on by its assignees, with no task.
func StepRuleOf(step termgoal.Step) StepRule {
	i := slices.IndexFunc(Steps, func(r StepRule) bool { return r.Step == step })
	if i < 0 {
		return StepRule{Step: step, Actors: ActAssigned}
	}
	return Steps[i]
}

// stepTaskKind is the kind of task step gives its assignees ("": none).
func stepTaskKind(step termgoal.Step) string { return StepRuleOf(step).Kind }

func hasWindow(step termgoal.Step) bool { return StepRuleOf(step).Window }

func terminal(step termgoal.Step) bool { return StepRuleOf(step).Ends != "" }

// stepsOffering are the steps whose task offers operation op: where a signer may delegate
// (UpdateDelegate) or transfer (UpdateTransfer).
func stepsOffering(op string) []termgoal.Step {
	var steps []termgoal.Step
	for _, r := range Steps {
		if r.Kind != "" && slices.Contains(TaskKindOf(r.Kind).Ops, op) {
			steps = append(steps, r.Step)
		}
	}
	return steps
}

// stepsGiving are the steps whose actors get a task of kind.
func stepsGiving(kind string) []termgoal.Step {
	var steps []termgoal.Step
	for _, r := range Steps {
		if r.Kind == kind {
			steps = append(steps, r.Step)
		}
	}
	return steps
}

// signerSteps are the steps whose signers approve in a mode and may transfer, delegate and add
// signers; windowed steps (consultation, committee) only transfer.
func signerSteps() []termgoal.Step { return stepsOffering(UpdateDelegate) }
