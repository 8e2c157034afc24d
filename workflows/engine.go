// The engine every process runs on: the state and its lock, entering steps (from Steps),
// resolving signers, waiting out windows, continuing as new. The flows (goalsetting.go,
// appraisal.go, report.go) and the engine's other parts (operations.go, admin.go, decisions.go,
// notice.go, deadlines.go, readmodel.go) build on it.

package workflows

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"termgoal"
	"termgoal/activities"
)

// a is only for method references: activities run on the worker's real instance.
var a *activities.Activities

// maxApplied bounds the update IDs a run remembers; older keys fall back to Temporal's own
// deduplication, which holds for the run that saw them.
const maxApplied = 2000

// GoalState is everything a process's run knows: the engine's fields, and each flow's own part
// (GoalSettingState, Appraisal, Report). It is carried whole across continue-as-new, including
// the update IDs already applied, so a retried action with the same Idempotency-Key is never
// applied twice.
type GoalState struct {
	ProcessID  string            `json:"process_id"`
	Kind       string            `json:"kind"` // KindGoalSetting, KindAmendment, an appraisal's or a report's kind
	TermID     int64             `json:"term_id"`
	OrgID      int64             `json:"org_id"`
	OrgPath    string            `json:"org_path,omitempty"` // for the search attributes; empty in states from before
	Holder     string            `json:"holder"`
	Years      []int             `json:"years"`
	Template   termgoal.Template `json:"template"`
	Initiator  termgoal.Actor    `json:"initiator"`
	StartedAt  time.Time         `json:"started_at"`
	DeadlineOn time.Time         `json:"deadline_on"`

	Step      termgoal.Step       `json:"step"`
	StepSeq   int                 `json:"step_seq"` // increases on every step entry
	StepDueOn time.Time           `json:"step_due_on"`
	DueRev    int                 `json:"due_rev"` // increases whenever the due date or the assignees change: reminders re-arm
	Signers   []Signer            `json:"signers"` // who acts on the current step, and how far they are
	Claimed   int64               `json:"claimed"` // who claimed the current step's pool task, 0 for nobody
	Holders   []termgoal.Actor    `json:"holders"` // who drafts and answers for the holder
	Tasks     []openTask          `json:"tasks"`
	Seq       int                 `json:"seq"`     // task and change counter
	Written   int                 `json:"written"` // Seq as of the last read-model write
	Round     int                 `json:"round"`   // draft rounds: a return starts a new one
	Version   int                 `json:"version"` // latest plan version
	Items     []termgoal.PlanItem `json:"items"`

	// GoalSettingState is goal setting's own part; its fields sit at the top level of the JSON,
	// as they did before it was a part.
	GoalSettingState
	WindowOver bool `json:"window_over"` // the step's window (consultation, vote, notice, ballots, appeal) has ended

	NoticeRound  int                  `json:"notice_round"`
	NoticeStarts time.Time            `json:"notice_starts_on"`
	NoticeEndsOn time.Time            `json:"notice_ends_on"`
	Objections   []termgoal.Objection `json:"objections"` // of every round: their numbers run on
	DocNumber    string               `json:"doc_number"`

	CopiedTo  []int64   `json:"copied_to"` // accounts the process was copied to (抄送)
	LastUrged time.Time `json:"last_urged"`
	Notified  int       `json:"notified"` // notification counter, for their IDs

	// Appraisal and Report are an appraisal's and a report's own parts, set on their states.
	Appraisal *AppraisalState `json:"appraisal,omitempty"`
	Report    *ReportState    `json:"report,omitempty"`

	Applied      map[string]ActionResult `json:"applied"`
	AppliedOrder []string                `json:"applied_order"`
}

// openTask is an open task of the current step and its assignee.
type openTask struct {
	ID        string `json:"id"`
	AccountID int64  `json:"account_id"`
	Kind      string `json:"kind,omitempty"` // as in the read model; empty in states from before it was kept
	Ref       int    `json:"ref,omitempty"`  // the objection a resolve task is for
}

// GoalResult is what a finished goal-setting process returns.
type GoalResult struct {
	Step    termgoal.Step `json:"step"`
	Version int           `json:"plan_version"`
}

// flow is what the engine asks of the flow a run belongs to; the rest of a flow is its steps'
// hooks in Steps and its own updates.
type flow interface {
	// noticeOpened tells whoever must hear that the process went on public notice beyond the
	// notice itself (an appraisal's holder hears the grade).
	noticeOpened(ctx workflow.Context, s *GoalState)
	// upheldTo is the step an upheld objection sends the process back to.
	upheldTo(s *GoalState) termgoal.Step
}

