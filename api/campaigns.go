package api

// Campaigns (P7): an administrator starts one process for every term of an org subtree that
// has none (goal setting after a general election, 换届). The row lives in PostgreSQL; the work
// is the Campaign workflow, a page of terms per activity, each process under its term's
// deterministic workflow ID, so running a campaign again starts nothing twice.

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
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

// CampaignView is a campaign with its progress.
type CampaignView struct {
	Campaign *termgoal.Campaign        `json:"campaign"`
	Progress termgoal.CampaignProgress `json:"progress"`
}

// CampaignRun names the workflow run a campaign's (re)start began.
type CampaignRun struct {
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
}

// CampaignRemindRequest reminds the campaign's laggards.
type CampaignRemindRequest struct {
	Reason string `json:"reason"`
}

// createCampaign records the campaign and starts its workflow.
func (h *Handler) createCampaign(c *gin.Context) {
	var req CampaignRequest
	if !h.bind(c, &req) {
		return
	}
	camp, err := h.StartCampaign(c, req)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, camp)
}

// StartCampaign validates req, checks the caller administers its org, records the campaign,
// starts its workflow and audits it.
func (h *Handler) StartCampaign(c *gin.Context, req CampaignRequest) (*termgoal.Campaign, error) {
	ctx := c.Request.Context()
	req.Name = strings.TrimSpace(req.Name)
	path, err := h.orgPath(ctx, req.OrgID)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		err = termgoal.Errorf(termgoal.EINVALID, "campaign.org_unknown", "the organization does not exist")
	}
	if err != nil {
		return nil, err
	}
	if !isAdmin(Caller(c), path) {
		return nil, app.ErrForbidden()
	}
	if req.Name == "" || len([]rune(req.Name)) > 200 {
		return nil, termgoal.Errorf(termgoal.EINVALID, "campaign.name", "a campaign needs a name of at most 200 characters")
	}
	if req.Kind == "" {
		req.Kind = "goal_setting"
	}
	if !isCampaignKind(req.Kind) {
		return nil, termgoal.Errorf(termgoal.EINVALID, "campaign.kind", "a campaign starts goal_setting or annual_appraisal", "kind", req.Kind)
	}
	switch {
	case req.Kind == termgoal.AppraisalAnnual && (req.Year < minCampaignYear || req.Year > maxCampaignYear):
		return nil, termgoal.Errorf(termgoal.EINVALID, "campaign.year", "an annual appraisal campaign needs the year it appraises",
			"min", minCampaignYear, "max", maxCampaignYear)
	case req.Kind != termgoal.AppraisalAnnual:
		req.Year = 0
	}
	camp := &termgoal.Campaign{Name: req.Name, Kind: req.Kind, Year: req.Year, OrgID: req.OrgID, CreatedBy: Caller(c).DisplayName}
	if err := h.store.CreateCampaign(ctx, camp); err != nil {
		return nil, err
	}
	// Audited before the start: a start that fails leaves a recorded campaign to run again.
	if err := h.appendAudit(c, termgoal.Audit{Action: "campaign_started", Detail: map[string]any{
		"campaign_id": camp.ID, "name": camp.Name, "kind": camp.Kind, "year": camp.Year, "org_id": camp.OrgID}}); err != nil {
		return nil, err
	}
	if _, err := h.runCampaign(ctx, camp, path, Actor(c)); err != nil {
		return nil, err
	}
	return h.store.Campaign(ctx, camp.ID)
}

func isCampaignKind(k string) bool { return slices.Contains(CampaignKinds, k) }

// parseID reads a positive numeric ID; anything else is an unknown one (404).
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound()
	}
	return id, nil
}

// runCampaign starts a new run of the campaign's workflow. A run still going is a conflict; a
// finished one may run again: its processes have deterministic IDs and linked terms are
// skipped, so the new run starts only what is missing.
func (h *Handler) runCampaign(ctx context.Context, camp *termgoal.Campaign, orgPath string, initiator termgoal.Actor) (CampaignRun, error) {
	run := CampaignRun{WorkflowID: workflows.CampaignID(camp.ID)}
	in := workflows.CampaignInput{CampaignID: camp.ID, Kind: camp.Kind, Year: camp.Year, OrgPath: orgPath, Initiator: initiator}
	we, err := h.ops.Start(ctx, start.Run{ID: run.WorkflowID, Queue: workflows.CampaignTaskQueue, Workflow: workflows.CampaignWorkflowName,
		Input: in, Reuse: start.AfterClose}, func() error {
		return termgoal.Errorf(termgoal.ECONFLICT, "campaign.running", "the campaign is still running")
	})
	if err != nil {
		return run, err
	}
	run.RunID = we.GetRunID()
	return run, nil
}

