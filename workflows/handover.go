package workflows

import (
	"go.temporal.io/sdk/workflow"

	"termgoal"
)

// Handover (P10): when a holder leaves mid-term, every running process of the term hears of
// it by signal and moves the holder's open tasks to the successor. The plan does not change.

// listenHolderChanges applies each holder change under the lock, one after another.
func (w steering) listenHolderChanges(ctx workflow.Context) error {
	ch := workflow.GetSignalChannel(ctx, SignalHandover)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var hc HolderChange
			if !ch.Receive(ctx, &hc) {
				return
			}
			if workflow.GetVersion(ctx, "holder-change", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
				continue
			}
			err := w.run(ctx, func(s *GoalState) (*GoalState, error) { return w.changeHolder(ctx, s, hc) })
			if err != nil {
				workflow.GetLogger(ctx).Error("holder change failed", "error", err)
			}
		}
	})
	return nil
}

// changeHolder replaces the accounts that answer for the holder: their open tasks and seats
// go to the first successor account, and the others join them.
func (w steering) changeHolder(ctx workflow.Context, s *GoalState, hc HolderChange) (*GoalState, error) {
	if terminal(s.Step) || len(hc.To) == 0 {
		return s, nil
	}
	old := s.Holders
	actor := termgoal.System
	c := w.change(ctx, s, &actor, "holder_changed", map[string]any{"reason": hc.Reason, "from": accountIDs(old), "to": accountIDs(hc.To)})
	s.Holders = hc.To
	var moved []openTask
	for _, t := range s.Tasks {
		if isIn(old, t.AccountID) {
			moved = append(moved, t)
		}
	}
	w.closeTasks(s, &c, func(t openTask) bool { return isIn(old, t.AccountID) }, termgoal.TaskClosed, "handed_over")
	for i := range s.Signers {
		if isIn(old, s.Signers[i].Actor.AccountID) {
			s.Signers[i].Actor = hc.To[0]
		}
	}
	if len(moved) > 0 {
		// The holder's task is the step's own, or during consultation answering the opinions.
		kind := stepTaskKind(s.Step)
		if s.Step == termgoal.StepConsultation {
			kind = TaskAnswer
		}
		w.openTasks(s, &c, hc.To, kind)
	}
	c.Detail["moved_tasks"] = len(moved)
	if err := w.apply(ctx, s, c); err != nil {
		return nil, err
	}
	if len(moved) > 0 {
		w.notify(ctx, s, "assigned", hc.To, map[string]any{"reason": "handover"})
	}
	return s, nil
}
