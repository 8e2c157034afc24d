package api

// Term rules (DOMAIN.md "Term rules"): a person's history and warnings, the check of a
// term-end outcome, the admin report for an org subtree, and the policy table the rules read.
//
// Reading a person's term rules needs a grant covering the org of one of their terms (an admin
// grant is a grant too), an administrator of a root org, or being that person. The report needs
// an administrator of the org. Anyone signed in reads the policy; only an administrator of a
// root org changes it, as it serves every org.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
)

// dateQuery reads an optional YYYY-MM-DD query parameter; empty is today (China time).
func (h *Handler) dateQuery(c *gin.Context, name string) (time.Time, bool) {
	return h.parseDay(c, name, c.Query(name))
}

func (h *Handler) parseDay(c *gin.Context, name, v string) (time.Time, bool) {
	if v == "" {
		return h.ops.Today(), true
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		h.fail(c, termgoal.Errorf(termgoal.EMALFORMED, "error.bad_date", name+" must be a date (YYYY-MM-DD)", "name", name))
		return time.Time{}, false
	}
	return t, true
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

// getPersonTermRules answers GET /people/:id/term-rules?as_of=&nomination=true.
func (h *Handler) getPersonTermRules(c *gin.Context) {
	p, terms, err := h.readablePerson(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	asOf, ok := h.dateQuery(c, "as_of")
	if !ok {
		return
	}
	out, err := h.ops.PersonTermRules(c.Request.Context(), edge.Lang(c), p, terms, asOf, c.Query("nomination") == "true")
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// OutcomeCheck is the body of POST /people/:id/term-rules/outcome. Nomination defaults to true:
// an outcome proposes the next post, so the rules look ahead.
type OutcomeCheck struct {
	Outcome    termgoal.Outcome `json:"outcome"`
	Nomination *bool            `json:"nomination,omitempty"`
	AsOf       string           `json:"as_of,omitempty"`
}

// checkTermOutcome answers whether the term rules allow a term-end outcome for the person:
// 200 with the warnings it was checked against, or 422 with the reason.
func (h *Handler) checkTermOutcome(c *gin.Context) {
	p, terms, err := h.readablePerson(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var req OutcomeCheck
	if !h.bind(c, &req) {
		return
	}
	asOf, ok := h.parseDay(c, "as_of", req.AsOf)
	if !ok {
		return
	}
	nomination := req.Nomination == nil || *req.Nomination
	out, err := h.ops.PersonTermRules(c.Request.Context(), edge.Lang(c), p, terms, asOf, nomination)
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := termgoal.CheckOutcome(req.Outcome, app.WarningsOf(out.Warnings)); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"ok": true, "outcome": req.Outcome, "warnings": out.Warnings})
}

// getTermRulesReport answers GET /reports/term-rules?org_id=&as_of=: every person holding a
// term in the subtree on the day, with their warnings, paged by name.
func (h *Handler) getTermRulesReport(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	orgID, ok := h.idQuery(c, "org_id")
	if !ok {
		return
	}
	asOf, ok := h.dateQuery(c, "as_of")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	path, err := h.ops.OrgPath(ctx, orgID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !app.IsAdmin(edge.Caller(c), path) {
		h.fail(c, app.ErrForbidden())
		return
	}
	items, total, err := h.ops.TermRulesReport(ctx, edge.Lang(c), path, asOf, limit, offset)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, items, total)
}

// getTermRulesPolicy answers the policy the term rules apply.
func (h *Handler) getTermRulesPolicy(c *gin.Context) {
	p, err := h.store.TermRulesPolicy(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// putTermRulesPolicy replaces the policy (every field; the store validates the ranges).
func (h *Handler) putTermRulesPolicy(c *gin.Context) {
	acc := edge.Caller(c)
	if !app.IsRootAdmin(acc) {
		h.fail(c, app.ErrForbidden())
		return
	}
	var p termgoal.Policy
	if !h.bind(c, &p) {
		return
	}
	if err := h.store.PutTermRulesPolicy(c.Request.Context(), p, acc.ID); err != nil {
		h.fail(c, err)
		return
	}
	if h.audit(c, termgoal.Audit{Action: "term_rules_policy_set", Detail: map[string]any{"policy": p}}) {
		c.JSON(http.StatusOK, p)
	}
}
