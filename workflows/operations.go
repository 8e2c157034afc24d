package workflows

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"termgoal"
)

// mechanism is the task mechanism on the engine (T3), the same in every flow: comment,
// transfer, delegate, add and remove signers, withdraw, copy to, urge, claim.
type mechanism struct{ *goalWF }

// registerOperations installs the operations any human step offers (T3): comment, transfer,
// delegate and take back, add and remove a signer, withdraw, copy to, urge.
func (w mechanism) register(ctx workflow.Context) error {
	return errors.Join(
		action(ctx, w.goalWF, UpdateComment, checkComment, w.comment),
		action(ctx, w.goalWF, UpdateTransfer, checkTransfer, w.transfer),
		action(ctx, w.goalWF, UpdateDelegate, checkDelegate, w.delegate),
		action(ctx, w.goalWF, UpdateAnswerDelegation, checkAnswerDelegation, w.answerDelegation),
		action(ctx, w.goalWF, UpdateRecallDelegation, checkRecallDelegation, w.recallDelegation),
		action(ctx, w.goalWF, UpdateAddSigner, checkAddSigner, w.addSigner),
		action(ctx, w.goalWF, UpdateRemoveSigner, checkRemoveSigner, w.removeSigner),
		action(ctx, w.goalWF, UpdateWithdraw, checkWithdraw, w.withdraw),
		action(ctx, w.goalWF, UpdateCopy, checkCopy, w.copyTo),
		action(ctx, w.goalWF, UpdateUrge, checkUrge, w.urge),
		action(ctx, w.goalWF, UpdateClaim, checkClaim, w.claim),
		action(ctx, w.goalWF, UpdateUnclaim, checkUnclaim, w.unclaim),
	)
}

// participant reports whether actor takes part in the process: an assignee now, the holder,
// or an administrator of its org.
func (s *GoalState) participant(actor termgoal.Actor) bool {
	return actor.Admin || isIn(s.Holders, actor.AccountID) ||
		slices.ContainsFunc(s.Signers, func(g Signer) bool { return g.Actor.AccountID == actor.AccountID })
}

func running(s *GoalState) error {
	if terminal(s.Step) {
		return conflict("process.closed", "the process has ended")
	}
	return nil
}

func checkComment(s *GoalState, in CommentInput) error {
	switch {
	case !s.participant(in.Actor):
		return notAssignee()
	case blank(in.Text):
		return invalid("comment.empty", "the comment is empty")
	}
	return running(s)
}

func (w mechanism) comment(ctx workflow.Context, s *GoalState, in CommentInput) (*GoalState, ActionResult, error) {
	return s, ActionResult{}, w.apply(ctx, s, w.change(ctx, s, &in.Actor, "commented", map[string]any{"text": in.Text}))
}

// target checks the account an operation names: someone else, who is not already acting.
func target(s *GoalState, in TargetInput) error {
	switch {
	case in.To.AccountID == 0:
		return invalid("target.missing", "name the person")
	case in.To.AccountID == in.Actor.AccountID:
		return invalid("target.self", "you cannot name yourself")
	case s.openSigner(in.To.AccountID) != nil:
		return conflict("target.already_acting", "that person already acts on this step")
	}
	return nil
}

// Transfer (转办) hands the actor's task to another person for good: the seat keeps its place
// in a sequence, and the step's deadline re-arms for the new assignee.
func checkTransfer(s *GoalState, in TargetInput) error {
	if err := atStep(s, in.Actor, stepsOffering(UpdateTransfer)...); err != nil {
		return err
	}
	return target(s, in)
}

func (w mechanism) transfer(ctx workflow.Context, s *GoalState, in TargetInput) (*GoalState, ActionResult, error) {
	return w.moveSeat(ctx, s, in.Actor, in.Actor.AccountID, in.To, "transferred", in.Reason)
}

// moveSeat gives from's open seat to to: used by transfer and by an administrator's reassign.
func (w mechanism) moveSeat(ctx workflow.Context, s *GoalState, actor termgoal.Actor, from int64, to termgoal.Actor, action, reason string) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &actor, action, map[string]any{"from": from, "to": to.AccountID, "to_name": to.Name, "reason": reason})
	g := s.openSigner(from)
	g.Actor = to
	if s.Claimed == from {
		s.Claimed = to.AccountID
	}
	w.closeStepTask(s, &c, from, termgoal.TaskClosed, action)
	due, err := workingDaysFrom(ctx, today(c.At), s.Template.Days(s.Step))
	if err != nil {
		return nil, ActionResult{}, err
	}
	if s.Step != termgoal.StepDraft && s.Step != termgoal.StepConsultation && s.Step != termgoal.StepCommittee {
		// A window (consultation, vote) keeps its end; any other step re-arms its deadline.
		s.StepDueOn = due
		c.DueOn = &due
	}
	w.openTasks(s, &c, []termgoal.Actor{to}, stepTaskKind(s.Step))
	if err := w.apply(ctx, s, c); err != nil {
		return nil, ActionResult{}, err
	}
	w.notify(ctx, s, "assigned", []termgoal.Actor{to}, map[string]any{"reason": reason})
	return s, ActionResult{}, nil
}

