package postgres_test

import (
	"fmt"
	"testing"

	"termgoal"
	"termgoal/postgres/postgrestest"
)

func TestOrgTree(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	other := termgoal.Org{ParentID: &w.county.ID, Name: "Other town", Type: termgoal.OrgEnterprise}
	must(t, s.CreateOrg(ctx, &other))

	if want := fmt.Sprintf("/%d/%d/%d/", w.county.ID, w.town.ID, w.village.ID); w.village.Path != want {
		t.Errorf("village path = %q, want %q", w.village.Path, want)
	}
	got, err := s.Org(ctx, w.village.ID)
	must(t, err)
	if got.Path != w.village.Path || *got.ParentID != w.town.ID || got.Type != termgoal.OrgVillage {
		t.Errorf("Org = %+v, want %+v", got, w.village)
	}

	names := func(path string) []string {
		orgs, err := s.Orgs(ctx, path)
		must(t, err)
		var n []string
		for _, o := range orgs {
			n = append(n, o.Name)
		}
		return n
	}
	if got := fmt.Sprint(names(w.town.Path)); got != "[Town Village]" {
		t.Errorf("town subtree = %s", got)
	}
	if got := len(names("")); got != 4 {
		t.Errorf("all orgs = %d, want 4", got)
	}

	missing := int64(999)
	wantCode(t, s.CreateOrg(ctx, &termgoal.Org{ParentID: &missing, Name: "X", Type: termgoal.OrgOther}), termgoal.EINVALID)
	wantCode(t, s.CreateOrg(ctx, &termgoal.Org{Name: "X", Type: "club"}), termgoal.EINVALID)
	_, err = s.Org(ctx, 999)
	wantCode(t, err, termgoal.ENOTFOUND)
}

func TestPeopleAndPosts(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	born := day("1980-05-17")
	p := termgoal.Person{Name: "Zhang San", BirthDate: &born}
	must(t, s.CreatePerson(ctx, &p))
	got, err := s.Person(ctx, p.ID)
	must(t, err)
	if *got.BirthDate != born { // == also compares the location: dates come back at UTC midnight
		t.Errorf("birth date = %v, want %v", got.BirthDate, born)
	}
	people, total, err := s.People(ctx, 1, 1)
	must(t, err)
	if total != 2 || len(people) != 1 || people[0].Name != "Zhang San" {
		t.Errorf("People(1, 1) = %+v, %d", people, total)
	}

	post := termgoal.Post{OrgID: w.village.ID, Title: "Secretary", Principal: true}
	must(t, s.CreatePost(ctx, &post))
	posts, err := s.Posts(ctx, w.village.ID)
	must(t, err)
	if len(posts) != 1 || posts[0] != post {
		t.Errorf("Posts = %+v, want %+v", posts, post)
	}
	wantCode(t, s.CreatePost(ctx, &termgoal.Post{OrgID: 999, Title: "X"}), termgoal.EINVALID)
}

func TestTemplateVersions(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	if w.template.Version != 1 {
		t.Fatalf("version = %d, want 1", w.template.Version)
	}
	w.template.NoticeDays = 7
	must(t, s.UpdateTemplate(ctx, &w.template))
	got, err := s.Template(ctx, w.template.ID)
	must(t, err)
	if got.Version != 2 || got.NoticeDays != 7 || got.Name != "Village" || got.OrgType != termgoal.OrgVillage ||
		got.StepDays[termgoal.StepDraft] != 10 || !got.Consultation || got.Categories[0] != "economy" {
		t.Errorf("Template = %+v", got)
	}
	all, err := s.Templates(ctx)
	must(t, err)
	if len(all) != 1 {
		t.Errorf("Templates = %+v", all)
	}
	wantCode(t, s.UpdateTemplate(ctx, &termgoal.Template{ID: 999, Name: "X", NoticeDays: 5, DeadlineMonths: 2}), termgoal.ENOTFOUND)
	wantCode(t, s.CreateTemplate(ctx, &termgoal.Template{Name: "X"}), termgoal.EINVALID)

	// Every saved version is kept: the first as it was, the second as saved.
	versions, err := s.TemplateVersions(ctx, w.template.ID)
	must(t, err)
	if len(versions) != 2 || versions[0].Version != 2 || versions[0].NoticeDays != 7 || versions[1].Version != 1 ||
		versions[1].NoticeDays != 5 || versions[1].Name != "Village" || versions[1].SavedAt.After(versions[0].SavedAt) {
		t.Errorf("TemplateVersions = %+v", versions)
	}
	first, err := s.TemplateAt(ctx, w.template.ID, 1)
	must(t, err)
	if first.NoticeDays != 5 || first.Version != 1 || first.ID != w.template.ID || first.StepDays[termgoal.StepDraft] != 10 {
		t.Errorf("TemplateAt 1 = %+v", first)
	}
	_, err = s.TemplateAt(ctx, w.template.ID, 3)
	wantCode(t, err, termgoal.ENOTFOUND)
	_, err = s.TemplateVersions(ctx, 999)
	wantCode(t, err, termgoal.ENOTFOUND)
}
