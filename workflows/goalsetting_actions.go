package workflows

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"termgoal"
)

// register installs the state query and one update per human action. Each update has a
// validator that refuses, without touching history, what the state does not allow; the
// handler checks again under the lock, because another action may have moved the step after
// the validator ran.
func (w *goalWF) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (*GoalState, error) { return w.s, nil }); err != nil {
		return err
	}
	return errors.Join(
		action(ctx, w, UpdateSubmitDraft, checkSubmitDraft, w.submitDraft),
		action(ctx, w, UpdateGiveOpinion, checkGiveOpinion, w.giveOpinion),
		action(ctx, w, UpdateAnswerOpinion, checkAnswerOpinion, w.answerOpinion),
		action(ctx, w, UpdateCompleteConsultation, w.checkCompleteConsultation, w.completeConsultation),
		action(ctx, w, UpdateRevisePlan, checkRevisePlan, w.revisePlan),
		action(ctx, w, UpdateReview, checkReview, w.review),
		action(ctx, w, UpdateVote, checkVote, w.vote),
		action(ctx, w, UpdateApprove, checkDecision(UpdateApprove), w.approve),
		action(ctx, w, UpdateReturn, checkDecision(UpdateReturn), w.returnToDraft),
		action(ctx, w, UpdateReject, checkDecision(UpdateReject), w.reject),
		action(ctx, w, UpdateFileObjection, checkFileObjection, w.fileObjection),
		action(ctx, w, UpdateResolveObjection, checkResolveObjection, w.resolveObjection),
		action(ctx, w, UpdateFile, checkFile, w.file),
		action(ctx, w, UpdateSignPledges, checkSignPledges, w.signPledges),
		w.registerOperations(ctx),
		w.registerAdmin(ctx),
		w.registerAppraisal(ctx),
		w.listenHolderChanges(ctx),
	)
}

// Draft.

func checkSubmitDraft(s *GoalState, in SubmitDraftInput) error {
	if err := holderAt(s, in.Actor, termgoal.StepDraft); err != nil {
		return err
	}
	return termgoal.ValidateItems(in.Items, s.Years, s.Template.Categories)
}