// Delegate (委派): the delegate looks into the matter and answers; the task then comes back
// to the assignee, who decides. The assignee may take it back before the answer.
func checkDelegate(s *GoalState, in TargetInput) error {
	if err := atStep(s, in.Actor, signerSteps()...); err != nil {
		return err
	}
	return target(s, in)
}

func (w mechanism) delegate(ctx workflow.Context, s *GoalState, in TargetInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "delegated", map[string]any{"to": in.To.AccountID, "to_name": in.To.Name, "reason": in.Reason})
	s.openSigner(in.Actor.AccountID).Status = signerDelegated
	s.Signers = append(s.Signers, Signer{Actor: in.To, Status: signerOpen, DelegateOf: in.Actor.AccountID})
	w.closeStepTask(s, &c, in.Actor.AccountID, termgoal.TaskClosed, "delegated")
	w.openTasks(s, &c, []termgoal.Actor{in.To}, TaskDelegated)
	if err := w.apply(ctx, s, c); err != nil {
		return nil, ActionResult{}, err
	}
	w.notify(ctx, s, "assigned", []termgoal.Actor{in.To}, map[string]any{"delegated_by": in.Actor.Name})
	return s, ActionResult{}, nil
}

// delegation returns the open delegate entry where acc is the delegate (byDelegate) or the
// assignee who delegated.
func (s *GoalState) delegation(acc int64, byDelegate bool) (delegate, owner *Signer) {
	for i := range s.Signers {
		d := &s.Signers[i]
		if d.DelegateOf == 0 || d.Status != signerOpen || (byDelegate && d.Actor.AccountID != acc) || (!byDelegate && d.DelegateOf != acc) {
			continue
		}
		for j := range s.Signers {
			if o := &s.Signers[j]; o.Actor.AccountID == d.DelegateOf && o.Status == signerDelegated {
				return d, o
			}
		}
	}
	return nil, nil
}

func checkAnswerDelegation(s *GoalState, in ReasonInput) error {
	if d, _ := s.delegation(in.Actor.AccountID, true); d == nil {
		return notAssignee()
	}
	if blank(in.Reason) {
		return invalid("delegation.answer", "the answer to the delegation is empty")
	}
	return nil
}

func (w mechanism) answerDelegation(ctx workflow.Context, s *GoalState, in ReasonInput) (*GoalState, ActionResult, error) {
	return w.endDelegation(ctx, s, in.Actor, true, "delegation_answered", in.Reason)
}

func checkRecallDelegation(s *GoalState, in ReasonInput) error {
	if d, _ := s.delegation(in.Actor.AccountID, false); d == nil {
		return conflict("delegation.none", "you have no open delegation on this step")
	}
	return nil
}

func (w mechanism) recallDelegation(ctx workflow.Context, s *GoalState, in ReasonInput) (*GoalState, ActionResult, error) {
	return w.endDelegation(ctx, s, in.Actor, false, "delegation_recalled", in.Reason)
}

// endDelegation closes the delegate's entry and gives the task back to the assignee.
func (w mechanism) endDelegation(ctx workflow.Context, s *GoalState, actor termgoal.Actor, byDelegate bool, action, text string) (*GoalState, ActionResult, error) {
	d, owner := s.delegation(actor.AccountID, byDelegate)
	c := w.change(ctx, s, &actor, action, map[string]any{"text": text, "delegate": d.Actor.AccountID})
	status, outcome := termgoal.TaskClosed, "recalled"
	if byDelegate {
		status, outcome = termgoal.TaskDone, "answered"
	}
	w.closeStepTask(s, &c, d.Actor.AccountID, status, outcome)
	d.Status, owner.Status = signerRemoved, signerOpen
	if byDelegate {
		d.Status = signerDone
	}
	w.openTasks(s, &c, []termgoal.Actor{owner.Actor}, stepTaskKind(s.Step))
	if err := w.apply(ctx, s, c); err != nil {
		return nil, ActionResult{}, err
	}
	w.notify(ctx, s, "assigned", []termgoal.Actor{owner.Actor}, nil)
	return s, ActionResult{}, nil
}

// Add a signer (加签): before, the added person acts first and the task then comes back;
// after, the added person must approve too once the adder has.
func checkAddSigner(s *GoalState, in TargetInput) error {
	if err := atStep(s, in.Actor, signerSteps()...); err != nil {
		return err
	}
	if slices.ContainsFunc(s.Signers, func(g Signer) bool {
		return g.Actor.AccountID == in.To.AccountID && g.DelegateOf == 0 && g.Status != signerRemoved
	}) {
		return conflict("target.already_signer", "that person already signs this step")
	}
	return target(s, in)
}

