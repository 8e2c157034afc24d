package api

// Term rules (DOMAIN.md "Term rules"): a person's history and warnings, the check of a
// term-end outcome, the admin report for an org subtree, and the policy table the rules read.
//
// Reading a person's term rules needs a grant covering the org of one of their terms (an admin
// grant is a grant too), an administrator of a root org, or being that person. The report needs
// an administrator of the org. Anyone signed in reads the policy; only an administrator of a
// root org changes it, as it serves every org.

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/catalog"
	"termgoal/edge"
	"termgoal/postgres"
)

// TermWarning is a warning of the term rules with its message in the caller's language.
type TermWarning struct {
	termgoal.Warning
	Message string `json:"message"`
}

// PersonTermRules is a person's history and the warnings on a day.
type PersonTermRules struct {
	Person     termgoal.Person        `json:"person"`
	AsOf       string                 `json:"as_of"`
	Nomination bool                   `json:"nomination"`
	Terms      []postgres.HeldTerm    `json:"terms"`
	History    termgoal.PersonHistory `json:"history"`
	Warnings   []TermWarning          `json:"warnings"`
}

// TermRulesReportItem is one person of the report: the term they hold in the subtree and their
// warnings.
type TermRulesReportItem struct {
	postgres.TermHolder
	Kind       termgoal.PostKind `json:"kind,omitempty"`
	Warnings   []TermWarning     `json:"warnings"`
	Violations int               `json:"violations"`
}

// termWarningCodes lists the warning codes of termgoal.CheckTermRules, for the catalog test.
var termWarningCodes = []string{termgoal.WarnConsecutiveTerms, termgoal.WarnRankYears, termgoal.WarnRotationPlan,
	termgoal.WarnRotationMandatory, termgoal.WarnAgeLimit, termgoal.WarnNominationAge}

// termOutcomes lists the term-end outcomes in the order a form offers them.
var termOutcomes = []termgoal.Outcome{termgoal.OutcomePromote, termgoal.OutcomeReappoint, termgoal.OutcomeRotate,
	termgoal.OutcomeNonLeading, termgoal.OutcomeRetireEarly, termgoal.OutcomeRemove}

// termWarningKey is the catalog key of a warning's message; a mandatory rotation says why.
func termWarningKey(w termgoal.Warning) string {
	key := "term_warnings." + w.Code
	if w.Code == termgoal.WarnRotationMandatory {
		if r, ok := w.Params["reason"].(string); ok && r != "" {
			key += "_" + r
		}
	}
	return key
}

// termWarnings translates warnings into lang; never nil.
func termWarnings(lang string, ws []termgoal.Warning) []TermWarning {
	out := make([]TermWarning, 0, len(ws))
	for _, w := range ws {
		out = append(out, TermWarning{Warning: w, Message: catalog.TL(lang, termWarningKey(w), w.Params)})
	}
	return out
}

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
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, edge.ErrNotFound()
	}
	ctx, acc := c.Request.Context(), edge.Caller(c)
	p, err := h.store.Person(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	terms, err := h.store.PersonTerms(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	allowed := app.IsRootAdmin(acc) || acc.PersonID != nil && *acc.PersonID == id ||
		slices.ContainsFunc(terms, func(t postgres.HeldTerm) bool { return app.CanSee(acc, t.OrgPath) })
	if !allowed {
		return nil, nil, app.ErrForbidden()
	}
	return p, terms, nil
}

// personTermRules computes the person's term rules on asOf.
func (h *Handler) personTermRules(ctx context.Context, lang string, p *termgoal.Person, terms []postgres.HeldTerm, asOf time.Time, nomination bool) (PersonTermRules, error) {
	policy, err := h.store.TermRulesPolicy(ctx)
	if err != nil {
		return PersonTermRules{}, err
	}
	hist := postgres.HistoryOf(*p, terms, asOf)
	if terms == nil {
		terms = []postgres.HeldTerm{}
	}
	return PersonTermRules{Person: *p, AsOf: asOf.Format(time.DateOnly), Nomination: nomination, Terms: terms, History: hist,
		Warnings: termWarnings(lang, termgoal.CheckTermRules(policy, hist, asOf, nomination))}, nil
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
	out, err := h.personTermRules(c.Request.Context(), edge.Lang(c), p, terms, asOf, c.Query("nomination") == "true")
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
	out, err := h.personTermRules(c.Request.Context(), edge.Lang(c), p, terms, asOf, nomination)
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := termgoal.CheckOutcome(req.Outcome, warningsOf(out.Warnings)); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"ok": true, "outcome": req.Outcome, "warnings": out.Warnings})
}

func warningsOf(ws []TermWarning) []termgoal.Warning {
	out := make([]termgoal.Warning, len(ws))
	for i, w := range ws {
		out[i] = w.Warning
	}
	return out
}

// termRulesReport computes one page of the report for the subtree under orgPath.
func (h *Handler) termRulesReport(ctx context.Context, lang, orgPath string, asOf time.Time, limit, offset int) ([]TermRulesReportItem, int, error) {
	policy, err := h.store.TermRulesPolicy(ctx)
	if err != nil {
		return nil, 0, err
	}
	holders, total, err := h.store.PeopleUnder(ctx, orgPath, asOf, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, len(holders))
	for i, p := range holders {
		ids[i] = p.Person.ID
	}
	terms, err := h.store.PeopleTerms(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	items := make([]TermRulesReportItem, 0, len(holders))
	for _, p := range holders {
		hist := postgres.HistoryOf(p.Person, terms[p.Person.ID], asOf)
		ws := termgoal.CheckTermRules(policy, hist, asOf, false)
		it := TermRulesReportItem{TermHolder: p, Kind: hist.Kind, Warnings: termWarnings(lang, ws)}
		for _, w := range ws {
			if w.Severity == termgoal.SeverityViolation {
				it.Violations++
			}
		}
		items = append(items, it)
	}
	return items, total, nil
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
	items, total, err := h.termRulesReport(ctx, edge.Lang(c), path, asOf, limit, offset)
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
