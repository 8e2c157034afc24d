package termgoal

import "time"

// ProcessState is what a process row holds besides its columns: the details the pages and the
// API show of a process. The workflow writes it with each change; the store decodes it once.
// Its JSON is the read model's state column (rows written as a JSON object before this type
// existed read the same).
type ProcessState struct {
	Round       int      `json:"round"`
	VoteRound   int      `json:"vote_round"`
	NoticeRound int      `json:"notice_round"`
	WindowOver  bool     `json:"window_over"` // the appraisal's feedback window has closed
	DocNumber   string   `json:"doc_number"`
	Steps       []Step   `json:"steps"` // the steps of the process's template, in order
	Signers     []Signer `json:"signers"`
	CopiedTo    []int64  `json:"copied_to"` // accounts the process was copied to (抄送)
	// The template the process started with, for the dashboard's count by version.
	Template  *TemplateRef `json:"template,omitempty"`
	LastTally *Tally       `json:"last_tally,omitempty"`
	// The configuration an appraisal started with: its pages show this scale, these groups and
	// veto items, whatever the template says today.
	AppraisalConfig *AppraisalConfig `json:"appraisal_config,omitempty"`
	Appraisal       *AppraisalView   `json:"appraisal,omitempty"`
	Report          *ReportState     `json:"report,omitempty"`
	// Set by the store when the workflow stopped outside the process (terminated, timed out).
	Halted *Halted `json:"halted,omitempty"`
}

// TemplateRef names a template's version.
type TemplateRef struct {
	ID      int64 `json:"id"`
	Version int   `json:"version"`
}

// Signer is one person a step waits for, with where they stand (the task mechanism's 会签,
// 或签, 加签, 委派 and 减签).
type Signer struct {
	Actor      Actor  `json:"actor"`
	Status     string `json:"status"`
	AddedBy    int64  `json:"added_by,omitempty"`    // set for a signer added by 加签
	Before     bool   `json:"before,omitempty"`      // added before the adder (前加签)
	DelegateOf int64  `json:"delegate_of,omitempty"` // set for a delegate (委派): whose task it is
	Group      string `json:"group,omitempty"`       // the rater group of an appraisal's scorer
}

// AppraisalView is what the pages show of an appraisal's state: counts, never a ballot.
type AppraisalView struct {
	Kind       string           `json:"kind"`
	Year       int              `json:"year"`
	RaterScore *float64         `json:"rater_score,omitempty"`
	Ballots    int              `json:"ballots"`
	Sheets     int              `json:"sheets"`
	Result     *AppraisalResult `json:"result,omitempty"`
	Appeal     *Appeal          `json:"appeal,omitempty"`
	Self       *SelfAssessment  `json:"self,omitempty"`
	Annual     []AnnualResult   `json:"annual,omitempty"`   // the term's annual results (end of term)
	Warnings   []Warning        `json:"warnings,omitempty"` // the term rules (end of term)
	Groups     []GroupScore     `json:"groups,omitempty"`   // each rater group's part so far
}

// AnnualResult is one archived annual result an end-of-term appraisal uses.
type AnnualResult struct {
	Year  int     `json:"year"`
	Grade string  `json:"grade"`
	Score float64 `json:"score"`
}

// ReportState is what a progress report or follow-up adds to the process state.
type ReportState struct {
	Year    int     `json:"year"`
	Period  string  `json:"period"`
	Elapsed float64 `json:"elapsed,omitempty"`
	Source  string  `json:"source,omitempty"` // the appraisal a follow-up comes from
	Lagging []int   `json:"lagging,omitempty"`
}

// Halted is why and when a process's workflow stopped outside the process.
type Halted struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}