func (w mechanism) addSigner(ctx workflow.Context, s *GoalState, in TargetInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "signer_added", map[string]any{"to": in.To.AccountID, "to_name": in.To.Name, "before": in.Before, "reason": in.Reason})
	added := Signer{Actor: in.To, Status: signerWaiting, AddedBy: in.Actor.AccountID, Before: in.Before}
	var opened []termgoal.Actor
	if in.Before {
		added.Status = signerOpen
		s.openSigner(in.Actor.AccountID).Status = signerWaiting
		w.closeStepTask(s, &c, in.Actor.AccountID, termgoal.TaskClosed, "signer_added_before")
		opened = []termgoal.Actor{in.To}
	}
	s.Signers = append(s.Signers, added)
	w.openTasks(s, &c, opened, stepTaskKind(s.Step))
	if err := w.apply(ctx, s, c); err != nil {
		return nil, ActionResult{}, err
	}
	w.notify(ctx, s, "assigned", opened, nil)
	return s, ActionResult{}, nil
}

// Remove a signer (减签): the one who added them, or an administrator, takes back an added
// signer who has not approved yet.
func checkRemoveSigner(s *GoalState, in TargetInput) error {
	if err := inStep(s, signerSteps()...); err != nil {
		return err
	}
	g := s.addedSigner(in.To.AccountID)
	switch {
	case g == nil:
		return termgoal.Errorf(termgoal.ENOTFOUND, "signer.not_added", "that person is not an added signer who has yet to act")
	case g.AddedBy != in.Actor.AccountID && !in.Actor.Admin:
		return termgoal.Errorf(termgoal.EFORBIDDEN, "signer.not_yours", "only who added a signer, or an administrator, may remove them")
	}
	return nil
}

func (s *GoalState) addedSigner(acc int64) *Signer {
	for i := range s.Signers {
		g := &s.Signers[i]
		if g.Actor.AccountID == acc && g.AddedBy != 0 && (g.Status == signerOpen || g.Status == signerWaiting) {
			return g
		}
	}
	return nil
}

func (w mechanism) removeSigner(ctx workflow.Context, s *GoalState, in TargetInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "signer_removed", map[string]any{"to": in.To.AccountID, "reason": in.Reason})
	g := s.addedSigner(in.To.AccountID)
	g.Status = signerRemoved
	w.closeStepTask(s, &c, in.To.AccountID, termgoal.TaskClosed, "signer_removed")
	var opened []termgoal.Actor
	if g.Before {
		// The adder was waiting for this signer: the task comes back to them.
		for i := range s.Signers {
			if o := &s.Signers[i]; o.Actor.AccountID == g.AddedBy && o.Status == signerWaiting {
				o.Status = signerOpen
				opened = append(opened, o.Actor)
			}
		}
	}
	if pass, _ := s.decided(); pass {
		next, err := w.enter(ctx, s, c, s.Template.Next(s.Step))
		return next, ActionResult{}, err
	}
	w.openTasks(s, &c, opened, stepTaskKind(s.Step))
	return s, ActionResult{}, w.apply(ctx, s, c)
}

// Withdraw (撤回): the drafter takes the submitted plan back to the draft while the template's
// window is open and nobody has acted on it.
func checkWithdraw(s *GoalState, in ReasonInput) error {
	switch {
	case !isIn(s.Holders, in.Actor.AccountID):
		return notAssignee()
	case s.Step == termgoal.StepDraft || terminal(s.Step) || s.SubmittedAt.IsZero():
		return conflict("withdraw.nothing", "there is no submitted plan to withdraw")
	case s.Template.WithdrawHours == 0:
		return conflict("withdraw.not_allowed", "this template does not allow withdrawing a submitted plan")
	case s.Acted:
		return conflict("withdraw.acted", "someone has already acted on the plan")
	}
	return nil
}

func (w mechanism) withdraw(ctx workflow.Context, s *GoalState, in ReasonInput) (*GoalState, ActionResult, error) {
	// The window is checked here, where the time is the update's own, not in the validator.
	if workflow.Now(ctx).Sub(s.SubmittedAt) > time.Duration(s.Template.WithdrawHours)*time.Hour {
		return nil, ActionResult{}, conflict("withdraw.too_late", fmt.Sprintf("a plan can be withdrawn only within %d hours of submitting it", s.Template.WithdrawHours), "hours", s.Template.WithdrawHours)
	}
	next, err := w.enter(ctx, s, w.change(ctx, s, &in.Actor, "withdrawn", map[string]any{"reason": in.Reason}), termgoal.StepDraft)
	return next, ActionResult{}, err
}

