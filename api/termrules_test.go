package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/app"
	"termgoal/catalog"
)

// termRulesWorld adds to the fixture, as of 2025-06-01:
//
//	old (a1, principal, male, born 1960): two terms, aged 65, past the principal's 57;
//	mid (a1, deputy, male, born 1980): two terms, aged 45, at the consecutive-term limit;
//	young (b, deputy, female, born 1990): one term, no warnings.
type termRulesWorld struct {
	old, mid, young termgoal.Person
}

const termRulesDay = "2025-06-01"

func newTermRulesWorld(f *fixture) termRulesWorld {
	f.t.Helper()
	ctx := context.Background()
	person := func(name, gender, born string) termgoal.Person {
		b, _ := time.Parse(time.DateOnly, born)
		p := termgoal.Person{Name: name, Gender: gender, BirthDate: &b}
		if err := f.store.CreatePerson(ctx, &p); err != nil {
			f.t.Fatal(err)
		}
		return p
	}
	post := func(org int64, title, rank string, principal bool) termgoal.Post {
		p := termgoal.Post{OrgID: org, Title: title, Rank: rank, Principal: principal}
		if err := f.store.CreatePost(ctx, &p); err != nil {
			f.t.Fatal(err)
		}
		return p
	}
	term := func(p termgoal.Person, post termgoal.Post, from, to string) {
		s, _ := time.Parse(time.DateOnly, from)
		e, _ := time.Parse(time.DateOnly, to)
		t := termgoal.Term{OrgID: post.OrgID, HolderKind: termgoal.HolderPerson, PersonID: &p.ID, PostID: &post.ID,
			Appointment: termgoal.Elected, Start: s, End: e, TemplateID: f.tmpl.ID}
		if err := f.store.CreateTerm(ctx, &t); err != nil {
			f.t.Fatal(err)
		}
	}
	w := termRulesWorld{old: person("老王", "male", "1960-01-01"), mid: person("张三", "male", "1980-01-01"), young: person("小李", "female", "1990-01-01")}
	secretary, deputy := post(f.a1.ID, "书记", "正科", true), post(f.a1.ID, "副书记", "副科", false)
	term(w.old, secretary, "2016-03-01", "2021-02-28")
	term(w.old, secretary, "2021-03-01", "2026-02-28")
	term(w.mid, deputy, "2016-03-01", "2021-02-28")
	term(w.mid, deputy, "2021-03-01", "2026-02-28")
	term(w.young, post(f.b.ID, "副主任", "副科", false), "2023-01-01", "2027-12-31")
	return w
}

func findWarning(ws []app.TermWarning, code string) *app.TermWarning {
	for i := range ws {
		if ws[i].Code == code {
			return &ws[i]
		}
	}
	return nil
}

func TestPersonTermRules(t *testing.T) {
	f := newFixture(t)
	w := newTermRulesWorld(f)
	path := func(p termgoal.Person) string {
		return fmt.Sprintf("/api/v1/people/%d/term-rules?as_of=%s", p.ID, termRulesDay)
	}
	f.errCode("GET", path(w.old), "", nil, 401)
	f.errCode("GET", path(w.old), f.no, nil, 403)
	f.errCode("GET", path(w.young), f.aTok, nil, 403)  // b is outside adminA's scope
	f.errCode("GET", path(w.young), f.a1Tok, nil, 403) // and outside holderA1's
	f.errCode("GET", "/api/v1/people/999/term-rules", f.rootTok, nil, 404)
	f.errCode("GET", fmt.Sprintf("/api/v1/people/%d/term-rules?as_of=June", w.old.ID), f.rootTok, nil, 400)

	// Any grant covering one of the person's term orgs reads: past the age limit, a violation.
	var got app.PersonTermRules
	f.do("GET", path(w.old), f.a1Tok, nil, 200, &got)
	age := findWarning(got.Warnings, termgoal.WarnAgeLimit)
	if age == nil || age.Severity != termgoal.SeverityViolation || age.Message != "现年 65 周岁，该职务任职年龄上限为 57 周岁。" {
		t.Errorf("age warning = %+v in %+v", age, got.Warnings)
	}
	if got.History.Kind != termgoal.PostPrincipal || len(got.History.Services) != 2 || len(got.Terms) != 2 ||
		got.Terms[0].PostTitle != "书记" || got.AsOf != termRulesDay || got.Nomination {
		t.Errorf("answer = %+v", got)
	}
	// Two terms: at the limit, a warning; as a nomination, a violation, and in English.
	if c := findWarning(got.Warnings, termgoal.WarnConsecutiveTerms); c == nil || c.Severity != termgoal.SeverityWarning {
		t.Errorf("consecutive terms = %+v", c)
	}
	f.do("GET", path(w.old)+"&nomination=true&lang=en", f.rootTok, nil, 200, &got)
	if c := findWarning(got.Warnings, termgoal.WarnConsecutiveTerms); c == nil || c.Severity != termgoal.SeverityViolation ||
		c.Message != "2 consecutive terms in the same post; the limit is 2." {
		t.Errorf("nomination: consecutive terms = %+v", c)
	}
	if n := findWarning(got.Warnings, termgoal.WarnNominationAge); n == nil || n.Message != "Aged 65; a nominee for a further term may be at most 54 (age limit 57)." {
		t.Errorf("nomination age = %+v", n)
	}
	f.do("GET", path(w.young), f.rootTok, nil, 200, &got)
	if len(got.Warnings) != 0 || got.History.Kind != termgoal.PostDeputy {
		t.Errorf("young = %+v", got)
	}
}

