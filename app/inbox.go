package app

import (
	"net/url"
	"strconv"
	"time"

	"termgoal"
	"termgoal/postgres"
)

// InboxFilterOf reads account's inbox filter from a query, for the API and the web inbox alike
// (today: the day overdue counts from). A value of the wrong type is malformed (400); the store
// refuses a value of the right type it does not know (422).
func InboxFilterOf(q url.Values, account int64, today time.Time) (postgres.InboxFilter, error) {
	f := postgres.InboxFilter{AccountID: account, Box: q.Get("box"), ProcessID: q.Get("process_id"),
		Step: termgoal.Step(q.Get("step")), Sort: q.Get("sort"), Today: today}
	if status := q.Get("status"); status != "" && f.Box == "" {
		switch status {
		case termgoal.TaskOpen:
			f.Box = termgoal.BoxTodo
		case termgoal.TaskDone:
			f.Box = termgoal.BoxDone
		default:
			return f, termgoal.Errorf(termgoal.EINVALID, "inbox.status", "status must be open or done")
		}
	}
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		return f, termgoal.Errorf(termgoal.EINVALID, "inbox.overdue", "overdue must be true or false")
	}
	due, err := queryInt(q, "due_within")
	if err != nil {
		return f, err
	}
	f.DueWithinDays = int(due)
	f.OrgID, err = queryInt(q, "org_id")
	return f, err
}

// queryInt reads an optional integer query parameter (0 when absent); anything else is
// malformed.
func queryInt(q url.Values, name string) (int64, error) {
	s := q.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, termgoal.Errorf(termgoal.EMALFORMED, "paging.not_number", name+" must be a number", "name", name)
	}
	return n, nil
}
