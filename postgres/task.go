package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"termgoal"
)

// openTasks inserts the change's new tasks; a task ID already present is left alone, since
// task IDs are deterministic per process.
func openTasks(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	if c.OnlyOpen {
		return onlyOpen(ctx, tx, c)
	}
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

// onlyOpen makes c.Open the process's open tasks: others open are closed, listed ones are
// opened again (or written, if the read model lost them).
func onlyOpen(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	ids := make([]string, len(c.Open))
	for i, t := range c.Open {
		ids[i] = t.ID
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE tasks SET status = $3, outcome = 'read_model_repaired', done_at = $4
		WHERE process_id = $1 AND status = 'open' AND NOT id = ANY($2)`,
		c.Process.ID, pq.Array(ids), termgoal.TaskClosed, c.At)
	if err != nil {
		return err
	}
	for _, t := range c.Open {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO tasks (id, process_id, term_id, org_id, step, kind, account_id, status, due_on, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9)
			ON CONFLICT (id) DO UPDATE SET status = 'open', outcome = '', done_at = NULL, account_id = EXCLUDED.account_id,
				due_on = EXCLUDED.due_on, step = EXCLUDED.step`,
			t.ID, c.Process.ID, c.Process.TermID, c.Process.OrgID, c.Process.Step, t.Kind, t.AccountID, dateArg(t.DueOn), c.At)
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

// InboxFilter selects a page of an account's inbox (T1).
type InboxFilter struct {
	AccountID int64
	Box       string // termgoal.BoxTodo (default), BoxDone, or BoxCC (see Copies)
	// Overdue keeps open tasks due before Today; DueWithinDays > 0 keeps open tasks due from
	// Today to Today + DueWithinDays calendar days. Both are for the to-do box only.
	Overdue       bool
	DueWithinDays int
	ProcessID     string
	Step          termgoal.Step // the task's step; for a copy, its process's current step
	OrgID         int64         // the org and its subtree
	// Sort is "due" (by due date, the to-do box's default), "-due", "created" or "-created".
	// The done box lists the last done first and copies the last copied first unless told.
	Sort   string
	Today  time.Time // the caller's date; zero means today in China
	Limit  int       // <= 0: all
	Offset int
}

// maxDueWithin bounds DueWithinDays: a year ahead is as far as a deadline reaches.
const maxDueWithin = 366

// inboxSorts are the ORDER BY of each Sort for tasks.
var inboxSorts = map[string]string{
	"due":      `t.due_on, t.id`,
	"-due":     `t.due_on DESC, t.id DESC`,
	"created":  `t.created_at, t.id`,
	"-created": `t.created_at DESC, t.id DESC`,
	// The done box's default, in the order of the tasks_done index.
	"-done": `t.done_at DESC, t.id DESC`,
}

// check validates f and fills its defaults.
func (f *InboxFilter) check() error {
	switch f.Box {
	case "":
		f.Box = termgoal.BoxTodo
	case termgoal.BoxTodo, termgoal.BoxDone, termgoal.BoxCC:
	default:
		return invalid("inbox.box", "the box must be todo, done or cc", "box", f.Box)
	}
	if f.DueWithinDays < 0 || f.DueWithinDays > maxDueWithin {
		return invalid("inbox.due_within", "due within is 1 to 366 days", "max", maxDueWithin)
	}
	if f.Box != termgoal.BoxTodo && (f.Overdue || f.DueWithinDays > 0) {
		return invalid("inbox.due_todo_only", "overdue and due within apply to the to-do box only")
	}
	if f.Step != "" && !slices.Contains(termgoal.GoalSteps, f.Step) {
		return invalid("inbox.step", "unknown step", "step", string(f.Step))
	}
	if f.OrgID < 0 {
		return invalid("inbox.org", "unknown org", "org_id", f.OrgID)
	}
	switch {
	case f.Sort == "" && f.Box == termgoal.BoxTodo:
		f.Sort = "due"
	case f.Sort == "" && f.Box == termgoal.BoxDone:
		f.Sort = "-done"
	case f.Sort == "" && f.Box == termgoal.BoxCC:
		f.Sort = "-created"
	case f.Box == termgoal.BoxCC && f.Sort != "created" && f.Sort != "-created":
		return invalid("inbox.sort_cc", "copies sort by created or -created", "sort", f.Sort)
	case f.Sort == "-done" || inboxSorts[f.Sort] == "":
		return invalid("inbox.sort", "sort must be due, -due, created or -created", "sort", f.Sort)
	}
	if f.Today.IsZero() {
		f.Today = chinaToday()
	}
	return nil
}

// Inbox returns a page of an account's to-do or done tasks and how many match, in one
// statement: the count is a window over the account's matching tasks, read from the partial
// index of its box (migration 00002), so a page costs the same at a million tasks.
func (s *Store) Inbox(ctx context.Context, f InboxFilter) ([]termgoal.Task, int, error) {
	if err := f.check(); err != nil {
		return nil, 0, err
	}
	if f.Box == termgoal.BoxCC {
		return nil, 0, invalid("inbox.box", "the box must be todo, done or cc", "box", f.Box)
	}
	w := &sqlWhere{args: []any{dateArg(f.Today)}} // $1: today, for the overdue column
	w.add(`t.account_id = $?`, f.AccountID)
	if f.Box == termgoal.BoxTodo {
		w.add(`t.status = 'open'`) // the constant predicates pick the partial index
	} else {
		w.add(`t.status <> 'open'`)
	}
	if f.Overdue {
		w.add(`t.due_on < $1`)
	}
	if f.DueWithinDays > 0 {
		w.add(`t.due_on >= $1 AND t.due_on <= $?`, dateArg(f.Today.AddDate(0, 0, f.DueWithinDays)))
	}
	if f.ProcessID != "" {
		w.add(`t.process_id = $?`, f.ProcessID)
	}
	if f.Step != "" {
		w.add(`t.step = $?`, string(f.Step))
	}
	if f.OrgID != 0 {
		w.add(underOrg(`t.org_id`), f.OrgID)
	}
	order := inboxSorts[f.Sort]
	n := len(w.args)
	query := fmt.Sprintf(`SELECT %s, t.total FROM (
			SELECT t.*, count(*) OVER () AS total FROM tasks t WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d
		) t LEFT JOIN orgs o ON o.id = t.org_id LEFT JOIN terms tm ON tm.id = t.term_id
		LEFT JOIN people p ON p.id = tm.person_id ORDER BY %s`, taskCols, w, order, n+1, n+2, order)
	// $1 is typed even when no condition of the count uses it.
	count := `SELECT count(*) FROM tasks t WHERE $1::date IS NOT NULL AND ` + w.String()
	return pageWithTotal(ctx, s.db, scanTask, query, count, f, w.args)
}

// underOrg is the condition "col is the org $? or below it"; the org's path is a prefix of the
// paths of its subtree. It looks up only the orgs of the rows already selected, which are few.
func underOrg(col string) string {
	return `EXISTS (SELECT 1 FROM orgs uo WHERE uo.id = ` + col + `
		AND starts_with(uo.path, (SELECT fo.path FROM orgs fo WHERE fo.id = $?)))`
}

// pageWithTotal runs query, whose rows end with the total of matching rows (count(*) OVER ()),
// and returns them with the total. A page past the end has no row to carry the total: count
// answers it then. query's last two parameters are the limit and offset after args.
func pageWithTotal[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query, count string,
	f InboxFilter, args []any) ([]T, int, error) {
	total := 0
	items, err := list(ctx, q, func(r scanner) (T, error) { return scan(withTotal{r, &total}) },
		query, append(slices.Clip(args), nullIfZero(int64(max(f.Limit, 0))), max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, mapError(err, "inbox")
	}
	if len(items) == 0 && f.Offset > 0 {
		if err := q.QueryRowContext(ctx, count, args...).Scan(&total); err != nil {
			return nil, 0, mapError(err, "count inbox")
		}
	}
	return items, total, nil
}

// withTotal scans a row's last column into total after the caller's destinations.
type withTotal struct {
	r     scanner
	total *int
}

func (w withTotal) Scan(dest ...any) error { return w.r.Scan(append(dest, w.total)...) }

// sqlWhere collects the conditions of a filter. Each is a constant of this package with $?
// where its arguments go, numbered as they are added; only the arguments carry input.
type sqlWhere struct {
	conds []string
	args  []any
}

func (w *sqlWhere) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "$?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *sqlWhere) String() string { return strings.Join(w.conds, " AND ") }

// InboxCounts counts an account's inbox for the menu badge and the tabs; today zero means
// today in China. Each count reads one account's slice of a partial index.
func (s *Store) InboxCounts(ctx context.Context, accountID int64, today time.Time) (termgoal.InboxCounts, error) {
	if today.IsZero() {
		today = chinaToday()
	}
	var n termgoal.InboxCounts
	err := s.db.QueryRowContext(ctx, `
		SELECT count(*), count(*) FILTER (WHERE due_on < $2), count(*) FILTER (WHERE due_on >= $2 AND due_on <= $3),
			(SELECT count(*) FROM tasks WHERE account_id = $1 AND status <> 'open'),
			(SELECT count(*) FROM copies WHERE account_id = $1 AND read_at IS NULL)
		FROM tasks WHERE account_id = $1 AND status = 'open'`,
		accountID, dateArg(today), dateArg(today.AddDate(0, 0, termgoal.DueSoonDays))).
		Scan(&n.Todo, &n.Overdue, &n.DueSoon, &n.Done, &n.CC)
	return n, mapError(err, "count inbox")
}

// InboxCount counts an account's open tasks and, of those, the ones due before today (zero:
// today in China): the cheap badge of every page.
func (s *Store) InboxCount(ctx context.Context, accountID int64, today time.Time) (open, overdue int, err error) {
	if today.IsZero() {
		today = chinaToday()
	}
	err = s.db.QueryRowContext(ctx, `
		SELECT count(*), count(*) FILTER (WHERE due_on < $2) FROM tasks WHERE account_id = $1 AND status = 'open'`,
		accountID, dateArg(today)).Scan(&open, &overdue)
	return open, overdue, mapError(err, "count inbox")
}

// InboxOrgs returns the orgs of an account's tasks and copies with the orgs above them, by
// path: the choices of the inbox's org filter. Each status is asked apart so each reads its
// partial index.
func (s *Store) InboxOrgs(ctx context.Context, accountID int64) ([]termgoal.Org, error) {
	var paths []string
	err := s.db.QueryRowContext(ctx, `
		SELECT COALESCE(array_agg(DISTINCT o.path), '{}') FROM orgs o
		WHERE o.id IN (SELECT org_id FROM tasks WHERE account_id = $1 AND status = 'open'
			UNION SELECT org_id FROM tasks WHERE account_id = $1 AND status <> 'open'
			UNION SELECT p.org_id FROM copies c JOIN processes p ON p.id = c.process_id WHERE c.account_id = $1)`,
		accountID).Scan(pq.Array(&paths))
	if err != nil {
		return nil, mapError(err, "inbox orgs")
	}
	ids := map[int64]bool{}
	for _, path := range paths {
		for part := range strings.SplitSeq(strings.Trim(path, "/"), "/") {
			if id, err := strconv.ParseInt(part, 10, 64); err == nil {
				ids[id] = true
			}
		}
	}
	orgs, err := list(ctx, s.db, scanOrg, `SELECT `+orgCols+` FROM orgs o WHERE o.id = ANY($1) ORDER BY o.path`,
		pq.Array(slices.Collect(maps.Keys(ids))))
	return orgs, mapError(err, "inbox orgs")
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
