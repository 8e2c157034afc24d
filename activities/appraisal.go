package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/api/serviceerror"

	"termgoal"
)

// AppraisalInfoInput asks what an appraisal of a term snapshots, as of AsOf: the end of the
// appraised period.
type AppraisalInfoInput struct {
	TermID int64
	AsOf   time.Time
}

// AppraisalInfo is what an appraisal snapshots when it starts.
type AppraisalInfo struct {
	Term     termgoal.Term
	Template termgoal.Template
	OrgPath  string
	Holder   string // display name of the holder: the person's name, or the org's
	// ParentOrgID is the org above the term's, whose children make the quota round; 0 for a
	// root org.
	ParentOrgID int64
	// Plan is the plan in force at AsOf, else the latest version that came into force (a plan
	// that came into force after the period began), else nil.
	Plan *termgoal.PlanVersion
	// Annual are the term's archived annual appraisals, by year.
	Annual []termgoal.AppraisalRecord
	// Warnings are the holder's term rules on AsOf, checked as for a nomination (the result
	// feeds one); none for an org's term.
	Warnings []termgoal.Warning
}

// AppraisalInfo loads the term, its template, its org's place, the plan to appraise, the past
// annual results and the holder's term-rule warnings.
func (a *Activities) AppraisalInfo(ctx context.Context, in AppraisalInfoInput) (AppraisalInfo, error) {
	term, org, err := a.termAndOrg(ctx, in.TermID)
	if err != nil {
		return AppraisalInfo{}, domain(err)
	}
	tpl, err := a.Store.Template(ctx, term.TemplateID)
	if err != nil {
		return AppraisalInfo{}, domain(err)
	}
	info := AppraisalInfo{Term: *term, Template: *tpl, OrgPath: org.Path, Holder: term.HolderName}
	if org.ParentID != nil {
		info.ParentOrgID = *org.ParentID
	}
	if err := a.appraisedPlan(ctx, &info, in.AsOf); err != nil {
		return AppraisalInfo{}, domain(err)
	}
	if info.Annual, err = a.Store.AnnualResults(ctx, in.TermID); err != nil {
		return AppraisalInfo{}, domain(err)
	}
	if term.HolderKind == termgoal.HolderPerson && term.PersonID != nil {
		policy, err := a.Store.TermRulesPolicy(ctx)
		if err != nil {
			return AppraisalInfo{}, domain(err)
		}
		hist, err := a.Store.PersonHistory(ctx, *term.PersonID, in.AsOf)
		if err != nil {
			return AppraisalInfo{}, domain(err)
		}
		info.Warnings = termgoal.CheckTermRules(policy, hist, in.AsOf, true)
	}
	return info, nil
}

// appraisedPlan sets info.Plan: the plan in force at asOf, else the latest version that came
// into force, else none.
func (a *Activities) appraisedPlan(ctx context.Context, info *AppraisalInfo, asOf time.Time) error {
	v, err := a.Store.PlanInForce(ctx, info.Term.ID, asOf)
	if termgoal.ErrorCode(err) != termgoal.ENOTFOUND {
		info.Plan = v
		return err
	}
	versions, err := a.Store.PlanVersions(ctx, info.Term.ID) // newest first
	if err != nil {
		return err
	}
	if i := slices.IndexFunc(versions, func(v termgoal.PlanVersion) bool { return v.InForceFrom != nil }); i >= 0 {
		info.Plan = &versions[i]
	}
	return nil
}

// PeriodResultsInput names the period appraisals of a term whose period starts from From to To.
type PeriodResultsInput struct {
	TermID   int64
	Kind     string
	From, To time.Time
}

// PeriodResults returns the archived results of the period appraisals in names, oldest first:
// the months a year's company result reads, the earlier months a monthly sales result reads.
func (a *Activities) PeriodResults(ctx context.Context, in PeriodResultsInput) ([]termgoal.PeriodGrade, error) {
	recs, err := a.Store.PeriodResults(ctx, in.TermID, in.Kind, in.From, in.To)
	if err != nil {
		return nil, domain(err)
	}
	out := make([]termgoal.PeriodGrade, 0, len(recs))
	for _, r := range recs {
		if r.Result != nil {
			out = append(out, termgoal.PeriodGrade{Period: termgoal.PeriodName(r.Kind, r.PeriodFrom), Grade: r.Result.Grade,
				Score: r.Result.Score, Sales: r.Result.Sales})
		}
	}
	return out, nil
}

