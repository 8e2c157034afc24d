package api

import (
	"fmt"
	"net/url"
	"strings"
	"termgoal"
	"testing"

	"termgoal/postgres"
)

// The org pages for an administrator of org a: the tree of their orgs only; org a with its
// sub-org; a sub-org, a post, a person and a person's term added from the page, each audited;
// a refused term shown again as typed; another subtree's org and the pages of a holder refused.
func TestWebOrgs(t *testing.T) {
	f := newFixture(t)
	body, _ := f.page("GET", "/orgs", f.aTok, 200)
	if !strings.Contains(body, fmt.Sprintf(`data-id="%d"`, f.a1.ID)) || strings.Contains(body, fmt.Sprintf(`data-id="%d"`, f.b.ID)) ||
		strings.Contains(body, `id="add-root"`) {
		t.Errorf("a's tree:\n%s", body)
	}
	f.page("GET", "/orgs", f.a1Tok, 403)
	f.page("GET", fmt.Sprintf("/orgs/%d", f.b.ID), f.aTok, 403)
	path := fmt.Sprintf("/orgs/%d", f.a.ID)
	body, _ = f.page("GET", path, f.aTok, 200)
	if !strings.Contains(body, ">a1</a>") || !strings.Contains(body, `id="term-form"`) {
		t.Errorf("org a:\n%s", body)
	}

	_, loc := f.formPost("/orgs", f.aTok, url.Values{"parent_id": {fmt.Sprint(f.a.ID)}, "name": {"a2"}, "type": {"agency"}}, 303)
	_, _ = f.formPost("/orgs", f.aTok, url.Values{"parent_id": {fmt.Sprint(f.b.ID)}, "name": {"b2"}, "type": {"agency"}}, 403)
	body, _ = f.page("GET", loc, f.aTok, 200)
	if !strings.Contains(body, `<h1 id="org-name">a2</h1>`) || !strings.Contains(body, `id="org-parent">a</a>`) {
		t.Errorf("the new org at %s:\n%s", loc, body)
	}
	_, _ = f.formPost(path+"/posts", f.aTok, url.Values{"title": {"主任"}, "principal": {"on"}}, 303)
	_, _ = f.formPost(path+"/people", f.aTok, url.Values{"name": {"周九"}, "gender": {"male"}, "birth_date": {"1970-02-03"}}, 303)
	people, _, err := f.store.People(t.Context(), 10, 0)
	if err != nil || len(people) == 0 {
		t.Fatalf("people %v %v", people, err)
	}
	posts, err := f.store.Posts(t.Context(), f.a.ID)
	if err != nil || len(posts) != 1 || !posts[0].Principal {
		t.Fatalf("posts %v %v", posts, err)
	}
	term := url.Values{"holder_kind": {"person"}, "person": {fmt.Sprintf("周九 #%d", people[0].ID)}, "post_id": {fmt.Sprint(posts[0].ID)},
		"appointment": {"elected"}, "start": {"2027-01-10"}, "end": {"2026-01-09"}, "template_id": {fmt.Sprint(f.tmpl.ID)}, "form": {"term"}}
	body, _ = f.formPost(path+"/terms", f.aTok, term, 422)
	if !strings.Contains(body, `value="2026-01-09"`) || !strings.Contains(body, `id="error"`) {
		t.Errorf("a term ending before it starts:\n%s", body)
	}
	term.Set("end", "2032-01-09")
	_, _ = f.formPost(path+"/terms", f.aTok, term, 303)
	body, _ = f.page("GET", path, f.aTok, 200)
	if !strings.Contains(body, "周九") || !strings.Contains(body, "2027-01-10 – 2032-01-09") || !strings.Contains(body, ">主任<") {
		t.Errorf("org a after the additions:\n%s", body)
	}
	for _, action := range []string{"org_created", "post_created", "person_created", "term_created"} {
		if lines, _, err := f.store.Audit(t.Context(), postgres.AuditFilter{Action: action}); err != nil || len(lines) != 1 {
			t.Errorf("%s audited %d times, %v", action, len(lines), err)
		}
	}
}

