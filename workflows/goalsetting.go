package workflows

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"termgoal"
	"termgoal/activities"
)

// GoalSettingState is what goal setting and an amendment add to the process state: the
// consultation's opinions, the experts' reviews, the committee's votes, and the submission a
// drafter may still withdraw.
type GoalSettingState struct {
	Opinions    []termgoal.Opinion `json:"opinions"`
	Consulted   []int64            `json:"consulted"` // consultees who gave an opinion
	Reviews     []termgoal.Review  `json:"reviews"`
	VoteRound   int                `json:"vote_round"`
	Votes       []termgoal.Vote    `json:"votes"`
	LastTally   *termgoal.Tally    `json:"last_tally,omitempty"`
	SubmittedAt time.Time          `json:"submitted_at"` // the last draft submission: the withdrawal window counts from it
	Acted       bool               `json:"acted"`        // someone acted on the plan since it was submitted
}

// GoalSetting runs the goal-setting process of one term (P2): draft, consultation, expert
// review, committee vote, superior approval, congress, public notice, filing and pledges.
func GoalSetting(ctx workflow.Context, in GoalSettingInput) (GoalResult, error) {
	w := goalFlow{newRun(ctx, in.State)}
	w.flow = w
	if err := w.register(ctx); err != nil {
		return GoalResult{}, err
	}
	if w.s == nil {
		s, err := newGoalState(ctx, in)
		if err != nil {
			return GoalResult{}, err
		}
		if err := w.start(ctx, s, &in.Initiator, map[string]any{"deadline_on": s.DeadlineOn.Format(time.DateOnly), "kind": s.Kind, "reason": in.Reason}); err != nil {
			return GoalResult{}, err
		}
	}
	return w.loop(ctx)
}

// newGoalState snapshots the term and its template: editing the template later never changes
// a running process.
func newGoalState(ctx workflow.Context, in GoalSettingInput) (*GoalState, error) {
	var info activities.StartInfo
	if err := workflow.ExecuteLocalActivity(withLocal(ctx), a.StartInfo, in.TermID).Get(ctx, &info); err != nil {
		return nil, err
	}
	var holders []termgoal.Actor
	if err := workflow.ExecuteLocalActivity(withLocal(ctx), a.Assignees, activities.AssigneesInput{TermID: in.TermID, Step: termgoal.StepDraft}).Get(ctx, &holders); err != nil {
		return nil, err
	}
	months := info.Template.DeadlineMonths
	if months == 0 {
		months = 2
	}
	s := &GoalState{
		ProcessID:  workflow.GetInfo(ctx).WorkflowExecution.ID,
		Kind:       KindGoalSetting,
		TermID:     in.TermID,
		OrgID:      info.Term.OrgID,
		OrgPath:    info.OrgPath,
		Holder:     info.Holder,
		Years:      info.Term.Years(),
		Template:   info.Template,
		Initiator:  in.Initiator,
		StartedAt:  workflow.Now(ctx),
		DeadlineOn: info.Term.Start.AddDate(0, months, 0),
		Holders:    holders,
		Round:      1,
		Applied:    map[string]ActionResult{},
	}
	if in.Amendment {
		// An amendment starts from the plan in force; its version numbers run on, and it is
		// due the template's months from today, not from the term's start.
		if info.InForce == nil {
			return nil, refusal(conflict("amendment.no_plan", "the term has no plan in force to amend"))
		}
		s.Kind, s.Template.Amendment = KindAmendment, true
		s.Items, s.Version = info.InForce.Items, info.LastVersion
		s.DeadlineOn = today(s.StartedAt).AddDate(0, months, 0)
	}
	return s, nil
}

// goalFlow is goal setting (P2) and amendments on the engine: the draft, the consultation,
// the expert review, the committee's vote, filing and pledges. The superior's decisions and
// the notice are the engine's.
type goalFlow struct{ *goalWF }

