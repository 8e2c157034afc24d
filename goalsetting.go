package termgoal

import (
	"maps"
	"slices"
)

// Step is a step of the goal-setting process (DOMAIN.md "Setting the goals").
type Step string

// Goal-setting steps in their order. Consultation, expert review and congress are optional
// per template; the others always run.
const (
	StepDraft        Step = "draft"
	StepConsultation Step = "consultation"
	StepExpertReview Step = "expert_review"
	StepCommittee    Step = "committee"
	StepApproval     Step = "approval"
	StepCongress     Step = "congress"
	StepNotice       Step = "notice"
	StepFiling       Step = "filing"
	StepPledge       Step = "pledge"
	StepInForce      Step = "in_force"
	StepCancelled    Step = "cancelled"
	StepRejected     Step = "rejected"
)

// GoalSteps is the order of the goal-setting steps.
var GoalSteps = []Step{StepDraft, StepConsultation, StepExpertReview, StepCommittee, StepApproval, StepCongress, StepNotice, StepFiling, StepPledge}

// StepRole is the role whose holders act on each step.
var StepRole = map[Step]Role{
	StepDraft:          RoleHolder,
	StepConsultation:   RoleConsultee,
	StepExpertReview:   RoleExpert,
	StepCommittee:      RoleCommittee,
	StepApproval:       RoleSuperior,
	StepCongress:       RoleCongress,
	StepNotice:         RoleSuperior,
	StepFiling:         RoleFilingClerk,
	StepPledge:         RoleHolder,
	StepSelfAssessment: RoleHolder,
	StepReport:         RoleHolder,
	StepFeedback:       RoleHolder,
	StepResult:         RoleSuperior,
	StepCheck:          RoleSuperior,
	StepAppealReview:   RoleReviewer,
}

// Template configures goal setting for a kind of holder (A5). A process snapshots the
// template when it starts, so editing a template never changes a running process.
type Template struct {
	ID      int64   `json:"id"`
	Name    string  `json:"name"`
	OrgType OrgType `json:"org_type,omitempty"`
	Version int     `json:"version"`
	// Optional steps.
	Consultation bool `json:"consultation"`
	ExpertReview bool `json:"expert_review"`
	Congress     bool `json:"congress"`
	// Working days allowed for each step; the public notice lasts NoticeDays working days.
	StepDays   map[Step]int `json:"step_days"`
	NoticeDays int          `json:"notice_days"`
	// The whole plan must be approved within DeadlineMonths of the term start (2 by the rules).
	DeadlineMonths int      `json:"deadline_months"`
	Categories     []string `json:"categories"`
	// Modes sets how a multi-person step decides (T4); steps not named use DefaultMode.
	Modes map[Step]Mode `json:"modes,omitempty"`
	// PassRatio is the share of signers that must approve in ModeRatio (e.g. 0.667).
	PassRatio float64 `json:"pass_ratio,omitempty"`
	// Reminders is the schedule of reminders, escalation and automatic action (T5).
	Reminders ReminderPolicy `json:"reminders"`
	// WithdrawHours is how long after submitting the drafter may withdraw the plan, as long
	// as nobody has acted on it yet; 0 forbids withdrawing.
	WithdrawHours int `json:"withdraw_hours,omitempty"`
	// Amendment is set on the snapshot an amendment process takes (目标调整): the change is
	// drafted with its reason and approved by the superior, no other step.
	Amendment bool `json:"amendment,omitempty"`
	// Appraisal configures the annual and end-of-term appraisals of the template's terms;
	// nil takes DefaultAppraisal.
	Appraisal *AppraisalConfig `json:"appraisal,omitempty"`
	// Flow is set on the snapshot a process takes: which steps it runs (FlowAppraisal,
	// FlowReport, FlowChecked, FlowPublished); empty for goal setting.
	Flow string `json:"flow,omitempty"`
}

// AppraisalConfig returns the template's appraisal configuration or the default for its org
// type (DefaultAppraisalFor; no template had the university type, the only one it changes,
// before it was introduced, so running processes read what they always read).
func (t Template) AppraisalConfig() AppraisalConfig {
	if t.Appraisal != nil {
		return *t.Appraisal
	}
	return DefaultAppraisalFor(t.OrgType)
}