// Correcting: an org renamed from its page, a term corrected from its page until its goal
// setting starts (then 409 over the API, and no form), a person changed over the API; each
// audited, and an administrator of another subtree refused.
func TestWebEditOrgsAndTerms(t *testing.T) {
	f := newFixture(t)
	a1 := fmt.Sprintf("/orgs/%d", f.a1.ID)
	_, _ = f.formPost(a1, f.aTok, url.Values{"form": {"edit"}, "name": {"a1 村"}, "type": {"village_community"}}, 303)
	body, _ := f.page("GET", a1, f.aTok, 200)
	if !strings.Contains(body, `<h1 id="org-name">a1 村</h1>`) {
		t.Errorf("renamed:\n%s", body)
	}
	_, _ = f.formPost(fmt.Sprintf("/orgs/%d", f.b.ID), f.aTok, url.Values{"form": {"edit"}, "name": {"b?"}, "type": {"agency"}}, 403)

	var term termgoal.Term
	f.do("POST", "/api/v1/terms", f.aTok, termgoal.Term{OrgID: f.a1.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: mustDay("2027-01-10"), End: mustDay("2030-01-09"), TemplateID: f.tmpl.ID}, 201, &term)
	path := fmt.Sprintf("/terms/%d", term.ID)
	body, _ = f.page("GET", path, f.aTok, 200)
	if !strings.Contains(body, `id="op-edit-term"`) {
		t.Errorf("the term page lacks its form:\n%s", body)
	}
	body, _ = f.formPost(path+"/edit", f.aTok, url.Values{"appointment": {"appointed"}, "start": {"2027-01-10"}, "end": {"2026-01-01"}, "template_id": {fmt.Sprint(f.tmpl.ID)}}, 422)
	if !strings.Contains(body, `value="2026-01-01"`) {
		t.Errorf("a refused correction:\n%s", body)
	}
	_, _ = f.formPost(path+"/edit", f.aTok, url.Values{"appointment": {"appointed"}, "start": {"2027-01-10"}, "end": {"2031-01-09"}, "template_id": {fmt.Sprint(f.tmpl.ID)}}, 303)
	got, err := f.store.Term(t.Context(), term.ID)
	if err != nil || got.Appointment != termgoal.Appointed || got.End.Format("2006-01-02") != "2031-01-09" {
		t.Fatalf("corrected %+v %v", got, err)
	}
	if err := f.store.SetTermProcess(t.Context(), term.ID, "goalsetting-term-x"); err != nil {
		t.Fatal(err)
	}
	f.errCode("PUT", "/api/v1/terms/"+fmt.Sprint(term.ID), f.aTok, got, 409)
	body, _ = f.page("GET", path, f.aTok, 200)
	if strings.Contains(body, `id="op-edit-term"`) {
		t.Error("a started term still offers its form")
	}

	var p termgoal.Person
	f.do("POST", "/api/v1/people", f.aTok, termgoal.Person{Name: "吴十"}, 201, &p)
	p.Name, p.Gender = "吴十一", "female"
	f.do("PUT", "/api/v1/people/"+fmt.Sprint(p.ID), f.aTok, p, 200, &p)
	f.errCode("PUT", "/api/v1/people/"+fmt.Sprint(p.ID), f.a1Tok, p, 403)
	f.errCode("PUT", "/api/v1/people/99999", f.aTok, p, 404)
	if again, err := f.store.Person(t.Context(), p.ID); err != nil || again.Name != "吴十一" || again.Gender != "female" {
		t.Errorf("person %+v %v", again, err)
	}
	// The person's page is for the administrators of the orgs of their terms.
	f.do("POST", "/api/v1/terms", f.aTok, termgoal.Term{OrgID: f.a1.ID, HolderKind: termgoal.HolderPerson, PersonID: &p.ID,
		Appointment: termgoal.Elected, Start: mustDay("2027-01-10"), End: mustDay("2030-01-09"), TemplateID: f.tmpl.ID}, 201, nil)
	person := fmt.Sprintf("/people/%d", p.ID)
	body, _ = f.formPost(person, f.aTok, url.Values{"name": {"吴十二"}, "gender": {"female"}, "birth_date": {"1980-02-30"}}, 422)
	if !strings.Contains(body, `value="吴十二"`) {
		t.Errorf("a refused change of the person:\n%s", body)
	}
	_, _ = f.formPost(person, f.aTok, url.Values{"name": {"吴十二"}, "gender": {"female"}, "birth_date": {"1980-02-03"}}, 303)
	if again, err := f.store.Person(t.Context(), p.ID); err != nil || again.Name != "吴十二" || again.BirthDate == nil {
		t.Errorf("person changed from the page %+v %v", again, err)
	}
	for action, n := range map[string]int{"org_updated": 1, "term_updated": 1, "person_updated": 2} {
		if lines, _, err := f.store.Audit(t.Context(), postgres.AuditFilter{Action: action}); err != nil || len(lines) != n {
			t.Errorf("%s audited %d times, %v", action, len(lines), err)
		}
	}
}

