package workflows

import (
	"slices"
	"time"

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
	// tasks open. true: nothing to wait for, go on to the template's next step.
	enter func(w *goalWF, ctx workflow.Context, s *GoalState, c *termgoal.Change, prev termgoal.Step) bool
	// closeWindow is what happens when the window ends.
	closeWindow func(w *goalWF, ctx workflow.Context, s *GoalState) (*GoalState, error)
}

// Steps describes every step. It is filled in init: its hooks call back into the engine,
// which reads it.
var Steps []StepRule

func init() {
	Steps = []StepRule{
		// Goal setting (P2) and amendments.
		{Step: termgoal.StepDraft, Actors: ActHolders, Kind: TaskDraft, ByDeadline: true, enter: enterDraft},
		{Step: termgoal.StepConsultation, Actors: ActConsultees, Kind: TaskOpinion, Window: true, enter: enterConsultation, closeWindow: (*goalWF).closeConsultation},
		{Step: termgoal.StepExpertReview, Actors: ActAssigned, Kind: TaskReview, enter: enterExpertReview},
		{Step: termgoal.StepCommittee, Actors: ActAssigned, Kind: TaskVote, Window: true, enter: enterCommittee, closeWindow: (*goalWF).closeVote},
		{Step: termgoal.StepApproval, Actors: ActAssigned, Kind: TaskApprove},
		{Step: termgoal.StepCongress, Actors: ActAssigned, Kind: TaskApprove},
		// Superiors act on the notice only when an objection comes in (a resolve task).
		{Step: termgoal.StepNotice, Actors: ActAssigned, Window: true, enter: (*goalWF).enterNotice, closeWindow: (*goalWF).closeNotice},
		{Step: termgoal.StepFiling, Actors: ActAssigned, Kind: TaskFile},
		{Step: termgoal.StepPledge, Actors: ActHolders, Kind: TaskPledge},
		{Step: termgoal.StepInForce, Ends: "completed"},
		{Step: termgoal.StepCancelled, Ends: "cancelled"},
		{Step: termgoal.StepRejected, Ends: "rejected"},
		// Appraisals (A1–A6).
		{Step: termgoal.StepSelfAssessment, Actors: ActHolders, Kind: TaskSelfAssess},
		{Step: termgoal.StepScoring, Actors: ActRaters, Kind: TaskScore, Window: true, enter: enterScoring, closeWindow: (*goalWF).closeBallots},
		{Step: termgoal.StepResult, Actors: ActAssigned, Kind: TaskDetermine, enter: enterResult},
		{Step: termgoal.StepFeedback, Actors: ActHolders, Kind: TaskFeedback, Window: true, closeWindow: (*goalWF).closeAppeals},
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

func enterDraft(_ *goalWF, _ workflow.Context, s *GoalState, _ *termgoal.Change, prev termgoal.Step) bool {
	if prev != "" {
		s.Round++
	}
	return false
}

func enterConsultation(w *goalWF, _ workflow.Context, s *GoalState, c *termgoal.Change, _ termgoal.Step) bool {
	s.Opinions, s.Consulted = nil, nil
	// The holder answers the opinions while they come in.
	w.openTasks(s, c, s.Holders, TaskAnswer)
	s.WindowOver = len(s.Signers) == 0
	return false
}

func enterExpertReview(_ *goalWF, _ workflow.Context, s *GoalState, _ *termgoal.Change, _ termgoal.Step) bool {
	s.Reviews = nil
	return false
}

func enterCommittee(_ *goalWF, _ workflow.Context, s *GoalState, _ *termgoal.Change, _ termgoal.Step) bool {
	s.VoteRound++
	s.Votes = nil
	return false
}

func (w *goalWF) enterNotice(ctx workflow.Context, s *GoalState, c *termgoal.Change, _ termgoal.Step) bool {
	s.NoticeRound++
	s.NoticeStarts, s.NoticeEndsOn = today(workflow.Now(ctx)), s.StepDueOn
	c.Notice = w.notice(s, "open")
	if s.Appraisal != nil && s.Appraisal.Result != nil {
		w.tellHolders(ctx, s, "result_published", map[string]any{"grade": s.Appraisal.Result.Grade, "due_on": s.StepDueOn.Format(time.DateOnly)})
	}
	return false
}

// enterScoring: named raters score until they are done; anonymous ballots come in until the
// due date. With only the holder's own score to count (a self group alone) nothing is awaited.
func enterScoring(_ *goalWF, _ workflow.Context, s *GoalState, _ *termgoal.Change, _ termgoal.Step) bool {
	s.WindowOver = !s.Template.AppraisalConfig().HasBallots()
	return !s.pending() && s.WindowOver
}

func enterResult(_ *goalWF, _ workflow.Context, s *GoalState, c *termgoal.Change, _ termgoal.Step) bool {
	s.Appraisal.RaterScore = s.raterScore()
	c.Detail["rater_score"] = s.Appraisal.RaterScore
	return false
}

// closeConsultation: consultees who did not answer lose their task; the holder still answers
// every opinion.
func (w *goalWF) closeConsultation(ctx workflow.Context, s *GoalState) (*GoalState, error) {
	c := w.change(ctx, s, nil, "consultation_window_closed", nil)
	w.closeTasks(s, &c, func(t openTask) bool { return !isIn(s.Holders, t.AccountID) }, termgoal.TaskClosed, "window_closed")
	return s, w.apply(ctx, s, c)
}

func (w *goalWF) closeVote(ctx workflow.Context, s *GoalState) (*GoalState, error) {
	return w.tally(ctx, s, w.change(ctx, s, nil, "vote_window_closed", nil))
}

func (w *goalWF) closeBallots(ctx workflow.Context, s *GoalState) (*GoalState, error) {
	return w.scoringMoved(ctx, s, w.change(ctx, s, nil, "ballot_window_closed", map[string]any{"ballots": len(s.Appraisal.Ballots)}))
}

// closeAppeals: nobody appealed in time, so the result stands and is archived.
func (w *goalWF) closeAppeals(ctx workflow.Context, s *GoalState) (*GoalState, error) {
	return w.enter(ctx, s, w.change(ctx, s, nil, "appeal_window_passed", nil), termgoal.StepArchived)
}

// closeNotice: the notice passes unless objections are still pending; they keep it open
// until resolved.
func (w *goalWF) closeNotice(ctx workflow.Context, s *GoalState) (*GoalState, error) {
	if n := pendingObjections(s); n > 0 {
		return s, w.apply(ctx, s, w.change(ctx, s, nil, "notice_period_ended", map[string]any{"pending_objections": n}))
	}
	return w.enter(ctx, s, w.change(ctx, s, nil, "notice_passed", nil), s.Template.Next(s.Step))
}