func TestTermRulesReport(t *testing.T) {
	f := newFixture(t)
	w := newTermRulesWorld(f)
	report := func(org termgoal.Org) string {
		return fmt.Sprintf("/api/v1/reports/term-rules?org_id=%d&as_of=%s", org.ID, termRulesDay)
	}
	f.errCode("GET", report(f.a), "", nil, 401)
	f.errCode("GET", report(f.a), f.a1Tok, nil, 403) // a holder grant reads, but the report is an admin's
	f.errCode("GET", report(f.b), f.aTok, nil, 403)
	f.errCode("GET", "/api/v1/reports/term-rules", f.aTok, nil, 400)
	f.errCode("GET", "/api/v1/reports/term-rules?org_id=999", f.rootTok, nil, 404)

	var got List[app.TermRulesReportItem]
	f.do("GET", report(f.a), f.aTok, nil, 200, &got)
	if got.Total != 2 || len(got.Items) != 2 {
		t.Fatalf("report = %+v", got)
	}
	old := got.Items[0] // by name, in the database's collation
	if old.Person.ID != w.old.ID {
		old = got.Items[1]
	}
	if a := findWarning(old.Warnings, termgoal.WarnAgeLimit); a == nil || old.Violations == 0 || old.OrgName != "a1" || old.PostTitle != "书记" {
		t.Errorf("old = %+v", old)
	}
	f.do("GET", report(f.root)+"&limit=1&offset=2", f.rootTok, nil, 200, &got)
	if got.Total != 3 || len(got.Items) != 1 {
		t.Errorf("root report page 3 = %+v", got)
	}
	f.do("GET", report(f.root), f.rootTok, nil, 200, &got)
	for _, it := range got.Items {
		if it.Person.ID == w.young.ID && (len(it.Warnings) != 0 || it.Warnings == nil || it.Kind != termgoal.PostDeputy) {
			t.Errorf("young = %+v", it)
		}
	}
	// Nobody holds a term in a1 after their terms end.
	f.do("GET", fmt.Sprintf("/api/v1/reports/term-rules?org_id=%d&as_of=2026-06-01", f.a1.ID), f.aTok, nil, 200, &got)
	if got.Total != 0 || got.Items == nil {
		t.Errorf("after the terms = %+v", got)
	}
}