func (w *goalWF) submitDraft(ctx workflow.Context, s *GoalState, in SubmitDraftInput) (*GoalState, ActionResult, error) {
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

func (w *goalWF) giveOpinion(ctx workflow.Context, s *GoalState, in GiveOpinionInput) (*GoalState, ActionResult, error) {
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

func (w *goalWF) answerOpinion(ctx workflow.Context, s *GoalState, in AnswerOpinionInput) (*GoalState, ActionResult, error) {
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
func (w *goalWF) checkCompleteConsultation(s *GoalState, in CompleteConsultationInput) error {
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
func (w *goalWF) revisePlan(ctx workflow.Context, s *GoalState, in RevisePlanInput) (*GoalState, ActionResult, error) {
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

func (w *goalWF) completeConsultation(ctx workflow.Context, s *GoalState, in CompleteConsultationInput) (*GoalState, ActionResult, error) {
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

func (w *goalWF) review(ctx workflow.Context, s *GoalState, in ReviewInput) (*GoalState, ActionResult, error) {
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

func (w *goalWF) vote(ctx workflow.Context, s *GoalState, in VoteInput) (*GoalState, ActionResult, error) {
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
func (w *goalWF) tally(ctx workflow.Context, s *GoalState, c termgoal.Change) (*GoalState, error) {
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

// Superior approval and congress.

// checkDecision checks approve, return and reject. Returning and rejecting need comments;
// a return goes to an earlier step of the template.
func checkDecision(name string) func(*GoalState, DecisionInput) error {
	return func(s *GoalState, in DecisionInput) error {
		if err := atStep(s, in.Actor, stepsGiving(TaskApprove)...); err != nil {
			return err
		}
		if name != UpdateApprove && blank(in.Comment) {
			return invalid("approval.comment", "say what must change when returning the plan")
		}
		if name == UpdateReturn && in.ToStep != "" && !s.earlier(in.ToStep) {
			return invalid("approval.to_step", "a plan returns only to an earlier step", "step", string(in.ToStep))
		}
		return nil
	}
}

func (w *goalWF) approve(ctx workflow.Context, s *GoalState, in DecisionInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "approved", map[string]any{"comment": in.Comment})
	w.tellHolders(ctx, s, "approved", map[string]any{"actor": in.Actor.Name, "reason": in.Comment})
	next, err := w.signed(ctx, s, c, in.Actor, signerDone, "approved")
	return next, ActionResult{}, err
}

// returnToDraft sends the plan back, to the draft or to an earlier step. In ratio mode a
// return is one disapproval: the step fails only when the ratio can no longer be reached.
func (w *goalWF) returnToDraft(ctx workflow.Context, s *GoalState, in DecisionInput) (*GoalState, ActionResult, error) {
	to := cmp.Or(in.ToStep, s.Template.Steps()[0])
	c := w.change(ctx, s, &in.Actor, "returned", map[string]any{"comment": in.Comment, "to_step": string(to)})
	if s.Template.ModeOf(s.Step) == termgoal.ModeRatio {
		next, err := w.signed(ctx, s, c, in.Actor, signerReturned, "returned")
		return next, ActionResult{}, err
	}
	w.closeTaskOf(s, &c, in.Actor.AccountID, "returned")
	next, err := w.enter(ctx, s, c, to)
	return next, ActionResult{}, err
}

// reject ends the process: the plan is refused outright (the administrator may start goal
// setting again).
func (w *goalWF) reject(ctx workflow.Context, s *GoalState, in DecisionInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "rejected", map[string]any{"comment": in.Comment})
	w.closeTaskOf(s, &c, in.Actor.AccountID, "rejected")
	next, err := w.enter(ctx, s, c, termgoal.StepRejected)
	return next, ActionResult{}, err
}

// signed records that actor's signer ended with status (approved, reviewed, filed or, in
// ratio mode, returned), brings in whoever acts next (an adder waiting for a 前加签 signer,
// signers added after the actor, the next in sequence) and moves on when the step's mode is
// satisfied or can no longer be.
func (w *goalWF) signed(ctx workflow.Context, s *GoalState, c termgoal.Change, actor termgoal.Actor, status, outcome string) (*GoalState, error) {
	g := s.openSigner(actor.AccountID)
	g.Status = status
	w.closeTaskOf(s, &c, actor.AccountID, outcome)
	var opened []termgoal.Actor
	for i := range s.Signers {
		o := &s.Signers[i]
		switch {
		case g.Before && g.AddedBy == o.Actor.AccountID && o.Status == signerWaiting,
			!o.Before && o.AddedBy == actor.AccountID && o.Status == signerWaiting:
			o.Status = signerOpen
			opened = append(opened, o.Actor)
		}
	}
	if g.DelegateOf == 0 {
		if o := s.openNext(); o != nil {
			opened = append(opened, o.Actor)
		}
	}
	pass, fail := s.decided()
	switch {
	case fail:
		return w.enter(ctx, s, c, s.Template.Steps()[0])
	case pass:
		return w.enter(ctx, s, c, s.Template.Next(s.Step))
	}
	w.openTasks(s, &c, opened, stepTaskKind(s.Step))
	if err := w.apply(ctx, s, c); err != nil {
		return nil, err
	}
	w.notify(ctx, s, "assigned", opened, nil)
	return s, nil
}

// earlier reports whether step comes before the current step in the template.
func (s *GoalState) earlier(step termgoal.Step) bool {
	steps := s.Template.Steps()
	i, j := slices.Index(steps, step), slices.Index(steps, s.Step)
	return i >= 0 && j >= 0 && i < j
}

// Public notice.

func checkFileObjection(s *GoalState, in FileObjectionInput) error {
	switch {
	case s.Step != termgoal.StepNotice || s.WindowOver:
		return conflict("notice.closed", "the notice is not open for objections")
	case blank(in.Content) && in.TextID == "":
		return invalid("notice.content", "the objection is empty")
	}
	return nil
}

func (w *goalWF) fileObjection(ctx workflow.Context, s *GoalState, in FileObjectionInput) (*GoalState, ActionResult, error) {
	o := termgoal.Objection{Seq: len(s.Objections) + 1, Round: s.NoticeRound, Content: in.Content, TextID: in.TextID, At: workflow.Now(ctx),
		Anonymous: in.Anonymous || in.Actor.AccountID == 0, AuthorID: in.Actor.AccountID}
	if !o.Anonymous {
		o.AuthorName = in.Actor.Name
	}
	s.Objections = append(s.Objections, o)
	actor := in.Actor
	if o.Anonymous {
		// The audit log must not name an anonymous objector either.
		actor = termgoal.Actor{Name: "anonymous"}
	}
	c := w.change(ctx, s, &actor, "objection_filed", map[string]any{"seq": o.Seq, "anonymous": o.Anonymous})
	c.Objection = &o
	w.openTasksFor(s, &c, s.acting(), TaskResolve, o.Seq)
	w.tellHolders(ctx, s, "objection_filed", map[string]any{"reason": o.Content})
	return s, ActionResult{Seq: o.Seq}, w.apply(ctx, s, c)
}

func checkResolveObjection(s *GoalState, in ResolveObjectionInput) error {
	if err := atStep(s, in.Actor, termgoal.StepNotice); err != nil {
		return err
	}
	switch {
	case in.Seq < 1 || in.Seq > len(s.Objections):
		return termgoal.Errorf(termgoal.ENOTFOUND, "notice.no_objection", fmt.Sprintf("there is no objection %d", in.Seq), "seq", in.Seq)
	case s.Objections[in.Seq-1].Round != s.NoticeRound:
		return conflict("notice.old_objection", fmt.Sprintf("objection %d belongs to an earlier notice", in.Seq), "seq", in.Seq)
	case s.Objections[in.Seq-1].Resolution != "":
		return conflict("notice.already_resolved", fmt.Sprintf("objection %d is already resolved", in.Seq), "seq", in.Seq)
	case blank(in.Reason):
		return invalid("notice.reason", "give the reason for the resolution")
	}
	return nil
}

func (w *goalWF) resolveObjection(ctx workflow.Context, s *GoalState, in ResolveObjectionInput) (*GoalState, ActionResult, error) {
	o := &s.Objections[in.Seq-1]
	o.Resolution, o.Reason = "dismissed", in.Reason
	if in.Upheld {
		o.Resolution = "upheld"
	}
	c := w.change(ctx, s, &in.Actor, "objection_"+o.Resolution, map[string]any{"seq": in.Seq, "reason": in.Reason})
	resolved := *o
	c.Objection = &resolved
	var objector []termgoal.Actor
	if !o.Anonymous && o.AuthorID != 0 {
		objector = append(objector, termgoal.Actor{AccountID: o.AuthorID, Name: o.AuthorName})
	}
	w.tellHolders(ctx, s, "objection_resolved", map[string]any{"action": o.Resolution, "reason": in.Reason}, objector...)
	w.closeTasks(s, &c, func(t openTask) bool { return t.Ref == in.Seq && t.AccountID == in.Actor.AccountID }, termgoal.TaskDone, o.Resolution)
	w.closeTasks(s, &c, func(t openTask) bool { return t.Ref == in.Seq }, termgoal.TaskClosed, o.Resolution)
	res := ActionResult{Seq: in.Seq}
	switch {
	case in.Upheld:
		// An upheld objection sends a plan or a report back to its first step, an appraisal's
		// result back to the superior.
		back := s.Template.Steps()[0]
		if s.Appraisal != nil {
			back = termgoal.StepResult
		}
		next, err := w.enter(ctx, s, c, back)
		return next, res, err
	case s.WindowOver && pendingObjections(s) == 0:
		// The notice ends only when its days have passed and every objection is resolved.
		next, err := w.enter(ctx, s, c, s.Template.Next(termgoal.StepNotice))
		return next, res, err
	}
	return s, res, w.apply(ctx, s, c)
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

func (w *goalWF) file(ctx workflow.Context, s *GoalState, in FileInput) (*GoalState, ActionResult, error) {
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

func (w *goalWF) signPledges(ctx workflow.Context, s *GoalState, in SignPledgesInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "pledges_signed", map[string]any{"pledges": in.Pledges})
	w.closeTaskOf(s, &c, in.Actor.AccountID, "signed")
	next, err := w.enter(ctx, s, c, termgoal.StepInForce)
	return next, ActionResult{}, err
}
