package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"termgoal"
	"termgoal/activities"
)

// The term workflow (P1, P4, P5, P6, P10) owns a holder's whole term: it starts goal setting,
// then on the calendar the monthly ledger, the quarterly summaries, the mid-year self-check,
// one annual appraisal a year and the end-of-term appraisal, each a process of its own with
// a deterministic ID. It continues as new at each year boundary, so no run's history grows
// with the length of the term.

// TermResult is what a finished term workflow returns.
type TermResult struct {
	Started   []string `json:"started"` // processes the last run started
	Handovers int      `json:"handovers"`
}

// termEvent is one process the term starts at a time.
type termEvent struct {
	At       time.Time
	Workflow string
	ID       string
	Input    any
}

// Term runs the term of in.TermID.
func Term(ctx workflow.Context, in TermInput) (TermResult, error) {
	var info activities.StartInfo
	if err := workflow.ExecuteLocalActivity(withLocal(ctx), a.StartInfo, in.TermID).Get(ctx, &info); err != nil {
		return TermResult{}, err
	}
	t := &termWF{in: in, info: info}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateHandover, t.handover, workflow.UpdateHandlerOptions{Validator: t.checkHandover}); err != nil {
		return TermResult{}, err
	}
	if in.Year == 0 {
		// The first run starts goal setting, unless someone already has.
		in.Year = info.Term.Start.Year()
		if in.Since.IsZero() {
			in.Since = workflow.Now(ctx)
		}
		t.in = in
		if err := t.startChild(ctx, termEvent{Workflow: GoalSettingWorkflowName, ID: GoalSettingID(in.TermID),
			Input: GoalSettingInput{TermID: in.TermID, Initiator: in.Initiator}}); err != nil {
			return TermResult{}, err
		}
	}
	from := time.Date(in.Year, 1, 1, 0, 0, 0, 0, chinaTime)
	until := from.AddDate(1, 0, 0)
	for _, ev := range termEvents(in.TermID, info, in.Initiator) {
		// A term registered late does not start what was due before its workflow began.
		if ev.At.Before(from) || !ev.At.Before(until) || ev.At.Before(in.Since.AddDate(0, 0, -1)) {
			continue
		}
		if d := ev.At.Sub(workflow.Now(ctx)); d > 0 {
			if err := workflow.Sleep(ctx, d); err != nil {
				return TermResult{}, err
			}
		}
		if err := t.startChild(ctx, ev); err != nil {
			return TermResult{}, err
		}
	}
	end := endOfDay(info.Term.End)
	if until.Before(end) {
		if d := until.Sub(workflow.Now(ctx)); d > 0 {
			if err := workflow.Sleep(ctx, d); err != nil {
				return TermResult{}, err
			}
		}
		if err := workflow.Await(ctx, func() bool { return !t.busy && workflow.AllHandlersFinished(ctx) }); err != nil {
			return TermResult{}, err
		}
		next := t.in
		next.Year++
		return TermResult{}, workflow.NewContinueAsNewError(ctx, TermWorkflowName, next)
	}
	if d := end.Sub(workflow.Now(ctx)); d > 0 {
		if err := workflow.Sleep(ctx, d); err != nil {
			return TermResult{}, err
		}
	}
	if err := workflow.Await(ctx, func() bool { return !t.busy && workflow.AllHandlersFinished(ctx) }); err != nil {
		return TermResult{}, err
	}
	return TermResult{Started: t.started, Handovers: t.in.Handovers}, nil
}

type termWF struct {
	in      TermInput
	info    activities.StartInfo
	busy    bool
	started []string
}

func endOfDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, chinaTime).AddDate(0, 0, 1)
}

// termEvents lists every process of the term in time order: a ledger after each month, a
// summary after each quarter, the self-check after June, the annual appraisal of each year
// that ends before the term in the template's start month of the next year, and the
// end-of-term appraisal the template's months before the end.
func termEvents(termID int64, info activities.StartInfo, initiator termgoal.Actor) []termEvent {
	cfg := info.Template.AppraisalConfig()
	start, end := info.Term.Start, info.Term.End
	var evs []termEvent
	report := func(kind, period string, year int, elapsed float64, at time.Time) {
		evs = append(evs, termEvent{At: at, Workflow: ReportWorkflowName, ID: ReportID(termID, period),
			Input: ReportInput{TermID: termID, Kind: kind, Year: year, Period: period, Elapsed: elapsed, Initiator: initiator}})
	}
	for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, chinaTime); m.Before(end); m = m.AddDate(0, 1, 0) {
		after := m.AddDate(0, 1, 0) // the first day after the month
		if after.After(endOfDay(end)) {
			break
		}
		y, month := m.Year(), int(m.Month())
		report(termgoal.ProgressLedger, fmt.Sprintf("%d-%02d", y, month), y, float64(month)/12, after)
		if month%3 == 0 {
			report(termgoal.ProgressQuarterly, fmt.Sprintf("%d-Q%d", y, month/3), y, float64(month)/12, after)
		}
		if month == 6 {
			report(termgoal.ProgressMidYear, fmt.Sprintf("%d-H1", y), y, 0.5, after)
		}
	}
	// A company template's cycle appraises each month or quarter the day after it ends. A term
	// of a template without a cycle lists what it always did, so histories replay unchanged.
	if kind := cfg.CycleKind(); kind != "" {
		step := 1
		if kind == termgoal.AppraisalQuarterly {
			step = 3
		}
		first := time.Date(start.Year(), time.Month((int(start.Month())-1)/step*step+1), 1, 0, 0, 0, 0, chinaTime)
		for m := first; ; m = m.AddDate(0, step, 0) {
			after := m.AddDate(0, step, 0)
			if after.After(endOfDay(end)) {
				break
			}
			period := termgoal.PeriodName(kind, m)
			evs = append(evs, termEvent{At: after, Workflow: AppraisalWorkflowName, ID: AppraisalPeriodID(termID, period),
				Input: AppraisalInput{TermID: termID, Kind: kind, Year: m.Year(), From: today(m), To: today(after.AddDate(0, 0, -1)), Initiator: initiator}})
		}
	}
	for y := start.Year(); y < end.Year(); y++ {
		evs = append(evs, termEvent{At: time.Date(y+1, time.Month(cfg.StartMonth), 1, 0, 0, 0, 0, chinaTime), Workflow: AppraisalWorkflowName,
			ID: AppraisalID(termID, y), Input: AppraisalInput{TermID: termID, Kind: termgoal.AppraisalAnnual, Year: y, Initiator: initiator}})
	}
	termEnd := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, chinaTime).AddDate(0, -cfg.TermEndMonths, 0)
	evs = append(evs, termEvent{At: termEnd, Workflow: AppraisalWorkflowName, ID: TermEndID(termID),
		Input: AppraisalInput{TermID: termID, Kind: termgoal.AppraisalTermEnd, Year: end.Year(), Initiator: initiator}})
	sortEvents(evs)
	return evs
}

