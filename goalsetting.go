package termgoal

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
)

// GoalSteps is the order of the goal-setting steps.
var GoalSteps = []Step{StepDraft, StepConsultation, StepExpertReview, StepCommittee, StepApproval, StepCongress, StepNotice, StepFiling, StepPledge}

// StepRole is the role whose holders act on each step.
var StepRole = map[Step]Role{
	StepDraft:        RoleHolder,
	StepConsultation: RoleConsultee,
	StepExpertReview: RoleExpert,
	StepCommittee:    RoleCommittee,
	StepApproval:     RoleSuperior,
	StepCongress:     RoleCongress,
	StepNotice:       RoleSuperior,
	StepFiling:       RoleFilingClerk,
	StepPledge:       RoleHolder,
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
}

// Steps returns the steps this template runs, in order.
func (t Template) Steps() []Step {
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

// Next returns the step after s, or StepInForce after the last.
func (t Template) Next(s Step) Step {
	steps := t.Steps()
	for i, st := range steps {
		if st == s && i+1 < len(steps) {
			return steps[i+1]
		}
	}
	return StepInForce
}

// Days returns the working days allowed for step s (the notice length for the notice).
func (t Template) Days(s Step) int {
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
	return nil
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
