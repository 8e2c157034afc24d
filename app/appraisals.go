package app

import (
	"context"
	"net/url"
	"slices"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/start"
	"termgoal/workflows"
)

// AppraisalRequest starts one appraisal of a term by hand.
type AppraisalRequest struct {
	TermID int64  `json:"term_id"`
	Kind   string `json:"kind"`
	Year   int    `json:"year"`
	// Period names the month ("2026-03") or quarter ("2026-Q1") of a monthly or quarterly
	// appraisal, of a template with that cycle.
	Period string `json:"period,omitempty"`
}

// StartAppraisal starts the appraisal req names as actor, an administrator of the term's org
// (acc), under its deterministic ID, and audits it. An appraisal that exists already (started
// by hand, by a campaign or by the term's workflow) is a conflict.
func (s *Service) StartAppraisal(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, req AppraisalRequest) (string, error) {
	t, err := s.Store.Term(ctx, req.TermID)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		err = termgoal.Errorf(termgoal.EINVALID, "appraisal.term_unknown", "the term does not exist")
	}
	if err != nil {
		return "", err
	}
	if err := s.adminOf(ctx, acc, t.OrgID); err != nil {
		return "", err
	}
	var id string
	in := workflows.AppraisalInput{TermID: t.ID, Kind: req.Kind, Initiator: actor}
	switch req.Kind {
	case termgoal.AppraisalAnnual:
		if req.Year < t.Start.Year() || req.Year > t.End.Year() {
			return "", termgoal.Errorf(termgoal.EINVALID, "appraisal.year", "the year must fall within the term",
				"from", t.Start.Year(), "to", t.End.Year())
		}
		id = workflows.AppraisalID(t.ID, req.Year)
	case termgoal.AppraisalTermEnd:
		req.Year = t.End.Year()
		id = workflows.TermEndID(t.ID)
	case termgoal.AppraisalMonthly, termgoal.AppraisalQuarterly:
		if id, err = s.periodAppraisal(ctx, t, &in, req.Period); err != nil {
			return "", err
		}
		req.Year = in.From.Year()
	default:
		return "", termgoal.ErrAppraisalKind(req.Kind)
	}
	if err := s.needPlanInForce(ctx, t.ID); err != nil {
		return "", err
	}
	in.Year = req.Year
	run := start.Run{ID: id, Queue: workflows.TaskQueue, Workflow: workflows.AppraisalWorkflowName, Input: in}
	if _, err := s.Start(ctx, run, errAppraisalExists); err != nil {
		return "", err
	}
	detail := map[string]any{"kind": req.Kind, "year": req.Year}
	if termgoal.IsPeriodAppraisal(req.Kind) {
		detail["period"] = req.Period
	}
	return id, s.Audit(ctx, actor, termgoal.Audit{Action: "appraisal_started", TermID: t.ID, ProcessID: id, Detail: detail})
}

// periodAppraisal sets in's period to the month or quarter period names, which the term must
// cover at least in part, of a template with that cycle, and returns the appraisal's ID.
func (s *Service) periodAppraisal(ctx context.Context, t *termgoal.Term, in *workflows.AppraisalInput, period string) (string, error) {
	tpl, err := s.Store.Template(ctx, t.TemplateID)
	if err != nil {
		return "", err
	}
	if tpl.AppraisalConfig().CycleKind() != in.Kind {
		return "", termgoal.Errorf(termgoal.EINVALID, "appraisal.cycle_kind", "the term's template has no such cycle: set its appraisal cycle first", "kind", in.Kind)
	}
	from, to, err := termgoal.ParsePeriod(in.Kind, period)
	if err != nil {
		return "", err
	}
	if to.Before(t.Start) || from.After(t.End) {
		return "", termgoal.Errorf(termgoal.EINVALID, "appraisal.period_outside", "the period must fall within the term", "period", period,
			"from", t.Start.Format(time.DateOnly), "to", t.End.Format(time.DateOnly))
	}
	in.From, in.To = from, to
	return workflows.AppraisalPeriodID(t.ID, period), nil
}

// needPlanInForce refuses an appraisal of a term whose goals never came into force: the
// workflow would have nothing to appraise.
func (s *Service) needPlanInForce(ctx context.Context, termID int64) error {
	versions, err := s.Store.PlanVersions(ctx, termID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(versions, func(v termgoal.PlanVersion) bool { return v.InForceFrom != nil }) {
		return termgoal.Errorf(termgoal.ECONFLICT, "appraisal.no_plan", "the term has no plan in force to appraise")
	}
	return nil
}

func errAppraisalExists() error {
	return termgoal.Errorf(termgoal.ECONFLICT, "appraisal.already_started", "this appraisal has already been started")
}

// AppraisalKinds are the appraisals an administrator starts by hand in a term of template
// tpl: the annual and the end-of-term appraisal, and the month's or quarter's of its cycle. A
// handover's appraisal starts with the handover.
func AppraisalKinds(tpl *termgoal.Template) []string {
	kinds := []string{termgoal.AppraisalAnnual, termgoal.AppraisalTermEnd}
	if k := tpl.AppraisalConfig().CycleKind(); k != "" {
		kinds = append(kinds, k)
	}
	return kinds
}

// ResultUses are the uses of archived results GET /results filters on, as the store names them.
var ResultUses = []string{"advanced", "promotion", "improve", "rectify", "measure"}

// AppraisalQuery reads the appraisal list's filter from a query (year, kind, grade, status,
// campaign_id, use) and the org it is kept to (org_id, 0 for the caller's whole scope).
func AppraisalQuery(q url.Values) (f postgres.AppraisalFilter, orgID int64, err error) {
	f = postgres.AppraisalFilter{Kind: q.Get("kind"), Grade: q.Get("grade"), Status: q.Get("status"), Use: q.Get("use")}
	year, err := QueryNumber(q, "year")
	if err != nil {
		return f, 0, err
	}
	f.Year = int(year)
	if f.CampaignID, err = QueryNumber(q, "campaign_id"); err != nil {
		return f, 0, err
	}
	orgID, err = QueryNumber(q, "org_id")
	return f, orgID, err
}
