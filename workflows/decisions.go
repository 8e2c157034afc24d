package workflows

import (
	"cmp"
	"errors"
	"slices"

	"go.temporal.io/sdk/workflow"

	"termgoal"
)

// decisions are the engine's signers deciding a step whose task is TaskApprove.
type decisions struct{ *goalWF }

// A superior's decision, the engine's part of every step whose task is TaskApprove: the
// approval and the congress of a plan, the check of a report.

// registerDecisions installs approve, return and reject.
func (w decisions) register(ctx workflow.Context) error {
	return errors.Join(
		action(ctx, w.goalWF, UpdateApprove, checkDecision(UpdateApprove), w.approve),
		action(ctx, w.goalWF, UpdateReturn, checkDecision(UpdateReturn), w.returnToDraft),
		action(ctx, w.goalWF, UpdateReject, checkDecision(UpdateReject), w.reject),
	)
}

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

func (w decisions) approve(ctx workflow.Context, s *GoalState, in DecisionInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "approved", map[string]any{"comment": in.Comment})
	w.tellHolders(ctx, s, "approved", map[string]any{"actor": in.Actor.Name, "reason": in.Comment})
	next, err := w.signed(ctx, s, c, in.Actor, signerDone, "approved")
	return next, ActionResult{}, err
}

// returnToDraft sends the plan back, to the draft or to an earlier step. In ratio mode a
// return is one disapproval: the step fails only when the ratio can no longer be reached.
func (w decisions) returnToDraft(ctx workflow.Context, s *GoalState, in DecisionInput) (*GoalState, ActionResult, error) {
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
func (w decisions) reject(ctx workflow.Context, s *GoalState, in DecisionInput) (*GoalState, ActionResult, error) {
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
