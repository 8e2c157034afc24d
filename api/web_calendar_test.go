package api

import (
	"net/url"
	"strings"
	"testing"

	"termgoal/postgres"
)

// The calendar page: a year as shipped with its days, an unknown year said to be unknown, the
// form only for an administrator of a root org, a bad line refused with its number and the
// text kept, nothing saved by a refusal, and a year entered with its source.
func TestWebCalendar(t *testing.T) {
	f := newFixture(t)
	body, _ := f.page("GET", "/calendar?year=2026", f.a1Tok, 200)
	for _, want := range []string{`id="year-2026"`, `data-date="2026-10-01"`, "国庆节", "随系统提供", `id="year-2028"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the 2026 page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, `id="calendar-form"`) {
		t.Error("a holder sees the calendar's form")
	}
	body, _ = f.page("GET", "/calendar?year=2029", f.aTok, 200)
	if !strings.Contains(body, "日历中没有2029年的数据") || strings.Contains(body, `id="calendar-form"`) {
		t.Errorf("2029 for an administrator of a county:\n%s", body)
	}
	body, _ = f.page("GET", "/calendar?year=2029", f.rootTok, 200)
	if !strings.Contains(body, `id="calendar-form"`) || !strings.Contains(body, "录入2029年") {
		t.Errorf("2029 for the root administrator lacks the form:\n%s", body)
	}

	bad := url.Values{"year": {"2029"}, "source": {"国办发明电〔2028〕9号"}, "days": {"2029-01-01 off 元旦\n2029-02-30 off 春节"}}
	body, _ = f.formPost("/calendar", f.rootTok, bad, 422)
	if !strings.Contains(body, "第2行") || !strings.Contains(body, "2029-02-30 off 春节</textarea>") {
		t.Errorf("a bad line:\n%s", body)
	}
	good := url.Values{"year": {"2029"}, "source": {"国办发明电〔2028〕9号"}, "days": {"2029-01-01 off 元旦\n\n2029-02-10 班 春节调休\n"}}
	_, _ = f.formPost("/calendar", f.aTok, good, 403)
	if years, err := f.store.CalendarYears(t.Context()); err != nil || len(years) != 0 {
		t.Fatalf("a refused form saved %v, %v", years, err)
	}

	_, loc := f.formPost("/calendar", f.rootTok, good, 303)
	if loc != "/calendar?year=2029" {
		t.Errorf("saved: Location %q", loc)
	}
	body, _ = f.page("GET", loc, f.a1Tok, 200)
	for _, want := range []string{"依据：国办发明电〔2028〕9号", `data-date="2029-02-10"`, "调休上班", "星期六"} {
		if !strings.Contains(body, want) {
			t.Errorf("the entered 2029 lacks %q:\n%s", want, body)
		}
	}
	audit, _, err := f.store.Audit(t.Context(), postgres.AuditFilter{Action: "calendar_year_set"})
	if err != nil || len(audit) != 1 || audit[0].Detail["source"] != "国办发明电〔2028〕9号" || audit[0].Detail["working_days"] != float64(1) {
		t.Errorf("audited %+v, %v", audit, err)
	}
}
