package web

// The appraisal pages (P5, P6, P8): an appraisal with its self-assessment, named scoring
// sheets, result, appeal and consequences, with the administrator's ballot codes; the results
// in use by tab; and the public ballot page, where a one-time code casts one anonymous score.

import (
	"context"
	"fmt"
	"math"
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

// appraisalPageData is the appraisal page.
type appraisalPageData struct {
	*app.AppraisalView
	Term         *termgoal.Term
	Items        []termgoal.PlanItem
	Ballots      int // ballots and named sheets counted so far
	Admin        bool
	BallotGroups []string // the template's groups that take ballots, for the codes form
	Issued       *app.BallotCodes
	Scoring      *app.ScoringStatus
}

// webAppraisal shows appraisal :id to whoever may read its process.
func (h *Handler) webAppraisal(c *gin.Context) {
	h.renderAppraisal(c, http.StatusOK, h.newPage(c, "web.appraisal_title"), nil)
}

func (h *Handler) renderAppraisal(c *gin.Context, status int, p *webPage, issued *app.BallotCodes) {
	ctx := c.Request.Context()
	v, err := h.ops.AppraisalView(c.Request.Context(), edge.Caller(c), c.Param("id"))
	if err != nil {
		h.Fail(c, err)
		return
	}
	d := appraisalPageData{AppraisalView: v, Issued: issued}
	if d.Term, d.Items, err = h.appraisedPlan(ctx, v); err != nil {
		h.Fail(c, err)
		return
	}
	if d.Scoring, err = h.ops.ScoringStatus(ctx, v.Process); err != nil {
		h.Fail(c, err)
		return
	}
	if a := v.Process.State.Appraisal; a != nil {
		d.Ballots = a.Ballots
	}
	path, err := h.ops.OrgPath(ctx, v.Appraisal.OrgID)
	if err != nil {
		h.Fail(c, err)
		return
	}
	d.Admin = app.IsAdmin(edge.Caller(c), path)
	if d.Admin && v.Process.Status == "running" {
		cfg, err := h.ops.AppraisalConfig(ctx, v.Process)
		if err != nil {
			h.Fail(c, err)
			return
		}
		for _, g := range cfg.Groups {
			if g.Ballots {
				d.BallotGroups = append(d.BallotGroups, g.Key)
			}
		}
	}
	p.Title = p.TV("process_kinds.", v.Appraisal.Kind) + " · " + v.Appraisal.Holder
	p.Data = d
	h.render(c, status, "appraisal", p)
}

// appraisedPlan loads the term of appraisal v and the items of the plan version it appraises.
func (h *Handler) appraisedPlan(ctx context.Context, v *app.AppraisalView) (*termgoal.Term, []termgoal.PlanItem, error) {
	t, err := h.store.Term(ctx, v.Appraisal.TermID)
	if err != nil {
		return nil, nil, err
	}
	items, err := h.planOf(ctx, t.ID, v.Process.Version)
	return t, items, err
}

// webBallotCodes issues ballot codes from the appraisal page and shows them once, on the page
// the answer renders (never stored, never redirected to).
func (h *Handler) webBallotCodes(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	n, _ := strconv.Atoi(strings.TrimSpace(form.Get("count")))
	codes, err := h.ops.IssueBallotCodes(c.Request.Context(), edge.Caller(c), edge.Actor(c), c.Param("id"), app.BallotCodesRequest{Group: form.Get("group"), Count: n})
	p := h.newPage(c, "web.appraisal_title")
	if err != nil {
		status, ok := h.webFormRefused(c, err)
		if !ok {
			return
		}
		h.formError(c, p, form, err)
		h.renderAppraisal(c, status, p, nil)
		return
	}
	p.Flash = p.T("web.ballot_codes_issued", "count", len(codes.Codes))
	h.renderAppraisal(c, http.StatusOK, p, codes)
}

// resultsData is the results-in-use page.
type resultsData struct {
	Use   string
	Uses  []string
	Year  string
	Items []termgoal.AppraisalRecord
	Pager pager
}

// webResults lists the archived results in use under the caller's grants, a tab per use.
func (h *Handler) webResults(c *gin.Context) {
	acc := edge.Caller(c)
	use := c.DefaultQuery("use", app.ResultUses[0])
	if !slices.Contains(app.ResultUses, use) {
		h.Fail(c, termgoal.Errorf(termgoal.EINVALID, "appraisal.use", "no such use of results", "use", use))
		return
	}
	year, _ := strconv.Atoi(c.Query("year"))
	page, limit, offset := webPaging(c)
	items, total, err := app.PagedAcross(app.ScopeRoots(acc), limit, offset, func(root string, l, o int) ([]termgoal.AppraisalRecord, int, error) {
		return h.store.ResultsInUse(c.Request.Context(), root, year, use, l, o)
	})
	if err != nil {
		h.Fail(c, err)
		return
	}
	d := resultsData{Use: use, Uses: app.ResultUses, Items: items}
	base := "/results?use=" + url.QueryEscape(use)
	if year > 0 {
		d.Year = strconv.Itoa(year)
		base += "&year=" + d.Year
	}
	d.Pager = newPager(base, page, total)
	p := h.newPage(c, "web.results_title")
	p.Data = d
	h.render(c, http.StatusOK, "results", p)
}

// webBallot shows the public ballot form; no sign-in.
func (h *Handler) webBallot(c *gin.Context) {
	h.render(c, http.StatusOK, "ballot", h.newPage(c, "web.ballot_title"))
}

// webCastBallot casts a ballot from the public form.
func (h *Handler) webCastBallot(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	req := app.BallotRequest{Code: form.Get("code")}
	if s := strings.TrimSpace(form.Get("score")); s != "" {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			req.Score = &v
		} else {
			req.Score = new(float64)
			*req.Score = math.NaN() // refused as out of range
		}
	}
	if err := h.ops.CastBallot(c.Request.Context(), c.ClientIP(), req); err != nil {
		code, status, _ := edge.Problem(c, h.log, err)
		if code == termgoal.EINTERNAL {
			h.Fail(c, err)
			return
		}
		p := h.newPage(c, "web.ballot_title")
		h.formError(c, p, form, err)
		h.render(c, status, "ballot", p)
		return
	}
	h.flash(c, edge.T(c, "web.ballot_thanks", nil))
	c.Redirect(http.StatusSeeOther, "/ballot")
}