// goalWF is one run of the workflow: the state plus the lock that serializes handlers, so two
// concurrent decisions on one task never both apply.
type goalWF struct {
	s    *GoalState
	flow flow
	busy bool
	// updateID is the update being applied under the lock, "" for a timer's change: the
	// change written to the read model is named after it.
	updateID string
	// sending counts notifications still being delivered.
	sending int
	// compact: the run continues as new as soon as Temporal suggests it, also in the middle of
	// a step (runs from the "continue-as-new-within-step" version on); before, only between
	// steps, so objections piling up during a notice could grow its history to Temporal's
	// limit. draining: the run is about to continue as new and refuses new updates.
	compact, draining bool
	// localWrite: the read model is written inside the workflow task (a local activity), not
	// by a regular activity after it (runs started before the "local-write" version).
	localWrite bool
	// search: the run sets its search attributes as it moves (from the "search-attributes"
	// version on); searched is what it last set them to.
	search   bool
	searched string
	// revise: an adopted opinion calls for a new plan version before the consultation ends
	// (from the "revise-adopted" version on).
	revise bool
	// tell: the holders hear of what happens to their process beyond their tasks (an opinion,
	// an approval, an objection and its resolution, the filing, a result on notice, an appeal
	// answered), from the "notify-steps" version on.
	tell bool
}

// newRun starts a run on state (nil for a new process). The "local-write",
// "search-attributes", "revise-adopted" and "notify-steps" versions are read once, at the start
// of the run, so the whole run follows one set of rules.
func newRun(ctx workflow.Context, state *GoalState) *goalWF {
	v := workflow.GetVersion(ctx, "local-write", workflow.DefaultVersion, 1)
	search := workflow.GetVersion(ctx, "search-attributes", workflow.DefaultVersion, 1)
	revise := workflow.GetVersion(ctx, "revise-adopted", workflow.DefaultVersion, 1)
	tell := workflow.GetVersion(ctx, "notify-steps", workflow.DefaultVersion, 1)
	return &goalWF{s: state, localWrite: v >= 1, search: search >= 1, revise: revise >= 1, tell: tell >= 1}
}

// registerEngine installs the state query and what every flow accepts: the task mechanism's
// operations, the administrators' and a change of holder. Each flow adds its own updates, and
// the superior's decisions and the notice's objections when it has those steps.
func (w *goalWF) registerEngine(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (*GoalState, error) { return w.s, nil }); err != nil {
		return err
	}
	return errors.Join(mechanism{w}.register(ctx), steering{w}.register(ctx), steering{w}.listenHolderChanges(ctx))
}

// start records the start of a new process and enters its first step. The first entry runs
// under the lock like any action, so an early update waits for it.
func (w *goalWF) start(ctx workflow.Context, s *GoalState, initiator *termgoal.Actor, detail map[string]any) error {
	w.busy = true
	defer func() { w.busy = false }()
	c := w.change(ctx, s, initiator, "started", detail)
	next, err := w.enter(ctx, s, c, s.Template.Steps()[0])
	if err != nil {
		return err
	}
	w.s = next
	return nil
}

// loop runs the process's steps to their end, continuing as new (Resume) when the history
// grows long, and returns once the last notification is sent.
func (w *goalWF) loop(ctx workflow.Context) (GoalResult, error) {
	w.compact = workflow.GetVersion(ctx, "continue-as-new-within-step", workflow.DefaultVersion, 1) >= 1
	workflow.Go(ctx, w.reminders)
	for !w.finished() {
		if err := w.waitStep(ctx); err != nil {
			return GoalResult{}, err
		}
		if !w.finished() && workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			w.draining = w.compact
			if err := workflow.Await(ctx, func() bool { return !w.busy && w.sending == 0 && workflow.AllHandlersFinished(ctx) }); err != nil {
				return GoalResult{}, err
			}
			if err := w.confirm(ctx); err != nil {
				return GoalResult{}, err
			}
			name, in := Resume(w.s)
			return GoalResult{}, workflow.NewContinueAsNewError(ctx, name, in)
		}
	}
	// Let accepted updates and notifications finish before the run closes.
	if err := workflow.Await(ctx, func() bool { return w.sending == 0 && workflow.AllHandlersFinished(ctx) }); err != nil {
		return GoalResult{}, err
	}
	return GoalResult{Step: w.s.Step, Version: w.s.Version}, w.confirm(ctx)
}

