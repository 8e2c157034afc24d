package workflows_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/workflows"
)

// toApproval drafts and passes the committee vote from minute start on: the process then
// stands at the superior's approval.
func toApproval(start int) []act {
	acts := []act{draft(start, "稿")}
	for i, m := range []string{"m1", "m2", "m3"} {
		acts = append(acts, act{at: at(start + 1 + i), who: m, name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}})
	}
	return acts
}

func approve(at time.Duration, who string, want string) act {
	return act{at: at, who: who, name: workflows.UpdateApprove, input: &workflows.DecisionInput{}, want: want}
}

// audited returns the instants (in UTC) and reasons of the goal setting's audit entries with
// action.
func audited(t *testing.T, fx *fixture, action string) []string {
	t.Helper()
	var out []string
	for _, a := range auditEntries(t, fx, workflows.GoalSettingID(fx.term.ID), action) {
		out = append(out, fmt.Sprintf("%s %v", a.At.UTC().Format("01-02 15:04"), a.Detail["reason"]))
	}
	return out
}

// auditEntries returns process id's audit entries with action.
func auditEntries(t *testing.T, fx *fixture, id, action string) []termgoal.Audit {
	t.Helper()
	list, _, err := fx.store.Audit(context.Background(), postgres.AuditFilter{ProcessID: id, Limit: 500})
	must(t, err)
	var out []termgoal.Audit
	for _, a := range list {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}

func same(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

var remindAll = termgoal.ReminderPolicy{BeforeDays: 1, AtDue: true, RepeatDays: 1, EscalateDays: 2}

func reminderTemplate(p termgoal.ReminderPolicy) termgoal.Template {
	return termgoal.Template{StepDays: map[termgoal.Step]int{termgoal.StepApproval: 3}, Reminders: p}
}

// monday28 is Monday 28 September 2026, 09:00 in Beijing, before the National Day holiday.
var monday28 = time.Date(2026, 9, 28, 1, 0, 0, 0, time.UTC)

func TestRemindersAndEscalationAcrossNationalDay(t *testing.T) {
	fx := newFixture(t, reminderTemplate(remindAll))
	// Approval from 28 September, 3 working days: due 8 October (29, 30 September, 8 October).
	acts := append(toApproval(1), act{at: day(12) + 2*time.Hour, check: stepIs(termgoal.StepApproval)})
	if _, err := play(t, fx, monday28, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	same(t, "reminders", audited(t, fx, "reminder_sent"),
		"09-30 01:00 reminder_before_due", // one working day before the due date
		"10-08 01:00 reminder_at_due",
		"10-09 01:00 reminder_overdue") // 10 October, the make-up Saturday, is the escalation's
	same(t, "escalations", audited(t, fx, "escalated"), "10-10 01:00 overdue_escalated")
	notes, _, err := fx.store.Notifications(context.Background(), fx.actors["sup"].AccountID, false, 100, 0)
	must(t, err)
	if len(notes) < 5 {
		t.Errorf("the superior has %d notifications", len(notes))
	}
}

func TestExtensionMovesPendingReminders(t *testing.T) {
	fx := newFixture(t, reminderTemplate(termgoal.ReminderPolicy{BeforeDays: 1, AtDue: true}))
	acts := append(toApproval(1),
		act{at: at(10), who: "sup", name: workflows.UpdateExtend, input: &workflows.ExtendInput{Days: 2, Reason: "x"}, want: termgoal.EFORBIDDEN},
		act{at: at(11), who: "admin", name: workflows.UpdateExtend, input: &workflows.ExtendInput{Days: 2}, want: termgoal.EINVALID},
		// Due 8 October plus 2 working days: the make-up Saturday 10 October.
		act{at: at(12), who: "admin", name: workflows.UpdateExtend, input: &workflows.ExtendInput{Days: 2, Reason: "材料补充"}},
		act{at: day(14), check: stepIs(termgoal.StepApproval)},
	)
	if _, err := play(t, fx, monday28, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	same(t, "reminders", audited(t, fx, "reminder_sent"), "10-09 01:00 reminder_before_due", "10-10 01:00 reminder_at_due")
	same(t, "extensions", audited(t, fx, "deadline_extended"), "09-28 01:12 材料补充")
	tasks, err := fx.store.OpenTasks(context.Background(), workflows.GoalSettingID(fx.term.ID))
	must(t, err)
	if len(tasks) == 0 || tasks[0].DueOn.Format(time.DateOnly) != "2026-10-10" {
		t.Errorf("open tasks = %+v", tasks)
	}
}

func TestReturnAndResubmitRearmsTheDeadline(t *testing.T) {
	fx := newFixture(t, reminderTemplate(termgoal.ReminderPolicy{BeforeDays: 1, AtDue: true}))
	// Approval from Monday 2 November is due Thursday 5 November; returned on Tuesday and
	// resubmitted, it is due Friday 6 November.
	acts := append(toApproval(1),
		act{at: day(1), who: "sup", name: workflows.UpdateReturn, input: &workflows.DecisionInput{Comment: "改"}},
	)
	acts = append(acts, toApproval(24*60+1)...)
	acts = append(acts, act{at: day(6), check: stepIs(termgoal.StepApproval)})
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	same(t, "reminders", audited(t, fx, "reminder_sent"), "11-05 01:00 reminder_before_due", "11-06 01:00 reminder_at_due")
}

func TestTimeoutApprovesAutomatically(t *testing.T) {
	fx := newFixture(t, reminderTemplate(termgoal.ReminderPolicy{TimeoutDays: 1, TimeoutAction: "approve"}))
	acts := append(toApproval(1),
		act{at: day(3) + 23*time.Hour, check: stepIs(termgoal.StepApproval)}, // 5 November, the due date
		act{at: day(4) + time.Hour, check: stepIs(termgoal.StepNotice)},      // 6 November 09:00 passed
	)
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	same(t, "automatic approvals", audited(t, fx, "auto_approve"), "11-06 01:00 timeout")
}

func TestDelegateAndGetBack(t *testing.T) {
	fx := newFixture(t, termgoal.Template{})
	to := func(who string) termgoal.Actor { return fx.actors[who] }
	acts := append(toApproval(1),
		act{at: at(10), who: "sup", name: workflows.UpdateDelegate, input: &workflows.TargetInput{To: to("sup")}, want: termgoal.EINVALID},
		act{at: at(11), who: "sup", name: workflows.UpdateDelegate, input: &workflows.TargetInput{To: to("clerk"), Reason: "请核实指标"}},
		// The delegate answers; only the assignee decides.
		approve(at(12), "clerk", termgoal.EFORBIDDEN),
		approve(at(13), "sup", termgoal.EFORBIDDEN),
		act{at: at(14), who: "clerk", name: workflows.UpdateAnswerDelegation, input: &workflows.ReasonInput{Reason: "指标合理"}},
		act{at: at(15), who: "clerk", name: workflows.UpdateAnswerDelegation, input: &workflows.ReasonInput{Reason: "again"}, want: termgoal.EFORBIDDEN},
		// Delegate again and take it back before the answer.
		act{at: at(16), who: "sup", name: workflows.UpdateDelegate, input: &workflows.TargetInput{To: to("clerk")}},
		act{at: at(17), who: "sup", name: workflows.UpdateRecallDelegation, input: &workflows.ReasonInput{}},
		act{at: at(18), who: "sup2", name: workflows.UpdateRecallDelegation, input: &workflows.ReasonInput{}, want: termgoal.ECONFLICT},
		approve(at(19), "sup", ""),
		act{at: at(20), check: stepIs(termgoal.StepNotice)},
	)
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	same(t, "answers", audited(t, fx, "delegation_answered"), "11-02 01:14 <nil>")
}

func TestAddSignerBeforeAndAfter(t *testing.T) {
	fx := newFixture(t, termgoal.Template{Modes: map[termgoal.Step]termgoal.Mode{termgoal.StepApproval: termgoal.ModeSequence}})
	to := func(who string) termgoal.Actor { return fx.actors[who] }
	// In sequence: sup, sup2, sup3. sup adds the clerk before himself, sup2 adds the expert
	// after herself.
	acts := append(toApproval(1),
		approve(at(10), "sup2", termgoal.EFORBIDDEN), // not her turn yet
		act{at: at(11), who: "sup", name: workflows.UpdateAddSigner, input: &workflows.TargetInput{To: to("clerk"), Before: true}},
		approve(at(12), "sup", termgoal.EFORBIDDEN), // waits for the clerk
		approve(at(13), "clerk", ""),
		approve(at(14), "sup", ""),
		act{at: at(15), who: "sup2", name: workflows.UpdateAddSigner, input: &workflows.TargetInput{To: to("expert")}},
		act{at: at(16), who: "sup2", name: workflows.UpdateAddSigner, input: &workflows.TargetInput{To: to("expert")}, want: termgoal.ECONFLICT},
		approve(at(17), "expert", termgoal.EFORBIDDEN), // after sup2
		approve(at(18), "sup2", ""),
		approve(at(19), "expert", ""),
		act{at: at(20), check: stepIs(termgoal.StepApproval)},
		approve(at(21), "sup3", ""),
		act{at: at(22), check: stepIs(termgoal.StepNotice)},
	)
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
}

func TestRemoveAddedSigner(t *testing.T) {
	fx := newFixture(t, termgoal.Template{})
	to := func(who string) termgoal.Actor { return fx.actors[who] }
	acts := append(toApproval(1),
		act{at: at(10), who: "sup", name: workflows.UpdateAddSigner, input: &workflows.TargetInput{To: to("clerk"), Before: true}},
		act{at: at(11), who: "sup2", name: workflows.UpdateRemoveSigner, input: &workflows.TargetInput{To: to("clerk")}, want: termgoal.EFORBIDDEN},
		act{at: at(12), who: "sup", name: workflows.UpdateRemoveSigner, input: &workflows.TargetInput{To: to("expert")}, want: termgoal.ENOTFOUND},
		act{at: at(13), who: "sup", name: workflows.UpdateRemoveSigner, input: &workflows.TargetInput{To: to("clerk")}},
		approve(at(14), "clerk", termgoal.EFORBIDDEN),
		approve(at(15), "sup", ""),
		act{at: at(16), check: stepIs(termgoal.StepNotice)},
	)
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
}

func TestModes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tpl   termgoal.Template
		votes []act // from minute 10
		step  termgoal.Step
	}{
		{"all needs everyone", termgoal.Template{Modes: map[termgoal.Step]termgoal.Mode{termgoal.StepApproval: termgoal.ModeAll}},
			[]act{approve(at(10), "sup", ""), approve(at(11), "sup2", "")}, termgoal.StepApproval},
		{"all passes", termgoal.Template{Modes: map[termgoal.Step]termgoal.Mode{termgoal.StepApproval: termgoal.ModeAll}},
			[]act{approve(at(10), "sup", ""), approve(at(11), "sup3", ""), approve(at(12), "sup2", "")}, termgoal.StepNotice},
		{"ratio two thirds passes", termgoal.Template{PassRatio: 0.667, Modes: map[termgoal.Step]termgoal.Mode{termgoal.StepApproval: termgoal.ModeRatio}},
			[]act{approve(at(10), "sup", ""), {at: at(11), who: "sup2", name: workflows.UpdateReturn, input: &workflows.DecisionInput{Comment: "no"}}, approve(at(12), "sup3", "")}, termgoal.StepNotice},
		{"ratio fails", termgoal.Template{PassRatio: 0.667, Modes: map[termgoal.Step]termgoal.Mode{termgoal.StepApproval: termgoal.ModeRatio}},
			[]act{{at: at(10), who: "sup", name: workflows.UpdateReturn, input: &workflows.DecisionInput{Comment: "no"}}, {at: at(11), who: "sup2", name: workflows.UpdateReturn, input: &workflows.DecisionInput{Comment: "no"}}}, termgoal.StepDraft},
		{"any", termgoal.Template{}, []act{approve(at(10), "sup3", ""), approve(at(11), "sup", termgoal.ECONFLICT)}, termgoal.StepNotice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, tc.tpl)
			acts := append(toApproval(1), tc.votes...)
			acts = append(acts, act{at: at(30), check: stepIs(tc.step)})
			if _, err := play(t, fx, monday, acts); err != errNotCompleted {
				t.Fatal(err)
			}
		})
	}
}

