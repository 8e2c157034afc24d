package api

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
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
