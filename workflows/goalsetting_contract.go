// Package workflows holds every termgoal workflow with its contract: workflow IDs, update
// names, inputs and outputs, and the validators that refuse an action before it reaches
// history.
package workflows

import (
	"fmt"

	"termgoal"
)

// TaskQueue is the queue of every termgoal process; CampaignTaskQueue the campaigns' own, so
// that a campaign's next page never waits behind the processes it started. A termgoal worker
// polls both.
const (
	TaskQueue         = "termgoal"
	CampaignTaskQueue = "termgoal-campaigns"
)

// GoalSettingWorkflowName is the registered name of GoalSetting.
const GoalSettingWorkflowName = "GoalSetting"

// GoalSettingID is the workflow ID of a term's goal-setting process. It holds the term ID only:
// no personal data in workflow IDs (S5).
func GoalSettingID(termID int64) string { return fmt.Sprintf(goalSettingIDFormat, termID) }

// goalSettingIDFormat is the one place the goal-setting ID is spelled; campaigns pass it on.
const goalSettingIDFormat = "goalsetting-term-%d"

// Update names of the goal-setting workflow: one per human action (T7).
const (
	UpdateSubmitDraft          = "submit_draft"
	UpdateGiveOpinion          = "give_opinion"
	UpdateAnswerOpinion        = "answer_opinion"
	UpdateCompleteConsultation = "complete_consultation"
	UpdateRevisePlan           = "revise_plan"
	UpdateReview               = "review"
	UpdateVote                 = "vote"
	UpdateApprove              = "approve"
	UpdateReturn               = "return"
	UpdateFileObjection        = "file_objection"
	UpdateResolveObjection     = "resolve_objection"
	UpdateFile                 = "file"
	UpdateSignPledges          = "sign_pledges"

	// Operations on any human step (T3).
	UpdateReject           = "reject"
	UpdateComment          = "comment"
	UpdateTransfer         = "transfer"
	UpdateDelegate         = "delegate"
	UpdateAnswerDelegation = "answer_delegation"
	UpdateRecallDelegation = "recall_delegation"
	UpdateAddSigner        = "add_signer"
	UpdateRemoveSigner     = "remove_signer"
	UpdateWithdraw         = "withdraw"
	UpdateCopy             = "copy_to"
	UpdateUrge             = "urge"
	UpdateClaim            = "claim"
	UpdateUnclaim          = "unclaim"

	// Administration (A3): the actor must administer the process's org.
	UpdateReassign = "reassign"
	UpdateExtend   = "extend_deadline"
	UpdateMoveTo   = "move_to_step"
	UpdateCancel   = "cancel"
	UpdateRemind   = "remind"
	// UpdateResync writes the read model again from the workflow's state (termgoal reconcile
	// --repair); it is not an action of the API.
	UpdateResync = "resync"
)

// QueryState is the query that returns the workflow's GoalState.
const QueryState = "state"

// AmendmentID is the workflow ID of a term's n-th plan amendment (目标调整), n from 1.
func AmendmentID(termID int64, n int) string { return fmt.Sprintf("amendment-term-%d-%d", termID, n) }

// Process kinds: the read model's processes.kind.
const (
	KindGoalSetting = "goal_setting"
	KindAmendment   = "plan_amendment"
)

// GoalSettingInput starts a goal-setting process, or, with Amendment, a plan amendment: the
// holder drafts a change of the plan in force for Reason and the superior approves it. State
// is set only when the workflow continues as new and carries everything it had.
type GoalSettingInput struct {
	Amendment bool           `json:"amendment,omitempty"`
	Reason    string         `json:"reason,omitempty"`
	TermID    int64          `json:"term_id"`
	Initiator termgoal.Actor `json:"initiator"`
	State     *GoalState     `json:"state,omitempty"`
}

// Action inputs. Every input carries the actor the API authenticated; the validator checks that
// the actor may act on the current step.

// SubmitDraftInput submits (or resubmits) the plan.
type SubmitDraftInput struct {
	Acting
	Items []termgoal.PlanItem `json:"items" limit:"100"`
	Note  string              `json:"note"`
}