// register installs the engine's updates and goal setting's own.
func (w goalFlow) register(ctx workflow.Context) error {
	return errors.Join(
		w.registerEngine(ctx),
		decisions(w).register(ctx),
		notices(w).register(ctx),
		action(ctx, w.goalWF, UpdateSubmitDraft, checkSubmitDraft, w.submitDraft),
		action(ctx, w.goalWF, UpdateGiveOpinion, checkGiveOpinion, w.giveOpinion),
		action(ctx, w.goalWF, UpdateAnswerOpinion, checkAnswerOpinion, w.answerOpinion),
		action(ctx, w.goalWF, UpdateCompleteConsultation, w.checkCompleteConsultation, w.completeConsultation),
		action(ctx, w.goalWF, UpdateRevisePlan, checkRevisePlan, w.revisePlan),
		action(ctx, w.goalWF, UpdateReview, checkReview, w.review),
		action(ctx, w.goalWF, UpdateVote, checkVote, w.vote),
		action(ctx, w.goalWF, UpdateFile, checkFile, w.file),
		action(ctx, w.goalWF, UpdateSignPledges, checkSignPledges, w.signPledges),
	)
}

// Draft.

func checkSubmitDraft(s *GoalState, in SubmitDraftInput) error {
	if err := holderAt(s, in.Actor, termgoal.StepDraft); err != nil {
		return err
	}
	return termgoal.ValidateItems(in.Items, s.Years, s.Template.Categories)
}

func (w goalFlow) submitDraft(ctx workflow.Context, s *GoalState, in SubmitDraftInput) (*GoalState, ActionResult, error) {
	s.Version++
	s.Items = in.Items
	s.SubmittedAt, s.Acted = workflow.Now(ctx), false
	c := w.change(ctx, s, &in.Actor, "draft_submitted", map[string]any{"note": in.Note, "round": s.Round})
	c.PlanVersion = &termgoal.PlanVersion{TermID: s.TermID, Version: s.Version, Items: in.Items, Note: in.Note, Step: termgoal.StepDraft, Status: "draft"}
	w.closeTaskOf(s, &c, in.Actor.AccountID, "submitted")
	next, err := w.enter(ctx, s, c, s.Template.Next(termgoal.StepDraft))
	return next, ActionResult{}, err
}

// Consultation.

func checkGiveOpinion(s *GoalState, in GiveOpinionInput) error {
	switch err := inStep(s, termgoal.StepConsultation); {
	case err != nil:
		return err
	case slices.Contains(s.Consulted, in.Actor.AccountID):
		return conflict("consultation.already_given", "you have already given your opinion")
	case s.WindowOver:
		return conflict("consultation.closed", "the consultation window has closed")
	}
	if err := atStep(s, in.Actor, termgoal.StepConsultation); err != nil {
		return err
	}
	switch {
	case blank(in.Content):
		return invalid("consultation.content", "the opinion is empty")
	}
	return nil
}

func (w goalFlow) giveOpinion(ctx workflow.Context, s *GoalState, in GiveOpinionInput) (*GoalState, ActionResult, error) {
	op := termgoal.Opinion{Seq: len(s.Opinions) + 1, AuthorID: in.Actor.AccountID, AuthorName: in.Actor.Name, Content: in.Content, At: workflow.Now(ctx)}
	s.Opinions = append(s.Opinions, op)
	s.Consulted = append(s.Consulted, in.Actor.AccountID)
	s.openSigner(in.Actor.AccountID).Status = signerDone
	c := w.change(ctx, s, &in.Actor, "opinion_given", map[string]any{"seq": op.Seq})
	c.Opinion = &op
	w.tellHolders(ctx, s, "opinion_received", map[string]any{"actor": in.Actor.Name})
	w.closeTaskOf(s, &c, in.Actor.AccountID, "opinion_given")
	// Everyone asked has answered: no need to wait for the window's end.
	s.WindowOver = !s.pending()
	return s, ActionResult{Seq: op.Seq}, w.apply(ctx, s, c)
}