// Template helpers of the appraisal pages.

// fmtScore shows a score with at most two decimals; nil shows nothing.
func fmtScore(v any) string {
	switch s := v.(type) {
	case float64:
		return strconv.FormatFloat(math.Round(s*100)/100, 'f', -1, 64)
	case *float64:
		if s != nil {
			return fmtScore(*s)
		}
	}
	return ""
}

// actualOf is what the self-assessment says item no reached.
func actualOf(r *termgoal.AppraisalRecord, no int) string {
	if r == nil || r.Self == nil {
		return ""
	}
	for _, it := range r.Self.Items {
		if it.No == no {
			return it.Actual
		}
	}
	return ""
}

// sheetScore is a sheet's score of item no.
func sheetScore(sh termgoal.ScoreSheet, no int) string {
	for _, s := range sh.Scores {
		if s.No == no {
			return fmtScore(s.Score)
		}
	}
	return ""
}

// isLagging reports whether item no of a report lags its target.
func isLagging(r *termgoal.ProgressReport, no int) bool {
	return r != nil && slices.Contains(r.Lagging, no)
}

// itemTitle is the title of item no of a plan.
func itemTitle(items []termgoal.PlanItem, no int) string {
	if no < 1 || no > len(items) {
		return fmt.Sprint("#", no)
	}
	return items[no-1].Title
}

// appraisalHref is where an appraisal process is shown: its appraisal page, else the process page.
func appraisalHref(p termgoal.Process) string {
	if termgoal.IsAppraisal(p.Kind) {
		return "/appraisals/" + url.PathEscape(p.ID)
	}
	return "/processes/" + url.PathEscape(p.ID)
}