func TestTermOutcomeCheck(t *testing.T) {
	f := newFixture(t)
	w := newTermRulesWorld(f)
	path := func(p termgoal.Person) string { return fmt.Sprintf("/api/v1/people/%d/term-rules/outcome", p.ID) }
	check := func(outcome string) map[string]any {
		return map[string]any{"outcome": outcome, "as_of": termRulesDay}
	}
	f.errCode("POST", path(w.mid), "", check("reappoint"), 401)
	f.errCode("POST", path(w.mid), f.no, check("reappoint"), 403)

	// Two consecutive terms in the post: reappointing is refused, in the caller's language.
	e := f.errCode("POST", path(w.mid), f.aTok, check("reappoint"), 422)
	if e.Error.Code != termgoal.EINVALID || e.Error.Message != "在同一职位上连续任职已达到届数上限。" {
		t.Errorf("reappoint: %+v", e)
	}
	var ok struct {
		OK       bool              `json:"ok"`
		Warnings []app.TermWarning `json:"warnings"`
	}
	f.do("POST", path(w.mid), f.aTok, check("promote"), 200, &ok)
	if !ok.OK || findWarning(ok.Warnings, termgoal.WarnConsecutiveTerms) == nil {
		t.Errorf("promote: %+v", ok)
	}
	// Past the age limit only the ways out remain.
	e = f.errCode("POST", path(w.old)+"?lang=en", f.aTok, check("promote"), 422)
	if e.Error.Message != "The age limit rules out this outcome." {
		t.Errorf("old promote: %+v", e)
	}
	f.do("POST", path(w.old), f.aTok, check("non_leading"), 200, nil)
	f.errCode("POST", path(w.old), f.aTok, check("knighthood"), 422)
	f.errCode("POST", path(w.old), f.aTok, `{"outcome":"promote","extra":1}`, 400)
	// Checked without nomination the age limit itself still rules it out.
	f.errCode("POST", path(w.old), f.aTok, map[string]any{"outcome": "rotate", "nomination": false, "as_of": termRulesDay}, 422)
}

func TestTermRulesPolicyAPI(t *testing.T) {
	f := newFixture(t)
	w := newTermRulesWorld(f)
	f.errCode("GET", "/api/v1/policy/term-rules", "", nil, 401)
	var p termgoal.Policy
	f.do("GET", "/api/v1/policy/term-rules", f.no, nil, 200, &p) // anyone signed in reads it
	if p != termgoal.DefaultPolicy {
		t.Errorf("policy = %+v", p)
	}
	changed := termgoal.DefaultPolicy
	changed.Age.PrincipalMale = 70
	f.errCode("PUT", "/api/v1/policy/term-rules", f.aTok, changed, 403) // not a root admin
	bad := changed
	bad.MaxTerms = 0
	if e := f.errCode("PUT", "/api/v1/policy/term-rules", f.rootTok, bad, 422); e.Error.Message != "max_terms 须在 1 至 10 之间。" {
		t.Errorf("invalid: %+v", e)
	}
	f.errCode("PUT", "/api/v1/policy/term-rules", f.rootTok, `{"max_terms":2,"surprise":1}`, 400)
	f.do("PUT", "/api/v1/policy/term-rules", f.rootTok, changed, 200, &p)
	f.do("GET", "/api/v1/policy/term-rules", f.a1Tok, nil, 200, &p)
	if p != changed {
		t.Errorf("stored = %+v", p)
	}
	// The rules read the stored policy: at 65 under a limit of 70, no age warning.
	var got app.PersonTermRules
	f.do("GET", fmt.Sprintf("/api/v1/people/%d/term-rules?as_of=%s", w.old.ID, termRulesDay), f.rootTok, nil, 200, &got)
	if findWarning(got.Warnings, termgoal.WarnAgeLimit) != nil {
		t.Errorf("warnings under the new policy = %+v", got.Warnings)
	}
	var audit List[termgoal.Audit]
	f.do("GET", "/api/v1/audit", f.rootTok, nil, 200, &audit)
	found := false
	for _, a := range audit.Items {
		found = found || a.Action == "term_rules_policy_set" && a.ActorName == f.accounts["root"].DisplayName
	}
	if !found {
		t.Errorf("no audit line: %+v", audit.Items)
	}
}

// Every warning code, reason, severity, outcome and post kind has its words in both languages.
func TestTermRulesVocabularyIsTranslated(t *testing.T) {
	keys := []string{"term_warnings.rotation_mandatory_post_years", "term_warnings.rotation_mandatory_terms",
		"term_severity." + termgoal.SeverityWarning, "term_severity." + termgoal.SeverityViolation,
		"post_kinds." + string(termgoal.PostPrincipal), "post_kinds." + string(termgoal.PostDeputy), "genders.male", "genders.female"}
	for _, c := range app.TermWarningCodes {
		keys = append(keys, "term_warnings."+c, "term_rule_codes."+c)
	}
	for _, o := range app.TermOutcomes {
		keys = append(keys, "term_outcomes."+string(o))
	}
	for _, lang := range catalog.Langs {
		for _, k := range keys {
			if !catalog.HasKey(lang, k) {
				t.Errorf("%s lacks %s", lang, k)
			}
		}
	}
}

