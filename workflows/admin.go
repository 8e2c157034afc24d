package workflows

import (
	"errors"
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"termgoal"
)

// steering is what administrators do to a running process (O1), the same in every flow:
// reassign, extend, move to a step, cancel, remind, resync; and a change of holder.
type steering struct{ *goalWF }

// registerAdmin installs the administrators' operations (A3). Each needs a reason and an actor
// the API has found to administer the process's org; each is audited with who, when and why.
func (w steering) register(ctx workflow.Context) error {
	return errors.Join(
		action(ctx, w.goalWF, UpdateReassign, checkReassign, w.reassign),
		action(ctx, w.goalWF, UpdateExtend, checkExtend, w.extend),
		action(ctx, w.goalWF, UpdateMoveTo, checkMoveTo, w.moveTo),
		action(ctx, w.goalWF, UpdateCancel, checkCancel, w.cancel),
		action(ctx, w.goalWF, UpdateRemind, checkRemind, w.remind),
		action(ctx, w.goalWF, UpdateResync, checkResync, w.resync),
	)
}

func admin(s *GoalState, actor termgoal.Actor, reason string) error {
	switch {
	case !actor.Admin:
		return termgoal.Errorf(termgoal.EFORBIDDEN, "admin.required", "only an administrator of this organization may do this")
	case blank(reason):
		return invalid("admin.reason", "an administrative operation needs a reason")
	}
	return running(s)
}

func checkReassign(s *GoalState, in ReassignInput) error {
	if err := admin(s, in.Actor, in.Reason); err != nil {
		return err
	}
	switch {
	case s.openSigner(in.From) == nil:
		return termgoal.Errorf(termgoal.ENOTFOUND, "reassign.no_task", "that person has no open task on this step")
	case in.To.AccountID == 0 || in.To.AccountID == in.From:
		return invalid("target.missing", "name the person")
	case s.openSigner(in.To.AccountID) != nil:
		return conflict("target.already_acting", "that person already acts on this step")
	}
	return nil
}

func (w steering) reassign(ctx workflow.Context, s *GoalState, in ReassignInput) (*GoalState, ActionResult, error) {
	return mechanism(w).moveSeat(ctx, s, in.Actor, in.From, in.To, "reassigned", in.Reason)
}

func checkExtend(s *GoalState, in ExtendInput) error {
	if err := admin(s, in.Actor, in.Reason); err != nil {
		return err
	}
	if in.Days < 1 || in.Days > 60 {
		return invalid("extend.days", "a deadline is extended by 1 to 60 working days")
	}
	return nil
}

// extend moves the current step's due date; the reminder timers re-arm on the new date.
func (w steering) extend(ctx workflow.Context, s *GoalState, in ExtendInput) (*GoalState, ActionResult, error) {
	from := s.StepDueOn
	if s.Step == termgoal.StepNotice {
		from = s.NoticeEndsOn
	}
	due, err := workingDaysFrom(ctx, from, in.Days)
	if err != nil {
		return nil, ActionResult{}, err
	}
	c := w.change(ctx, s, &in.Actor, "deadline_extended", map[string]any{"from": from.Format("2006-01-02"), "to": due.Format("2006-01-02"), "days": in.Days, "reason": in.Reason})
	if s.Step == termgoal.StepNotice {
		s.NoticeEndsOn = due
		c.Notice = w.notice(s, "open")
	}
	s.StepDueOn, s.WindowOver = due, false
	s.DueRev++
	c.DueOn = &due
	return s, ActionResult{}, w.apply(ctx, s, c)
}

func checkMoveTo(s *GoalState, in MoveInput) error {
	if err := admin(s, in.Actor, in.Reason); err != nil {
		return err
	}
	if in.Step == s.Step || !slices.Contains(s.Template.Steps(), in.Step) {
		return invalid("move.step", fmt.Sprintf("the process cannot move to step %q", in.Step), "step", string(in.Step))
	}
	if in.Step != termgoal.StepDraft && s.Version == 0 {
		return conflict("move.no_plan", "there is no plan yet: the process can only stay at the draft")
	}
	return nil
}

// moveTo moves the process to a step of its template: back to reopen a closed step, or on.
func (w steering) moveTo(ctx workflow.Context, s *GoalState, in MoveInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "moved", map[string]any{"from": string(s.Step), "to": string(in.Step), "reason": in.Reason})
	next, err := w.enter(ctx, s, c, in.Step)
	return next, ActionResult{}, err
}

func checkCancel(s *GoalState, in ReasonInput) error { return admin(s, in.Actor, in.Reason) }

func (w steering) cancel(ctx workflow.Context, s *GoalState, in ReasonInput) (*GoalState, ActionResult, error) {
	next, err := w.enter(ctx, s, w.change(ctx, s, &in.Actor, "cancelled", map[string]any{"reason": in.Reason}), termgoal.StepCancelled)
	return next, ActionResult{}, err
}

func checkRemind(s *GoalState, in ReasonInput) error {
	if err := admin(s, in.Actor, in.Reason); err != nil {
		return err
	}
	if len(s.acting()) == 0 {
		return conflict("urge.nobody", "nobody has a task to be urged on this step")
	}
	return nil
}

// remind sends the current assignees a reminder now (batch remind calls it per process).
func (w steering) remind(ctx workflow.Context, s *GoalState, in ReasonInput) (*GoalState, ActionResult, error) {
	if err := w.apply(ctx, s, w.change(ctx, s, &in.Actor, "reminded", map[string]any{"reason": in.Reason})); err != nil {
		return nil, ActionResult{}, err
	}
	w.notify(ctx, s, "reminder", s.acting(), map[string]any{"reason": in.Reason})
	return s, ActionResult{}, nil
}

// checkResync lets an operator's repair through on any process still running.
func checkResync(s *GoalState, in ReasonInput) error { return admin(s, in.Actor, in.Reason) }

// resync writes the process's read model again as the state stands: the process row, and its
// open tasks exactly (termgoal reconcile --repair, for what a database crash or a lost write
// left behind). It changes nothing in the process; the audit line says who repaired and why.
func (w steering) resync(ctx workflow.Context, s *GoalState, in ReasonInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "read_model_repaired", map[string]any{"reason": in.Reason})
	c.OnlyOpen = true
	for _, t := range s.Tasks {
		c.Open = append(c.Open, termgoal.Task{ID: t.ID, Kind: t.Kind, AccountID: t.AccountID, DueOn: s.StepDueOn})
	}
	return s, ActionResult{}, w.apply(ctx, s, c)
}