// Flow step sequences other than goal setting's.
var flowSteps = map[string][]Step{
	FlowAppraisal: {StepSelfAssessment, StepScoring, StepResult, StepNotice, StepFeedback},
	FlowReport:    {StepReport},
	FlowChecked:   {StepReport, StepCheck},
	FlowPublished: {StepReport, StepCheck, StepNotice},
}

// End returns the step a finished process of the template's flow rests in.
func (t Template) End() Step {
	switch t.Flow {
	case FlowAppraisal:
		return StepArchived
	case FlowReport, FlowChecked, FlowPublished:
		return StepCompleted
	}
	return StepInForce
}

// Mode is how a multi-person step decides (T4).
type Mode string

// Modes of a multi-person step.
const (
	ModeAny      Mode = "any"      // 或签: the first approval decides
	ModeAll      Mode = "all"      // 会签: every signer approves
	ModeSequence Mode = "sequence" // 依次: signers approve one after another
	ModeRatio    Mode = "ratio"    // a share of the signers approves (PassRatio)
	ModeVote     Mode = "vote"     // the committee's quorum vote
)

// Valid reports whether m is known.
func (m Mode) Valid() bool {
	return m == ModeAny || m == ModeAll || m == ModeSequence || m == ModeRatio || m == ModeVote
}

// DefaultMode is how each step decides unless the template says otherwise.
var DefaultMode = map[Step]Mode{
	StepDraft:        ModeAny,
	StepExpertReview: ModeAll,
	StepCommittee:    ModeVote,
	StepApproval:     ModeAny,
	StepCongress:     ModeAny,
	StepFiling:       ModeAny,
	StepPledge:       ModeAny,
	StepScoring:      ModeAll,
	StepResult:       ModeAny,
	StepCheck:        ModeAny,
	StepAppealReview: ModeAny,
}

// ModeOf returns the mode of step s.
func (t Template) ModeOf(s Step) Mode {
	if m, ok := t.Modes[s]; ok && m.Valid() && s != StepCommittee {
		return m
	}
	return DefaultMode[s]
}

// ReminderPolicy says when the assignees of a step are reminded, when an overdue step is
// escalated to the supervisor and what happens automatically on timeout (T5). Days are working
// days; 0 turns that reminder off.
type ReminderPolicy struct {
	BeforeDays    int    `json:"before_days"`    // remind this many working days before the due date
	AtDue         bool   `json:"at_due"`         // remind on the due date
	RepeatDays    int    `json:"repeat_days"`    // remind again every N working days while overdue
	EscalateDays  int    `json:"escalate_days"`  // escalate after N overdue working days
	TimeoutDays   int    `json:"timeout_days"`   // act automatically after N overdue working days
	TimeoutAction string `json:"timeout_action"` // "", "approve", "reject" or "return"
}

// Validate checks a reminder policy.
func (p ReminderPolicy) Validate() error {
	for _, d := range []int{p.BeforeDays, p.RepeatDays, p.EscalateDays, p.TimeoutDays} {
		if d < 0 || d > 60 {
			return Errorf(EINVALID, "template.reminder_days", "reminder days are 0 to 60 working days")
		}
	}
	switch p.TimeoutAction {
	case "", "approve", "reject", "return":
	default:
		return Errorf(EINVALID, "template.timeout_action", "the timeout action must be approve, reject or return")
	}
	if p.TimeoutAction != "" && p.TimeoutDays == 0 {
		return Errorf(EINVALID, "template.timeout_days", "an automatic action needs its number of overdue days")
	}
	return nil
}

// Steps returns the steps this template runs, in order.
func (t Template) Steps() []Step {
	if steps, ok := flowSteps[t.Flow]; ok {
		return steps
	}
	if t.Amendment {
		return []Step{StepDraft, StepApproval}
	}
	var s []Step
	for _, st := range GoalSteps {
		switch {
		case st == StepConsultation && !t.Consultation,
			st == StepExpertReview && !t.ExpertReview,
			st == StepCongress && !t.Congress:
			continue
		}
		s = append(s, st)
	}
	return s
}