func TestTransferReassignCopyUrge(t *testing.T) {
	fx := newFixture(t, termgoal.Template{Modes: map[termgoal.Step]termgoal.Mode{termgoal.StepApproval: termgoal.ModeAll}})
	to := func(who string) termgoal.Actor { return fx.actors[who] }
	acts := append(toApproval(1),
		act{at: at(10), who: "sup", name: workflows.UpdateTransfer, input: &workflows.TargetInput{To: to("sup2")}, want: termgoal.ECONFLICT},
		act{at: at(11), who: "sup", name: workflows.UpdateTransfer, input: &workflows.TargetInput{To: to("clerk"), Reason: "出差"}},
		approve(at(12), "sup", termgoal.EFORBIDDEN),
		act{at: at(13), who: "sup2", name: workflows.UpdateReassign, input: &workflows.ReassignInput{From: to("sup3").AccountID, To: to("expert"), Reason: "x"}, want: termgoal.EFORBIDDEN},
		act{at: at(14), who: "admin", name: workflows.UpdateReassign, input: &workflows.ReassignInput{From: to("sup3").AccountID, To: to("expert"), Reason: "调岗"}},
		act{at: at(15), who: "holder", name: workflows.UpdateCopy, input: &workflows.CopyInput{To: []termgoal.Actor{to("rep1"), to("rep1"), to("rep2")}}},
		act{at: at(16), who: "holder", name: workflows.UpdateCopy, input: &workflows.CopyInput{To: []termgoal.Actor{to("rep2")}}},
		act{at: at(17), who: "rep1", name: workflows.UpdateCopy, input: &workflows.CopyInput{To: []termgoal.Actor{to("rep2")}}, want: termgoal.EFORBIDDEN},
		act{at: at(18), who: "holder", name: workflows.UpdateUrge, input: &workflows.ReasonInput{}},
		act{at: at(19), who: "holder", name: workflows.UpdateUrge, input: &workflows.ReasonInput{}, want: termgoal.ECONFLICT},
		act{at: at(20), who: "m1", name: workflows.UpdateComment, input: &workflows.CommentInput{Text: "x"}, want: termgoal.EFORBIDDEN},
		act{at: at(21), who: "sup2", name: workflows.UpdateComment, input: &workflows.CommentInput{Text: "看过了"}},
		approve(at(22), "clerk", ""),
		approve(at(23), "sup2", ""),
		approve(at(24), "expert", ""),
		act{at: at(25), check: stepIs(termgoal.StepNotice)},
	)
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	ctx := context.Background()
	copies, total, err := fx.store.Copies(ctx, postgres.InboxFilter{AccountID: fx.actors["rep2"].AccountID, Box: termgoal.BoxCC, Limit: 10})
	must(t, err)
	if total != 1 || len(copies) != 1 {
		t.Errorf("rep2 copies = %d", total)
	}
	same(t, "transfers", audited(t, fx, "transferred"), "11-02 01:11 出差")
	same(t, "reassignments", audited(t, fx, "reassigned"), "11-02 01:14 调岗")
}

