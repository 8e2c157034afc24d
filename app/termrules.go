package app

// Term rules (DOMAIN.md "Term rules"): a person's history and warnings on a day, and the
// report of an org subtree, each warning with its message in the reader's language.

import (
	"context"
	"slices"
	"time"

	"termgoal"
	"termgoal/catalog"
	"termgoal/postgres"
)

// TermWarning is a warning of the term rules with its message in the reader's language.
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

// TermWarningCodes lists the warning codes of termgoal.CheckTermRules, for the catalog test.
var TermWarningCodes = []string{termgoal.WarnConsecutiveTerms, termgoal.WarnRankYears, termgoal.WarnRotationPlan,
	termgoal.WarnRotationMandatory, termgoal.WarnAgeLimit, termgoal.WarnNominationAge}

// TermOutcomes lists the term-end outcomes in the order a form offers them.
var TermOutcomes = []termgoal.Outcome{termgoal.OutcomePromote, termgoal.OutcomeReappoint, termgoal.OutcomeRotate,
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

// TermWarnings translates warnings into lang; never nil.
func TermWarnings(lang string, ws []termgoal.Warning) []TermWarning {
	out := make([]TermWarning, 0, len(ws))
	for _, w := range ws {
		out = append(out, TermWarning{Warning: w, Message: catalog.TL(lang, termWarningKey(w), w.Params)})
	}
	return out
}

// WarningsOf strips the messages off translated warnings.
func WarningsOf(ws []TermWarning) []termgoal.Warning {
	out := make([]termgoal.Warning, len(ws))
	for i, w := range ws {
		out[i] = w.Warning
	}
	return out
}

// ReadablePerson loads person id and their terms, and checks that acc may read their term
// rules: a grant covering the org of one of their terms (an admin grant is a grant too), an
// administrator of a root org, or being that person.
func (s *Service) ReadablePerson(ctx context.Context, acc *termgoal.Account, id int64) (*termgoal.Person, []postgres.HeldTerm, error) {
	p, err := s.Store.Person(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	terms, err := s.Store.PersonTerms(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	allowed := IsRootAdmin(acc) || acc.PersonID != nil && *acc.PersonID == id ||
		slices.ContainsFunc(terms, func(t postgres.HeldTerm) bool { return CanSee(acc, t.OrgPath) })
	if !allowed {
		return nil, nil, ErrForbidden()
	}
	return p, terms, nil
}

// PersonTermRules computes the person's term rules on asOf, the messages in lang.
func (s *Service) PersonTermRules(ctx context.Context, lang string, p *termgoal.Person, terms []postgres.HeldTerm, asOf time.Time, nomination bool) (PersonTermRules, error) {
	policy, err := s.Store.TermRulesPolicy(ctx)
	if err != nil {
		return PersonTermRules{}, err
	}
	hist := postgres.HistoryOf(*p, terms, asOf)
	if terms == nil {
		terms = []postgres.HeldTerm{}
	}
	return PersonTermRules{Person: *p, AsOf: asOf.Format(time.DateOnly), Nomination: nomination, Terms: terms, History: hist,
		Warnings: TermWarnings(lang, termgoal.CheckTermRules(policy, hist, asOf, nomination))}, nil
}

// TermRulesReport computes one page of the report for the subtree under orgPath.
func (s *Service) TermRulesReport(ctx context.Context, lang, orgPath string, asOf time.Time, limit, offset int) ([]TermRulesReportItem, int, error) {
	policy, err := s.Store.TermRulesPolicy(ctx)
	if err != nil {
		return nil, 0, err
	}
	holders, total, err := s.Store.PeopleUnder(ctx, orgPath, asOf, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, len(holders))
	for i, p := range holders {
		ids[i] = p.Person.ID
	}
	terms, err := s.Store.PeopleTerms(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	items := make([]TermRulesReportItem, 0, len(holders))
	for _, p := range holders {
		hist := postgres.HistoryOf(p.Person, terms[p.Person.ID], asOf)
		ws := termgoal.CheckTermRules(policy, hist, asOf, false)
		it := TermRulesReportItem{TermHolder: p, Kind: hist.Kind, Warnings: TermWarnings(lang, ws)}
		for _, w := range ws {
			if w.Severity == termgoal.SeverityViolation {
				it.Violations++
			}
		}
		items = append(items, it)
	}
	return items, total, nil
}