// Next returns the step after s, or the flow's end (StepInForce for goal setting) after the
// last.
func (t Template) Next(s Step) Step {
	steps := t.Steps()
	for i, st := range steps {
		if st == s && i+1 < len(steps) {
			return steps[i+1]
		}
	}
	return t.End()
}

// Days returns the working days allowed for step s (the notice length for the notice).
func (t Template) Days(s Step) int {
	if t.Flow == FlowAppraisal {
		return t.AppraisalConfig().Days(s)
	}
	if s == StepNotice {
		return t.NoticeDays
	}
	if d, ok := t.StepDays[s]; ok && d > 0 {
		return d
	}
	return 10
}

// Validate checks a template.
func (t Template) Validate() error {
	switch {
	case t.Name == "":
		return Errorf(EINVALID, "template.name", "the template needs a name")
	case t.NoticeDays < 1 || t.NoticeDays > 30:
		return Errorf(EINVALID, "template.notice_days", "the notice lasts 1 to 30 working days", "min", 1, "max", 30)
	case t.DeadlineMonths < 1 || t.DeadlineMonths > 12:
		return Errorf(EINVALID, "template.deadline", "the deadline is 1 to 12 months")
	}
	for s, d := range t.StepDays {
		if d < 1 || d > 120 {
			return Errorf(EINVALID, "template.step_days", "a step lasts 1 to 120 working days", "step", string(s))
		}
	}
	for s, m := range t.Modes {
		if !m.Valid() {
			return Errorf(EINVALID, "template.mode", "unknown decision mode", "step", string(s))
		}
	}
	if t.PassRatio < 0 || t.PassRatio > 1 || (t.PassRatio == 0 && slices.Contains(slices.Collect(maps.Values(t.Modes)), ModeRatio)) {
		return Errorf(EINVALID, "template.pass_ratio", "the pass ratio is a share between 0 and 1")
	}
	if t.WithdrawHours < 0 || t.WithdrawHours > 720 {
		return Errorf(EINVALID, "template.withdraw_hours", "the withdrawal window is 0 to 720 hours")
	}
	if t.Appraisal != nil {
		if err := t.Appraisal.Validate(); err != nil {
			return err
		}
	}
	return t.Reminders.Validate()
}

// Disposition is the answer to a consultation opinion.
type Disposition string

// Dispositions.
const (
	Adopted       Disposition = "adopted"
	PartlyAdopted Disposition = "partly_adopted"
	NotAdopted    Disposition = "not_adopted"
)

// Valid reports whether d is known.
func (d Disposition) Valid() bool { return d == Adopted || d == PartlyAdopted || d == NotAdopted }

// Choice is a committee member's vote.
type Choice string

// Vote choices. A recused member takes no part and is not counted as present.
const (
	VoteFor     Choice = "for"
	VoteAgainst Choice = "against"
	VoteAbstain Choice = "abstain"
	VoteRecuse  Choice = "recuse"
)

// Valid reports whether c is known.
func (c Choice) Valid() bool {
	return c == VoteFor || c == VoteAgainst || c == VoteAbstain || c == VoteRecuse
}

// Tally is the outcome of a committee vote.
type Tally struct {
	Members int  `json:"members"`
	Present int  `json:"present"`
	For     int  `json:"for"`
	Against int  `json:"against"`
	Abstain int  `json:"abstain"`
	Recused int  `json:"recused"`
	Quorum  bool `json:"quorum"` // more than half of the members took part
	Passed  bool `json:"passed"` // quorum, and more than half of those present voted for
}

// CountVotes applies the committee rule of DOMAIN.md: the vote is valid when more than half of
// the members take part, and passes when more than half of those present vote for.
func CountVotes(members int, votes []Choice) Tally {
	t := Tally{Members: members}
	for _, c := range votes {
		switch c {
		case VoteFor:
			t.For++
		case VoteAgainst:
			t.Against++
		case VoteAbstain:
			t.Abstain++
		case VoteRecuse:
			t.Recused++
		}
	}
	t.Present = t.For + t.Against + t.Abstain
	t.Quorum = 2*t.Present > members
	t.Passed = t.Quorum && 2*t.For > t.Present
	return t
}

// Pledges a holder signs to put the plan in force.
var Pledges = []string{"duty", "integrity", "resignation"}