func TestWithdrawWindowAndAdminOperations(t *testing.T) {
	fx := newFixture(t, termgoal.Template{WithdrawHours: 2})
	acts := []act{
		draft(1, "稿"),
		act{at: at(2), who: "sup", name: workflows.UpdateWithdraw, input: &workflows.ReasonInput{}, want: termgoal.EFORBIDDEN},
		act{at: at(3), who: "holder", name: workflows.UpdateWithdraw, input: &workflows.ReasonInput{Reason: "补充"}},
		act{at: at(4), check: stepIs(termgoal.StepDraft)},
		draft(5, "稿2"),
		act{at: at(5) + 3*time.Hour, who: "holder", name: workflows.UpdateWithdraw, input: &workflows.ReasonInput{}, want: termgoal.ECONFLICT},
		act{at: at(5) + 3*time.Hour + time.Minute, who: "admin", name: workflows.UpdateMoveTo, input: &workflows.MoveInput{Step: termgoal.StepDraft, Reason: "重新起草"}},
		act{at: at(5) + 3*time.Hour + 2*time.Minute, check: stepIs(termgoal.StepDraft)},
		act{at: at(5) + 3*time.Hour + 3*time.Minute, who: "admin", name: workflows.UpdateCancel, input: &workflows.ReasonInput{}, want: termgoal.EINVALID},
		act{at: at(5) + 3*time.Hour + 4*time.Minute, who: "sup", name: workflows.UpdateCancel, input: &workflows.ReasonInput{Reason: "x"}, want: termgoal.EFORBIDDEN},
		act{at: at(5) + 3*time.Hour + 5*time.Minute, who: "admin", name: workflows.UpdateCancel, input: &workflows.ReasonInput{Reason: "换届推迟"}},
	}
	res, err := play(t, fx, monday, acts)
	must(t, err)
	if res.Step != termgoal.StepCancelled {
		t.Fatalf("result %+v", res)
	}
	p, err := fx.store.Process(context.Background(), workflows.GoalSettingID(fx.term.ID))
	must(t, err)
	if p.Status != "cancelled" {
		t.Errorf("process status %s", p.Status)
	}
}