// QuotaInput names the quota round of an appraisal: its kind and year under the parent org,
// the appraisal itself and the top grade.
type QuotaInput struct {
	Kind        string
	Year        int
	From        time.Time // a period appraisal's first day: its round is the period's
	ParentOrgID int64
	ProcessID   string
	Top         string
}

// QuotaRound counts a quota round for termgoal.QuotaAllows: the appraisals in it (this one
// included) and how many of the others hold the top grade.
type QuotaRound struct {
	Round int
	Top   int
}

// QuotaRound counts the round of the appraisal in.ProcessID.
func (a *Activities) QuotaRound(ctx context.Context, in QuotaInput) (QuotaRound, error) {
	round, top, err := a.Store.QuotaRound(ctx, in.Kind, in.Year, in.From, in.ParentOrgID, in.ProcessID, in.Top)
	return QuotaRound{Round: round, Top: top}, domain(err)
}

// EnsureCampaign returns the ID of the campaign of a Temporal Schedule's run: the one the
// schedule made for c.Year, created now when this is the year's first run.
func (a *Activities) EnsureCampaign(ctx context.Context, c termgoal.Campaign) (int64, error) {
	if err := a.Store.EnsureScheduledCampaign(ctx, &c); err != nil {
		return 0, domain(err)
	}
	return c.ID, nil
}

// HandoverActivityInput hands a term over to the person ToPersonID on On (P10). AppraisalID
// is the leaver's partial-term appraisal, which keeps the leaver as its holder.
type HandoverActivityInput struct {
	TermID      int64
	ToPersonID  int64
	On          time.Time
	Reason      string
	Actor       termgoal.Actor
	AppraisalID string
}

// HandoverResult says who left, the accounts of the leaver (From) and of the successor (To),
// and the running processes told that their holder changed.
type HandoverResult struct {
	FromPersonID int64
	From         []termgoal.Actor
	To           []termgoal.Actor
	Processes    []string
}

// signalHolderChanged and holderChange are workflows.SignalHandover and workflows.HolderChange,
// which this package cannot import.
const signalHolderChanged = "holder_changed"

type holderChange struct {
	To     []termgoal.Actor `json:"to"`
	Reason string           `json:"reason"`
}

// Handover records the handover and makes the successor the term's person, then signals each
// running process of the term (but the leaver's own appraisal) that its holder tasks move to
// the successor's accounts. A retry records nothing new (the store keys a handover by term,
// successor and day) and signals again, which a process takes as the same change. Without a
// Temporal client (tests, admin tools) the handover is recorded and nothing is signalled. A
// process that ended meanwhile has nothing to move.
func (a *Activities) Handover(ctx context.Context, in HandoverActivityInput) (HandoverResult, error) {
	h := termgoal.Handover{TermID: in.TermID, ToPersonID: in.ToPersonID, On: in.On, Reason: in.Reason, AppraisalID: in.AppraisalID}
	if err := a.Store.RecordHandover(ctx, &h, in.Actor.Name); err != nil {
		return HandoverResult{}, domain(err)
	}
	r := HandoverResult{FromPersonID: h.FromPersonID}
	var err error
	if r.From, err = a.personActors(ctx, h.FromPersonID); err != nil {
		return HandoverResult{}, domain(err)
	}
	if r.To, err = a.personActors(ctx, h.ToPersonID); err != nil {
		return HandoverResult{}, domain(err)
	}
	running, err := a.Store.RunningProcessesOfTerm(ctx, in.TermID)
	if err != nil {
		return HandoverResult{}, domain(err)
	}
	r.Processes = slices.DeleteFunc(running, func(id string) bool { return id == in.AppraisalID })
	if a.Temporal == nil {
		return r, nil
	}
	for _, id := range r.Processes {
		err := a.Temporal.SignalWorkflow(ctx, id, "", signalHolderChanged, holderChange{To: r.To, Reason: in.Reason})
		if err != nil && !errors.As(err, new(*serviceerror.NotFound)) {
			return HandoverResult{}, fmt.Errorf("signal %s: %w", id, err)
		}
	}
	return r, nil
}

// personActors returns a person's accounts as actors.
func (a *Activities) personActors(ctx context.Context, personID int64) ([]termgoal.Actor, error) {
	accounts, err := a.Store.AccountsOfPerson(ctx, personID)
	if err != nil {
		return nil, err
	}
	actors := make([]termgoal.Actor, len(accounts))
	for i, acc := range accounts {
		actors[i] = termgoal.Actor{AccountID: acc.ID, Name: acc.DisplayName}
	}
	return actors, nil
}
