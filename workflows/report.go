package workflows

import (
	"cmp"
	"errors"
	"time"

	"go.temporal.io/sdk/workflow"

	"termgoal"
	"termgoal/activities"
)

// Reports (P4, and the follow-ups results drive): the monthly ledger, the quarterly summary,
// the mid-year self-check the superior checks, a rectification report and an improvement by a
// deadline. Each is one holder task with a due date, reminders and escalation, on the same
// task mechanism as every other process.

// ReportState is termgoal.ReportState, what a report adds to the process state.
type ReportState = termgoal.ReportState

// reportFlows are the flows of the reports the superior checks after the holder submits
// them; the others end with the submission. The mid-year self-check is then made public.
var reportFlows = map[string]string{
	termgoal.ProgressMidYear: termgoal.FlowPublished,
	termgoal.FollowRectify:   termgoal.FlowChecked,
	termgoal.FollowImprove:   termgoal.FlowChecked,
}

// reportFlow is a report on the engine: the holder reports; the superior's check and the
// notice are the engine's.
type reportFlow struct{ *goalWF }

// register installs the engine's updates and the report's own.
func (w reportFlow) register(ctx workflow.Context) error {
	return errors.Join(
		w.registerEngine(ctx),
		decisions(w).register(ctx),
		notices(w).register(ctx),
		action(ctx, w.goalWF, UpdateReport, checkReport, w.report),
	)
}

// Report runs one report of a term.
func Report(ctx workflow.Context, in ReportInput) (GoalResult, error) {
	w := reportFlow{newRun(ctx, in.State)}
	w.flow = w
	if err := w.register(ctx); err != nil {
		return GoalResult{}, err
	}
	if w.s == nil {
		s, err := newReportState(ctx, in)
		if err != nil {
			return GoalResult{}, err
		}
		detail := map[string]any{"kind": s.Kind, "period": in.Period, "deadline_on": s.DeadlineOn.Format(time.DateOnly), "source": in.Source}
		if err := w.start(ctx, s, &in.Initiator, detail); err != nil {
			return GoalResult{}, err
		}
	}
	return w.loop(ctx)
}

func newReportState(ctx workflow.Context, in ReportInput) (*GoalState, error) {
	var info activities.StartInfo
	if err := workflow.ExecuteLocalActivity(withLocal(ctx), a.StartInfo, in.TermID).Get(ctx, &info); err != nil {
		return nil, err
	}
	var holders []termgoal.Actor
	if err := workflow.ExecuteLocalActivity(withLocal(ctx), a.Assignees, activities.AssigneesInput{TermID: in.TermID, Step: termgoal.StepReport}).Get(ctx, &holders); err != nil {
		return nil, err
	}
	now := workflow.Now(ctx)
	tpl := info.Template
	tpl.Flow = cmp.Or(reportFlows[in.Kind], termgoal.FlowReport)
	due := in.Due
	if due.IsZero() {
		d, err := workingDaysFrom(ctx, today(now), tpl.Days(termgoal.StepReport))
		if err != nil {
			return nil, err
		}
		due = d
	}
	s := &GoalState{
		ProcessID: workflow.GetInfo(ctx).WorkflowExecution.ID, Kind: in.Kind,
		TermID: in.TermID, OrgID: info.Term.OrgID, OrgPath: info.OrgPath, Holder: info.Holder, Years: info.Term.Years(),
		Template: tpl, Initiator: in.Initiator, StartedAt: now, DeadlineOn: due,
		Holders: holders, Round: 1, Applied: map[string]ActionResult{},
		Report: &ReportState{Year: in.Year, Period: in.Period, Elapsed: in.Elapsed, Source: in.Source},
	}
	if info.InForce != nil {
		s.Version, s.Items = info.InForce.Version, info.InForce.Items
	}
	return s, nil
}

func checkReport(s *GoalState, in ReportActionInput) error {
	if err := holderAt(s, in.Actor, termgoal.StepReport); err != nil {
		return err
	}
	if termgoal.IsProgress(s.Kind) {
		return termgoal.ValidateProgress(s.Items, in.Entries)
	}
	if blank(in.Summary) {
		return invalid("report.summary", "the report needs its text")
	}
	return nil
}

// report records the holder's report, flags the items behind their yearly target and moves
// on to the superior's check, or ends.
func (w reportFlow) report(ctx workflow.Context, s *GoalState, in ReportActionInput) (*GoalState, ActionResult, error) {
	r := s.Report
	r.Lagging = termgoal.Lagging(s.Items, r.Year, in.Entries, r.Elapsed)
	c := w.change(ctx, s, &in.Actor, "report_submitted", map[string]any{"period": r.Period, "lagging": r.Lagging})
	c.Progress = &termgoal.ProgressReport{
		ProcessID: s.ProcessID, TermID: s.TermID, Kind: s.Kind, Year: r.Year, Period: r.Period,
		Entries: in.Entries, Summary: in.Summary, Lagging: r.Lagging, At: c.At,
	}
	w.closeTaskOf(s, &c, in.Actor.AccountID, "submitted")
	next, err := w.enter(ctx, s, c, s.Template.Next(termgoal.StepReport))
	return next, ActionResult{}, err
}

// A report's notice (the mid-year self-check) tells nobody beyond the notice; an upheld
// objection sends the report back to be written again.
func (w reportFlow) noticeOpened(workflow.Context, *GoalState) {}

func (w reportFlow) upheldTo(s *GoalState) termgoal.Step { return s.Template.Steps()[0] }
