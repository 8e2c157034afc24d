package workflows

import (
	"slices"

	"termgoal"
)

// Task kinds: what a task asks of its assignee. Each is described once, in TaskKinds, which
// the workflow (the kind of task a step opens), the task page (its forms and operations) and
// the API (GET /tasks/{id}) read.
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
	// Steps are the steps whose assignees get a task of this kind; none: an event opens it (an
	// opinion to answer, an objection to resolve, a delegation).
	Steps []termgoal.Step `json:"steps,omitempty"`
	// Actions are the updates the task's own form sends.
	Actions []string `json:"actions"`
	// Ops are the task mechanism's operations its page offers while it is open, besides
	// OpenTaskOps. Windowed steps (consultation, committee) only transfer.
	Ops []string `json:"operations,omitempty"`
}

// OpenTaskOps are offered on every open task, whatever its kind.
var OpenTaskOps = []string{UpdateComment, UpdateCopy}

// Offers are the updates an open task of kind k offers its assignee: its own form's, then the
// operations (its kind's and OpenTaskOps).
func (k TaskKind) Offers() (actions, ops []string) {
	return slices.Clone(k.Actions), append(slices.Clone(k.Ops), OpenTaskOps...)
}

// mechanism is what a decision step's assignee may do with the task itself.
var mechanism = []string{UpdateTransfer, UpdateDelegate, UpdateAddSigner, UpdateRemoveSigner}

// TaskKinds describes every kind of task.
var TaskKinds = []TaskKind{
	{Name: TaskDraft, Steps: []termgoal.Step{termgoal.StepDraft}, Actions: []string{UpdateSubmitDraft}},
	{Name: TaskOpinion, Steps: []termgoal.Step{termgoal.StepConsultation}, Actions: []string{UpdateGiveOpinion}, Ops: []string{UpdateTransfer}},
	{Name: TaskAnswer, Actions: []string{UpdateAnswerOpinion, UpdateCompleteConsultation, UpdateRevisePlan}},
	{Name: TaskReview, Steps: []termgoal.Step{termgoal.StepExpertReview}, Actions: []string{UpdateReview}, Ops: mechanism},
	{Name: TaskVote, Steps: []termgoal.Step{termgoal.StepCommittee}, Actions: []string{UpdateVote}, Ops: []string{UpdateTransfer}},
	{Name: TaskApprove, Steps: []termgoal.Step{termgoal.StepApproval, termgoal.StepCongress, termgoal.StepCheck},
		Actions: []string{UpdateApprove, UpdateReturn}, Ops: append([]string{UpdateReject}, mechanism...)},
	{Name: TaskResolve, Actions: []string{UpdateResolveObjection}},
	{Name: TaskFile, Steps: []termgoal.Step{termgoal.StepFiling}, Actions: []string{UpdateFile}, Ops: mechanism},
	{Name: TaskPledge, Steps: []termgoal.Step{termgoal.StepPledge}, Actions: []string{UpdateSignPledges}},
	{Name: TaskDelegated, Actions: []string{UpdateAnswerDelegation}},
	{Name: TaskSelfAssess, Steps: []termgoal.Step{termgoal.StepSelfAssessment}, Actions: []string{UpdateSelfAssess}},
	{Name: TaskScore, Steps: []termgoal.Step{termgoal.StepScoring}, Actions: []string{UpdateScore}},
	{Name: TaskDetermine, Steps: []termgoal.Step{termgoal.StepResult}, Actions: []string{UpdateDetermine}},
	{Name: TaskFeedback, Steps: []termgoal.Step{termgoal.StepFeedback}, Actions: []string{UpdateAcknowledge, UpdateAppeal}},
	{Name: TaskAppealReview, Steps: []termgoal.Step{termgoal.StepAppealReview}, Actions: []string{UpdateDecideAppeal}},
	{Name: TaskReport, Steps: []termgoal.Step{termgoal.StepReport}, Actions: []string{UpdateReport}},
}

// TaskKindOf describes kind; an unknown kind offers nothing.
func TaskKindOf(kind string) TaskKind {
	i := slices.IndexFunc(TaskKinds, func(k TaskKind) bool { return k.Name == kind })
	if i < 0 {
		return TaskKind{Name: kind}
	}
	return TaskKinds[i]
}

// stepTaskKind is the kind of task step gives its assignees ("": none).
func stepTaskKind(step termgoal.Step) string {
	for _, k := range TaskKinds {
		if slices.Contains(k.Steps, step) {
			return k.Name
		}
	}
	return ""
}
