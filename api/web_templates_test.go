package api

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"termgoal"
)

// The template pages: the list, the form for a root administrator only, a refused form (the
// rater groups' weights not summing to 100) shown again and saving nothing, a saved form
// making version 2, and the versions compared.
func TestWebTemplates(t *testing.T) {
	f := newFixture(t)
	path := fmt.Sprintf("/templates/%d", f.tmpl.ID)
	body, _ := f.page("GET", "/templates", f.a1Tok, 200)
	if !strings.Contains(body, `href="`+path+`"`) || strings.Contains(body, `id="template-new"`) {
		t.Errorf("the list for a holder:\n%s", body)
	}
	body, _ = f.page("GET", path, f.a1Tok, 200)
	if strings.Contains(body, `id="template-form"`) || !strings.Contains(body, "第1版") {
		t.Errorf("a holder's template page:\n%s", body)
	}
	body, _ = f.page("GET", path, f.rootTok, 200)
	for _, want := range []string{`id="template-form"`, `name="step_days.draft"`, `name="group_weight.0"`, `value="superior"`, `/static/weights.js`} {
		if !strings.Contains(body, want) {
			t.Errorf("the root administrator's template page lacks %q:\n%s", want, body)
		}
	}

	form := url.Values{"name": {"村级任期目标"}, "org_type": {"village_community"}, "deadline_months": {"2"}, "notice_days": {"7"},
		"consultation": {"on"}, "step_days.draft": {"15"}, "categories": {"经济发展\n党的建设\n"}, "scale": {"cadre"},
		"group_key": {"superior", "self", ""}, "group_weight.0": {"70"}, "group_role.0": {"superior"}, "group_weight.1": {"20"},
		"top_quota": {"20"}, "adjust_limit": {"100"}, "veto_items": {"安全生产事故\n"}, "appraisal_notice_days": {"5"}, "appeal_days": {"5"},
		"start_month": {"1"}, "term_end_months": {"2"}}
	body, _ = f.formPost(path, f.rootTok, form, 422)
	if !strings.Contains(body, `value="村级任期目标"`) || !strings.Contains(body, `id="error"`) || !strings.Contains(body, `name="group_weight.1" aria-label="权重 2" value="20"`) ||
		!strings.Contains(body, "安全生产事故") {
		t.Errorf("weights summing to 90:\n%s", body)
	}
	_, _ = f.formPost(path, f.aTok, form, 403)
	if got, err := f.store.Template(t.Context(), f.tmpl.ID); err != nil || got.Version != 1 {
		t.Fatalf("a refused form saved: %+v, %v", got, err)
	}

	form.Set("group_weight.1", "30")
	_, loc := f.formPost(path, f.rootTok, form, 303)
	if loc != path {
		t.Errorf("saved: Location %q", loc)
	}
	got, err := f.store.Template(t.Context(), f.tmpl.ID)
	a := got.AppraisalConfig()
	if err != nil || got.Version != 2 || got.NoticeDays != 7 || !got.Consultation || got.StepDays["draft"] != 15 || len(got.Categories) != 2 ||
		a.Scale.ID != "cadre" || len(a.Groups) != 2 || a.Groups[1].Weight != 30 || a.TopQuota != 0.2 || a.VetoItems[0] != "安全生产事故" {
		t.Fatalf("saved %+v (%+v), %v", got, a, err)
	}
	body, _ = f.page("GET", path, f.a1Tok, 200)
	for _, want := range []string{`data-version="2"`, `data-version="1"`, `data-path="notice_days"`, `data-path="appraisal.groups.1.weight"`, "第1版至第2版的变更"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page of version 2 lacks %q:\n%s", want, body)
		}
	}
	body, _ = f.page("GET", path+"?from=2&to=2", f.a1Tok, 200)
	if !strings.Contains(body, `id="no-changes"`) {
		t.Errorf("a version against itself:\n%s", body)
	}

	// A new template from the page.
	form.Set("name", "街道任期目标")
	_, loc = f.formPost("/templates/new", f.rootTok, form, 303)
	body, _ = f.page("GET", loc, f.rootTok, 200)
	if !strings.Contains(body, "街道任期目标") || !strings.Contains(body, `data-version="1"`) {
		t.Errorf("the new template at %s:\n%s", loc, body)
	}
}

// A template's end-of-term appraisal starts, unless the administrator sets a number, 3 months
// before the term ends for a university and 2 for a party organization: over the API and from
// the page's form, where the new form leaves the number empty.
func TestTemplateTermEndDefaultsByOrgType(t *testing.T) {
	f := newFixture(t)
	create := func(orgType termgoal.OrgType, months int) int {
		t.Helper()
		a := termgoal.DefaultAppraisal()
		a.TermEndMonths = months
		var got termgoal.Template
		f.do("POST", "/api/v1/templates", f.rootTok, termgoal.Template{Name: "t-" + string(orgType), OrgType: orgType, NoticeDays: 5,
			DeadlineMonths: 2, Appraisal: &a}, 201, &got)
		return got.AppraisalConfig().TermEndMonths
	}
	for _, c := range []struct {
		orgType   termgoal.OrgType
		set, want int
	}{{termgoal.OrgUniversity, 0, 3}, {termgoal.OrgVillage, 0, 2}, {termgoal.OrgAgency, 0, 2}, {termgoal.OrgUniversity, 4, 4}} {
		if got := create(c.orgType, c.set); got != c.want {
			t.Errorf("%s with %d: %d months", c.orgType, c.set, got)
		}
	}
	body, _ := f.page("GET", "/templates/new", f.rootTok, 200)
	if !strings.Contains(body, `name="term_end_months" value="" placeholder="不填：高校 3 个月，党组织 2 个月"`) {
		t.Errorf("the new template's form:\n%s", body)
	}
	form := url.Values{"name": {"高校中层干部任期目标"}, "org_type": {"university"}, "deadline_months": {"2"}, "notice_days": {"5"},
		"categories": {"教学\n科研\n"}, "scale": {"cadre"}, "group_key": {"superior"}, "group_weight.0": {"100"}, "group_role.0": {"superior"},
		"adjust_limit": {"100"}, "appraisal_notice_days": {"5"}, "appeal_days": {"5"}, "start_month": {"1"}, "term_end_months": {""},
		"improve_months": {"6"}, "rectify_days": {"20"}}
	_, loc := f.formPost("/templates/new", f.rootTok, form, 303)
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/templates/"), 10, 64)
	if err != nil {
		t.Fatalf("saved at %q", loc)
	}
	got, err := f.store.Template(t.Context(), id)
	if err != nil || got.AppraisalConfig().TermEndMonths != 3 {
		t.Errorf("a university template from the form: %+v, %v", got, err)
	}
}
