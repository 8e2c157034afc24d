package app

// Campaigns (P7): an administrator starts one process for every term of an org subtree that
// has none (goal setting after a general election, 换届). The row lives in PostgreSQL; the work
// is the Campaign workflow, a page of terms per activity, each process under its term's
// deterministic workflow ID, so running a campaign again starts nothing twice.

import (
	"context"
	"slices"
	"strings"

	"termgoal"
	"termgoal/start"
	"termgoal/workflows"
)

// CampaignKinds are the processes a campaign can start: goal setting (the default) and the
// annual appraisal of a year.
var CampaignKinds = []string{"goal_setting", termgoal.AppraisalAnnual}

// Campaign years an appraisal campaign may appraise.
const (
	minCampaignYear = 2000
	maxCampaignYear = 2100
)

// CampaignRequest starts a campaign over the subtree of OrgID. Kind is goal_setting when
// empty; an annual_appraisal campaign needs the Year it appraises.
type CampaignRequest struct {
	Name  string `json:"name"`
	OrgID int64  `json:"org_id"`
	Kind  string `json:"kind"`
	Year  int    `json:"year,omitempty"`
}

// CampaignRun names the workflow run a campaign's (re)start began.
type CampaignRun struct {
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
}

// StartCampaign validates req, checks that acc administers its org, records the campaign,
// starts its workflow as actor and audits it.
func (s *Service) StartCampaign(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, req CampaignRequest) (*termgoal.Campaign, error) {
	req.Name = strings.TrimSpace(req.Name)
	path, err := s.OrgPath(ctx, req.OrgID)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		err = termgoal.Errorf(termgoal.EINVALID, "campaign.org_unknown", "the organization does not exist")
	}
	if err != nil {
		return nil, err
	}
	if !acc.Can(termgoal.RoleAdmin, path) {
		return nil, ErrForbidden()
	}
	if req.Name == "" || len([]rune(req.Name)) > 200 {
		return nil, termgoal.Errorf(termgoal.EINVALID, "campaign.name", "a campaign needs a name of at most 200 characters")
	}
	if req.Kind == "" {
		req.Kind = "goal_setting"
	}
	if !slices.Contains(CampaignKinds, req.Kind) {
		return nil, termgoal.Errorf(termgoal.EINVALID, "campaign.kind", "a campaign starts goal_setting or annual_appraisal", "kind", req.Kind)
	}
	switch {
	case req.Kind == termgoal.AppraisalAnnual && (req.Year < minCampaignYear || req.Year > maxCampaignYear):
		return nil, termgoal.Errorf(termgoal.EINVALID, "campaign.year", "an annual appraisal campaign needs the year it appraises",
			"min", minCampaignYear, "max", maxCampaignYear)
	case req.Kind != termgoal.AppraisalAnnual:
		req.Year = 0
	}
	camp := &termgoal.Campaign{Name: req.Name, Kind: req.Kind, Year: req.Year, OrgID: req.OrgID, CreatedBy: acc.DisplayName}
	if err := s.Store.CreateCampaign(ctx, camp); err != nil {
		return nil, err
	}
	// Audited before the start: a start that fails leaves a recorded campaign to run again.
	if err := s.Audit(ctx, actor, termgoal.Audit{Action: "campaign_started", Detail: map[string]any{
		"campaign_id": camp.ID, "name": camp.Name, "kind": camp.Kind, "year": camp.Year, "org_id": camp.OrgID}}); err != nil {
		return nil, err
	}
	if _, err := s.runCampaign(ctx, camp, path, actor); err != nil {
		return nil, err
	}
	return s.Store.Campaign(ctx, camp.ID)
}

// RerunCampaign starts a new run of camp as actor, an administrator of its org (acc), and
// audits it: terms added since get their process, and none is started twice.
func (s *Service) RerunCampaign(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, camp *termgoal.Campaign) (CampaignRun, error) {
	path, err := s.OrgPath(ctx, camp.OrgID)
	if err != nil {
		return CampaignRun{}, err
	}
	if !acc.Can(termgoal.RoleAdmin, path) {
		return CampaignRun{}, ErrForbidden()
	}
	run, err := s.runCampaign(ctx, camp, path, actor)
	if err != nil {
		return run, err
	}
	if err := s.Store.ReopenCampaign(ctx, camp.ID); err != nil {
		return run, err
	}
	return run, s.Audit(ctx, actor, termgoal.Audit{Action: "campaign_rerun", Detail: map[string]any{"campaign_id": camp.ID, "run_id": run.RunID}})
}

// runCampaign starts a new run of the campaign's workflow. A run still going is a conflict; a
// finished one may run again: its processes have deterministic IDs and linked terms are
// skipped, so the new run starts only what is missing.
func (s *Service) runCampaign(ctx context.Context, camp *termgoal.Campaign, orgPath string, initiator termgoal.Actor) (CampaignRun, error) {
	run := CampaignRun{WorkflowID: workflows.CampaignID(camp.ID)}
	in := workflows.CampaignInput{CampaignID: camp.ID, Kind: camp.Kind, Year: camp.Year, OrgPath: orgPath, Initiator: initiator}
	we, err := s.Start(ctx, start.Run{ID: run.WorkflowID, Queue: workflows.CampaignTaskQueue, Workflow: workflows.CampaignWorkflowName,
		Input: in, Reuse: start.AfterClose}, func() error {
		return termgoal.Errorf(termgoal.ECONFLICT, "campaign.running", "the campaign is still running")
	})
	if err != nil {
		return run, err
	}
	run.RunID = we.GetRunID()
	return run, nil
}

// AdminCampaign loads campaign id and checks that acc administers its org; it answers the
// campaign and its org's path.
func (s *Service) AdminCampaign(ctx context.Context, acc *termgoal.Account, id int64) (*termgoal.Campaign, string, error) {
	camp, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, "", err
	}
	path, err := s.OrgPath(ctx, camp.OrgID)
	if err != nil {
		return nil, "", err
	}
	if !IsAdmin(acc, path) {
		return nil, "", ErrForbidden()
	}
	return camp, path, nil
}
