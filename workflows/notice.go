package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"termgoal"
)

// notices are the engine's public notice: objections and their resolution.
type notices struct{ *goalWF }

// Public notice, the engine's part of every flow with a notice step (a plan, an appraisal's
// result, a mid-year self-check): objections and their resolution.

// registerObjections installs filing and resolving an objection.
func (w notices) register(ctx workflow.Context) error {
	return errors.Join(
		action(ctx, w.goalWF, UpdateFileObjection, checkFileObjection, w.fileObjection),
		action(ctx, w.goalWF, UpdateResolveObjection, checkResolveObjection, w.resolveObjection),
	)
}

func checkFileObjection(s *GoalState, in FileObjectionInput) error {
	switch {
	case s.Step != termgoal.StepNotice || s.WindowOver:
		return conflict("notice.closed", "the notice is not open for objections")
	case blank(in.Content) && in.TextID == "":
		return invalid("notice.content", "the objection is empty")
	}
	return nil
}

func (w notices) fileObjection(ctx workflow.Context, s *GoalState, in FileObjectionInput) (*GoalState, ActionResult, error) {
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

func (w notices) resolveObjection(ctx workflow.Context, s *GoalState, in ResolveObjectionInput) (*GoalState, ActionResult, error) {
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
		next, err := w.enter(ctx, s, c, w.flow.upheldTo(s))
		return next, res, err
	case s.WindowOver && pendingObjections(s) == 0:
		// The notice ends only when its days have passed and every objection is resolved.
		next, err := w.enter(ctx, s, c, s.Template.Next(termgoal.StepNotice))
		return next, res, err
	}
	return s, res, w.apply(ctx, s, c)
}

// The notice step's hooks in Steps.

func enterNotice(w *goalWF, ctx workflow.Context, s *GoalState, c *termgoal.Change, _ termgoal.Step) bool {
	s.NoticeRound++
	s.NoticeStarts, s.NoticeEndsOn = today(workflow.Now(ctx)), s.StepDueOn
	c.Notice = w.notice(s, "open")
	w.flow.noticeOpened(ctx, s)
	return false
}

// closeNotice: the notice passes unless objections are still pending; they keep it open
// until resolved.
func closeNotice(w *goalWF, ctx workflow.Context, s *GoalState) (*GoalState, error) {
	if n := pendingObjections(s); n > 0 {
		return s, w.apply(ctx, s, w.change(ctx, s, nil, "notice_period_ended", map[string]any{"pending_objections": n}))
	}
	return w.enter(ctx, s, w.change(ctx, s, nil, "notice_passed", nil), s.Template.Next(s.Step))
}