// TestWebTermRuleFacts records the term rules' facts from the pages: a post's boxes on the org
// page (added and changed), a non-party cadre on the person's page, a township as an org type.
func TestWebTermRuleFacts(t *testing.T) {
	f := newFixture(t)
	a1 := fmt.Sprintf("/orgs/%d", f.a1.ID)
	body, _ := f.page("GET", a1, f.aTok, 200)
	if !strings.Contains(body, `<option value="township"`) || !strings.Contains(body, `name="congress"`) {
		t.Fatalf("the org page offers no township or congress post:\n%s", body)
	}
	_, _ = f.formPost(a1+"/posts", f.aTok, url.Values{"title": {"人大副主席"}, "congress": {"on"}}, 303)
	posts, err := f.store.Posts(t.Context(), f.a1.ID)
	if err != nil || len(posts) != 1 || !posts[0].Congress || posts[0].Specialist {
		t.Fatalf("the post added: %+v %v", posts, err)
	}
	post := fmt.Sprintf("%s/posts/%d", a1, posts[0].ID)
	body, _ = f.formPost(post, f.aTok, url.Values{"form": {"post"}, "title": {" "}, "specialist": {"on"}}, 422)
	if !strings.Contains(body, `id="error"`) {
		t.Errorf("a post without a title:\n%s", body)
	}
	_, _ = f.formPost(post, f.aTok, url.Values{"title": {"总工程师"}, "rank": {"副处"}, "specialist": {"on"}}, 303)
	_, _ = f.formPost(post, f.a1Tok, url.Values{"title": {"x"}}, 403)
	again, err := f.store.Post(t.Context(), posts[0].ID)
	if err != nil || again.Title != "总工程师" || !again.Specialist || again.Congress || again.Rank != "副处" {
		t.Errorf("the post changed: %+v %v", again, err)
	}
	if body, _ = f.page("GET", a1, f.aTok, 200); !strings.Contains(body, `name="specialist" checked`) {
		t.Error("the post's form does not show its box")
	}

	var p termgoal.Person
	f.do("POST", "/api/v1/people", f.aTok, termgoal.Person{Name: "钱七", Gender: "male"}, 201, &p)
	f.do("POST", "/api/v1/terms", f.aTok, termgoal.Term{OrgID: f.a1.ID, HolderKind: termgoal.HolderPerson, PersonID: &p.ID, PostID: &again.ID,
		Appointment: termgoal.Elected, Start: mustDay("2027-01-10"), End: mustDay("2030-01-09"), TemplateID: f.tmpl.ID}, 201, nil)
	person := fmt.Sprintf("/people/%d", p.ID)
	_, _ = f.formPost(person, f.aTok, url.Values{"name": {"钱七"}, "gender": {"male"}, "non_party": {"on"}}, 303)
	if got, err := f.store.Person(t.Context(), p.ID); err != nil || !got.NonParty {
		t.Errorf("the person is no non-party cadre: %+v %v", got, err)
	}
	if body, _ = f.page("GET", person+"?lang=en", f.aTok, 200); !strings.Contains(body, `id="person-non-party"`) || !strings.Contains(body, "Non-party cadre") {
		t.Error("the person's page does not say they are a non-party cadre")
	}
	_, _ = f.formPost(a1, f.aTok, url.Values{"form": {"edit"}, "name": {"a1 镇"}, "type": {"township"}}, 303)
	if o, err := f.store.Org(t.Context(), f.a1.ID); err != nil || o.Type != termgoal.OrgTownship {
		t.Errorf("the org is no township: %+v %v", o, err)
	}
	if lines, _, err := f.store.Audit(t.Context(), postgres.AuditFilter{Action: "post_updated"}); err != nil || len(lines) != 1 {
		t.Errorf("post changes audited: %d, %v", len(lines), err)
	}
}