// sortEvents orders events by time, keeping the order of those at the same time (insertion
// sort: a term has a few hundred).
func sortEvents(evs []termEvent) {
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].At.Before(evs[j-1].At); j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
}

// startChild starts a process of the term that outlives this run. One that is already
// running or done (a campaign started it, or an earlier run) is left alone; so is a process
// that cannot start because the term has no plan in force yet.
func (t *termWF) startChild(ctx workflow.Context, ev termEvent) error {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            ev.ID,
		ParentClosePolicy:     enums.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	})
	f := workflow.ExecuteChildWorkflow(cctx, ev.Workflow, ev.Input)
	err := f.GetChildWorkflowExecution().Get(ctx, nil)
	if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		return nil
	}
	if err != nil {
		return err
	}
	t.started = append(t.started, ev.ID)
	return nil
}

func (t *termWF) checkHandover(ctx workflow.Context, in HandoverInput) error {
	switch {
	case !in.Actor.Admin:
		return refusal(termgoal.Errorf(termgoal.EFORBIDDEN, "admin.required", "only an administrator of the org can do this"))
	case in.ToPersonID == 0:
		return refusal(invalid("handover.successor", "name the successor"))
	case blank(in.Reason):
		return refusal(invalid("admin.reason", "give a reason"))
	case in.On.Before(t.info.Term.Start) || in.On.After(t.info.Term.End):
		return refusal(invalid("handover.date", "the handover date is outside the term"))
	}
	return nil
}

// handover moves the term to the successor (P10): the running processes' holder tasks move
// (the activity signals them), and the leaver's partial term is appraised with the leaver
// answering for it. The plan is not touched.
func (t *termWF) handover(ctx workflow.Context, in HandoverInput) (HandoverResult, error) {
	if err := workflow.Await(ctx, func() bool { return !t.busy }); err != nil {
		return HandoverResult{}, err
	}
	t.busy = true
	defer func() { t.busy = false }()
	n := t.in.Handovers + 1
	appraisal := HandoverAppraisalID(t.in.TermID, n)
	var res activities.HandoverResult
	err := workflow.ExecuteActivity(withWrite(ctx), a.Handover, activities.HandoverActivityInput{
		TermID: t.in.TermID, ToPersonID: in.ToPersonID, On: in.On, Reason: in.Reason, Actor: in.Actor, AppraisalID: appraisal,
	}).Get(ctx, &res)
	if err != nil {
		return HandoverResult{}, refusal(err)
	}
	t.in.Handovers = n
	from := time.Date(in.On.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	if from.Before(t.info.Term.Start) {
		from = t.info.Term.Start
	}
	ev := termEvent{Workflow: AppraisalWorkflowName, ID: appraisal, Input: AppraisalInput{
		TermID: t.in.TermID, Kind: termgoal.AppraisalHandover, Year: in.On.Year(), From: from, To: in.On,
		Initiator: in.Actor, Holders: res.From,
	}}
	// The leaver's part of the term is appraised against the plan then in force; before the
	// goals came into force there is nothing to appraise.
	var info activities.AppraisalInfo
	if err := workflow.ExecuteLocalActivity(withLocal(ctx), a.AppraisalInfo, activities.AppraisalInfoInput{TermID: t.in.TermID, AsOf: in.On}).Get(ctx, &info); err != nil {
		return HandoverResult{}, err
	}
	if len(res.From) == 0 || info.Plan == nil {
		return HandoverResult{Processes: res.Processes}, nil
	}
	if err := t.startChild(ctx, ev); err != nil {
		return HandoverResult{}, err
	}
	return HandoverResult{AppraisalID: appraisal, Processes: res.Processes}, nil
}

// HandoverResult answers a handover: the leaver's appraisal (none before the goals are in
// force) and the processes that moved.
type HandoverResult struct {
	AppraisalID string   `json:"appraisal_id"`
	Processes   []string `json:"processes"`
}
