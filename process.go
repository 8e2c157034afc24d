package termgoal

import "time"

// Task is one human task in the inbox read model. A workflow opens and closes tasks through a
// Change; its ID is derived from the process ID and a counter, so writing it twice is harmless.
type Task struct {
	ID        string     `json:"id"`
	ProcessID string     `json:"process_id"`
	TermID    int64      `json:"term_id"`
	OrgID     int64      `json:"org_id"`
	Step      Step       `json:"step"`
	Kind      string     `json:"kind"` // what the assignee must do: draft, opinion, answer, review, vote, approve, resolve, file, pledge
	AccountID int64      `json:"account_id"`
	Status    string     `json:"status"` // open, done, closed
	Outcome   string     `json:"outcome,omitempty"`
	DueOn     time.Time  `json:"due_on"`
	CreatedAt time.Time  `json:"created_at"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	// Read-only conveniences filled by queries.
	OrgName    string `json:"org_name,omitempty"`
	HolderName string `json:"holder_name,omitempty"`
	Overdue    bool   `json:"overdue"`
}

// Task statuses.
const (
	TaskOpen   = "open"
	TaskDone   = "done"   // the assignee acted
	TaskClosed = "closed" // closed without the assignee acting: another signer acted, the window ended, the step moved
)

// TaskClose closes one open task.
type TaskClose struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Outcome string `json:"outcome"`
}

// Opinion is a consultation opinion and its answer.
type Opinion struct {
	Seq         int         `json:"seq"`
	AuthorID    int64       `json:"author_id"`
	AuthorName  string      `json:"author_name"`
	Content     string      `json:"content"`
	At          time.Time   `json:"at"`
	Disposition Disposition `json:"disposition,omitempty"`
	Reason      string      `json:"reason,omitempty"`
	// RevisedIn is the plan version the drafter made after adopting the opinion (or part of
	// it); 0 while it waits for one.
	RevisedIn int `json:"revised_in,omitempty"`
}

// ToRevise returns the opinions adopted or partly adopted that no plan version has taken in
// yet: the drafter revises the plan before the consultation can end (issue 25).
func ToRevise(ops []Opinion) []int {
	var seqs []int
	for _, o := range ops {
		if (o.Disposition == Adopted || o.Disposition == PartlyAdopted) && o.RevisedIn == 0 {
			seqs = append(seqs, o.Seq)
		}
	}
	return seqs
}

// Review is an expert's feasibility review.
type Review struct {
	AccountID int64  `json:"account_id"`
	Name      string `json:"name"`
	Feasible  bool   `json:"feasible"`
	Comment   string `json:"comment"`
}

// Vote is one committee member's vote in a round.
type Vote struct {
	Round     int    `json:"round"`
	AccountID int64  `json:"account_id"`
	Name      string `json:"name"`
	Choice    Choice `json:"choice"`
}

// Notice is a public notice (公示) of a plan.
type Notice struct {
	ProcessID string    `json:"process_id"`
	Round     int       `json:"round"`
	TermID    int64     `json:"term_id"`
	OrgID     int64     `json:"org_id"`
	Title     string    `json:"title"`
	Version   int       `json:"version"`
	StartsOn  time.Time `json:"starts_on"`
	EndsOn    time.Time `json:"ends_on"`
	Status    string    `json:"status"` // open, closed, withdrawn
	// Kind is the process's kind (a plan's or an appraisal result's notice), filled by queries.
	Kind string `json:"kind,omitempty"`
}

// Objection is an objection filed against a notice.
type Objection struct {
	Seq        int       `json:"seq"`
	Round      int       `json:"round"`
	AuthorID   int64     `json:"-"` // never shown for an anonymous objection
	AuthorName string    `json:"author_name,omitempty"`
	Anonymous  bool      `json:"anonymous"`
	Content    string    `json:"content"`
	TextID     string    `json:"text_id,omitempty"` // in a workflow: where the content is kept instead
	At         time.Time `json:"at"`
	Resolution string    `json:"resolution,omitempty"` // upheld, dismissed
	Reason     string    `json:"reason,omitempty"`
}

// Audit is one line of the append-only audit log.
type Audit struct {
	ID        int64          `json:"id"`
	At        time.Time      `json:"at"`
	ActorID   int64          `json:"actor_id,omitempty"`
	ActorName string         `json:"actor_name"`
	IP        string         `json:"ip,omitempty"`
	Action    string         `json:"action"`
	ProcessID string         `json:"process_id,omitempty"`
	TermID    int64          `json:"term_id,omitempty"`
	Detail    map[string]any `json:"detail,omitempty"`
}

// Process is the read-model row of a running or finished process, kept current by its
// workflow.
type Process struct {
	ID         string       `json:"id"`
	Kind       string       `json:"kind"`
	TermID     int64        `json:"term_id"`
	OrgID      int64        `json:"org_id"`
	Step       Step         `json:"step"`
	Status     string       `json:"status"` // running, completed, cancelled, rejected, halted (postgres.StatusHalted)
	Version    int          `json:"plan_version"`
	DeadlineOn time.Time    `json:"deadline_on"`
	StepDueOn  *time.Time   `json:"step_due_on,omitempty"`
	StartedAt  time.Time    `json:"started_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
	State      ProcessState `json:"state"` // step details for the process page
}

