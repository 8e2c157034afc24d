package postgres_test

import (
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
)

func TestCopies(t *testing.T) {
	w := newInboxWorld(t)
	s := w.s
	// goal-1 is copied to me twice (a second action, a retried one) and to someone; goal-2 later.
	c := w.change("cc-1", 30, termgoal.StepConsultation, "copied")
	c.Copies = []termgoal.Copy{{AccountID: w.me.ID, ByName: "Wang", Note: "FYI"}, {AccountID: w.someone.ID, ByName: "Wang"}}
	must(t, s.Apply(ctx, c))
	c = w.change("cc-2", 40, termgoal.StepConsultation, "copied")
	c.Copies = []termgoal.Copy{{AccountID: w.me.ID, ByName: "Zhao", Note: "again"}}
	must(t, s.Apply(ctx, c))
	c = w.process2("cc-3", 50, termgoal.StepApproval)
	c.Copies = []termgoal.Copy{{ProcessID: "goal-2", AccountID: w.me.ID, ByName: "Zhao"}}
	must(t, s.Apply(ctx, c))

	copies := func(f postgres.InboxFilter) (string, int) {
		t.Helper()
		f.AccountID = w.me.ID
		cs, total, err := s.Copies(ctx, f)
		must(t, err)
		got := ""
		for _, c := range cs {
			got += c.ProcessID + " "
		}
		return got, total
	}
	for _, c := range []struct {
		f     postgres.InboxFilter
		want  string
		total int
	}{
		{postgres.InboxFilter{}, "goal-2 goal-1 ", 2},
		{postgres.InboxFilter{Box: termgoal.BoxCC, Sort: "-created"}, "goal-2 goal-1 ", 2},
		{postgres.InboxFilter{Sort: "created"}, "goal-1 goal-2 ", 2},
		{postgres.InboxFilter{Limit: 1}, "goal-2 ", 2},
		{postgres.InboxFilter{Limit: 1, Offset: 1}, "goal-1 ", 2},
		{postgres.InboxFilter{Limit: 1, Offset: 5}, "", 2},
		{postgres.InboxFilter{ProcessID: "goal-1"}, "goal-1 ", 1},
		{postgres.InboxFilter{Step: termgoal.StepApproval}, "goal-2 ", 1},
		{postgres.InboxFilter{OrgID: w.town.ID}, "goal-1 ", 1},
		{postgres.InboxFilter{OrgID: w.county.ID}, "goal-2 goal-1 ", 2},
	} {
		if got, total := copies(c.f); got != c.want || total != c.total {
			t.Errorf("Copies(%+v) = %q, %d; want %q, %d", c.f, got, total, c.want, c.total)
		}
	}

	cs, _, err := s.Copies(ctx, postgres.InboxFilter{AccountID: w.me.ID, ProcessID: "goal-1"})
	must(t, err)
	if cp := cs[0]; cp.ByName != "Wang" || cp.Note != "FYI" || !cp.At.Equal(t0.Add(30*time.Minute)) || cp.ReadAt != nil ||
		cp.OrgName != "Village" || cp.HolderName != "Li Wei" || cp.Step != termgoal.StepConsultation || cp.AccountID != w.me.ID {
		t.Errorf("the first copy is kept: %+v", cp)
	}
	n, err := s.InboxCounts(ctx, w.me.ID, inboxToday)
	must(t, err)
	if n.CC != 2 {
		t.Errorf("unread copies = %d, want 2", n.CC)
	}

	readAt := t0.Add(time.Hour)
	read, err := s.ReadCopies(ctx, w.me.ID, []string{"goal-1", "nope"}, readAt)
	must(t, err)
	if read != 1 {
		t.Errorf("ReadCopies = %d, want 1", read)
	}
	read, err = s.ReadCopies(ctx, w.me.ID, []string{"goal-1"}, readAt.Add(time.Hour))
	must(t, err)
	if read != 0 {
		t.Errorf("ReadCopies again = %d, want 0", read)
	}
	if read, err := s.ReadCopies(ctx, w.me.ID, nil, readAt); read != 0 || err != nil {
		t.Errorf("ReadCopies(none) = %d, %v", read, err)
	}
	cs, _, err = s.Copies(ctx, postgres.InboxFilter{AccountID: w.me.ID, ProcessID: "goal-1"})
	must(t, err)
	if cs[0].ReadAt == nil || !cs[0].ReadAt.Equal(readAt) {
		t.Errorf("read copy = %+v", cs[0])
	}
	n, err = s.InboxCounts(ctx, w.me.ID, inboxToday)
	must(t, err)
	if n.CC != 1 {
		t.Errorf("unread copies = %d, want 1", n.CC)
	}
	n, err = s.InboxCounts(ctx, w.someone.ID, inboxToday)
	must(t, err)
	if n.CC != 1 {
		t.Errorf("someone's unread copies = %d, want 1", n.CC)
	}

	for _, f := range []postgres.InboxFilter{
		{Overdue: true}, {DueWithinDays: 3}, {Sort: "due"}, {Sort: "-due"}, {Box: termgoal.BoxTodo}, {Step: "nap"},
	} {
		f.AccountID = w.me.ID
		_, _, err := s.Copies(ctx, f)
		wantCode(t, err, termgoal.EINVALID)
	}
	// A copy to an unknown account is refused with the whole change.
	c = w.change("cc-bad", 60, termgoal.StepConsultation, "copied")
	c.Copies = []termgoal.Copy{{AccountID: 99999, ByName: "Wang"}}
	wantCode(t, s.Apply(ctx, c), termgoal.EINVALID)
}