// A channel that keeps failing is retried, recorded as failed, and never holds the process up.
func TestFailingChannelDoesNotBlockTheProcess(t *testing.T) {
	hits := make(chan struct{}, 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits <- struct{}{}
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	fx := newFixture(t, termgoal.Template{})
	must(t, fx.store.CreateWebhook(context.Background(), &postgres.Webhook{OrgID: fx.county.ID, Kind: "generic", URL: srv.URL, Enabled: true}))
	acts := append(toApproval(1), approve(at(10), "sup", ""))
	acts = append(acts, finish(day(8))...)
	res, err := play(t, fx, monday, acts)
	must(t, err)
	if res.Step != termgoal.StepInForce {
		t.Fatalf("result %+v", res)
	}
	deliveries, err := fx.store.Deliveries(context.Background(), workflows.GoalSettingID(fx.term.ID))
	must(t, err)
	failed := 0
	for _, d := range deliveries {
		if d.Status == "failed" && d.Attempts > 1 {
			failed++
		}
	}
	if failed == 0 || len(hits) < 2 {
		t.Errorf("deliveries %+v, %d posts", deliveries, len(hits))
	}
}

// A step nobody can act on goes to the process administrators, with the reason code.
func TestNoAssigneeGoesToTheAdministrators(t *testing.T) {
	fx := newFixtureWithout(t, termgoal.Template{ExpertReview: true}, "expert")
	acts := []act{
		draft(1, "稿"),
		{at: at(2), check: func(t *testing.T, s *workflows.GoalState) {
			if s.Step != termgoal.StepExpertReview || len(s.Signers) != 1 || s.Signers[0].Actor.AccountID != fx.actors["admin"].AccountID {
				t.Errorf("step %s signers %+v", s.Step, s.Signers)
			}
		}},
		{at: at(3), who: "admin", name: workflows.UpdateReview, input: &workflows.ReviewInput{Feasible: true, Comment: "代为论证"}},
		{at: at(4), check: stepIs(termgoal.StepCommittee)},
	}
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	same(t, "no-assignee entries", audited(t, fx, "draft_submitted"), "11-02 01:01 no_assignee")
}

func TestClaimAndUnclaim(t *testing.T) {
	fx := newFixture(t, termgoal.Template{})
	claim := func(at time.Duration, who, name, want string) act {
		return act{at: at, who: who, name: name, input: &workflows.ReasonInput{}, want: want}
	}
	acts := append(toApproval(1),
		claim(at(10), "sup2", workflows.UpdateClaim, ""),
		claim(at(11), "sup", workflows.UpdateClaim, termgoal.EFORBIDDEN), // no longer an open assignee
		approve(at(12), "sup3", termgoal.EFORBIDDEN),
		claim(at(13), "sup", workflows.UpdateUnclaim, termgoal.ECONFLICT),
		claim(at(14), "sup2", workflows.UpdateUnclaim, ""),
		approve(at(15), "sup3", ""),
		act{at: at(16), check: stepIs(termgoal.StepNotice)},
	)
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	same(t, "claims", audited(t, fx, "claimed"), "11-02 01:10 <nil>")
}