func checkAnswerOpinion(s *GoalState, in AnswerOpinionInput) error {
	if err := holderAt(s, in.Actor, termgoal.StepConsultation); err != nil {
		return err
	}
	switch {
	case in.Seq < 1 || in.Seq > len(s.Opinions):
		return termgoal.Errorf(termgoal.ENOTFOUND, "consultation.no_opinion", fmt.Sprintf("there is no opinion %d", in.Seq), "seq", in.Seq)
	case s.Opinions[in.Seq-1].Disposition != "":
		return conflict("consultation.already_answered", fmt.Sprintf("opinion %d is already answered", in.Seq), "seq", in.Seq)
	case !in.Disposition.Valid():
		return invalid("consultation.disposition", "the answer must be adopted, partly adopted or not adopted")
	case in.Disposition != termgoal.Adopted && blank(in.Reason):
		return invalid("consultation.reason", "say why the opinion is not (fully) adopted")
	}
	return nil
}

func (w goalFlow) answerOpinion(ctx workflow.Context, s *GoalState, in AnswerOpinionInput) (*GoalState, ActionResult, error) {
	op := &s.Opinions[in.Seq-1]
	op.Disposition, op.Reason = in.Disposition, in.Reason
	c := w.change(ctx, s, &in.Actor, "opinion_answered", map[string]any{"seq": in.Seq, "disposition": string(in.Disposition)})
	answered := *op
	c.Opinion = &answered
	return s, ActionResult{Seq: in.Seq}, w.apply(ctx, s, c)
}

// checkCompleteConsultation lets the holder end the consultation once its window is over,
// every opinion is answered and (from the "revise-adopted" version on) every adopted opinion
// is in a revised plan.
func (w goalFlow) checkCompleteConsultation(s *GoalState, in CompleteConsultationInput) error {
	if err := holderAt(s, in.Actor, termgoal.StepConsultation); err != nil {
		return err
	}
	if !s.WindowOver {
		return conflict("consultation.window_open", fmt.Sprintf("the consultation is open until %s or until everyone asked has answered", s.StepDueOn.Format("2006-01-02")), "due", s.StepDueOn.Format("2006-01-02"))
	}
	for _, op := range s.Opinions {
		if op.Disposition == "" {
			return conflict("consultation.unanswered", fmt.Sprintf("opinion %d has no answer yet", op.Seq), "seq", op.Seq)
		}
	}
	if seqs := termgoal.ToRevise(s.Opinions); w.revise && len(seqs) > 0 {
		return conflict("consultation.revision_needed", fmt.Sprintf("opinion %d was adopted: revise the plan first", seqs[0]), "seq", seqs[0])
	}
	return nil
}

// checkRevisePlan lets the drafter revise the plan during the consultation once an opinion
// is adopted (or partly) that no version has taken in yet.
func checkRevisePlan(s *GoalState, in RevisePlanInput) error {
	if err := holderAt(s, in.Actor, termgoal.StepConsultation); err != nil {
		return err
	}
	if len(termgoal.ToRevise(s.Opinions)) == 0 {
		return conflict("consultation.nothing_to_revise", "no adopted opinion waits for a revision")
	}
	return termgoal.ValidateItems(in.Items, s.Years, s.Template.Categories)
}