// RevisePlanInput is the drafter's new plan version during the consultation, taking in the
// opinions adopted (or partly adopted) so far.
type RevisePlanInput struct {
	Acting
	Items []termgoal.PlanItem `json:"items" limit:"100"`
	Note  string              `json:"note"`
}

// GiveOpinionInput gives a consultation opinion.
type GiveOpinionInput struct {
	Acting
	Content string `json:"content"`
}

// AnswerOpinionInput answers one opinion.
type AnswerOpinionInput struct {
	Acting
	Seq         int                  `json:"seq"`
	Disposition termgoal.Disposition `json:"disposition"`
	Reason      string               `json:"reason"`
}

// CompleteConsultationInput ends the consultation once every opinion is answered.
type CompleteConsultationInput struct {
	Acting
}

// ReviewInput is an expert's review.
type ReviewInput struct {
	Acting
	Feasible bool   `json:"feasible"`
	Comment  string `json:"comment"`
}

// VoteInput is a committee member's vote.
type VoteInput struct {
	Acting
	Choice termgoal.Choice `json:"choice"`
}

// DecisionInput approves, returns or rejects the plan. A return goes to the draft unless
// ToStep names another earlier step.
type DecisionInput struct {
	Acting
	Comment string        `json:"comment"`
	ToStep  termgoal.Step `json:"to_step,omitempty"`
}

// CommentInput adds a comment to the process.
type CommentInput struct {
	Acting
	Text string `json:"text"`
}

// TargetInput names another account: to transfer or delegate a task to, to add or remove as
// a signer, to reassign to. The API fills in the target's name from the account.
type TargetInput struct {
	Acting
	To     termgoal.Actor `json:"to"`
	Before bool           `json:"before,omitempty"` // add_signer: before the adder (前加签)
	Reason string         `json:"reason"`
}

// ReassignInput moves an open task from one account to another (admin).
type ReassignInput struct {
	Acting
	From   int64          `json:"from"`
	To     termgoal.Actor `json:"to"`
	Reason string         `json:"reason"`
}

// CopyInput copies the process to accounts (抄送).
type CopyInput struct {
	Acting
	To   []termgoal.Actor `json:"to"`
	Note string           `json:"note"`
}

// ReasonInput is an operation that needs only a reason: withdraw, urge, cancel, remind, and
// answering or recalling a delegation.
type ReasonInput struct {
	Acting
	Reason string `json:"reason"`
}

// ExtendInput moves the current step's due date by working days (admin).
type ExtendInput struct {
	Acting
	Days   int    `json:"days"`
	Reason string `json:"reason"`
}

// MoveInput moves the process to a step, e.g. reopens a closed one (admin).
type MoveInput struct {
	Acting
	Step   termgoal.Step `json:"step"`
	Reason string        `json:"reason"`
}

// FileObjectionInput files an objection during the notice. An actor with AccountID 0 is a
// member of the public who did not sign in; their objection is anonymous. The API keeps the
// content out of the workflow: it stores it in PostgreSQL and sends its TextID, with Content
// empty (a body's text_id is never taken).
type FileObjectionInput struct {
	Acting
	Content   string `json:"content"`
	TextID    string `json:"text_id,omitempty"`
	Anonymous bool   `json:"anonymous"`
}

// ResolveObjectionInput resolves an objection: upheld sends the plan back to the draft.
type ResolveObjectionInput struct {
	Acting
	Seq    int    `json:"seq"`
	Upheld bool   `json:"upheld"`
	Reason string `json:"reason"`
}

// FileInput records the plan with a document number.
type FileInput struct {
	Acting
	DocNumber string `json:"doc_number" text:"line"`
}

// SignPledgesInput signs the pledges; the plan comes into force.
type SignPledgesInput struct {
	Acting
	Pledges []string `json:"pledges"`
}

// ActionResult answers every action.
type ActionResult struct {
	Step    termgoal.Step `json:"step"`
	Version int           `json:"plan_version"`
	Seq     int           `json:"seq,omitempty"` // the opinion or objection created
}

// ActionInput is implemented by every action input, so the API can decode any action from its
// body and then set the actor it authenticated (never one the body names).
type ActionInput interface{ SetActor(termgoal.Actor) }

// Acting is the actor an action input carries; every input embeds it, so it is "actor" in
// the JSON and in.Actor in code.
type Acting struct {
	Actor termgoal.Actor `json:"actor"`
}

