package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"termgoal"
	"termgoal/activities"
)

// reminders runs beside the main loop for the whole run (T5). For the current step it asks the
// calendar for the next reminder, sleeps on a durable timer until then, and acts: reminds the
// assignees, escalates to the supervisor, or acts automatically on timeout. Whatever changes
// the step's due date or assignees increases DueRev, which wakes the timer and re-arms it, so
// a return, a transfer or an extension never loses a reminder.
func (w *goalWF) reminders(ctx workflow.Context) {
	after := workflow.Now(ctx)
	for !w.finished() && ctx.Err() == nil {
		rev := w.s.DueRev
		changed := func() bool { return w.s.DueRev != rev || w.finished() }
		if w.s.Step == termgoal.StepNotice || w.s.Template.Reminders == (termgoal.ReminderPolicy{}) {
			// The notice's end is its own timer, and a template without reminders has none.
			_ = workflow.Await(ctx, changed)
			continue
		}
		var next activities.Reminder
		policy := w.s.Template.Reminders
		if !slices.Contains(signerSteps(), w.s.Step) {
			policy.TimeoutAction = "" // only a signer's decision can be taken automatically
		}
		in := activities.ReminderInput{Due: w.s.StepDueOn, Policy: policy, After: after, Windowed: hasWindow(w.s.Step)}
		if err := workflow.ExecuteActivity(withActivity(ctx), a.NextReminder, in).Get(ctx, &next); err != nil {
			// An unknown calendar year: wait for the next change rather than guess.
			workflow.GetLogger(ctx).Warn("no next reminder", "error", err)
			_ = workflow.Await(ctx, changed)
			continue
		}
		if next.At.IsZero() {
			_ = workflow.Await(ctx, changed)
			continue
		}
		if fired, _ := workflow.AwaitWithTimeout(ctx, next.At.Sub(workflow.Now(ctx)), changed); fired {
			after = workflow.Now(ctx)
			continue
		}
		after = next.At
		err := w.run(ctx, func(s *GoalState) (*GoalState, error) {
			if s.DueRev != rev {
				return s, nil
			}
			return w.fire(ctx, s, next.Kind)
		})
		if err != nil {
			workflow.GetLogger(ctx).Error("reminder failed", "kind", next.Kind, "error", err)
		}
	}
}

// reasonOf is the reason code each automatic action carries in the audit log.
var reasonOf = map[string]string{
	"reminder": "reminder_before_due",
	"due":      "reminder_at_due",
	"overdue":  "reminder_overdue",
	"escalate": "overdue_escalated",
}

// fire acts on a reminder that came due.
func (w *goalWF) fire(ctx workflow.Context, s *GoalState, kind string) (*GoalState, error) {
	if kind == "timeout" {
		return w.timeout(ctx, s)
	}
	who := s.acting()
	action := "reminder_sent"
	if kind == "escalate" {
		var sup []termgoal.Actor
		if err := workflow.ExecuteLocalActivity(withLocal(ctx), a.Assignees, activities.AssigneesInput{TermID: s.TermID, Role: termgoal.RoleSuperior, Above: true}).Get(ctx, &sup); err != nil {
			return nil, err
		}
		who, action = sup, "escalated"
	}
	actor := termgoal.System
	c := w.change(ctx, s, &actor, action, map[string]any{"reason": reasonOf[kind], "step": string(s.Step), "due_on": s.StepDueOn.Format("2006-01-02"), "to": accountIDs(who)})
	if err := w.apply(ctx, s, c); err != nil {
		return nil, err
	}
	params := map[string]any{"due_on": s.StepDueOn.Format("2006-01-02")}
	if kind == "escalate" {
		// The supervisor hears of it, and the assignees are reminded once more.
		w.notify(ctx, s, "escalated", who, params)
		w.notify(ctx, s, "overdue", s.acting(), params)
		return s, nil
	}
	w.notify(ctx, s, kind, who, params)
	return s, nil
}

// timeout takes the template's automatic decision on an overdue signer step.
func (w *goalWF) timeout(ctx workflow.Context, s *GoalState) (*GoalState, error) {
	actor := termgoal.System
	act := s.Template.Reminders.TimeoutAction
	to := map[string]termgoal.Step{"approve": s.Template.Next(s.Step), "reject": termgoal.StepRejected, "return": s.Template.Steps()[0]}[act]
	c := w.change(ctx, s, &actor, "auto_"+act, map[string]any{"reason": "timeout", "step": string(s.Step), "due_on": s.StepDueOn.Format("2006-01-02")})
	w.closeTasks(s, &c, func(openTask) bool { return true }, termgoal.TaskClosed, "timeout_"+act)
	who := s.acting()
	next, err := w.enter(ctx, s, c, to)
	if err == nil {
		w.notify(ctx, next, "auto_action", who, map[string]any{"action": act})
	}
	return next, err
}

func accountIDs(who []termgoal.Actor) []int64 {
	ids := make([]int64, len(who))
	for i, p := range who {
		ids[i] = p.AccountID
	}
	return ids
}

// notify sends a notification without holding up the process: in-app, email and webhooks
// are an activity with retries, run beside the workflow; a failing channel never blocks a
// step. The run waits for outstanding notifications only before it closes.
func (w *goalWF) notify(ctx workflow.Context, s *GoalState, kind string, who []termgoal.Actor, params map[string]any) {
	if len(who) == 0 {
		return
	}
	s.Notified++
	if params == nil {
		params = map[string]any{}
	}
	params["step"], params["holder"] = string(s.Step), s.Holder
	if _, ok := params["due_on"]; !ok && !terminal(s.Step) {
		params["due_on"] = s.StepDueOn.Format("2006-01-02")
	}
	in := activities.NotifyInput{
		ID: fmt.Sprintf("%s/n/%d", s.ProcessID, s.Notified), Recipients: accountIDs(who), Kind: kind,
		ProcessID: s.ProcessID, OrgID: s.OrgID, Params: params,
	}
	w.sending++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { w.sending-- }()
		if err := workflow.ExecuteActivity(withNotify(ctx), a.Notify, in).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("notification not delivered", "id", in.ID, "error", err)
		}
	})
}

// tellHolders notifies the holders of an event of their process that is not a task of theirs
// (runs from the "notify-steps" version on).
func (w *goalWF) tellHolders(ctx workflow.Context, s *GoalState, kind string, params map[string]any, others ...termgoal.Actor) {
	if w.tell {
		w.notify(ctx, s, kind, append(slices.Clone(s.Holders), others...), params)
	}
}

func withActivity(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
}

func withNotify(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 5 * time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Minute, MaximumAttempts: 8,
		},
	})
}
