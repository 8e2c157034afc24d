package workflows

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"termgoal"
)

// Actions: the generic wrapper that turns a check and a handler into a validated update, and
// the refusals every check shares.

// action registers one update. An update ID already applied (also in an earlier run, carried
// across continue-as-new) answers its first result and changes nothing.
func action[T any](ctx workflow.Context, w *goalWF, name string,
	check func(*GoalState, T) error,
	apply func(workflow.Context, *GoalState, T) (*GoalState, ActionResult, error),
) error {
	handler := func(ctx workflow.Context, in T) (ActionResult, error) {
		id := workflow.GetCurrentUpdateInfo(ctx).ID
		var res ActionResult
		err := w.run(ctx, func(s *GoalState) (*GoalState, error) {
			if r, ok := s.Applied[id]; ok {
				res = r
				return s, nil
			}
			if err := check(s, in); err != nil {
				return nil, refusal(err)
			}
			w.updateID = id
			defer func() { w.updateID = "" }()
			next, r, err := apply(ctx, s, in)
			if err != nil {
				return nil, refusal(err)
			}
			r.Step, r.Version = next.Step, next.Version
			next.remember(id, r)
			res = r
			return next, nil
		})
		return res, err
	}
	validator := func(ctx workflow.Context, in T) error {
		if w.s == nil {
			return nil // still starting: the handler checks once the state exists
		}
		if _, ok := w.s.Applied[workflow.GetCurrentUpdateInfo(ctx).ID]; ok {
			return nil
		}
		if err := w.room(ctx, name); err != nil {
			return refusal(err)
		}
		if err := checkText(in); err != nil {
			return refusal(err)
		}
		return refusal(check(w.s, in))
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, name, handler, workflow.UpdateHandlerOptions{Validator: validator})
}

func (s *GoalState) remember(id string, r ActionResult) {
	if s.Applied == nil {
		s.Applied = map[string]ActionResult{}
	}
	s.Applied[id] = r
	s.AppliedOrder = append(s.AppliedOrder, id)
	if len(s.AppliedOrder) > maxApplied {
		delete(s.Applied, s.AppliedOrder[0])
		s.AppliedOrder = s.AppliedOrder[1:]
	}
}

// refusal turns a domain error into the application error the API maps to a status and a
// message in the caller's language. Other errors (a failed activity) pass unchanged.
func refusal(err error) error {
	var e *termgoal.Error
	if !errors.As(err, &e) {
		var app *temporal.ApplicationError
		if errors.As(err, &app) && app.Type() != "" && app.Type() != "ActivityError" {
			// A domain error raised inside an activity (an unknown calendar year) keeps its code.
			return temporal.NewNonRetryableApplicationError(app.Message(), app.Type(), nil, detailsOf(app))
		}
		return err
	}
	return temporal.NewNonRetryableApplicationError(e.Message, e.Code, nil, RefusalDetail{Key: e.Key, Args: e.Args})
}

func detailsOf(app *temporal.ApplicationError) RefusalDetail {
	var d RefusalDetail
	if app.HasDetails() {
		_ = app.Details(&d)
	}
	return d
}

func conflict(key, msg string, kv ...any) error {
	return termgoal.Errorf(termgoal.ECONFLICT, key, msg, kv...)
}

func invalid(key, msg string, kv ...any) error {
	return termgoal.Errorf(termgoal.EINVALID, key, msg, kv...)
}

// atStep refuses unless the process is at one of steps and the actor is an open signer.
func atStep(s *GoalState, actor termgoal.Actor, steps ...termgoal.Step) error {
	if err := inStep(s, steps...); err != nil {
		return err
	}
	g := s.openSigner(actor.AccountID)
	if g == nil {
		return notAssignee()
	}
	if g.DelegateOf != 0 {
		return termgoal.Errorf(termgoal.EFORBIDDEN, "delegation.answer_only", "a delegate answers the delegation; the decision stays with the assignee")
	}
	return nil
}

// holderAt refuses unless the process is at one of steps and the actor drafts for the holder.
func holderAt(s *GoalState, actor termgoal.Actor, steps ...termgoal.Step) error {
	if err := inStep(s, steps...); err != nil {
		return err
	}
	if !isIn(s.Holders, actor.AccountID) {
		return notAssignee()
	}
	return nil
}

func inStep(s *GoalState, steps ...termgoal.Step) error {
	if !slices.Contains(steps, s.Step) {
		return conflict("action.wrong_step", fmt.Sprintf("the process is at step %s, where this action does not apply", s.Step), "step", string(s.Step))
	}
	return nil
}

func notAssignee() error {
	return termgoal.Errorf(termgoal.EFORBIDDEN, "action.not_assignee", "you are not an assignee of this step")
}

func blank(v string) bool { return strings.TrimSpace(v) == "" }

// History bounds, well under Temporal's (a warning at 10,240 events or 10 MB, termination at
// 51,200 or 50 MB). A run continues as new when Temporal suggests it (4,096 events or 4 MB by
// default), so they are reached only when a flood of updates keeps it from doing so: past the
// first, the actions that anyone can repeat without moving the process are refused; past the
// second, every action. A refused update leaves no trace in history.
const (
	repeatableHistoryEvents = 8_000
	repeatableHistoryBytes  = 8 << 20
	anyHistoryEvents        = 20_000
	anyHistoryBytes         = 20 << 20
)

// repeatable are the actions that can be sent again and again without moving the process.
var repeatable = map[string]bool{
	UpdateFileObjection: true, UpdateComment: true, UpdateCopy: true, UpdateUrge: true, UpdateRemind: true,
	UpdateClaim: true, UpdateUnclaim: true,
}

// room refuses an update while the run is draining to continue as new (retry: the next run
// takes it) or when its history is past a bound.
func (w *goalWF) room(ctx workflow.Context, name string) error {
	if w.draining {
		return termgoal.Errorf(termgoal.EUNAVAILABLE, "process.continuing",
			"the process is starting its next run; retry in a moment with the same Idempotency-Key")
	}
	info := workflow.GetInfo(ctx)
	return historyRoom(info.GetCurrentHistoryLength(), info.GetCurrentHistorySize(), repeatable[name])
}

func historyRoom(events, bytes int, repeatable bool) error {
	full := events >= anyHistoryEvents || bytes >= anyHistoryBytes
	if repeatable {
		full = full || events >= repeatableHistoryEvents || bytes >= repeatableHistoryBytes
	}
	if full {
		return conflict("process.history_full", "the process cannot take this action now; try again later")
	}
	return nil
}

// checkText is termgoal.CheckText for the validators: the API has checked the texts already, a
// client that talks to Temporal directly has not. It is deterministic (map keys in order) and
// runs only in validators, which are never replayed; workflowcheck flags the reflection
// inside, hence the annotation.
//
//workflowcheck:ignore
func checkText(in any) error { return termgoal.CheckText(in) }
