package workflows

import (
	"cmp"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"termgoal"
	"termgoal/activities"
)

// The read model: the changes a run writes to PostgreSQL (process row, tasks, audit) and the
// activity options of its writes and reads.

// today is the civil date of t in China, at midnight UTC: the calendar counts civil dates.
func today(t time.Time) time.Time {
	t = t.In(chinaTime)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// chinaTime is UTC+8 without tzdata, so every worker computes the same date on replay.
var chinaTime = time.FixedZone("CST", 8*3600)

// workingDaysFrom is the date days working days after from, on the calendar.
func workingDaysFrom(ctx workflow.Context, from time.Time, days int) (time.Time, error) {
	var due time.Time
	err := workflow.ExecuteLocalActivity(withLocal(ctx), a.Deadline, activities.DeadlineInput{From: from, WorkingDays: days}).Get(ctx, &due)
	return due, err
}

// change starts a Change with a deterministic ID: the update ID for an action, else a counter.
func (w *goalWF) change(ctx workflow.Context, s *GoalState, actor *termgoal.Actor, action string, detail map[string]any) termgoal.Change {
	s.Seq++
	id := fmt.Sprintf("%s/c/%d", s.ProcessID, s.Seq)
	if w.updateID != "" {
		id = fmt.Sprintf("%s/u/%s/%d", s.ProcessID, w.updateID, s.Seq)
	}
	if detail == nil {
		detail = map[string]any{}
	}
	if actor != nil && actor.AccountID != 0 && !isIn(s.Holders, actor.AccountID) {
		s.Acted = true // someone other than the drafter acted: too late to withdraw
	}
	return termgoal.Change{ID: id, At: workflow.Now(ctx), Actor: actor, Action: action, Detail: detail}
}

func (w *goalWF) process(s *GoalState) termgoal.Process {
	status := cmp.Or(StepRuleOf(s.Step).Ends, "running")
	p := termgoal.Process{
		ID: s.ProcessID, Kind: cmp.Or(s.Kind, KindGoalSetting), TermID: s.TermID, OrgID: s.OrgID, Step: s.Step,
		Status: status, Version: s.Version, DeadlineOn: s.DeadlineOn, StartedAt: s.StartedAt,
		State: termgoal.ProcessState{
			Round: s.Round, VoteRound: s.VoteRound, NoticeRound: s.NoticeRound, WindowOver: s.WindowOver,
			DocNumber: s.DocNumber, Steps: s.Template.Steps(), Signers: s.Signers, CopiedTo: s.CopiedTo,
			Template:  &termgoal.TemplateRef{ID: s.Template.ID, Version: s.Template.Version},
			LastTally: s.LastTally, Report: s.Report,
		},
	}
	if status == "running" {
		due := s.StepDueOn
		p.StepDueOn = &due
	}
	if a := s.Appraisal; a != nil {
		cfg := s.Template.AppraisalConfig()
		p.State.AppraisalConfig = &cfg
		p.State.Appraisal = &termgoal.AppraisalView{Kind: a.Kind, Year: a.Year, RaterScore: a.RaterScore,
			Ballots: len(a.Ballots), Sheets: len(a.Sheets), Result: a.Result, Appeal: a.Appeal,
			Self: a.Self, Annual: a.Annual, Warnings: a.Warnings, Groups: s.groupScores()}
	}
	return p
}

// groupScores is each rater group's part in the score so far (averages, never a ballot), for
// the pages that say what the scoring waits for and how the grade came about.
func (s *GoalState) groupScores() []termgoal.GroupScore {
	scores, _ := termgoal.GroupScores(s.raterGroups(), s.Appraisal.Ballots)
	return scores
}

func (w *goalWF) notice(s *GoalState, status string) *termgoal.Notice {
	return &termgoal.Notice{
		ProcessID: s.ProcessID, Round: s.NoticeRound, TermID: s.TermID, OrgID: s.OrgID,
		Title: s.Holder, Version: s.Version, StartsOn: s.NoticeStarts, EndsOn: s.NoticeEndsOn, Status: status,
	}
}

func (w *goalWF) openTasks(s *GoalState, c *termgoal.Change, who []termgoal.Actor, kind string) {
	w.openTasksFor(s, c, who, kind, 0)
}

func (w *goalWF) openTasksFor(s *GoalState, c *termgoal.Change, who []termgoal.Actor, kind string, ref int) {
	s.DueRev++
	for _, p := range who {
		s.Seq++
		t := termgoal.Task{
			ID: fmt.Sprintf("%s-%d", s.ProcessID, s.Seq), ProcessID: s.ProcessID, TermID: s.TermID, OrgID: s.OrgID,
			Step: s.Step, Kind: kind, AccountID: p.AccountID, Status: termgoal.TaskOpen, DueOn: s.StepDueOn, CreatedAt: c.At,
		}
		c.Open = append(c.Open, t)
		s.Tasks = append(s.Tasks, openTask{ID: t.ID, AccountID: p.AccountID, Kind: kind, Ref: ref})
	}
}

// closeTasks closes the open tasks that match.
func (w *goalWF) closeTasks(s *GoalState, c *termgoal.Change, match func(openTask) bool, status, outcome string) {
	var kept []openTask
	for _, t := range s.Tasks {
		if match(t) {
			c.Close = append(c.Close, termgoal.TaskClose{ID: t.ID, Status: status, Outcome: outcome})
		} else {
			kept = append(kept, t)
		}
	}
	s.Tasks = kept
}

// closeStepTask closes acc's task on the step itself (not an objection's) with status.
func (w *goalWF) closeStepTask(s *GoalState, c *termgoal.Change, acc int64, status, outcome string) {
	w.closeTasks(s, c, func(t openTask) bool { return t.AccountID == acc && t.Ref == 0 }, status, outcome)
}

// closeTaskOf closes acc's own task: done by the actor, the other assignees' as closed.
func (w *goalWF) closeTaskOf(s *GoalState, c *termgoal.Change, acc int64, outcome string) {
	w.closeTasks(s, c, func(t openTask) bool { return t.AccountID == acc }, termgoal.TaskDone, outcome)
}

// apply writes c with the process row as s now stands, keyed by the change sequence
// (termgoal.Change). The write is a local activity: it runs inside the workflow task, so the
// action's answer waits for no second round trip to the server. Should the server discard the
// task (updates arriving while it is in flight can make it do so), the rows it wrote are undone
// by the next write, which builds on the sequence before them; confirm closes the run. Runs
// started before the "local-write" version write through a regular activity, as they did.
func (w *goalWF) apply(ctx workflow.Context, s *GoalState, c termgoal.Change) error {
	c.Process = w.process(s)
	if s.Appraisal != nil {
		c.Appraisal = s.record(appraisalStatus(s.Step), c.At)
	}
	c.Seq, c.Base, c.Task = s.Seq, s.Written, int64(workflow.GetInfo(ctx).GetCurrentHistoryLength())
	var f workflow.Future
	if w.localWrite {
		f = workflow.ExecuteLocalActivity(withLocal(ctx), a.Apply, c)
	} else {
		f = workflow.ExecuteActivity(withWrite(ctx), a.Apply, c)
	}
	if err := f.Get(ctx, nil); err != nil {
		return err
	}
	s.Written = s.Seq
	if w.search {
		return w.upsertSearch(ctx, s, c.Process)
	}
	return nil
}

// quickRetry retries the short read-model activities fast, then less often.
var quickRetry = &temporal.RetryPolicy{InitialInterval: 100 * time.Millisecond, BackoffCoefficient: 2, MaximumInterval: 5 * time.Second}

// withWrite sets the options of read-model writes: short, retried until the database answers
// for a minute; after that the action fails and the process stays as it was.
func withWrite(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    10 * time.Second,
		ScheduleToCloseTimeout: time.Minute,
		RetryPolicy:            quickRetry,
	})
}

// withLocal sets the local activity options of the reads (term, assignees, deadlines): short
// and retried; their results are recorded, so a replay never reads again.
func withLocal(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    10 * time.Second,
		ScheduleToCloseTimeout: time.Minute,
		RetryPolicy:            quickRetry,
	})
}

func isIn(who []termgoal.Actor, acc int64) bool {
	for _, p := range who {
		if p.AccountID == acc {
			return true
		}
	}
	return false
}
