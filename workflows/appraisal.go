package workflows

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"termgoal"
	"termgoal/activities"
)

// The appraisal (P5, P6, P8, P10): self-assessment, scoring by rater groups with anonymous
// ballots, result determination, notice, feedback with an appeal window, appeal review and
// archive. It runs on the same task mechanism as goal setting (signers, operations, deadlines,
// reminders, administration): only its steps and their actions are its own.

// AppraisalState is what an appraisal adds to the process state.
type AppraisalState struct {
	Kind        string                    `json:"kind"`
	Year        int                       `json:"year"`
	From        time.Time                 `json:"from"`
	To          time.Time                 `json:"to"`
	CampaignID  int64                     `json:"campaign_id,omitempty"`
	ParentOrgID int64                     `json:"parent_org_id,omitempty"`
	Self        *termgoal.SelfAssessment  `json:"self,omitempty"`
	Sheets      []termgoal.ScoreSheet     `json:"sheets,omitempty"`
	Ballots     []termgoal.Ballot         `json:"ballots,omitempty"`
	UsedCodes   []string                  `json:"used_codes,omitempty"`
	RaterScore  *float64                  `json:"rater_score,omitempty"`
	Result      *termgoal.AppraisalResult `json:"result,omitempty"`
	Appeal      *termgoal.Appeal          `json:"appeal,omitempty"`
	Annual      []AnnualResult            `json:"annual,omitempty"`   // the term's annual results (end of term)
	Warnings    []termgoal.Warning        `json:"warnings,omitempty"` // the term rules (end of term)
}

// AnnualResult is termgoal.AnnualResult, one archived annual result an end-of-term appraisal uses.
type AnnualResult = termgoal.AnnualResult

// Appraisal runs one appraisal of a term.
func Appraisal(ctx workflow.Context, in AppraisalInput) (GoalResult, error) {
	w := appraisalFlow{newRun(ctx, in.State)}
	w.flow = w
	if err := w.register(ctx); err != nil {
		return GoalResult{}, err
	}
	if w.s == nil {
		s, err := newAppraisalState(ctx, in)
		if err != nil {
			return GoalResult{}, err
		}
		detail := map[string]any{"kind": s.Kind, "year": s.Appraisal.Year, "plan_version": s.Version}
		if err := w.start(ctx, s, &in.Initiator, detail); err != nil {
			return GoalResult{}, err
		}
	}
	res, err := w.loop(ctx)
	if err != nil || w.s.Step != termgoal.StepArchived {
		return res, err
	}
	if err := w.followUp(ctx, w.s); err != nil {
		return res, err
	}
	w.archiveTerm(ctx, w.s)
	return res, nil
}

// archiveTerm writes the term's archive bundle once its end-of-term appraisal is filed (P6).
// The appraisal is over whatever becomes of the bundle: one that could not be written is in
// the worker's log, and an administrator writes it from the term page.
func (w appraisalFlow) archiveTerm(ctx workflow.Context, s *GoalState) {
	if s.Kind != termgoal.AppraisalTermEnd || workflow.GetVersion(ctx, "term-archive-at-end", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute, // Chromium prints the plans and the forms
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 10 * time.Second, BackoffCoefficient: 2, MaximumInterval: time.Hour, MaximumAttempts: 20},
	})
	in := activities.ArchiveTermInput{TermID: s.TermID, ProcessID: s.ProcessID}
	if err := workflow.ExecuteActivity(actx, a.ArchiveTerm, in).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Error("the term's archive bundle was not written", "term", s.TermID, "err", err)
	}
}