// revisePlan makes the new plan version the adopted opinions led to; the opinions record it
// and their authors are told, so they can see the change marked against the version they read.
func (w goalFlow) revisePlan(ctx workflow.Context, s *GoalState, in RevisePlanInput) (*GoalState, ActionResult, error) {
	seqs := termgoal.ToRevise(s.Opinions)
	s.Version++
	s.Items = in.Items
	c := w.change(ctx, s, &in.Actor, "plan_revised", map[string]any{"seqs": seqs, "version": s.Version, "note": in.Note})
	c.PlanVersion = &termgoal.PlanVersion{TermID: s.TermID, Version: s.Version, Items: in.Items, Note: in.Note, Step: termgoal.StepConsultation, Status: "draft"}
	var authors []termgoal.Actor
	for _, seq := range seqs {
		op := &s.Opinions[seq-1]
		op.RevisedIn = s.Version
		c.Opinions = append(c.Opinions, *op)
		if !slices.ContainsFunc(authors, func(a termgoal.Actor) bool { return a.AccountID == op.AuthorID }) {
			authors = append(authors, termgoal.Actor{AccountID: op.AuthorID, Name: op.AuthorName})
		}
	}
	w.notify(ctx, s, "revised", authors, map[string]any{"actor": in.Actor.Name, "version": s.Version})
	return s, ActionResult{Seq: s.Version}, w.apply(ctx, s, c)
}

func (w goalFlow) completeConsultation(ctx workflow.Context, s *GoalState, in CompleteConsultationInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "consultation_completed", map[string]any{"opinions": len(s.Opinions)})
	w.closeTaskOf(s, &c, in.Actor.AccountID, "completed")
	next, err := w.enter(ctx, s, c, s.Template.Next(termgoal.StepConsultation))
	return next, ActionResult{}, err
}

// Expert review.

func checkReview(s *GoalState, in ReviewInput) error {
	if err := atStep(s, in.Actor, termgoal.StepExpertReview); err != nil {
		return err
	}
	for _, r := range s.Reviews {
		if r.AccountID == in.Actor.AccountID {
			return conflict("review.already_given", "you have already reviewed this plan")
		}
	}
	if blank(in.Comment) {
		return invalid("review.comment", "the review needs a comment")
	}
	return nil
}

func (w goalFlow) review(ctx workflow.Context, s *GoalState, in ReviewInput) (*GoalState, ActionResult, error) {
	r := termgoal.Review{AccountID: in.Actor.AccountID, Name: in.Actor.Name, Feasible: in.Feasible, Comment: in.Comment}
	s.Reviews = append(s.Reviews, r)
	c := w.change(ctx, s, &in.Actor, "expert_reviewed", map[string]any{"feasible": in.Feasible})
	c.Review = &r
	next, err := w.signed(ctx, s, c, in.Actor, signerDone, "reviewed")
	return next, ActionResult{}, err
}

// Committee.

func checkVote(s *GoalState, in VoteInput) error {
	if err := inStep(s, termgoal.StepCommittee); err != nil {
		return err
	}
	for _, v := range s.Votes {
		if v.AccountID == in.Actor.AccountID {
			return conflict("vote.already_cast", "you have already voted in this round")
		}
	}
	if err := atStep(s, in.Actor, termgoal.StepCommittee); err != nil {
		return err
	}
	if !in.Choice.Valid() {
		return invalid("vote.choice", "the vote must be for, against, abstain or recuse")
	}
	return nil
}

func (w goalFlow) vote(ctx workflow.Context, s *GoalState, in VoteInput) (*GoalState, ActionResult, error) {
	v := termgoal.Vote{Round: s.VoteRound, AccountID: in.Actor.AccountID, Name: in.Actor.Name, Choice: in.Choice}
	s.Votes = append(s.Votes, v)
	c := w.change(ctx, s, &in.Actor, "voted", map[string]any{"round": s.VoteRound})
	c.Vote = &v
	s.openSigner(in.Actor.AccountID).Status = signerDone
	w.closeTaskOf(s, &c, in.Actor.AccountID, "voted")
	if s.pending() {
		return s, ActionResult{}, w.apply(ctx, s, c)
	}
	next, err := w.tally(ctx, s, c)
	return next, ActionResult{}, err
}

