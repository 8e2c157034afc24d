package postgres_test

import (
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// inboxWorld is the world with a second org under the county and a second process there, and
// tasks for "me" in both (today is 2026-03-15):
//
//	goal-1 (village): t1 due 03-10, t2 03-20, t3 03-05, t8 03-19 at consultation; t6 03-15 at
//	                  the draft in the town; t4 due 03-01 done at +10m
//	goal-2 (other):   t7 due 03-18 at approval; t9 due 03-25 closed at +20m
//	someone:          t5
type inboxWorld struct {
	*world
	s           *postgres.Store
	other       termgoal.Org
	me, someone termgoal.Account
}

var inboxToday = day("2026-03-15")

func newInboxWorld(t *testing.T) *inboxWorld {
	t.Helper()
	s := postgrestest.New(t)
	w := &inboxWorld{world: newWorld(t, s), s: s}
	w.other = termgoal.Org{ParentID: &w.county.ID, Name: "Other", Type: termgoal.OrgAgency}
	must(t, s.CreateOrg(ctx, &w.other))
	w.me = account(t, s, "me", nil)
	w.someone = account(t, s, "someone", nil)

	at := func(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }
	mk := func(id string, acc termgoal.Account, due string, created int) termgoal.Task {
		tk := task(id, acc, due)
		tk.CreatedAt = at(created)
		return tk
	}
	c := w.change("open-1", 0, termgoal.StepConsultation, "step_started")
	t6 := mk("t6", w.me, "2026-03-15", 2)
	t6.Step, t6.OrgID = termgoal.StepDraft, w.town.ID
	c.Open = []termgoal.Task{
		mk("t1", w.me, "2026-03-10", 1), mk("t2", w.me, "2026-03-20", 5), mk("t3", w.me, "2026-03-05", 3),
		mk("t4", w.me, "2026-03-01", 0), mk("t8", w.me, "2026-03-19", 4), t6, mk("t5", w.someone, "2026-03-01", 0),
	}
	must(t, s.Apply(ctx, c))
	c = w.change("close-1", 10, termgoal.StepConsultation, "opinion_given")
	c.Close = []termgoal.TaskClose{{ID: "t4", Status: termgoal.TaskDone, Outcome: "given"}}
	must(t, s.Apply(ctx, c))

	c = w.process2("open-2", 0, termgoal.StepApproval)
	c.Open = []termgoal.Task{mk("t7", w.me, "2026-03-18", 6), mk("t9", w.me, "2026-03-25", 0)}
	must(t, s.Apply(ctx, c))
	c = w.process2("close-2", 20, termgoal.StepApproval)
	c.Close = []termgoal.TaskClose{{ID: "t9", Status: termgoal.TaskClosed, Outcome: "step_ended"}}
	must(t, s.Apply(ctx, c))
	return w
}

// process2 is a change of goal-2, a process of the other org.
func (w *inboxWorld) process2(id string, minutes int, step termgoal.Step) termgoal.Change {
	c := w.change(id, minutes, step, "step_started")
	c.Process.ID, c.Process.OrgID = "goal-2", w.other.ID
	return c
}

// taskIDs lists the tasks' IDs, "!" marking the overdue ones.
func taskIDs(tasks []termgoal.Task) string {
	var b strings.Builder
	for _, t := range tasks {
		b.WriteString(t.ID)
		if t.Overdue {
			b.WriteString("!")
		}
		b.WriteString(" ")
	}
	return strings.TrimSpace(b.String())
}

func TestInboxFiltersSortsAndPages(t *testing.T) {
	w := newInboxWorld(t)
	for _, c := range []struct {
		name  string
		f     postgres.InboxFilter
		want  string
		total int
	}{
		{"to-do by due date", postgres.InboxFilter{}, "t3! t1! t6 t7 t8 t2", 6},
		{"explicit box and sort", postgres.InboxFilter{Box: termgoal.BoxTodo, Sort: "due"}, "t3! t1! t6 t7 t8 t2", 6},
		{"first page", postgres.InboxFilter{Limit: 2}, "t3! t1!", 6},
		{"middle page", postgres.InboxFilter{Limit: 2, Offset: 2}, "t6 t7", 6},
		{"last page", postgres.InboxFilter{Limit: 4, Offset: 4}, "t8 t2", 6},
		{"past the end", postgres.InboxFilter{Limit: 2, Offset: 10}, "", 6},
		{"overdue", postgres.InboxFilter{Overdue: true}, "t3! t1!", 2},
		{"due within 3 days", postgres.InboxFilter{DueWithinDays: 3}, "t6 t7", 2},
		{"due within 4 days", postgres.InboxFilter{DueWithinDays: 4}, "t6 t7 t8", 3},
		{"process", postgres.InboxFilter{ProcessID: "goal-2"}, "t7", 1},
		{"unknown process", postgres.InboxFilter{ProcessID: "nope"}, "", 0},
		{"step", postgres.InboxFilter{Step: termgoal.StepDraft}, "t6", 1},
		{"org subtree: town and village", postgres.InboxFilter{OrgID: w.town.ID}, "t3! t1! t6 t8 t2", 5},
		{"org: village", postgres.InboxFilter{OrgID: w.village.ID}, "t3! t1! t8 t2", 4},
		{"org: other", postgres.InboxFilter{OrgID: w.other.ID}, "t7", 1},
		{"org: county, the root", postgres.InboxFilter{OrgID: w.county.ID}, "t3! t1! t6 t7 t8 t2", 6},
		{"unknown org", postgres.InboxFilter{OrgID: 99999}, "", 0},
		{"filters together", postgres.InboxFilter{Overdue: true, OrgID: w.village.ID, Step: termgoal.StepConsultation, Limit: 1}, "t3!", 2},
		{"due descending", postgres.InboxFilter{Sort: "-due"}, "t2 t8 t7 t6 t1! t3!", 6},
		{"created", postgres.InboxFilter{Sort: "created"}, "t1! t6 t3! t8 t2 t7", 6},
		{"created descending", postgres.InboxFilter{Sort: "-created", Limit: 3}, "t7 t2 t8", 6},
		{"done: the last done first", postgres.InboxFilter{Box: termgoal.BoxDone}, "t9 t4", 2},
		{"done by due date", postgres.InboxFilter{Box: termgoal.BoxDone, Sort: "due"}, "t4 t9", 2},
		{"done page", postgres.InboxFilter{Box: termgoal.BoxDone, Limit: 1, Offset: 1}, "t4", 2},
		{"done in a process", postgres.InboxFilter{Box: termgoal.BoxDone, ProcessID: "goal-1"}, "t4", 1},
		{"done at a step", postgres.InboxFilter{Box: termgoal.BoxDone, Step: termgoal.StepApproval}, "t9", 1},
		{"done under an org", postgres.InboxFilter{Box: termgoal.BoxDone, OrgID: w.other.ID}, "t9", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.f
			f.AccountID, f.Today = w.me.ID, inboxToday
			tasks, total, err := w.s.Inbox(ctx, f)
			must(t, err)
			if got := taskIDs(tasks); got != c.want || total != c.total {
				t.Errorf("Inbox(%+v) = %q, %d; want %q, %d", c.f, got, total, c.want, c.total)
			}
		})
	}

	tasks, _, err := w.s.Inbox(ctx, postgres.InboxFilter{AccountID: w.me.ID, Box: termgoal.BoxDone, Today: inboxToday})
	must(t, err)
	if tk := tasks[0]; tk.Status != termgoal.TaskClosed || tk.DoneAt == nil || !tk.DoneAt.Equal(t0.Add(20*time.Minute)) ||
		tk.OrgName != "Other" || tk.HolderName != "Li Wei" || tk.Step != termgoal.StepApproval || tk.Overdue {
		t.Errorf("done task = %+v", tk)
	}
	// Zero Today is today in China: every open task here is long overdue by then.
	tasks, _, err = w.s.Inbox(ctx, postgres.InboxFilter{AccountID: w.me.ID, Overdue: true})
	must(t, err)
	if len(tasks) != 6 {
		t.Errorf("overdue against the real today = %q", taskIDs(tasks))
	}
}