// SetActor sets the actor the API authenticated.
func (a *Acting) SetActor(actor termgoal.Actor) { a.Actor = actor }

// Targeted is implemented by inputs that name other accounts; the API resolves each target's
// name from its account ID (an unknown account is refused before the workflow sees it).
type Targeted interface{ Targets() []*termgoal.Actor }

func (in *TargetInput) Targets() []*termgoal.Actor   { return []*termgoal.Actor{&in.To} }
func (in *ReassignInput) Targets() []*termgoal.Actor { return []*termgoal.Actor{&in.To} }
func (in *CopyInput) Targets() []*termgoal.Actor {
	out := make([]*termgoal.Actor, len(in.To))
	for i := range in.To {
		out[i] = &in.To[i]
	}
	return out
}

// Actions maps each update name to a constructor of its input.
var Actions = map[string]func() ActionInput{
	UpdateSubmitDraft:          func() ActionInput { return &SubmitDraftInput{} },
	UpdateGiveOpinion:          func() ActionInput { return &GiveOpinionInput{} },
	UpdateAnswerOpinion:        func() ActionInput { return &AnswerOpinionInput{} },
	UpdateCompleteConsultation: func() ActionInput { return &CompleteConsultationInput{} },
	UpdateRevisePlan:           func() ActionInput { return &RevisePlanInput{} },
	UpdateReview:               func() ActionInput { return &ReviewInput{} },
	UpdateVote:                 func() ActionInput { return &VoteInput{} },
	UpdateApprove:              func() ActionInput { return &DecisionInput{} },
	UpdateReturn:               func() ActionInput { return &DecisionInput{} },
	UpdateFileObjection:        func() ActionInput { return &FileObjectionInput{} },
	UpdateResolveObjection:     func() ActionInput { return &ResolveObjectionInput{} },
	UpdateFile:                 func() ActionInput { return &FileInput{} },
	UpdateSignPledges:          func() ActionInput { return &SignPledgesInput{} },
	UpdateReject:               func() ActionInput { return &DecisionInput{} },
	UpdateComment:              func() ActionInput { return &CommentInput{} },
	UpdateTransfer:             func() ActionInput { return &TargetInput{} },
	UpdateDelegate:             func() ActionInput { return &TargetInput{} },
	UpdateAnswerDelegation:     func() ActionInput { return &ReasonInput{} },
	UpdateRecallDelegation:     func() ActionInput { return &ReasonInput{} },
	UpdateAddSigner:            func() ActionInput { return &TargetInput{} },
	UpdateRemoveSigner:         func() ActionInput { return &TargetInput{} },
	UpdateWithdraw:             func() ActionInput { return &ReasonInput{} },
	UpdateCopy:                 func() ActionInput { return &CopyInput{} },
	UpdateUrge:                 func() ActionInput { return &ReasonInput{} },
	UpdateClaim:                func() ActionInput { return &ReasonInput{} },
	UpdateUnclaim:              func() ActionInput { return &ReasonInput{} },
	UpdateReassign:             func() ActionInput { return &ReassignInput{} },
	UpdateExtend:               func() ActionInput { return &ExtendInput{} },
	UpdateMoveTo:               func() ActionInput { return &MoveInput{} },
	UpdateCancel:               func() ActionInput { return &ReasonInput{} },
	UpdateRemind:               func() ActionInput { return &ReasonInput{} },

	UpdateSelfAssess:   func() ActionInput { return &SelfAssessInput{} },
	UpdateScore:        func() ActionInput { return &ScoreInput{} },
	UpdateCloseScoring: func() ActionInput { return &ReasonInput{} },
	UpdateDetermine:    func() ActionInput { return &DetermineInput{} },
	UpdateAcknowledge:  func() ActionInput { return &ReasonInput{} },
	UpdateAppeal:       func() ActionInput { return &AppealInput{} },
	UpdateDecideAppeal: func() ActionInput { return &DecideAppealInput{} },
	UpdateReport:       func() ActionInput { return &ReportActionInput{} },
}

// RefusalDetail travels as the details of the Temporal application error a validator returns:
// the message key and its arguments, so the API can answer in the caller's language.
type RefusalDetail struct {
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
}