// tally closes a vote round: without a quorum the committee votes again; a vote that fails
// sends the plan back to the draft.
func (w goalFlow) tally(ctx workflow.Context, s *GoalState, c termgoal.Change) (*GoalState, error) {
	choices := make([]termgoal.Choice, len(s.Votes))
	for i, v := range s.Votes {
		choices[i] = v.Choice
	}
	t := termgoal.CountVotes(len(s.seats()), choices)
	s.LastTally = &t
	c.Detail["tally"] = t
	next := s.Template.Next(termgoal.StepCommittee)
	switch {
	case !t.Quorum:
		c.Detail["result"] = "quorum_not_reached"
		next = termgoal.StepCommittee
	case !t.Passed:
		c.Detail["result"] = "vote_failed"
		next = termgoal.StepDraft
	default:
		c.Detail["result"] = "vote_passed"
	}
	return w.enter(ctx, s, c, next)
}

// Filing and pledges.

func checkFile(s *GoalState, in FileInput) error {
	if err := atStep(s, in.Actor, termgoal.StepFiling); err != nil {
		return err
	}
	if blank(in.DocNumber) {
		return invalid("filing.doc_number", "the filing needs a document number")
	}
	return nil
}

func (w goalFlow) file(ctx workflow.Context, s *GoalState, in FileInput) (*GoalState, ActionResult, error) {
	s.DocNumber = in.DocNumber
	c := w.change(ctx, s, &in.Actor, "filed", map[string]any{"doc_number": in.DocNumber})
	w.tellHolders(ctx, s, "filed", map[string]any{"doc_number": in.DocNumber})
	next, err := w.signed(ctx, s, c, in.Actor, signerDone, "filed")
	return next, ActionResult{}, err
}

func checkSignPledges(s *GoalState, in SignPledgesInput) error {
	if err := holderAt(s, in.Actor, termgoal.StepPledge); err != nil {
		return err
	}
	for _, p := range termgoal.Pledges {
		if !slices.Contains(in.Pledges, p) {
			return invalid("pledge.missing", fmt.Sprintf("the %s pledge is not signed", p), "pledge", p)
		}
	}
	return nil
}

func (w goalFlow) signPledges(ctx workflow.Context, s *GoalState, in SignPledgesInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "pledges_signed", map[string]any{"pledges": in.Pledges})
	w.closeTaskOf(s, &c, in.Actor.AccountID, "signed")
	next, err := w.enter(ctx, s, c, termgoal.StepInForce)
	return next, ActionResult{}, err
}

// The goal-setting steps' hooks in Steps.

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

// closeConsultation: consultees who did not answer lose their task; the holder still answers
// every opinion.
func closeConsultation(w *goalWF, ctx workflow.Context, s *GoalState) (*GoalState, error) {
	c := w.change(ctx, s, nil, "consultation_window_closed", nil)
	w.closeTasks(s, &c, func(t openTask) bool { return !isIn(s.Holders, t.AccountID) }, termgoal.TaskClosed, "window_closed")
	return s, w.apply(ctx, s, c)
}

func closeVote(w *goalWF, ctx workflow.Context, s *GoalState) (*GoalState, error) {
	return goalFlow{w}.tally(ctx, s, w.change(ctx, s, nil, "vote_window_closed", nil))
}

// enterInForce: the plan version the process approved comes into force.
func enterInForce(_ *goalWF, _ workflow.Context, s *GoalState, c *termgoal.Change, prev termgoal.Step) bool {
	c.InForce = true
	c.PlanVersion = &termgoal.PlanVersion{TermID: s.TermID, Version: s.Version, Items: s.Items, Step: prev, Status: "in_force"}
	return false
}

// A plan's notice tells nobody beyond the notice; an upheld objection sends the plan back to
// its first step.
func (w goalFlow) noticeOpened(workflow.Context, *GoalState) {}

func (w goalFlow) upheldTo(s *GoalState) termgoal.Step { return s.Template.Steps()[0] }