// confirm is the durable end of a run's local writes: a regular activity runs only once the
// workflow task that scheduled it is in history, so everything the run wrote up to here is
// confirmed and anything a discarded task left beyond it is undone.
func (w *goalWF) confirm(ctx workflow.Context) error {
	if !w.localWrite {
		return nil
	}
	return workflow.ExecuteActivity(withWrite(ctx), a.Confirm, activities.ConfirmInput{ProcessID: w.s.ProcessID, Seq: w.s.Written}).Get(ctx, nil)
}

// Resume returns the workflow type and the input of a new run that carries on from state s:
// the run's own continue-as-new, and an administrator's restart of a process whose workflow was
// terminated, failed or timed out.
func Resume(s *GoalState) (workflowType string, input any) {
	switch {
	case s.Appraisal != nil:
		return AppraisalWorkflowName, AppraisalInput{TermID: s.TermID, Initiator: s.Initiator, State: s}
	case s.Report != nil:
		return ReportWorkflowName, ReportInput{TermID: s.TermID, Initiator: s.Initiator, State: s}
	}
	return GoalSettingWorkflowName, GoalSettingInput{TermID: s.TermID, Initiator: s.Initiator, State: s}
}

func (w *goalWF) finished() bool { return terminal(w.s.Step) }

// waitStep waits until the current step ends. Steps with a window (consultation, committee,
// notice) also wait for the window's end: a durable timer at the end of the due date.
func (w *goalWF) waitStep(ctx workflow.Context) error {
	seq := w.s.StepSeq
	moved := func() bool {
		return w.s.StepSeq != seq || w.finished() || (w.compact && workflow.GetInfo(ctx).GetContinueAsNewSuggested())
	}
	if !hasWindow(w.s.Step) || w.s.WindowOver {
		return workflow.Await(ctx, moved)
	}
	if d := windowEnd(w.s).Sub(workflow.Now(ctx)); d > 0 {
		ok, err := workflow.AwaitWithTimeout(ctx, d, func() bool { return moved() || w.s.WindowOver })
		if err != nil || ok {
			return err
		}
	}
	return w.run(ctx, func(s *GoalState) (*GoalState, error) {
		if s.StepSeq != seq {
			return s, nil
		}
		return w.closeWindow(ctx, s)
	})
}

// windowEnd is the end of the window's last working day.
func windowEnd(s *GoalState) time.Time {
	due := s.StepDueOn
	if s.Step == termgoal.StepNotice {
		due = s.NoticeEndsOn
	}
	return due.AddDate(0, 0, 1)
}

// run applies a change under the lock on a copy of the state, and keeps the copy only when
// every activity succeeded: a failed write leaves the process exactly as it was.
func (w *goalWF) run(ctx workflow.Context, f func(*GoalState) (*GoalState, error)) error {
	if err := workflow.Await(ctx, func() bool { return !w.busy && w.s != nil }); err != nil {
		return err
	}
	w.busy = true
	defer func() { w.busy = false }()
	next, err := f(w.s.clone())
	if err != nil {
		return err
	}
	w.s = next
	return nil
}

// clone deep-copies the state through JSON, which is deterministic (map keys are sorted);
// workflowcheck flags the reflection inside encoding/json, hence the annotation. The update IDs
// applied, up to maxApplied of them and plain values, are copied directly: through JSON they
// cost 5 ms an action once the run remembers 2,000 (BenchmarkClone).
//
//workflowcheck:ignore
func (s *GoalState) clone() *GoalState {
	rest := *s
	rest.Applied, rest.AppliedOrder = nil, nil
	b, err := json.Marshal(&rest)
	if err != nil {
		panic(err)
	}
	var c GoalState
	if err := json.Unmarshal(b, &c); err != nil {
		panic(err)
	}
	c.Applied, c.AppliedOrder = maps.Clone(s.Applied), slices.Clone(s.AppliedOrder)
	return &c
}

// closeWindow handles the end of a step's window (its StepRule's closeWindow).
func (w *goalWF) closeWindow(ctx workflow.Context, s *GoalState) (*GoalState, error) {
	if s.WindowOver {
		return s, nil
	}
	s.WindowOver = true
	if r := StepRuleOf(s.Step); r.closeWindow != nil {
		return r.closeWindow(w, ctx, s)
	}
	return s, nil
}