// Copy to (抄送): participants copy the process to others; nobody is copied twice.
func checkCopy(s *GoalState, in CopyInput) error {
	switch {
	case !s.participant(in.Actor):
		return notAssignee()
	case len(in.To) == 0:
		return invalid("copy.nobody", "name at least one person to copy to")
	}
	return running(s)
}

func (w mechanism) copyTo(ctx workflow.Context, s *GoalState, in CopyInput) (*GoalState, ActionResult, error) {
	var added []termgoal.Actor
	for _, p := range in.To {
		if !slices.Contains(s.CopiedTo, p.AccountID) && !isIn(added, p.AccountID) {
			added = append(added, p)
		}
	}
	ids := make([]int64, len(added))
	for i, p := range added {
		ids[i] = p.AccountID
	}
	c := w.change(ctx, s, &in.Actor, "copied", map[string]any{"to": ids, "note": in.Note})
	for _, p := range added {
		c.Copies = append(c.Copies, termgoal.Copy{ProcessID: s.ProcessID, AccountID: p.AccountID, ByName: in.Actor.Name, Note: in.Note, At: c.At})
	}
	s.CopiedTo = append(s.CopiedTo, ids...)
	if err := w.apply(ctx, s, c); err != nil {
		return nil, ActionResult{}, err
	}
	w.notify(ctx, s, "copied", added, map[string]any{"actor": in.Actor.Name})
	return s, ActionResult{}, nil
}

// Urge (催办): the holder or an administrator reminds the current assignees, at most once an
// hour.
func checkUrge(s *GoalState, in ReasonInput) error {
	switch {
	case !in.Actor.Admin && !isIn(s.Holders, in.Actor.AccountID):
		return notAssignee()
	case len(s.acting()) == 0:
		return conflict("urge.nobody", "nobody has a task to be urged on this step")
	}
	return running(s)
}

func (w mechanism) urge(ctx workflow.Context, s *GoalState, in ReasonInput) (*GoalState, ActionResult, error) {
	if now := workflow.Now(ctx); now.Sub(s.LastUrged) < time.Hour {
		return nil, ActionResult{}, conflict("urge.too_soon", "the assignees were urged less than an hour ago")
	}
	s.LastUrged = workflow.Now(ctx)
	if err := w.apply(ctx, s, w.change(ctx, s, &in.Actor, "urged", map[string]any{"reason": in.Reason})); err != nil {
		return nil, ActionResult{}, err
	}
	w.notify(ctx, s, "urged", s.acting(), map[string]any{"actor": in.Actor.Name, "reason": in.Reason})
	return s, ActionResult{}, nil
}

// Claim (认领): a step that any one holder of a role may decide (or签) goes to everyone with
// the role; one of them claims it, and it leaves the others' inboxes until they unclaim.
func checkClaim(s *GoalState, in ReasonInput) error {
	if err := atStep(s, in.Actor, signerSteps()...); err != nil {
		return err
	}
	switch {
	case s.Template.ModeOf(s.Step) != termgoal.ModeAny:
		return conflict("claim.not_pool", "only a step that any one assignee decides can be claimed")
	case len(s.seats()) < 2:
		return conflict("claim.alone", "you are the only assignee: there is nothing to claim")
	case s.Claimed != 0:
		return conflict("claim.taken", "the task is already claimed")
	}
	return nil
}

func (w mechanism) claim(ctx workflow.Context, s *GoalState, in ReasonInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "claimed", nil)
	s.Claimed = in.Actor.AccountID
	for i := range s.Signers {
		if g := &s.Signers[i]; g.Status == signerOpen && g.Actor.AccountID != in.Actor.AccountID && g.AddedBy == 0 && g.DelegateOf == 0 {
			g.Status = signerWaiting
			w.closeStepTask(s, &c, g.Actor.AccountID, termgoal.TaskClosed, "claimed_by_other")
		}
	}
	return s, ActionResult{}, w.apply(ctx, s, c)
}

func checkUnclaim(s *GoalState, in ReasonInput) error {
	if s.Claimed == 0 || s.Claimed != in.Actor.AccountID || s.openSigner(in.Actor.AccountID) == nil {
		return conflict("claim.not_yours", "you have not claimed this task")
	}
	return nil
}

func (w mechanism) unclaim(ctx workflow.Context, s *GoalState, in ReasonInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "unclaimed", nil)
	s.Claimed = 0
	var back []termgoal.Actor
	for i := range s.Signers {
		if g := &s.Signers[i]; g.Status == signerWaiting && g.AddedBy == 0 && g.DelegateOf == 0 {
			g.Status = signerOpen
			back = append(back, g.Actor)
		}
	}
	w.openTasks(s, &c, back, stepTaskKind(s.Step))
	return s, ActionResult{}, w.apply(ctx, s, c)
}
