package web

// The term-rules pages (DOMAIN.md "Term rules"): the admin report for an org subtree, with
// violations highlighted, and a person's page with their terms, warnings and a term-end
// outcome check. Both read through the JSON API's helpers and checks (termrules.go).

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
)

// AnyAdmin reports whether the caller administers some org: the header links the report.
func (p *webPage) AnyAdmin() bool { return p.Account != nil && app.IsAnyAdmin(p.Account) }

// termRulesData is the report page.
type termRulesData struct {
	Orgs  []orgOption
	OrgID int64
	AsOf  string
	Items []app.TermRulesReportItem
	Pager pager
}

// adminOrgs lists the orgs the caller administers, each subtree once, parents first.
func (h *Handler) adminOrgs(c *gin.Context, acc *termgoal.Account) ([]termgoal.Org, error) {
	var admin termgoal.Account
	for _, g := range acc.Grants {
		if g.Role == termgoal.RoleAdmin {
			admin.Grants = append(admin.Grants, g)
		}
	}
	var out []termgoal.Org
	for _, root := range app.ScopeRoots(&admin) {
		orgs, err := h.store.Orgs(c.Request.Context(), root)
		if err != nil {
			return nil, err
		}
		out = append(out, orgs...)
	}
	return out, nil
}

// webTermRulesReport shows the report for ?org_id= (default: the first org the caller
// administers) on ?as_of= (default: today).
func (h *Handler) webTermRulesReport(c *gin.Context) {
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
	d := termRulesData{OrgID: orgs[0].ID}
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, optionOf(o))
	}
	if v := c.Query("org_id"); v != "" {
		if d.OrgID, err = strconv.ParseInt(v, 10, 64); err != nil {
			h.Fail(c, termgoal.Errorf(termgoal.EMALFORMED, "error.bad_id", "org_id must be a positive number", "name", "org_id"))
			return
		}
	}
	asOf, err := h.webDay(c.Query("as_of"))
	if err != nil {
		h.Fail(c, err)
		return
	}
	d.AsOf = asOf.Format(time.DateOnly)
	ctx := c.Request.Context()
	path, err := h.ops.OrgPath(ctx, d.OrgID)
	if err != nil {
		h.Fail(c, err)
		return
	}
	if !app.IsAdmin(acc, path) {
		h.Fail(c, app.ErrForbidden())
		return
	}
	page, limit, offset := webPaging(c)
	p := h.newPage(c, "web.term_rules_title")
	items, total, err := h.ops.TermRulesReport(ctx, p.Lang, path, asOf, limit, offset)
	if err != nil {
		h.Fail(c, err)
		return
	}
	d.Items = items
	d.Pager = newPager("/reports/term-rules?"+url.Values{"org_id": {strconv.FormatInt(d.OrgID, 10)}, "as_of": {d.AsOf}}.Encode(), page, total)
	p.Data = d
	h.render(c, http.StatusOK, "termrules", p)
}

// webDay parses a YYYY-MM-DD form value; empty is today.
func (h *Handler) webDay(v string) (time.Time, error) {
	if v == "" {
		return h.ops.Today(), nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, termgoal.Errorf(termgoal.EMALFORMED, "error.bad_date", "as_of must be a date (YYYY-MM-DD)", "name", "as_of")
	}
	return t, nil
}

// personData is the person page.
type personData struct {
	app.PersonTermRules
	Age        int
	HasAge     bool
	Outcomes   []termgoal.Outcome
	Outcome    string // the outcome checked (?outcome=), if any
	OutcomeOK  bool
	OutcomeErr string
	CanEdit    bool // an administrator may change the person
}

// webPerson shows a person's terms and term-rule warnings on ?as_of=, as a nomination with
// ?nomination=true, and the check of a term-end outcome with ?outcome= (a check changes
// nothing, so it is a GET form).
func (h *Handler) webPerson(c *gin.Context) {
	h.renderPerson(c, http.StatusOK, h.newPage(c, "web.person_title"))
}

// webEditPerson changes person :id's name, gender and birth date (app.EditPerson).
func (h *Handler) webEditPerson(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	id, err := edge.ParseID(c.Param("id"))
	if err != nil {
		h.Fail(c, err)
		return
	}
	p, err := personFromForm(form)
	p.ID = id
	if err == nil {
		err = h.ops.EditPerson(c.Request.Context(), edge.Caller(c), edge.Actor(c), &p)
	}
	if err != nil {
		h.refuseForm(c, form, err, "web.person_title", func(status int, pg *webPage) { h.renderPerson(c, status, pg) })
		return
	}
	h.flash(c, edge.T(c, "web.person_saved", map[string]any{"name": p.Name}))
	c.Redirect(http.StatusSeeOther, "/people/"+strconv.FormatInt(id, 10))
}

// renderPerson shows person :id on page p with status.
func (h *Handler) renderPerson(c *gin.Context, status int, p *webPage) {
	person, terms, err := h.readablePerson(c)
	if err != nil {
		h.Fail(c, err)
		return
	}
	asOf, err := h.webDay(c.Query("as_of"))
	if err != nil {
		h.Fail(c, err)
		return
	}
	outcome := c.Query("outcome")
	// An outcome proposes the next post: it is checked as a nomination.
	nomination := c.Query("nomination") == "true" || outcome != ""
	rules, err := h.ops.PersonTermRules(c.Request.Context(), p.Lang, person, terms, asOf, nomination)
	if err != nil {
		h.Fail(c, err)
		return
	}
	d := personData{PersonTermRules: rules, Outcomes: app.TermOutcomes, Outcome: outcome, CanEdit: app.IsAnyAdmin(edge.Caller(c))}
	if person.BirthDate != nil {
		d.Age, d.HasAge = termgoal.AgeOn(*person.BirthDate, asOf), true
	}
	if outcome != "" {
		if err := termgoal.CheckOutcome(termgoal.Outcome(outcome), app.WarningsOf(rules.Warnings)); err != nil {
			_, _, d.OutcomeErr = edge.Problem(c, h.log, err)
		} else {
			d.OutcomeOK = true
		}
	}
	p.Title = person.Name + " · " + p.Title
	p.Data = d
	h.render(c, status, "person", p)
}

// readablePerson loads person :id and their terms and checks that the caller may read their
// term rules.
func (h *Handler) readablePerson(c *gin.Context) (*termgoal.Person, []postgres.HeldTerm, error) {
	id, err := edge.ParseID(c.Param("id"))
	if err != nil {
		return nil, nil, err
	}
	return h.ops.ReadablePerson(c.Request.Context(), edge.Caller(c), id)
}
