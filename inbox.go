package termgoal

// Inbox boxes (T1): what the account must do, what it did, what was copied to it.
const (
	BoxTodo = "todo"
	BoxDone = "done"
	BoxCC   = "cc"
)

// DueSoonDays is how many calendar days ahead the inbox badge counts a task as due soon.
const DueSoonDays = 3

// InboxCounts are the numbers of the inbox badge and its tabs.
type InboxCounts struct {
	Todo    int `json:"todo"`     // open tasks
	Overdue int `json:"overdue"`  // open tasks due before today
	DueSoon int `json:"due_soon"` // open tasks due from today to DueSoonDays days ahead
	Done    int `json:"done"`     // tasks done or closed
	CC      int `json:"cc"`       // unread copies
}
