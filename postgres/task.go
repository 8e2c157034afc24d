package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/lib/pq"

	"termgoal"
)

// openTasks inserts the change's new tasks; a task ID already present is left alone, since
// task IDs are deterministic per process.
func openTasks(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	for _, t := range c.Open {
		if t.ProcessID == "" {
			t.ProcessID = c.Process.ID
		}
		if t.TermID == 0 {
			t.TermID = c.Process.TermID
		}
		if t.OrgID == 0 {
			t.OrgID = c.Process.OrgID
		}
		if t.Step == "" {
			t.Step = c.Process.Step
		}
		if t.Status == "" {
			t.Status = termgoal.TaskOpen
		}
		if t.CreatedAt.IsZero() {
			t.CreatedAt = c.At
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO tasks (id, process_id, term_id, org_id, step, kind, account_id, status, due_on, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
			t.ID, t.ProcessID, t.TermID, t.OrgID, t.Step, t.Kind, t.AccountID, t.Status, dateArg(t.DueOn), t.CreatedAt)
		if err != nil {
			return err
		}
	}
	return nil
}

// closeTasks closes the change's tasks that are still open; a task already closed keeps how
// and when it was closed first.
func closeTasks(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	for _, t := range c.Close {
		if t.Status == "" {
			t.Status = termgoal.TaskClosed
		}
		_, err := tx.ExecContext(ctx, `UPDATE tasks SET status = $2, outcome = $3, done_at = $4 WHERE id = $1 AND status = 'open'`,
			t.ID, t.Status, t.Outcome, c.At)
		if err != nil {
			return err
		}
	}
	return nil
}

// taskCols and taskFrom read a task with its org's and holder's names; $1 is today, for
// Overdue.
const (
	taskCols = `t.id, t.process_id, t.term_id, t.org_id, t.step, t.kind, t.account_id, t.status, t.outcome, t.due_on,
		t.created_at, t.done_at, COALESCE(o.name, ''), COALESCE(p.name, o.name, ''), t.status = 'open' AND t.due_on < $1`
	taskFrom = `tasks t LEFT JOIN orgs o ON o.id = t.org_id LEFT JOIN terms tm ON tm.id = t.term_id
		LEFT JOIN people p ON p.id = tm.person_id`
)

func scanTask(r scanner) (termgoal.Task, error) {
	var t termgoal.Task
	err := r.Scan(&t.ID, &t.ProcessID, &t.TermID, &t.OrgID, &t.Step, &t.Kind, &t.AccountID, &t.Status, &t.Outcome,
		date{&t.DueOn}, &t.CreatedAt, &t.DoneAt, &t.OrgName, &t.HolderName, &t.Overdue)
	return t, err
}

// InboxFilter selects an account's tasks.
type InboxFilter struct {
	AccountID int64
	Status    string    // "open" (default), or "done" for tasks done or closed
	Overdue   bool      // only open tasks due before Today
	Today     time.Time // the caller's date; zero means today in China
	Limit     int       // <= 0: all
	Offset    int
}

// Inbox returns a page of an account's tasks by due date, and how many match.
func (s *Store) Inbox(ctx context.Context, f InboxFilter) ([]termgoal.Task, int, error) {
	statuses := []string{termgoal.TaskOpen}
	switch f.Status {
	case "", termgoal.TaskOpen:
	case termgoal.TaskDone:
		statuses = []string{termgoal.TaskDone, termgoal.TaskClosed}
	default:
		return nil, 0, invalid("inbox.status", "the status must be open or done", "status", f.Status)
	}
	if f.Today.IsZero() {
		f.Today = chinaToday()
	}
	return page(ctx, s.db, scanTask, taskCols,
		taskFrom+` WHERE t.account_id = $2 AND t.status = ANY($3) AND (NOT $4 OR (t.status = 'open' AND t.due_on < $1))`,
		`t.due_on, t.id`, f.Limit, f.Offset, dateArg(f.Today), f.AccountID, pq.Array(statuses), f.Overdue)
}

// InboxCount counts an account's open tasks and, of those, the ones due before today (zero:
// today in China).
func (s *Store) InboxCount(ctx context.Context, accountID int64, today time.Time) (open, overdue int, err error) {
	if today.IsZero() {
		today = chinaToday()
	}
	err = s.db.QueryRowContext(ctx, `
		SELECT count(*), count(*) FILTER (WHERE due_on < $2) FROM tasks WHERE account_id = $1 AND status = 'open'`,
		accountID, dateArg(today)).Scan(&open, &overdue)
	return open, overdue, mapError(err, "count inbox")
}

// Task returns one task; Overdue is against today in China.
func (s *Store) Task(ctx context.Context, id string) (*termgoal.Task, error) {
	return get(ctx, s.db, scanTask, "task", id, `SELECT `+taskCols+` FROM `+taskFrom+` WHERE t.id = $2`, dateArg(chinaToday()), id)
}

// OpenTasks returns a process's open tasks by due date; Overdue is against today in China.
func (s *Store) OpenTasks(ctx context.Context, processID string) ([]termgoal.Task, error) {
	return list(ctx, s.db, scanTask, `SELECT `+taskCols+` FROM `+taskFrom+`
		WHERE t.process_id = $2 AND t.status = 'open' ORDER BY t.due_on, t.id`, dateArg(chinaToday()), processID)
}

// chinaTime is UTC+8, the zone of the working-day calendar; a fixed zone needs no tzdata.
var chinaTime = time.FixedZone("CST", 8*3600)

// chinaToday is the current date in China, at UTC midnight like every date of the domain.
func chinaToday() time.Time { return civil(time.Now().In(chinaTime)) }