// newAppraisalState snapshots the term, its template (scale, weights, rater groups) and the
// plan in force at the end of the appraised period.
func newAppraisalState(ctx workflow.Context, in AppraisalInput) (*GoalState, error) {
	from, to := in.From, in.To
	if in.Kind == termgoal.AppraisalAnnual || in.Kind == "" {
		in.Kind = termgoal.AppraisalAnnual
		from = time.Date(in.Year, 1, 1, 0, 0, 0, 0, time.UTC)
		to = time.Date(in.Year, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	var info activities.AppraisalInfo
	if err := workflow.ExecuteLocalActivity(withLocal(ctx), a.AppraisalInfo, activities.AppraisalInfoInput{TermID: in.TermID, AsOf: to}).Get(ctx, &info); err != nil {
		return nil, err
	}
	if info.Plan == nil {
		return nil, refusal(conflict("appraisal.no_plan", "the term has no plan in force to appraise"))
	}
	if in.Kind == termgoal.AppraisalTermEnd || to.IsZero() {
		from, to = info.Term.Start, info.Term.End
	}
	holders := in.Holders
	if len(holders) == 0 {
		if err := workflow.ExecuteLocalActivity(withLocal(ctx), a.Assignees, activities.AssigneesInput{TermID: in.TermID, Step: termgoal.StepSelfAssessment}).Get(ctx, &holders); err != nil {
			return nil, err
		}
	}
	now := workflow.Now(ctx)
	tpl := info.Template
	tpl.Flow = termgoal.FlowAppraisal
	cfg := tpl.AppraisalConfig()
	tpl.Appraisal = &cfg // the snapshot keeps the scale and weights even if the default changes
	s := &GoalState{
		ProcessID: workflow.GetInfo(ctx).WorkflowExecution.ID, Kind: in.Kind,
		TermID: in.TermID, OrgID: info.Term.OrgID, OrgPath: info.OrgPath, Holder: info.Holder, Years: info.Term.Years(),
		Template: tpl, Initiator: in.Initiator, StartedAt: now, DeadlineOn: today(now).AddDate(0, 3, 0),
		Holders: holders, Round: 1, Version: info.Plan.Version, Items: info.Plan.Items, Applied: map[string]ActionResult{},
		Appraisal: &AppraisalState{Kind: in.Kind, Year: yearOf(in.Year, to), From: from, To: to, CampaignID: in.CampaignID, ParentOrgID: info.ParentOrgID, Warnings: info.Warnings},
	}
	for _, r := range info.Annual {
		if r.Result != nil {
			s.Appraisal.Annual = append(s.Appraisal.Annual, AnnualResult{Year: r.Year, Grade: r.Result.Grade, Score: r.Result.Score})
		}
	}
	return s, nil
}

// yearOf is the appraised year: the one asked for, else the year the period ends in.
func yearOf(year int, to time.Time) int {
	if year != 0 {
		return year
	}
	return to.Year()
}

// record is the appraisal's read-model row as the state now stands.
func (s *GoalState) record(status string, at time.Time) *termgoal.AppraisalRecord {
	p := s.Appraisal
	r := &termgoal.AppraisalRecord{
		ProcessID: s.ProcessID, TermID: s.TermID, OrgID: s.OrgID, Kind: p.Kind, Year: p.Year,
		PeriodFrom: p.From, PeriodTo: p.To, CampaignID: p.CampaignID, Holder: s.Holder,
		Scale: s.Template.AppraisalConfig().Scale.ID, Self: p.Self, Result: p.Result, Appeal: p.Appeal, Status: status,
	}
	if status == "archived" && p.Result != nil {
		r.ArchivedAt = &at
		r.Consequences = append(termgoal.ConsequencesOf(r.Scale, p.Result.Grade, p.Kind == termgoal.AppraisalTermEnd), p.Result.YearConsequences()...)
		if p.Result.JobAdjustment && !slices.Contains(r.Consequences, termgoal.ConsequenceJobAdjustment) {
			r.Consequences = append(r.Consequences, termgoal.ConsequenceJobAdjustment)
		}
	}
	return r
}

// appraisalStatus is the appraisals row status for a step.
func appraisalStatus(step termgoal.Step) string {
	switch step {
	case termgoal.StepArchived:
		return "archived"
	case termgoal.StepCancelled, termgoal.StepRejected:
		return "cancelled"
	}
	return "running"
}

// appraisalFlow is an annual or end-of-term appraisal (A1–A6) on the engine: the
// self-assessment, the scoring, the result, the holder's feedback and an appeal. The result's
// notice is the engine's.
type appraisalFlow struct{ *goalWF }

// register installs the engine's updates and the appraisal's own.
func (w appraisalFlow) register(ctx workflow.Context) error {
	return errors.Join(
		w.registerEngine(ctx),
		notices(w).register(ctx),
		action(ctx, w.goalWF, UpdateSelfAssess, checkSelfAssess, w.selfAssess),
		action(ctx, w.goalWF, UpdateScore, checkScore, w.score),
		action(ctx, w.goalWF, UpdateCastBallot, checkBallot, w.castBallot),
		action(ctx, w.goalWF, UpdateCloseScoring, checkCloseScoring, w.closeScoring),
		action(ctx, w.goalWF, UpdateDetermine, checkDetermine, w.determine),
		action(ctx, w.goalWF, UpdateAcknowledge, checkAcknowledge, w.acknowledge),
		action(ctx, w.goalWF, UpdateAppeal, checkAppeal, w.appeal),
		action(ctx, w.goalWF, UpdateDecideAppeal, checkDecideAppeal, w.decideAppeal),
	)
}

// Self-assessment.

func checkSelfAssess(s *GoalState, in SelfAssessInput) error {
	if err := holderAt(s, in.Actor, termgoal.StepSelfAssessment); err != nil {
		return err
	}
	cfg := s.Template.AppraisalConfig()
	needScore := slices.ContainsFunc(cfg.Groups, func(g termgoal.RaterConfig) bool { return g.Key == termgoal.RaterSelf })
	return in.SelfAssessment.Validate(s.Items, cfg.Scale, needScore)
}

func (w appraisalFlow) selfAssess(ctx workflow.Context, s *GoalState, in SelfAssessInput) (*GoalState, ActionResult, error) {
	self := in.SelfAssessment
	self.SubmittedAt = workflow.Now(ctx)
	s.Appraisal.Self = &self
	if self.Score != nil && slices.ContainsFunc(s.Template.AppraisalConfig().Groups, func(g termgoal.RaterConfig) bool { return g.Key == termgoal.RaterSelf }) {
		s.Appraisal.Ballots = append(s.Appraisal.Ballots, termgoal.Ballot{Group: termgoal.RaterSelf, Score: *self.Score})
	}
	c := w.change(ctx, s, &in.Actor, "self_assessed", map[string]any{"proposed_grade": self.Proposed})
	w.closeTaskOf(s, &c, in.Actor.AccountID, "submitted")
	next, err := w.enter(ctx, s, c, s.Template.Next(termgoal.StepSelfAssessment))
	return next, ActionResult{}, err
}

// Scoring.

// raters resolves the scoring step's signers: the holders of each named group's role, each
// tagged with the group. Ballot groups and the self group have no signers.
func (w appraisalFlow) raters(ctx workflow.Context, s *GoalState) ([]Signer, error) {
	var out []Signer
	for _, g := range s.Template.AppraisalConfig().Groups {
		if g.Ballots || g.Key == termgoal.RaterSelf {
			continue
		}
		var who []termgoal.Actor
		in := activities.AssigneesInput{TermID: s.TermID, Role: g.Role, Above: g.Above}
		if err := workflow.ExecuteLocalActivity(withLocal(ctx), a.Assignees, in).Get(ctx, &who); err != nil {
			return nil, err
		}
		for _, p := range who {
			if !slices.ContainsFunc(out, func(o Signer) bool { return o.Actor.AccountID == p.AccountID }) {
				out = append(out, Signer{Actor: p, Status: signerOpen, Group: g.Key})
			}
		}
	}
	return out, nil
}

func checkScore(s *GoalState, in ScoreInput) error {
	if err := atStep(s, in.Actor, termgoal.StepScoring); err != nil {
		return err
	}
	_, err := termgoal.SheetScore(s.Items, s.Template.AppraisalConfig().Components, in.Scores)
	return err
}

func (w appraisalFlow) score(ctx workflow.Context, s *GoalState, in ScoreInput) (*GoalState, ActionResult, error) {
	total, err := termgoal.SheetScore(s.Items, s.Template.AppraisalConfig().Components, in.Scores)
	if err != nil {
		return nil, ActionResult{}, err
	}
	g := s.openSigner(in.Actor.AccountID)
	group := g.Group
	if group == "" {
		// An added signer scores in the group of whoever added them.
		group = s.groupOf(g.AddedBy)
	}
	g.Status = signerDone
	sheet := termgoal.ScoreSheet{Group: group, AccountID: in.Actor.AccountID, Name: in.Actor.Name, Scores: in.Scores, Comment: in.Comment}
	s.Appraisal.Sheets = append(s.Appraisal.Sheets, sheet)
	s.Appraisal.Ballots = append(s.Appraisal.Ballots, termgoal.Ballot{Group: group, Score: total})
	c := w.change(ctx, s, &in.Actor, "scored", map[string]any{"group": group})
	c.Sheet = &sheet
	w.closeTaskOf(s, &c, in.Actor.AccountID, "scored")
	next, err := w.scoringMoved(ctx, s, c)
	return next, ActionResult{}, err
}

// groupOf is the rater group of account acc's seat, or the first named group.
func (s *GoalState) groupOf(acc int64) string {
	for _, g := range s.Signers {
		if g.Actor.AccountID == acc && g.Group != "" {
			return g.Group
		}
	}
	for _, g := range s.Template.AppraisalConfig().Groups {
		if !g.Ballots && g.Key != termgoal.RaterSelf {
			return g.Key
		}
	}
	return ""
}

// scoringMoved ends the scoring once every named rater has scored and the ballot window (if
// any) is over; until then it only records c.
func (w appraisalFlow) scoringMoved(ctx workflow.Context, s *GoalState, c termgoal.Change) (*GoalState, error) {
	if s.pending() || !s.WindowOver {
		return s, w.apply(ctx, s, c)
	}
	return w.enter(ctx, s, c, s.Template.Next(termgoal.StepScoring))
}

func checkBallot(s *GoalState, in BallotInput) error {
	switch {
	case s.Step != termgoal.StepScoring || s.WindowOver:
		return conflict("ballot.closed", "the ballot is not open")
	case blank(in.CodeHash) || slices.Contains(s.Appraisal.UsedCodes, in.CodeHash):
		return conflict("ballot.code_used", "this code has already been used or is not valid")
	case !slices.ContainsFunc(s.Template.AppraisalConfig().Groups, func(g termgoal.RaterConfig) bool { return g.Key == in.Group && g.Ballots }):
		return invalid("ballot.group", "this code is not for a ballot of this appraisal")
	case !(in.Score >= 0 && in.Score <= 100):
		return invalid("appraisal.score_range", "a score is between 0 and 100")
	}
	return nil
}

// castBallot records an anonymous ballot: the group and the score, never who cast it.
func (w appraisalFlow) castBallot(ctx workflow.Context, s *GoalState, in BallotInput) (*GoalState, ActionResult, error) {
	s.Appraisal.UsedCodes = append(s.Appraisal.UsedCodes, in.CodeHash)
	s.Appraisal.Ballots = append(s.Appraisal.Ballots, termgoal.Ballot{Group: in.Group, Score: in.Score})
	anonymous := termgoal.Actor{Name: "anonymous"}
	c := w.change(ctx, s, &anonymous, "ballot_cast", map[string]any{"group": in.Group})
	c.BallotCode = in.CodeHash
	return s, ActionResult{Seq: len(s.Appraisal.Ballots)}, w.apply(ctx, s, c)
}

func checkCloseScoring(s *GoalState, in ReasonInput) error {
	if err := admin(s, in.Actor, in.Reason); err != nil {
		return err
	}
	return inStep(s, termgoal.StepScoring)
}

// closeScoring ends the scoring early (admin): raters who have not scored lose their task.
func (w appraisalFlow) closeScoring(ctx workflow.Context, s *GoalState, in ReasonInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "scoring_closed", map[string]any{"reason": in.Reason})
	s.WindowOver = true
	for i := range s.Signers {
		if s.Signers[i].Status != signerDone {
			s.Signers[i].Status = signerRemoved
		}
	}
	w.closeTasks(s, &c, func(openTask) bool { return true }, termgoal.TaskClosed, "scoring_closed")
	next, err := w.scoringMoved(ctx, s, c)
	return next, ActionResult{}, err
}

// Result determination.

func checkDetermine(s *GoalState, in DetermineInput) error {
	if err := atStep(s, in.Actor, termgoal.StepResult); err != nil {
		return err
	}
	if s.Appraisal.RaterScore == nil {
		return conflict("appraisal.no_scores", "nobody has scored: move the appraisal back to scoring")
	}
	if _, err := s.Template.AppraisalConfig().DetermineSales(*s.Appraisal.RaterScore, in.Sales, nil, in.Adjustments, in.Vetoes, in.Grade, in.Reason); err != nil {
		return err
	}
	if err := salesInPeriod(s.Appraisal, in.Sales); err != nil {
		return err
	}
	if s.Appraisal.Kind == termgoal.AppraisalTermEnd {
		if in.Outcome == "" {
			return invalid("appraisal.outcome_required", "the end-of-term appraisal needs an outcome recommendation")
		}
		return termgoal.CheckOutcome(in.Outcome, s.Appraisal.Warnings)
	}
	return nil
}

func (w appraisalFlow) determine(ctx workflow.Context, s *GoalState, in DetermineInput) (*GoalState, ActionResult, error) {
	cfg := s.Template.AppraisalConfig()
	// DetermineSales is Determine for a template without sales rules, and no update before
	// them carried figures, so histories replay as they ran.
	p := s.Appraisal
	// A month of a monthly sales cycle reads the months before it, whose weak run it may
	// complete; the year of a monthly cycle reads its months. Only appraisals of a template
	// with a cycle (none before cycles existed) run these, so histories replay unchanged.
	var earlier []termgoal.SalesMonth
	if cfg.Sales && p.Kind == termgoal.AppraisalMonthly {
		months, err := periodResults(ctx, s, p.From.AddDate(0, 1-termgoal.JobAdjustmentMonths, 0), p.From.AddDate(0, 0, -1))
		if err != nil {
			return nil, ActionResult{}, err
		}
		for _, m := range months {
			earlier = append(earlier, m.Sales...)
		}
	}
	r, err := cfg.DetermineSales(*p.RaterScore, in.Sales, earlier, in.Adjustments, in.Vetoes, in.Grade, in.Reason)
	if err != nil {
		return nil, ActionResult{}, err
	}
	if cfg.Cycle == termgoal.CycleMonthly && p.Kind == termgoal.AppraisalAnnual {
		months, err := periodResults(ctx, s, p.From, p.To)
		if err != nil {
			return nil, ActionResult{}, err
		}
		r.CompanyYear(months)
	}
	if err := w.checkQuota(ctx, s, r.Grade); err != nil {
		return nil, ActionResult{}, err
	}
	r.Comment, r.Outcome = in.Comment, in.Outcome
	r.DecidedBy, r.DeciderName, r.DecidedAt = in.Actor.AccountID, in.Actor.Name, workflow.Now(ctx)
	s.Appraisal.Result = &r
	c := w.change(ctx, s, &in.Actor, "result_determined", map[string]any{"grade": r.Grade, "computed_grade": r.Computed, "score": r.Score, "reason": r.Reason, "outcome": string(r.Outcome)})
	next, err := w.signed(ctx, s, c, in.Actor, signerDone, "determined")
	return next, ActionResult{}, err
}

// periodResults reads the term's archived monthly results of the months starting from from to
// to.
func periodResults(ctx workflow.Context, s *GoalState, from, to time.Time) ([]termgoal.PeriodGrade, error) {
	var months []termgoal.PeriodGrade
	in := activities.PeriodResultsInput{TermID: s.TermID, Kind: termgoal.AppraisalMonthly, From: from, To: to}
	err := workflow.ExecuteLocalActivity(withLocal(ctx), a.PeriodResults, in).Get(ctx, &months)
	return months, err
}

// salesInPeriod refuses sales figures of a month outside the appraised period.
func salesInPeriod(p *AppraisalState, sales []termgoal.SalesMonth) error {
	from, to := p.From.Format("2006-01"), p.To.Format("2006-01")
	for _, m := range sales {
		if m.Month < from || m.Month > to {
			return invalid("appraisal.sales_period", fmt.Sprintf("the sales of %s fall outside the appraised period %s to %s", m.Month, from, to),
				"month", m.Month, "from", from, "to", to)
		}
	}
	return nil
}

// checkQuota refuses the top grade when the round's quota of it is used up: the appraisals of
// the same kind and year under the same parent org.
func (w appraisalFlow) checkQuota(ctx workflow.Context, s *GoalState, grade string) error {
	cfg := s.Template.AppraisalConfig()
	top := cfg.Scale.Grades[0].Code
	if cfg.TopQuota <= 0 || grade != top {
		return nil
	}
	var q activities.QuotaRound
	in := activities.QuotaInput{Kind: s.Appraisal.Kind, Year: s.Appraisal.Year, ParentOrgID: s.Appraisal.ParentOrgID, ProcessID: s.ProcessID, Top: top}
	if termgoal.IsPeriodAppraisal(in.Kind) {
		in.From = s.Appraisal.From
	}
	if err := workflow.ExecuteLocalActivity(withLocal(ctx), a.QuotaRound, in).Get(ctx, &q); err != nil {
		return err
	}
	if !termgoal.QuotaAllows(cfg.TopQuota, q.Round, q.Top) {
		return conflict("appraisal.quota_full", fmt.Sprintf("the quota of %s is used up in this round (%d of %d)", top, q.Top, q.Round), "grade", top, "used", q.Top, "round", q.Round)
	}
	return nil
}

// raterScore combines the ballots of the rater groups when the scoring ends.
func (s *GoalState) raterScore() *float64 {
	v, err := termgoal.RaterScore(s.raterGroups(), s.Appraisal.Ballots)
	if err != nil {
		return nil
	}
	return &v
}

// raterGroups are the template's rater groups and their weights.
func (s *GoalState) raterGroups() []termgoal.RaterGroup {
	cfg := s.Template.AppraisalConfig()
	groups := make([]termgoal.RaterGroup, len(cfg.Groups))
	for i, g := range cfg.Groups {
		groups[i] = termgoal.RaterGroup{Key: g.Key, Weight: g.Weight}
	}
	return groups
}

// Feedback and appeal.

func checkAcknowledge(s *GoalState, in ReasonInput) error {
	return holderAt(s, in.Actor, termgoal.StepFeedback)
}

func (w appraisalFlow) acknowledge(ctx workflow.Context, s *GoalState, in ReasonInput) (*GoalState, ActionResult, error) {
	c := w.change(ctx, s, &in.Actor, "result_acknowledged", map[string]any{"note": in.Reason})
	w.closeTaskOf(s, &c, in.Actor.AccountID, "acknowledged")
	next, err := w.enter(ctx, s, c, termgoal.StepArchived)
	return next, ActionResult{}, err
}

func checkAppeal(s *GoalState, in AppealInput) error {
	if err := holderAt(s, in.Actor, termgoal.StepFeedback); err != nil {
		return err
	}
	switch {
	case s.Appraisal.Appeal != nil:
		return conflict("appeal.already_filed", "the result has already been appealed once")
	case s.WindowOver:
		return conflict("appeal.window_closed", "the appeal window has closed")
	case blank(in.Reason):
		return invalid("appeal.reason", "say why you appeal against the result")
	}
	return nil
}

func (w appraisalFlow) appeal(ctx workflow.Context, s *GoalState, in AppealInput) (*GoalState, ActionResult, error) {
	s.Appraisal.Appeal = &termgoal.Appeal{Reason: in.Reason, FiledAt: workflow.Now(ctx), OldGrade: s.Appraisal.Result.Grade}
	c := w.change(ctx, s, &in.Actor, "appealed", map[string]any{"reason": in.Reason})
	w.closeTaskOf(s, &c, in.Actor.AccountID, "appealed")
	next, err := w.enter(ctx, s, c, termgoal.StepAppealReview)
	return next, ActionResult{}, err
}

func checkDecideAppeal(s *GoalState, in DecideAppealInput) error {
	if err := atStep(s, in.Actor, termgoal.StepAppealReview); err != nil {
		return err
	}
	switch {
	case in.Actor.AccountID == s.Appraisal.Result.DecidedBy:
		return termgoal.Errorf(termgoal.EFORBIDDEN, "appeal.same_reviewer", "the appeal is answered by someone other than who decided the result")
	case blank(in.Answer):
		return invalid("appeal.answer", "the appeal needs an answer")
	}
	if in.Grade != "" {
		if _, ok := s.Template.AppraisalConfig().Scale.Find(in.Grade); !ok {
			return invalid("appraisal.grade_unknown", "the grade is not on the scale", "grade", in.Grade)
		}
	}
	return nil
}

// decideAppeal answers the appeal: a changed grade goes through notice (and feedback) again,
// an unchanged one is archived.
func (w appraisalFlow) decideAppeal(ctx workflow.Context, s *GoalState, in DecideAppealInput) (*GoalState, ActionResult, error) {
	p, r := s.Appraisal.Appeal, s.Appraisal.Result
	p.ReviewerID, p.ReviewerName, p.Answer, p.AnsweredAt = in.Actor.AccountID, in.Actor.Name, in.Answer, workflow.Now(ctx)
	to := termgoal.StepArchived
	if in.Grade != "" && in.Grade != r.Grade {
		g, _ := s.Template.AppraisalConfig().Scale.Find(in.Grade)
		p.Upheld, p.NewGrade = true, in.Grade
		r.Grade, r.PayShare, r.Reason = g.Code, g.PayShare, in.Answer
		to = termgoal.StepNotice
	}
	c := w.change(ctx, s, &in.Actor, "appeal_decided", map[string]any{"upheld": p.Upheld, "old_grade": p.OldGrade, "new_grade": p.NewGrade})
	w.closeTaskOf(s, &c, in.Actor.AccountID, "decided")
	w.tellHolders(ctx, s, "appeal_answered", map[string]any{"actor": in.Actor.Name, "grade": r.Grade, "reason": in.Answer})
	next, err := w.enter(ctx, s, c, to)
	return next, ActionResult{}, err
}

// followUp starts what an archived result drives as a task with a deadline: the
// rectification report of a unit that missed its targets, the improvement of a cadre rated
// basically competent. The follow-up outlives the appraisal.
func (w appraisalFlow) followUp(ctx workflow.Context, s *GoalState) error {
	rec := s.record("archived", workflow.Now(ctx))
	kind := ""
	switch {
	case slices.Contains(rec.Consequences, termgoal.ConsequenceRectification):
		kind = termgoal.FollowRectify
	case slices.Contains(rec.Consequences, termgoal.ConsequenceImprovementTalk):
		kind = termgoal.FollowImprove
	default:
		return nil
	}
	cfg := s.Template.AppraisalConfig()
	due := today(workflow.Now(ctx)).AddDate(0, cfg.ImproveMonths, 0)
	if kind == termgoal.FollowRectify {
		d, err := workingDaysFrom(ctx, today(workflow.Now(ctx)), cfg.RectifyDays)
		if err != nil {
			return err
		}
		due = d
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            FollowUpID(s.ProcessID),
		ParentClosePolicy:     enums.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	})
	in := ReportInput{TermID: s.TermID, Kind: kind, Year: s.Appraisal.Year, Period: fmt.Sprint(s.Appraisal.Year), Source: s.ProcessID, Due: due, Initiator: termgoal.System}
	err := workflow.ExecuteChildWorkflow(cctx, ReportWorkflowName, in).GetChildWorkflowExecution().Get(ctx, nil)
	if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		return nil
	}
	return err
}

