package web

// The campaign pages (P7): the list of campaigns with a form to start one, and a campaign's
// progress with a "remind the laggards" form and a "run again" button. They go through the
// JSON API's helpers and checks (campaigns.go).

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
)

// campaignsData is the list page.
type campaignsData struct {
	Orgs  []orgOption // the orgs the caller administers, for the form
	Kinds []string
	Year  int // the default year of an appraisal campaign: last year
	Items []termgoal.Campaign
	Pager pager
}

// campaignData is a campaign's page.
type campaignData struct {
	Campaign *termgoal.Campaign
	Progress termgoal.CampaignProgress
	Steps    []stepCount // where the processes stand, in the order of the steps
}

type stepCount struct {
	Step  termgoal.Step
	Count int
}

// webCampaigns lists the campaigns on the orgs the caller administers.
func (h *Handler) webCampaigns(c *gin.Context) {
	h.renderCampaigns(c, http.StatusOK, h.newPage(c, "web.campaigns_title"))
}

func (h *Handler) renderCampaigns(c *gin.Context, status int, p *webPage) {
	acc := edge.Caller(c)
	orgs, err := h.adminOrgs(c, acc)
	if err != nil {
		h.Fail(c, err)
		return
	}
	if len(orgs) == 0 {
		h.Fail(c, app.ErrForbidden())
		return
	}
	d := campaignsData{Kinds: app.CampaignKinds, Year: h.ops.Today().Year() - 1}
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, optionOf(o))
	}
	page, limit, offset := webPaging(c)
	items, total, err := app.PagedAcross(app.AdminRoots(acc), limit, offset, func(root string, l, o int) ([]termgoal.Campaign, int, error) {
		return h.store.Campaigns(c.Request.Context(), root, l, o)
	})
	if err != nil {
		h.Fail(c, err)
		return
	}
	d.Items, d.Pager = items, newPager("/campaigns", page, total)
	p.Data = d
	h.render(c, status, "campaigns", p)
}

// webStartCampaign starts a campaign from the list page's form and opens its page.
func (h *Handler) webStartCampaign(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	orgID, _ := strconv.ParseInt(form.Get("org_id"), 10, 64)
	req := app.CampaignRequest{Name: form.Get("name"), OrgID: orgID, Kind: form.Get("kind")}
	if req.Kind == termgoal.AppraisalAnnual {
		req.Year, _ = strconv.Atoi(strings.TrimSpace(form.Get("year")))
	}
	camp, err := h.ops.StartCampaign(c.Request.Context(), edge.Caller(c), edge.Actor(c), req)
	if err != nil {
		h.refuseForm(c, form, err, "web.campaigns_title", func(status int, p *webPage) { h.renderCampaigns(c, status, p) })
		return
	}
	h.flash(c, edge.T(c, "web.campaign_started", nil))
	c.Redirect(http.StatusSeeOther, "/campaigns/"+strconv.FormatInt(camp.ID, 10))
}

// webCampaign shows campaign :id and its progress.
func (h *Handler) webCampaign(c *gin.Context) {
	h.renderCampaign(c, http.StatusOK, h.newPage(c, "web.campaign_title"))
}

func (h *Handler) renderCampaign(c *gin.Context, status int, p *webPage) {
	camp, _, err := h.adminCampaign(c)
	if err != nil {
		h.Fail(c, err)
		return
	}
	prog, err := h.store.CampaignProgress(c.Request.Context(), camp, h.ops.Today())
	if err != nil {
		h.Fail(c, err)
		return
	}
	d := campaignData{Campaign: camp, Progress: prog}
	steps := append(slices.Clone(termgoal.GoalSteps), termgoal.StepInForce, termgoal.StepCancelled, termgoal.StepRejected)
	if camp.Kind == termgoal.AppraisalAnnual {
		steps = appraisalSteps
	}
	for _, s := range steps {
		if n := prog.ByStep[string(s)]; n > 0 {
			d.Steps = append(d.Steps, stepCount{Step: s, Count: n})
		}
	}
	p.Title = camp.Name + " · " + p.Title
	p.Data = d
	h.render(c, status, "campaign", p)
}

// webCampaignAct reminds the campaign's laggards (action=remind, under the form's key) or
// runs it again (action=rerun).
func (h *Handler) webCampaignAct(c *gin.Context) {
	camp, _, err := h.adminCampaign(c)
	if err != nil {
		h.Fail(c, err)
		return
	}
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	var msg string
	switch form.Get("action") {
	case "remind":
		var key string
		if key, err = formKey(form); err == nil {
			var b app.Batch
			b, err = h.ops.RemindCampaign(c.Request.Context(), edge.Caller(c), edge.Actor(c), camp, key, form.Get("reason"))
			msg = edge.T(c, "web.campaign_reminded", map[string]any{"done": b.Done(), "failed": len(b.IDs) - b.Done()})
		}
	case "rerun":
		if _, err = h.ops.RerunCampaign(c.Request.Context(), edge.Caller(c), edge.Actor(c), camp); err == nil {
			msg = edge.T(c, "web.campaign_rerun", nil)
		}
	default:
		err = termgoal.Errorf(termgoal.ENOTFOUND, "action.unknown", "no such action")
	}
	if err != nil {
		h.refuseForm(c, form, err, "web.campaign_title", func(status int, p *webPage) { h.renderCampaign(c, status, p) })
		return
	}
	h.flash(c, msg)
	c.Redirect(http.StatusSeeOther, "/campaigns/"+url.PathEscape(strconv.FormatInt(camp.ID, 10)))
}

// webFormRefused answers a form's refusal: one the user can correct returns its status, to show
// the form again with the reason; anything else (forbidden, internal) goes to the error page.
func (h *Handler) webFormRefused(c *gin.Context, err error) (int, bool) {
	code, status, _ := edge.Problem(c, h.log, err)
	if code == termgoal.EINTERNAL || code == termgoal.EFORBIDDEN {
		h.Fail(c, err)
		return 0, false
	}
	return status, true
}

// refuseForm answers a refused form: the page titled titleKey rendered again by render with
// the refusal and what was typed, or the error page when the refusal is not the form's.
func (h *Handler) refuseForm(c *gin.Context, form url.Values, err error, titleKey string, render func(status int, p *webPage)) {
	status, ok := h.webFormRefused(c, err)
	if !ok {
		return
	}
	p := h.newPage(c, titleKey)
	h.formError(c, p, form, err)
	render(status, p)
}

// appraisalSteps are the steps of an appraisal in their order, for a campaign's progress.
var appraisalSteps = []termgoal.Step{termgoal.StepSelfAssessment, termgoal.StepScoring, termgoal.StepResult, termgoal.StepNotice,
	termgoal.StepFeedback, termgoal.StepAppealReview, termgoal.StepArchived, termgoal.StepCancelled}

// adminCampaign loads campaign :id and checks the caller administers its org.
func (h *Handler) adminCampaign(c *gin.Context) (*termgoal.Campaign, string, error) {
	id, err := edge.ParseID(c.Param("id"))
	if err != nil {
		return nil, "", err
	}
	return h.ops.AdminCampaign(c.Request.Context(), edge.Caller(c), id)
}
