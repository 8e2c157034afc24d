package app

// Exports (A6): the lists an organization department sends upward or files, as .xlsx sheets
// written row by row (xlsx.Stream). Each export authorizes as the page it is taken from does,
// keeps to the caller's org scope and the page's filter, and heads its columns in the caller's
// language. The workbook is finished before the first byte is sent, so a failure mid-way is an
// error response, never half a file.

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"termgoal"
	"termgoal/catalog"
	"termgoal/postgres"
	"termgoal/xlsx"
)

// Export is a finished export: the file name to offer and the workbook to write (WriteTo),
// closed by the caller.
type Export struct {
	Name string
	*xlsx.Stream
}

// heads translates the catalog keys export.<key> of a header row into lang.
func heads(lang string, keys ...string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = catalog.TL(lang, "export."+k, nil)
	}
	return out
}

// newExport fills an export named name+".xlsx" with one sheet, titled by the catalog key
// export.<sheet> in lang, its header row and the rows rows writes; a failure closes it.
func newExport(lang, name, sheet string, header []string, rows func(e *Export) error) (*Export, error) {
	st, err := xlsx.New(catalog.TL(lang, "export."+sheet, nil), header, ChinaTime)
	if err != nil {
		return nil, err
	}
	e := &Export{Name: name + ".xlsx", Stream: st}
	if err := rows(e); err != nil {
		_ = e.Close() // the rows' error is the one to report
		return nil, err
	}
	return e, nil
}

// ExportAudit exports the audit lines f selects that acc may read (AuditLog's scope), newest
// first, every line rather than a page.
func (s *Service) ExportAudit(ctx context.Context, acc *termgoal.Account, lang string, f postgres.AuditFilter) (*Export, error) {
	f, err := s.auditScope(ctx, acc, f)
	if err != nil {
		return nil, err
	}
	f.NewestFirst, f.Limit, f.Offset = true, 0, 0
	header := heads(lang, "at", "actor", "action", "process", "term", "ip", "detail")
	return newExport(lang, "audit-log", "audit_sheet", header, func(e *Export) error {
		return s.Store.EachAudit(ctx, f, func(a termgoal.Audit) error {
			actor := a.ActorName
			if actor == "system" {
				actor = catalog.TL(lang, "web.system", nil)
			}
			return e.Row(a.At, actor, catalog.TV(lang, "audit_actions.", a.Action), a.ProcessID, optInt(a.TermID),
				a.IP, AuditNote(lang, a.Detail))
		})
	})
}

