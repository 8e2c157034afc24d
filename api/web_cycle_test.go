package api

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"termgoal"
	"termgoal/workflows"
)

// A company template's cycle and sales rules from the template page, and a month's appraisal
// started from the term page (issue 24): a cycle nobody knows is refused on the form; the term
// of a monthly template offers the monthly appraisal with a period field, a plain term does
// not; a malformed period comes back on the page with what was typed, a good one starts the
// month's appraisal over that month.
func TestCompanyCycleFromPages(t *testing.T) {
	f := newFixture(t)
	fake := &fakeTemporal{}
	f.h.setTemporal(fake)
	form := url.Values{"name": {"销售人员"}, "org_type": {"enterprise"}, "deadline_months": {"2"}, "notice_days": {"5"},
		"categories": {"销售\n"}, "scale": {"company"}, "group_key": {"superior"}, "group_weight.0": {"100"}, "group_role.0": {"superior"},
		"adjust_limit": {"100"}, "appraisal_notice_days": {"5"}, "appeal_days": {"5"}, "start_month": {"1"}, "term_end_months": {""},
		"improve_months": {"6"}, "rectify_days": {"20"}, "cycle": {"weekly"}, "sales": {"on"}}
	body, _ := f.formPost("/templates/new", f.rootTok, form, 422)
	if !strings.Contains(body, "考核周期须为月度、季度或不设") || !strings.Contains(body, `value="销售人员"`) {
		t.Errorf("a weekly cycle:\n%s", body)
	}
	form.Set("cycle", termgoal.CycleMonthly)
	_, loc := f.formPost("/templates/new", f.rootTok, form, 303)
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/templates/"), 10, 64)
	if err != nil {
		t.Fatalf("saved at %q", loc)
	}
	tpl, err := f.store.Template(t.Context(), id)
	if a := tpl.AppraisalConfig(); err != nil || a.Cycle != termgoal.CycleMonthly || !a.Sales || a.Scale.ID != "company" {
		t.Fatalf("saved %+v, %v", tpl, err)
	}
	body, _ = f.page("GET", loc, f.rootTok, 200)
	if !strings.Contains(body, `<option value="monthly" selected>`) || !strings.Contains(body, `id="template-sales" checked`) {
		t.Errorf("the saved template's form:\n%s", body)
	}

	plain := f.appraisalTerm(f.a1, f.tmpl, 0)
	if body, _ := f.page("GET", fmt.Sprintf("/terms/%d", plain.ID), f.aTok, 200); strings.Contains(body, `id="appraisal-period"`) || strings.Contains(body, "monthly_appraisal") {
		t.Error("a term without a cycle offers a monthly appraisal")
	}
	term := f.appraisalTerm(f.a1, *tpl, 0) // 2025 to 2027
	f.planInForce(term)
	path := fmt.Sprintf("/terms/%d", term.ID)
	body, _ = f.page("GET", path, f.aTok, 200)
	if !strings.Contains(body, `id="appraisal-period"`) || !strings.Contains(body, `<option value="monthly_appraisal">月度考核</option>`) {
		t.Errorf("the term page of a monthly template:\n%s", body)
	}
	start := url.Values{"kind": {termgoal.AppraisalMonthly}, "year": {"2025"}, "period": {"2025-13"}}
	body, _ = f.formPost(path+"/appraisals", f.aTok, start, 422)
	if !strings.Contains(body, `id="error"`) || !strings.Contains(body, "月度考核填月份") || !strings.Contains(body, `value="2025-13"`) || fake.started.ID != "" {
		t.Errorf("a bad month (started %q):\n%s", fake.started.ID, body)
	}
	start.Set("period", "2025-03")
	f.formPost(path+"/appraisals", f.aTok, start, 303)
	in, _ := fake.startArg.(workflows.AppraisalInput)
	if fake.started.ID != workflows.AppraisalPeriodID(term.ID, "2025-03") || in.Kind != termgoal.AppraisalMonthly ||
		in.From.Format("2006-01-02") != "2025-03-01" || in.To.Format("2006-01-02") != "2025-03-31" || in.Year != 2025 {
		t.Errorf("started %+v with %+v", fake.started, in)
	}
}