// adminCampaign loads campaign :id and checks the caller administers its org.
func (h *Handler) adminCampaign(c *gin.Context) (*termgoal.Campaign, string, error) {
	id, err := parseID(c.Param("id"))
	if err != nil {
		return nil, "", err
	}
	ctx := c.Request.Context()
	camp, err := h.store.Campaign(ctx, id)
	if err != nil {
		return nil, "", err
	}
	path, err := h.orgPath(ctx, camp.OrgID)
	if err != nil {
		return nil, "", err
	}
	if !isAdmin(Caller(c), path) {
		return nil, "", app.ErrForbidden()
	}
	return camp, path, nil
}

// rerunCampaign runs campaign :id again: terms added since get their process, and none is
// started twice.
func (h *Handler) rerunCampaign(c *gin.Context) {
	camp, path, err := h.adminCampaign(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	run, err := h.RerunCampaign(c, camp, path)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, run)
}

// RerunCampaign starts a new run of camp and audits it.
func (h *Handler) RerunCampaign(c *gin.Context, camp *termgoal.Campaign, path string) (CampaignRun, error) {
	run, err := h.runCampaign(c.Request.Context(), camp, path, Actor(c))
	if err != nil {
		return run, err
	}
	if err := h.store.ReopenCampaign(c.Request.Context(), camp.ID); err != nil {
		return run, err
	}
	return run, h.appendAudit(c, termgoal.Audit{Action: "campaign_rerun", Detail: map[string]any{"campaign_id": camp.ID, "run_id": run.RunID}})
}

// listCampaigns answers the campaigns on the orgs the caller administers, newest first.
func (h *Handler) listCampaigns(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	items, total, err := pagedAcross(adminRoots(Caller(c)), limit, offset, func(root string, l, o int) ([]termgoal.Campaign, int, error) {
		return h.store.Campaigns(c.Request.Context(), root, l, o)
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, items, total)
}

// adminRoots returns the org subtrees a administers, each once.
func adminRoots(a *termgoal.Account) []string {
	var admin termgoal.Account
	for _, g := range a.Grants {
		if g.Role == termgoal.RoleAdmin {
			admin.Grants = append(admin.Grants, g)
		}
	}
	return scopeRoots(&admin)
}

// getCampaign answers campaign :id with its progress today.
func (h *Handler) getCampaign(c *gin.Context) {
	camp, _, err := h.adminCampaign(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	p, err := h.store.CampaignProgress(c.Request.Context(), camp, h.Today())
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, CampaignView{Campaign: camp, Progress: p})
}

// remindCampaign reminds the assignees of every overdue process of the campaign's kind under
// its org, as a batch remind (batch.go): one remind per process under an update ID from the
// Idempotency-Key, audited once as campaign_remind.
func (h *Handler) remindCampaign(c *gin.Context) {
	camp, path, err := h.adminCampaign(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var req CampaignRemindRequest
	orgID := camp.OrgID
	key, ok := h.batchStart(c, &req, &orgID, &req.Reason)
	if !ok {
		return
	}
	res, err := h.RemindCampaign(c, camp, path, key, req.Reason)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// RemindCampaign reminds camp's overdue processes with reason under batch key key.
func (h *Handler) RemindCampaign(c *gin.Context, camp *termgoal.Campaign, path, key, reason string) (BatchResult, error) {
	today, reason := h.Today(), strings.TrimSpace(reason)
	ids, errs, err := h.remindUnder(c, key, path, reason, func(p *termgoal.Process) bool {
		return p.Kind == camp.Kind && overdue(p, today) && (camp.Year == 0 || appraisalYear(p) == camp.Year)
	})
	if err != nil {
		return BatchResult{}, err
	}
	return h.batchOutcome(c, "campaign_remind", ids, errs, map[string]any{
		"campaign_id": camp.ID, "org_id": camp.OrgID, "reason": reason})
}

// appraisalYear is the year an appraisal process appraises, from its state.
func appraisalYear(p *termgoal.Process) int {
	return stateValue[struct {
		Year int `json:"year"`
	}](p.State, "appraisal").Year
}
