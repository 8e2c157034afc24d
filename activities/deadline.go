package activities

import (
	"context"
	"time"

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
	days, years, err := a.Store.CalendarAdmin(ctx)
	if err != nil {
		return time.Time{}, domain(err)
	}
	admin := make([]calendar.Day, len(days))
	for i, d := range days {
		admin[i] = calendar.Day{Date: d.Day, Working: d.Working, Name: d.Name}
	}
	due, err := calendar.New(admin, years).AddWorkingDays(in.From, in.WorkingDays)
	return due, domain(err)
}