func TestInboxRefusesBadFilters(t *testing.T) {
	w := newInboxWorld(t)
	for _, f := range []postgres.InboxFilter{
		{Box: "maybe"},
		{Box: termgoal.BoxCC}, // copies are not tasks: see Copies
		{Box: termgoal.BoxDone, Overdue: true},
		{Box: termgoal.BoxDone, DueWithinDays: 3},
		{DueWithinDays: -1},
		{DueWithinDays: 367},
		{Step: "nap"},
		{Sort: "priority"},
		{Sort: "-done"},
		{OrgID: -1},
	} {
		f.AccountID = w.me.ID
		_, _, err := w.s.Inbox(ctx, f)
		wantCode(t, err, termgoal.EINVALID)
	}
}

func TestInboxCounts(t *testing.T) {
	w := newInboxWorld(t)
	n, err := w.s.InboxCounts(ctx, w.me.ID, inboxToday)
	must(t, err)
	if want := (termgoal.InboxCounts{Todo: 6, Overdue: 2, DueSoon: 2, Done: 2}); n != want {
		t.Errorf("InboxCounts = %+v, want %+v", n, want)
	}
	n, err = w.s.InboxCounts(ctx, w.someone.ID, inboxToday)
	must(t, err)
	if want := (termgoal.InboxCounts{Todo: 1, Overdue: 1}); n != want {
		t.Errorf("InboxCounts(someone) = %+v, want %+v", n, want)
	}
	open, overdue, err := w.s.InboxCount(ctx, w.me.ID, inboxToday)
	must(t, err)
	if open != 6 || overdue != 2 {
		t.Errorf("InboxCount = %d, %d; want 6, 2", open, overdue)
	}
	if _, err := w.s.InboxCounts(ctx, w.me.ID, time.Time{}); err != nil {
		t.Error(err)
	}
}

func TestInboxOrgs(t *testing.T) {
	w := newInboxWorld(t)
	orgs, err := w.s.InboxOrgs(ctx, w.me.ID)
	must(t, err)
	var names []string
	for _, o := range orgs {
		names = append(names, o.Name)
	}
	// The county is above every task's org; the town holds t6 and is above the village.
	if got := strings.Join(names, ","); got != "County,Other,Town,Village" && got != "County,Town,Village,Other" {
		t.Errorf("InboxOrgs = %s", got)
	}
	none, err := w.s.InboxOrgs(ctx, 99999)
	must(t, err)
	if len(none) != 0 {
		t.Errorf("InboxOrgs(nobody) = %+v", none)
	}
}