// Change is everything one workflow step or action writes to the read model, applied in one
// transaction. Seq, Base and Task key it (docs/architecture.md, "The write path"): Seq is the
// process's change sequence once the change is made, Base the sequence of the write it builds
// on, Task the history length of the workflow task that made it. A write repeated with the
// same key changes nothing; one that builds on an earlier Base than the read model has undoes
// what lies beyond it (a workflow task the server discarded); one from an older Task than the
// last write is dropped.
type Change struct {
	ID          string         `json:"id"`
	Seq         int            `json:"seq,omitempty"`
	Base        int            `json:"base,omitempty"`
	Task        int64          `json:"task,omitempty"`
	At          time.Time      `json:"at"`
	Process     Process        `json:"process"`
	Actor       *Actor         `json:"actor,omitempty"`
	Action      string         `json:"action"`
	Detail      map[string]any `json:"detail,omitempty"`
	Open        []Task         `json:"open,omitempty"`
	Close       []TaskClose    `json:"close,omitempty"`
	PlanVersion *PlanVersion   `json:"plan_version,omitempty"`
	Opinion     *Opinion       `json:"opinion,omitempty"`
	Opinions    []Opinion      `json:"opinions,omitempty"` // several at once: those a revision took in
	Review      *Review        `json:"review,omitempty"`
	Vote        *Vote          `json:"vote,omitempty"`
	Notice      *Notice        `json:"notice,omitempty"`
	Objection   *Objection     `json:"objection,omitempty"`
	StepRecord  *StepRecord    `json:"step_record,omitempty"`
	// Copies are the accounts the process is copied to (抄送); a copy already there is kept.
	Copies []Copy `json:"copies,omitempty"`
	// DueOn, when set, is the new due date of the process's open tasks (a deadline extended or
	// re-armed).
	DueOn *time.Time `json:"due_on,omitempty"`
	// OnlyOpen: Open lists every open task of the process. Tasks the read model shows open
	// that are not listed are closed, listed ones it shows closed or lacks are opened (a
	// repair, termgoal reconcile --repair).
	OnlyOpen bool `json:"only_open,omitempty"`
	// InForce marks the plan version that comes into force, and the term's goals with it.
	InForce bool `json:"in_force,omitempty"`
	// Appraisal is the appraisal's row as it now stands (self-assessment, result, appeal,
	// archive); Sheet a named rater's scoring sheet; BallotCode the hash of the one-time code
	// an anonymous ballot used up.
	Appraisal  *AppraisalRecord `json:"appraisal,omitempty"`
	Sheet      *ScoreSheet      `json:"sheet,omitempty"`
	BallotCode string           `json:"ballot_code,omitempty"`
	// Progress is a submitted progress report.
	Progress *ProgressReport `json:"progress,omitempty"`
}

// StepRecord records how a step ended and which plan version it acted on.
type StepRecord struct {
	Seq     int       `json:"seq"`
	Step    Step      `json:"step"`
	Version int       `json:"version"`
	Outcome string    `json:"outcome"`
	At      time.Time `json:"at"`
}

// Copy is a process copied to an account (抄送): it shows in their "copied to me" inbox.
type Copy struct {
	ProcessID string    `json:"process_id"`
	AccountID int64     `json:"account_id"`
	ByName    string    `json:"by_name"`
	Note      string    `json:"note,omitempty"`
	At        time.Time `json:"at"`
	// Read-only conveniences filled by queries.
	ReadAt     *time.Time `json:"read_at,omitempty"` // when the account first saw it; nil: unread
	OrgName    string     `json:"org_name,omitempty"`
	HolderName string     `json:"holder_name,omitempty"`
	Step       Step       `json:"step,omitempty"`
}