// enter leaves the current step (recording its outcome and the plan version it saw) and
// enters step: resolves its assignees, computes its due date on the working-day calendar and
// opens their tasks. Everything goes into c, the change of the action that moved the step, so
// the read model moves in one transaction.
func (w *goalWF) enter(ctx workflow.Context, s *GoalState, c termgoal.Change, step termgoal.Step) (*GoalState, error) {
	now := workflow.Now(ctx)
	prev := s.Step
	var record *termgoal.StepRecord
	if prev != "" {
		record = &termgoal.StepRecord{Seq: s.StepSeq, Step: prev, Version: s.Version, Outcome: c.Action, At: now}
	}
	w.closeTasks(s, &c, func(openTask) bool { return true }, termgoal.TaskClosed, "step_ended")
	if prev == termgoal.StepNotice && step != termgoal.StepNotice {
		status := "closed"
		if step == termgoal.StepDraft {
			status = "withdrawn"
		}
		c.Notice = w.notice(s, status)
	}
	s.Step, s.StepSeq, s.WindowOver, s.Signers, s.DueRev, s.Claimed = step, s.StepSeq+1, false, nil, s.DueRev+1, 0
	rule := StepRuleOf(step)
	if rule.Ends != "" {
		c.StepRecord = record
		if rule.enter != nil {
			rule.enter(w, ctx, s, &c, prev)
		}
		return s, w.apply(ctx, s, c)
	}

	days := s.Template.Days(step)
	due, err := workingDaysFrom(ctx, today(now), days)
	if err != nil {
		return nil, err
	}
	s.StepDueOn = due
	if s.Signers, err = w.signersFor(ctx, s, &c, rule); err != nil {
		return nil, err
	}
	if rule.ByDeadline {
		// The draft is due by the overall deadline: the plan must be approved within 2 months;
		// a report by its own.
		s.StepDueOn = s.DeadlineOn
	}
	if rule.enter != nil && rule.enter(w, ctx, s, &c, prev) {
		c.StepRecord = record
		return w.enter(ctx, s, c, s.Template.Next(step))
	}
	if rule.Kind != "" {
		w.openTasks(s, &c, s.acting(), rule.Kind)
	}
	c.StepRecord = record
	if err := w.apply(ctx, s, c); err != nil {
		return nil, err
	}
	w.notify(ctx, s, "assigned", s.acting(), nil)
	return s, nil
}

// signersFor resolves who acts on rule's step (its Actors, T2): the step's assignees in the
// template's mode, unless its flow resolves them itself (the scoring's rater groups).
func (w *goalWF) signersFor(ctx workflow.Context, s *GoalState, c *termgoal.Change, rule StepRule) ([]Signer, error) {
	if rule.signers != nil {
		return rule.signers(w, ctx, s, c)
	}
	who, err := w.assignees(ctx, s, c, rule.Step, rule.Actors)
	return signersOf(who, s.Template.ModeOf(rule.Step)), err
}

// assignees resolves who acts on step. The holder never approves their own plan (the activity
// leaves their accounts out); a step with nobody to act goes to the process administrators.
func (w *goalWF) assignees(ctx workflow.Context, s *GoalState, c *termgoal.Change, step termgoal.Step, actors Actors) ([]termgoal.Actor, error) {
	if actors == ActHolders {
		return s.Holders, nil
	}
	var who []termgoal.Actor
	if err := workflow.ExecuteLocalActivity(withLocal(ctx), a.Assignees, activities.AssigneesInput{TermID: s.TermID, Step: step}).Get(ctx, &who); err != nil {
		return nil, err
	}
	if actors == ActReviewer {
		who = slices.DeleteFunc(who, func(p termgoal.Actor) bool { return p.AccountID == s.Appraisal.Result.DecidedBy })
	}
	if len(who) > 0 || actors == ActConsultees {
		return who, nil
	}
	return w.admins(ctx, s, c)
}

// admins are the process administrators, who act when nobody else can: the reason code
// no_assignee goes into the audit log.
func (w *goalWF) admins(ctx workflow.Context, s *GoalState, c *termgoal.Change) ([]termgoal.Actor, error) {
	c.Detail["reason"] = "no_assignee"
	var who []termgoal.Actor
	err := workflow.ExecuteLocalActivity(withLocal(ctx), a.Assignees, activities.AssigneesInput{TermID: s.TermID, Role: termgoal.RoleAdmin}).Get(ctx, &who)
	return who, err
}

func pendingObjections(s *GoalState) int {
	n := 0
	for _, o := range s.Objections {
		if o.Round == s.NoticeRound && o.Resolution == "" {
			n++
		}
	}
	return n
}