// The report page lists the people with their warnings translated and violations marked; the
// header links it for administrators only; the person page checks an outcome.
func TestWebTermRules(t *testing.T) {
	f := newFixture(t)
	w := newTermRulesWorld(f)
	url := fmt.Sprintf("/reports/term-rules?org_id=%d&as_of=%s", f.a.ID, termRulesDay)
	body, _ := f.page("GET", url, f.aTok, 200)
	for _, want := range []string{`id="nav-term-rules"`, "任期制预警", "老王", "张三", "现年 65 周岁，该职务任职年龄上限为 57 周岁。",
		"违反规定", "has-violation", fmt.Sprintf(`href="/people/%d?as_of=%s"`, w.old.ID, termRulesDay), "共 2 条"} {
		if !strings.Contains(body, want) {
			t.Errorf("report lacks %q:\n%s", want, body)
		}
	}
	body, _ = f.page("GET", url+"&lang=en", f.aTok, 200)
	if !strings.Contains(body, "Aged 65; the age limit of the post is 57.") || !strings.Contains(body, "Violation") {
		t.Errorf("English report:\n%s", body)
	}
	body, _ = f.page("GET", "/reports/term-rules", f.a1Tok, 403)
	if strings.Contains(body, `id="nav-term-rules"`) {
		t.Errorf("a holder sees the report link")
	}
	f.page("GET", fmt.Sprintf("/reports/term-rules?org_id=%d", f.b.ID), f.aTok, 403)
	f.page("GET", url[:len(url)-len(termRulesDay)]+"tomorrow", f.aTok, 400)
	_, loc := f.page("GET", url, "", 303)
	if !strings.HasPrefix(loc, "/login?next=") {
		t.Errorf("anonymous goes to %q", loc)
	}

	body, _ = f.page("GET", fmt.Sprintf("/people/%d?as_of=%s&outcome=reappoint", w.mid.ID, termRulesDay), f.a1Tok, 200)
	for _, want := range []string{"张三", "副书记", "在同一职位上连续任职已达到届数上限。", "连任届数", `id="outcome-result"`} {
		if !strings.Contains(body, want) {
			t.Errorf("person page lacks %q:\n%s", want, body)
		}
	}
	body, _ = f.page("GET", fmt.Sprintf("/people/%d?as_of=%s&outcome=promote&lang=en", w.mid.ID, termRulesDay), f.a1Tok, 200)
	if !strings.Contains(body, "The term rules allow \u201cPromote\u201d.") {
		t.Errorf("promote allowed:\n%s", body)
	}
	f.page("GET", fmt.Sprintf("/people/%d", w.young.ID), f.a1Tok, 403)
}