// ExportAppraisals exports the appraisals f selects in acc's scope, or in org orgID's subtree
// (ListScope), newest first: the result of each, as far as it has come.
func (s *Service) ExportAppraisals(ctx context.Context, acc *termgoal.Account, lang string, orgID int64, f postgres.AppraisalFilter) (*Export, error) {
	roots, err := s.ListScope(ctx, acc, orgID)
	if err != nil {
		return nil, err
	}
	header := heads(lang, "holder", "org", "kind", "year", "status", "self_score", "rater_score", "score",
		"computed_grade", "grade", "pay_share", "override_reason", "appeal", "archived_at", "process")
	return newExport(lang, "appraisals", "appraisals_sheet", header, func(e *Export) error {
		for _, root := range roots {
			names, err := s.orgNames(ctx, root)
			if err != nil {
				return err
			}
			f.OrgPath = root
			err = s.Store.EachAppraisal(ctx, f, func(a termgoal.AppraisalRecord) error {
				row := []any{a.Holder, names[a.OrgID], catalog.TV(lang, "process_kinds.", a.Kind), a.Year,
					catalog.TV(lang, "appraisal_status.", a.Status)}
				if a.Self != nil && a.Self.Score != nil {
					row = append(row, *a.Self.Score)
				} else {
					row = append(row, nil)
				}
				if r := a.Result; r != nil {
					row = append(row, r.RaterScore, r.Score, catalog.TV(lang, "grades.", r.Computed), catalog.TV(lang, "grades.", r.Grade),
						r.PayShare, r.Reason)
				} else {
					row = append(row, nil, nil, nil, nil, nil, nil)
				}
				row = append(row, appealCell(lang, a.Appeal))
				if a.ArchivedAt != nil {
					row = append(row, *a.ArchivedAt)
				} else {
					row = append(row, nil)
				}
				return e.Row(append(row, a.ProcessID)...)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// appealCell says how an appeal ended: upheld with the grade it changed, dismissed, pending.
func appealCell(lang string, a *termgoal.Appeal) string {
	switch {
	case a == nil:
		return ""
	case a.AnsweredAt.IsZero():
		return catalog.TL(lang, "export.appeal_pending", nil)
	case a.Upheld:
		return catalog.TL(lang, "export.appeal_upheld", map[string]any{"from": catalog.TV(lang, "grades.", a.OldGrade), "to": catalog.TV(lang, "grades.", a.NewGrade)})
	default:
		return catalog.TL(lang, "export.appeal_dismissed", nil)
	}
}

// orgNames maps the orgs under root to their names.
func (s *Service) orgNames(ctx context.Context, root string) (map[int64]string, error) {
	orgs, err := s.Store.Orgs(ctx, root)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	return names, nil
}

// ExportPlan exports version of term termID's plan (0: the version in force today) to whoever
// may read the term: one row per item, a target column per year of the term, weights as numbers.
func (s *Service) ExportPlan(ctx context.Context, acc *termgoal.Account, lang string, termID int64, version int) (*Export, error) {
	t, _, err := s.TermAccess(ctx, acc, termID)
	if err != nil {
		return nil, err
	}
	v, err := s.PlanOf(ctx, t.ID, version)
	if err != nil {
		return nil, err
	}
	years := t.Years()
	return newExport(lang, fmt.Sprintf("plan-term-%d-v%d", t.ID, v.Version), "plan_sheet", itemHeads(lang, years), func(e *Export) error {
		for i, it := range v.Items {
			if err := e.Row(itemCells(lang, i+1, it, years)...); err != nil {
				return err
			}
		}
		return nil
	})
}

// itemHeads and itemCells are the columns of a plan item: the fixed ones, a target per year
// of years, the weight, the owner and the evidence.
func itemHeads(lang string, years []int) []string {
	header := heads(lang, "seq", "category", "title", "description", "quantitative", "unit")
	for _, y := range years {
		header = append(header, catalog.TL(lang, "export.target_year", map[string]any{"year": y}))
	}
	return append(header, heads(lang, "weight", "owner", "evidence")...)
}

func itemCells(lang string, no int, it termgoal.PlanItem, years []int) []any {
	row := []any{no, it.Category, it.Title, it.Description, yesNo(lang, it.Quantitative), it.Unit}
	for _, y := range years {
		row = append(row, numberOrText(it.Targets[strconv.Itoa(y)]))
	}
	return append(row, it.Weight, it.Owner, it.Evidence)
}

// ExportPlans exports every item of the plans in force in acc's scope, or in org orgID's
// subtree (ListScope): a row per item with its org, holder, term and version, a target
// column for each year any of those terms touches.
func (s *Service) ExportPlans(ctx context.Context, acc *termgoal.Account, lang string, orgID int64) (*Export, error) {
	roots, err := s.ListScope(ctx, acc, orgID)
	if err != nil {
		return nil, err
	}
	var years []int
	first, last := 0, 0
	for _, root := range roots {
		f, l, err := s.Store.PlanYears(ctx, root)
		if err != nil {
			return nil, err
		}
		if f > 0 && (first == 0 || f < first) {
			first = f
		}
		last = max(last, l)
	}
	for y := first; first > 0 && y <= last; y++ {
		years = append(years, y)
	}
	header := append(heads(lang, "org", "holder", "term_start", "term_end", "version"), itemHeads(lang, years)...)
	return newExport(lang, "plans", "plans_sheet", header, func(e *Export) error {
		for _, root := range roots {
			err := s.Store.EachPlanInForce(ctx, root, func(r postgres.PlanRow) error {
				t := r.Term
				return e.Row(append([]any{t.OrgName, t.HolderName, xlsx.Date(t.Start), xlsx.Date(t.End), r.Version},
					itemCells(lang, r.No, r.Item, years)...)...)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// PlanOf answers version of term termID's plan, or with version 0 the version in force today.
func (s *Service) PlanOf(ctx context.Context, termID int64, version int) (*termgoal.PlanVersion, error) {
	if version > 0 {
		return s.Store.PlanVersion(ctx, termID, version)
	}
	return s.Store.PlanInForce(ctx, termID, EndOfDay(s.Today()))
}

// numberOrText is a target that is a bare number as a number, any other as the text it is.
func numberOrText(v string) any {
	if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
		return f
	}
	return v
}

func yesNo(lang string, b bool) string {
	if b {
		return catalog.TL(lang, "export.yes", nil)
	}
	return catalog.TL(lang, "export.no", nil)
}

// ExportCampaign exports campaign id's progress per unit (its own org, then each sub-org with
// its subtree), as its page and the dashboard count it, to an administrator of its org.
func (s *Service) ExportCampaign(ctx context.Context, acc *termgoal.Account, lang string, id int64) (*Export, error) {
	camp, _, err := s.AdminCampaign(ctx, acc, id)
	if err != nil {
		return nil, err
	}
	units, err := s.Store.UnitsOfCampaign(ctx, camp, s.Today())
	if err != nil {
		return nil, err
	}
	header := heads(lang, "org_unit", "terms", "started", "running", "completed", "overdue", "not_started")
	return newExport(lang, fmt.Sprintf("campaign-%d", camp.ID), "campaign_sheet", header, func(e *Export) error {
		for _, u := range units {
			if err := e.Row(u.OrgName, u.Terms, u.Started, u.Running, u.Completed, u.Overdue, u.Terms-u.Started); err != nil {
				return err
			}
		}
		return nil
	})
}

// ExportTermRules exports the term-rule report of org orgID's subtree on asOf to an
// administrator of it: one row per warning of each person in post there, the people without
// one left out.
func (s *Service) ExportTermRules(ctx context.Context, acc *termgoal.Account, lang string, orgID int64, asOf time.Time) (*Export, error) {
	orgPath, err := s.OrgPath(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if !IsAdmin(acc, orgPath) {
		return nil, ErrForbidden()
	}
	header := heads(lang, "person", "org", "post", "severity", "rule", "warning")
	return newExport(lang, "term-rules-"+asOf.Format(time.DateOnly), "term_rules_sheet", header, func(e *Export) error {
		const size = 500
		for offset := 0; ; offset += size {
			items, total, err := s.TermRulesReport(ctx, lang, orgPath, asOf, size, offset)
			if err != nil {
				return err
			}
			for _, it := range items {
				for _, w := range it.Warnings {
					err := e.Row(it.Person.Name, it.OrgName, it.PostTitle, catalog.TV(lang, "term_severity.", w.Severity),
						catalog.TV(lang, "term_rule_codes.", w.Code), w.Message)
					if err != nil {
						return err
					}
				}
			}
			if offset+size >= total {
				return nil
			}
		}
	})
}

// optInt is n, or an empty cell for 0.
func optInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// QueryNumber reads a whole number >= 0 from q's name, 0 when absent.
func QueryNumber(q url.Values, name string) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, termgoal.Errorf(termgoal.EMALFORMED, "paging.not_number", name+" must be a number", "name", name)
	}
	return n, nil
}

// ExportOf makes the export named kind ("audit", "appraisals", "plans", "term-rules", "plan",
// "campaign") for acc in lang from a request's query q and,
// for a plan or a campaign, the term's or campaign's id; the pages and the API both call it.
func (s *Service) ExportOf(ctx context.Context, acc *termgoal.Account, lang, kind, id string, q url.Values) (*Export, error) {
	switch kind {
	case "audit":
		f, err := AuditQueryOf(q).Filter()
		if err != nil {
			return nil, err
		}
		return s.ExportAudit(ctx, acc, lang, f)
	case "appraisals":
		f, orgID, err := AppraisalQuery(q)
		if err != nil {
			return nil, err
		}
		return s.ExportAppraisals(ctx, acc, lang, orgID, f)
	case "plans":
		orgID, err := QueryNumber(q, "org_id")
		if err != nil {
			return nil, err
		}
		return s.ExportPlans(ctx, acc, lang, orgID)
	case "term-rules":
		orgID, err := QueryNumber(q, "org_id")
		if err != nil {
			return nil, err
		}
		asOf := s.Today()
		if v := q.Get("as_of"); v != "" {
			if asOf, err = time.Parse(time.DateOnly, v); err != nil {
				return nil, termgoal.Errorf(termgoal.EMALFORMED, "error.bad_date", "as_of must be a date (YYYY-MM-DD)", "name", "as_of")
			}
		}
		return s.ExportTermRules(ctx, acc, lang, orgID, asOf)
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return nil, termgoal.Errorf(termgoal.ENOTFOUND, "error.not_found", "no such "+kind)
	}
	if kind == "campaign" {
		return s.ExportCampaign(ctx, acc, lang, n)
	}
	version, err := QueryNumber(q, "version")
	if err != nil {
		return nil, err
	}
	return s.ExportPlan(ctx, acc, lang, n, int(version))
}
