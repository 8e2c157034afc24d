package workflows

import (
	"fmt"
	"time"

	"termgoal"
)

// The contract of the appraisal, progress and term workflows: names, IDs, inputs.

// Registered workflow names.
const (
	AppraisalWorkflowName = "Appraisal"
	ReportWorkflowName    = "Report"
	TermWorkflowName      = "Term"
)

// Workflow ID formats: term IDs and years only, no personal data (S5). A campaign and a term
// workflow that both start the same appraisal use the same ID, so it runs once.
const (
	appraisalIDFormat = "appraisal-term-%d-%d" // term, year
	periodIDFormat    = "appraisal-term-%d-%s" // term, period ("2026-03", "2026-Q1")
	termEndIDFormat   = "termend-term-%d"
	handoverIDFormat  = "handover-term-%d-%d" // term, n-th handover
	reportIDFormat    = "report-term-%d-%s"   // term, period ("2026-03", "2026-Q1", "2026-H1")
	followUpIDFormat  = "followup-%s"         // the appraisal's process ID
	termIDFormat      = "term-%d"
)

// AppraisalID is the workflow ID of a term's annual appraisal of year.
func AppraisalID(termID int64, year int) string { return fmt.Sprintf(appraisalIDFormat, termID, year) }

// AppraisalPeriodID is the workflow ID of a term's monthly or quarterly appraisal of period.
func AppraisalPeriodID(termID int64, period string) string {
	return fmt.Sprintf(periodIDFormat, termID, period)
}

// TermEndID is the workflow ID of a term's end-of-term appraisal.
func TermEndID(termID int64) string { return fmt.Sprintf(termEndIDFormat, termID) }

// HandoverAppraisalID is the workflow ID of the n-th leaver's partial-term appraisal.
func HandoverAppraisalID(termID int64, n int) string { return fmt.Sprintf(handoverIDFormat, termID, n) }

// ReportID is the workflow ID of a term's progress report of a period.
func ReportID(termID int64, period string) string { return fmt.Sprintf(reportIDFormat, termID, period) }

// FollowUpID is the workflow ID of the follow-up (rectification or improvement) an archived
// appraisal raised.
func FollowUpID(appraisalID string) string { return fmt.Sprintf(followUpIDFormat, appraisalID) }

// TermID is the workflow ID of a term's own workflow.
func TermID(termID int64) string { return fmt.Sprintf(termIDFormat, termID) }

// Update names of the appraisal and report workflows (the operations and administration of
// goal setting apply to them as well).
const (
	UpdateSelfAssess   = "submit_self_assessment"
	UpdateScore        = "score"
	UpdateCastBallot   = "cast_ballot"
	UpdateCloseScoring = "close_scoring"
	UpdateDetermine    = "determine_result"
	UpdateAcknowledge  = "acknowledge"
	UpdateAppeal       = "appeal"
	UpdateDecideAppeal = "decide_appeal"
	UpdateReport       = "submit_report"

	// UpdateHandover hands a term over to a successor (the term workflow).
	UpdateHandover = "handover"
	// SignalHandover tells a running process of the term that its holder changed.
	SignalHandover = "holder_changed"
)

// AppraisalInput starts an appraisal of a term: Kind is termgoal.AppraisalAnnual for Year,
// AppraisalTermEnd or AppraisalHandover over [From, To]. CampaignID is set when a campaign
// started it. State is set only when the workflow continues as new.
type AppraisalInput struct {
	TermID     int64          `json:"term_id"`
	Kind       string         `json:"kind"`
	Year       int            `json:"year,omitempty"`
	From       time.Time      `json:"from,omitzero"`
	To         time.Time      `json:"to,omitzero"`
	CampaignID int64          `json:"campaign_id,omitempty"`
	Initiator  termgoal.Actor `json:"initiator"`
	// Holders, when set, are the accounts that answer for the holder instead of the term's
	// current ones: the leaver of a handover.
	Holders []termgoal.Actor `json:"holders,omitempty"`
	State   *GoalState       `json:"state,omitempty"`
}

// ReportInput starts a report of a term: a progress report (termgoal.ProgressLedger,
// ProgressQuarterly, ProgressMidYear) of Period, or a follow-up (termgoal.FollowRectify,
// FollowImprove) of the appraisal Source, due on Due (zero: the template's days).
type ReportInput struct {
	TermID    int64          `json:"term_id"`
	Kind      string         `json:"kind"`
	Year      int            `json:"year"`
	Period    string         `json:"period"`
	Elapsed   float64        `json:"elapsed,omitempty"` // the share of the year the period ends at, for lagging items
	Source    string         `json:"source,omitempty"`
	Due       time.Time      `json:"due,omitzero"`
	Initiator termgoal.Actor `json:"initiator"`
	State     *GoalState     `json:"state,omitempty"`
}

// TermInput runs a term's workflow. Year is where a continued run resumes; Handovers counts
// the handovers so far.
type TermInput struct {
	TermID    int64          `json:"term_id"`
	Initiator termgoal.Actor `json:"initiator"`
	Year      int            `json:"year,omitempty"`
	Handovers int            `json:"handovers,omitempty"`
	// Since is when the term's schedule begins: what was due before it is not started. The
	// first run sets it to its own start unless given (a term registered late that must catch
	// up on its reports).
	Since time.Time `json:"since,omitzero"`
}

// Action inputs of the appraisal and report workflows.

// SelfAssessInput is the holder's self-assessment.
type SelfAssessInput struct {
	Acting
	termgoal.SelfAssessment
}

// ScoreInput is a named rater's scoring sheet.
type ScoreInput struct {
	Acting
	Scores  []termgoal.ItemScore `json:"scores"`
	Comment string               `json:"comment"`
}

// BallotInput is an anonymous ballot. The API checks the one-time code and passes its hash;
// the actor is empty, so nothing names the voter.
type BallotInput struct {
	Acting
	CodeHash string  `json:"code_hash"`
	Group    string  `json:"group"`
	Score    float64 `json:"score"`
}

// DetermineInput is the superior's result determination.
type DetermineInput struct {
	Acting
	Adjustments []termgoal.Adjustment `json:"adjustments"`
	Vetoes      []termgoal.Veto       `json:"vetoes"`
	Grade       string                `json:"grade"`  // empty: the computed grade
	Reason      string                `json:"reason"` // required when Grade differs from the computed one
	Comment     string                `json:"comment"`
	Outcome     termgoal.Outcome      `json:"outcome"` // end-of-term appraisals only
	// Sales are the holder's monthly figures, for a template with sales rules only.
	Sales []termgoal.SalesMonth `json:"sales,omitempty"`
}

// AppealInput is the holder's appeal.
type AppealInput struct {
	Acting
	Reason string `json:"reason"`
}

// DecideAppealInput answers an appeal: Grade empty keeps the result, another grade changes it
// (and the result goes through notice again).
type DecideAppealInput struct {
	Acting
	Grade  string `json:"grade"`
	Answer string `json:"answer"`
}

// ReportActionInput submits a progress report or a follow-up report.
type ReportActionInput struct {
	Acting
	Entries []termgoal.ProgressEntry `json:"entries"`
	Summary string                   `json:"summary"`
}

// HandoverInput hands the term over to a successor (P10), as an administrator.
type HandoverInput struct {
	Acting
	ToPersonID int64     `json:"to_person_id"`
	On         time.Time `json:"on"`
	Reason     string    `json:"reason"`
}

// HolderChange is the signal a term's running processes get on a handover: their holder tasks
// move to To.
type HolderChange struct {
	To     []termgoal.Actor `json:"to"`
	Reason string           `json:"reason"`
}