// TestTermRuleFacts records, through the API, the facts the term rules' exceptions read and
// sees each exception apply: a township allows a third consecutive term, so does a non-party
// cadre, and a people's congress post raises the age limit by two years; in both languages.
func TestTermRuleFacts(t *testing.T) {
	f := newFixture(t)
	w := newTermRulesWorld(f)
	rules := func(p termgoal.Person, query string) app.PersonTermRules {
		t.Helper()
		var got app.PersonTermRules
		f.do("GET", fmt.Sprintf("/api/v1/people/%d/term-rules?as_of=%s%s", p.ID, termRulesDay, query), f.rootTok, nil, 200, &got)
		return got
	}
	if c := findWarning(rules(w.mid, "&nomination=true").Warnings, termgoal.WarnConsecutiveTerms); c == nil || c.Severity != termgoal.SeverityViolation {
		t.Fatalf("a third term in an agency: %+v", c)
	}

	// A township: three consecutive terms.
	f.do("PUT", fmt.Sprintf("/api/v1/orgs/%d", f.a1.ID), f.aTok, map[string]any{"name": "a1", "type": "township"}, 200, nil)
	got := rules(w.mid, "&nomination=true&lang=en")
	if c := findWarning(got.Warnings, termgoal.WarnConsecutiveTerms); c != nil || !got.History.Township {
		t.Errorf("a third term in a township: %+v (township %v)", c, got.History.Township)
	}
	f.errCode("PUT", fmt.Sprintf("/api/v1/orgs/%d", f.a1.ID), f.aTok, map[string]any{"name": "a1", "type": "county_town"}, 422)
	f.do("PUT", fmt.Sprintf("/api/v1/orgs/%d", f.a1.ID), f.aTok, map[string]any{"name": "a1", "type": "agency"}, 200, nil)

	// A non-party cadre: three consecutive terms, wherever they serve.
	mid := w.mid
	mid.NonParty = true
	f.do("PUT", fmt.Sprintf("/api/v1/people/%d", mid.ID), f.aTok, mid, 200, nil)
	var person termgoal.Person
	f.do("GET", fmt.Sprintf("/api/v1/people/%d", mid.ID), f.aTok, nil, 200, &person)
	if !person.NonParty {
		t.Error("the person is not recorded as a non-party cadre")
	}
	if c := findWarning(rules(w.mid, "&nomination=true").Warnings, termgoal.WarnConsecutiveTerms); c != nil {
		t.Errorf("a non-party cadre's third term: %+v", c)
	}
	var report List[app.TermRulesReportItem]
	f.do("GET", fmt.Sprintf("/api/v1/reports/term-rules?org_id=%d&as_of=%s", f.a.ID, termRulesDay), f.aTok, nil, 200, &report)
	for _, it := range report.Items {
		if it.Person.ID == mid.ID && findWarning(it.Warnings, termgoal.WarnConsecutiveTerms) != nil {
			t.Errorf("the report still warns of the non-party cadre's terms: %+v", it.Warnings)
		}
	}

	// A deputy of 56 in a people's congress post: the limit is 57, not 55.
	var zhao termgoal.Person
	born := mustDay("1969-01-01")
	f.do("POST", "/api/v1/people", f.aTok, termgoal.Person{Name: "老赵", Gender: "male", BirthDate: &born}, 201, &zhao)
	var post termgoal.Post
	f.do("POST", "/api/v1/posts", f.aTok, termgoal.Post{OrgID: f.a1.ID, Title: "人大主席团副主席", Rank: "副科"}, 201, &post)
	term := termgoal.Term{OrgID: f.a1.ID, HolderKind: termgoal.HolderPerson, PersonID: &zhao.ID, PostID: &post.ID,
		Appointment: termgoal.Elected, Start: mustDay("2023-01-01"), End: mustDay("2027-12-31"), TemplateID: f.tmpl.ID}
	f.do("POST", "/api/v1/terms", f.aTok, term, 201, nil)
	if a := findWarning(rules(zhao, "").Warnings, termgoal.WarnAgeLimit); a == nil || a.Severity != termgoal.SeverityViolation {
		t.Errorf("a deputy of 56: %+v", a)
	}
	post.Congress = true
	f.errCode("PUT", fmt.Sprintf("/api/v1/posts/%d", post.ID), f.a1Tok, post, 403)
	f.do("PUT", fmt.Sprintf("/api/v1/posts/%d", post.ID), f.aTok, post, 200, nil)
	a := findWarning(rules(zhao, "").Warnings, termgoal.WarnAgeLimit)
	if a == nil || a.Severity != termgoal.SeverityWarning || a.Message != "现年 56 周岁，该职务任职年龄上限为 57 周岁。" {
		t.Errorf("a deputy of 56 in a congress post: %+v", a)
	}
	a = findWarning(rules(zhao, "&lang=en").Warnings, termgoal.WarnAgeLimit)
	if a == nil || !strings.Contains(a.Message, "57") {
		t.Errorf("in English: %+v", a)
	}
	var posts List[termgoal.Post]
	f.do("GET", fmt.Sprintf("/api/v1/orgs/%d/posts", f.a1.ID), f.aTok, nil, 200, &posts)
	for _, p := range posts.Items {
		if p.ID == post.ID && !p.Congress {
			t.Error("the post is not recorded as a congress post")
		}
	}
	f.errCode("PUT", "/api/v1/posts/999", f.aTok, post, 404)
}