// The appraisal steps' hooks in Steps.

// enterScoring: named raters score until they are done; anonymous ballots come in until the
// due date. With only the holder's own score to count (a self group alone) nothing is awaited.
func enterScoring(_ *goalWF, _ workflow.Context, s *GoalState, _ *termgoal.Change, _ termgoal.Step) bool {
	s.WindowOver = !s.Template.AppraisalConfig().HasBallots()
	return !s.pending() && s.WindowOver
}

func enterResult(_ *goalWF, _ workflow.Context, s *GoalState, c *termgoal.Change, _ termgoal.Step) bool {
	s.Appraisal.RaterScore = s.raterScore()
	c.Detail["rater_score"] = s.Appraisal.RaterScore
	return false
}

func closeBallots(w *goalWF, ctx workflow.Context, s *GoalState) (*GoalState, error) {
	return appraisalFlow{w}.scoringMoved(ctx, s, w.change(ctx, s, nil, "ballot_window_closed", map[string]any{"ballots": len(s.Appraisal.Ballots)}))
}

// closeAppeals: nobody appealed in time, so the result stands and is archived.
func closeAppeals(w *goalWF, ctx workflow.Context, s *GoalState) (*GoalState, error) {
	return w.enter(ctx, s, w.change(ctx, s, nil, "appeal_window_passed", nil), termgoal.StepArchived)
}

// scoringSigners are the scoring's signers: the rater groups' members; with none and no
// anonymous ballots, the process administrators score for the appraisal group.
func scoringSigners(w *goalWF, ctx workflow.Context, s *GoalState, c *termgoal.Change) ([]Signer, error) {
	raters, err := appraisalFlow{w}.raters(ctx, s)
	if err != nil || len(raters) > 0 || s.Template.AppraisalConfig().HasBallots() {
		return raters, err
	}
	who, err := w.admins(ctx, s, c)
	return signersOf(who, termgoal.ModeAll), err
}

// noticeOpened: the result goes on notice, and the holder hears the grade.
func (w appraisalFlow) noticeOpened(ctx workflow.Context, s *GoalState) {
	if s.Appraisal.Result != nil {
		w.tellHolders(ctx, s, "result_published", map[string]any{"grade": s.Appraisal.Result.Grade, "due_on": s.StepDueOn.Format(time.DateOnly)})
	}
}

// upheldTo: an upheld objection sends the result back to the superior.
func (w appraisalFlow) upheldTo(*GoalState) termgoal.Step { return termgoal.StepResult }
