package activities

import (
	"context"
	"time"

	"termgoal"

	"termgoal/calendar"
)

// DeadlineInput asks for the date WorkingDays working days after From.
type DeadlineInput struct {
	From        time.Time
	WorkingDays int
}

// Deadline adds working days on the calendar (shipped data + the admin table), so the date is
// recorded in history and replay stays deterministic. The calendar is rebuilt from the admin
// table on every call: it is small, and an administrator's correction applies at once. A year
// the calendar does not know fails non-retryably (EINVALID, calendar.year_unknown).
func (a *Activities) Deadline(ctx context.Context, in DeadlineInput) (time.Time, error) {
	cal, err := a.calendar(ctx)
	if err != nil {
		return time.Time{}, err
	}
	due, err := cal.AddWorkingDays(in.From, in.WorkingDays)
	return due, domain(err)
}

// calendar builds the calendar from the shipped data and the admin table.
func (a *Activities) calendar(ctx context.Context) (*calendar.Calendar, error) {
	cal, err := a.Store.Calendar(ctx)
	return cal, domain(err)
}

// ReminderInput asks for the next reminder of a step due on Due after the instant After.
// Windowed steps (consultation, committee vote) close at their due date, so only the
// reminders before and on it apply.
type ReminderInput struct {
	Due      time.Time
	Policy   termgoal.ReminderPolicy
	After    time.Time
	Windowed bool
}

// Reminder is what happens next, and when: reminder (before due), due, overdue, escalate or
// timeout. A zero At means nothing more is scheduled.
type Reminder struct {
	At   time.Time
	Kind string
}

// remindAt is the hour reminders go out: 09:00 in Beijing.
const remindAt = time.Hour

// maxOverdueReminders bounds the repeated reminders of one step.
const maxOverdueReminders = 20

// NextReminder computes the next reminder on the working-day calendar (T5). Computing it in
// an activity records it in history, so a replay never recomputes a calendar that an
// administrator has since corrected.
func (a *Activities) NextReminder(ctx context.Context, in ReminderInput) (Reminder, error) {
	cal, err := a.calendar(ctx)
	if err != nil {
		return Reminder{}, err
	}
	p := in.Policy
	var next Reminder
	consider := func(days int, kind string) error {
		d, err := cal.AddWorkingDays(in.Due, days)
		if err != nil {
			return domain(err)
		}
		at := d.Add(remindAt)
		if at.After(in.After) && (next.At.IsZero() || at.Before(next.At) || (at.Equal(next.At) && rank[kind] > rank[next.Kind])) {
			next = Reminder{At: at, Kind: kind}
		}
		return nil
	}
	type rule struct {
		on   bool
		days int
		kind string
	}
	rules := []rule{{p.BeforeDays > 0, -p.BeforeDays, "reminder"}, {p.AtDue, 0, "due"}}
	if !in.Windowed {
		rules = append(rules,
			rule{p.EscalateDays > 0, p.EscalateDays, "escalate"},
			rule{p.TimeoutDays > 0 && p.TimeoutAction != "", p.TimeoutDays, "timeout"})
		for k := 1; p.RepeatDays > 0 && k <= maxOverdueReminders; k++ {
			rules = append(rules, rule{true, k * p.RepeatDays, "overdue"})
		}
	}
	for _, r := range rules {
		if r.on {
			if err := consider(r.days, r.kind); err != nil {
				return Reminder{}, err
			}
		}
	}
	return next, nil
}

// rank orders reminders that fall at the same instant: the stronger one wins.
var rank = map[string]int{"reminder": 1, "due": 2, "overdue": 3, "escalate": 4, "timeout": 5}
