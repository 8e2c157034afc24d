package workflows

import (
	"cmp"
	"slices"
)

// Task kinds: what a task asks of its assignee. Each is described once, in TaskKinds, which
// the workflow, the task page (its form and operations) and the API (GET /tasks/{id}) read;
// the step that opens it names it in Steps.
const (
	TaskDraft        = "draft"
	TaskOpinion      = "opinion"
	TaskAnswer       = "answer" // the drafter answers the consultation's opinions
	TaskReview       = "review"
	TaskVote         = "vote"
	TaskApprove      = "approve"
	TaskResolve      = "resolve" // an objection to resolve
	TaskFile         = "file"
	TaskPledge       = "pledge"
	TaskDelegated    = "delegated" // a delegate (委派) answers; the decision stays with the assignee
	TaskSelfAssess   = "self_assess"
	TaskScore        = "score"
	TaskDetermine    = "determine"
	TaskFeedback     = "feedback"
	TaskAppealReview = "appeal_review"
	TaskReport       = "report"
)

// TaskKind describes one kind of task.
type TaskKind struct {
	Name string `json:"kind"`
	// Actions are the updates the task's own form sends.
	Actions []string `json:"actions"`
	// Ops are the task mechanism's operations its page offers while it is open, besides
	// OpenTaskOps. Windowed steps (consultation, committee) only transfer.
	Ops []string `json:"operations,omitempty"`
	// Form is the form its task page shows (a section of web/templates/task.html, which
	// loads what that form needs); the kind's own name when empty.
	Form string `json:"form,omitempty"`
}

// FormName is the form a task of kind k shows.
func (k TaskKind) FormName() string { return cmp.Or(k.Form, k.Name) }

// OpenTaskOps are offered on every open task, whatever its kind.
var OpenTaskOps = []string{UpdateComment, UpdateCopy}

// Offers are the updates an open task of kind k offers its assignee: its own form's, then the
// operations (its kind's and OpenTaskOps).
func (k TaskKind) Offers() (actions, ops []string) {
	return slices.Clone(k.Actions), append(slices.Clone(k.Ops), OpenTaskOps...)
}

// signerOps is what a decision step's assignee may do with the task itself.
var signerOps = []string{UpdateTransfer, UpdateDelegate, UpdateAddSigner, UpdateRemoveSigner}

// TaskKinds describes every kind of task.
var TaskKinds = []TaskKind{
	{Name: TaskDraft, Actions: []string{UpdateSubmitDraft}},
	{Name: TaskOpinion, Actions: []string{UpdateGiveOpinion}, Ops: []string{UpdateTransfer}},
	{Name: TaskAnswer, Actions: []string{UpdateAnswerOpinion, UpdateCompleteConsultation, UpdateRevisePlan}},
	{Name: TaskReview, Actions: []string{UpdateReview}, Ops: signerOps},
	{Name: TaskVote, Actions: []string{UpdateVote}, Ops: []string{UpdateTransfer}},
	{Name: TaskApprove, Actions: []string{UpdateApprove, UpdateReturn}, Ops: append([]string{UpdateReject}, signerOps...)},
	{Name: TaskResolve, Actions: []string{UpdateResolveObjection}},
	{Name: TaskFile, Actions: []string{UpdateFile}, Ops: signerOps},
	{Name: TaskPledge, Actions: []string{UpdateSignPledges}},
	{Name: TaskDelegated, Actions: []string{UpdateAnswerDelegation}},
	{Name: TaskSelfAssess, Actions: []string{UpdateSelfAssess}},
	{Name: TaskScore, Actions: []string{UpdateScore}},
	{Name: TaskDetermine, Actions: []string{UpdateDetermine}},
	{Name: TaskFeedback, Actions: []string{UpdateAcknowledge, UpdateAppeal}},
	{Name: TaskAppealReview, Actions: []string{UpdateDecideAppeal}},
	{Name: TaskReport, Actions: []string{UpdateReport}},
}

// TaskKindOf describes kind; an unknown kind offers nothing.
func TaskKindOf(kind string) TaskKind {
	i := slices.IndexFunc(TaskKinds, func(k TaskKind) bool { return k.Name == kind })
	if i < 0 {
		return TaskKind{Name: kind}
	}
	return TaskKinds[i]
}
