package postgres_test

import (
	"errors"
	"testing"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// importFile is a small department: a county and a town listed before it, a person, the
// town's head post and the person's term.
func importFile(template string) *postgres.ImportData {
	return &postgres.ImportData{
		Orgs: []postgres.ImportOrg{
			{Row: 2, Key: "QS-T1", ParentKey: "QS", Name: "青山镇", Type: termgoal.OrgAgency},
			{Row: 3, Key: "QS", Name: "青山县", Type: termgoal.OrgAgency},
		},
		People: []postgres.ImportPerson{{Row: 2, Key: "P1", Name: "王明", Gender: "male"}},
		Posts:  []postgres.ImportPost{{Row: 2, Key: "QS-T1-01", OrgKey: "QS-T1", Title: "镇长", Principal: true}},
		Terms: []postgres.ImportTerm{{Row: 2, Key: "T1", OrgKey: "QS-T1", PersonKey: "P1", PostKey: "QS-T1-01",
			HolderKind: termgoal.HolderPerson, Appointment: termgoal.Elected, Start: day("2026-01-10"), End: day("2031-01-09"), Template: template}},
	}
}

// An import creates what is new, and the same file again changes nothing; a changed name
// updates that row; a dry run answers the counts and writes nothing; a file with wrong
// references names each wrong row and writes nothing.
func TestImport(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	count := func() int {
		orgs, err := s.Orgs(ctx, "")
		must(t, err)
		return len(orgs)
	}
	before := count()

	dry, err := s.Import(ctx, importFile(w.template.Name), true, nil)
	must(t, err)
	if dry.Orgs.Created != 2 || dry.Terms.Created != 1 || count() != before {
		t.Fatalf("dry run %+v wrote %d orgs", dry, count()-before)
	}
	done := 0
	res, err := s.Import(ctx, importFile(w.template.Name), false, func(n int) { done = n })
	must(t, err)
	want := postgres.ImportResult{Orgs: postgres.ImportCount{Created: 2}, People: postgres.ImportCount{Created: 1},
		Posts: postgres.ImportCount{Created: 1}, Terms: postgres.ImportCount{Created: 1}}
	if res != want || done != 5 || count() != before+2 {
		t.Fatalf("import %+v (%d rows done), want %+v", res, done, want)
	}
	orgs, err := s.Orgs(ctx, "")
	must(t, err)
	var town termgoal.Org
	for _, o := range orgs {
		if o.Name == "青山镇" {
			town = o
		}
	}
	terms, _, err := s.Terms(ctx, town.Path, 10, 0)
	must(t, err)
	if len(terms) != 1 || terms[0].HolderName != "王明" || terms[0].TemplateID != w.template.ID || terms[0].PostID == nil {
		t.Errorf("the imported term %+v", terms)
	}

	again, err := s.Import(ctx, importFile(w.template.Name), false, nil)
	must(t, err)
	if again.Orgs.Unchanged != 2 || again.People.Unchanged != 1 || again.Posts.Unchanged != 1 || again.Terms.Unchanged != 1 ||
		again.Orgs.Created+again.Orgs.Updated+again.Terms.Created+again.Terms.Updated != 0 {
		t.Errorf("the same file again: %+v", again)
	}
	changed := importFile(w.template.Name)
	changed.Orgs[0].Name = "青山街道"
	changed.Terms[0].End = day("2030-01-09")
	res, err = s.Import(ctx, changed, false, nil)
	must(t, err)
	if res.Orgs.Updated != 1 || res.Orgs.Unchanged != 1 || res.Terms.Updated != 1 {
		t.Errorf("a changed file: %+v", res)
	}

	bad := importFile("no such template")
	bad.Orgs[0].ParentKey = "QS-NONE"                     // an unknown parent
	bad.Posts[0].OrgKey = "nowhere"                       // an unknown org
	bad.Terms[0].Key, bad.Terms[0].PersonKey = "T2", "P9" // an unknown person
	_, err = s.Import(ctx, bad, false, nil)
	var errs postgres.ImportErrors
	if !errors.As(err, &errs) || len(errs) != 3 || errs[0].Sheet != "orgs" || errs[0].Row != 2 || errs[0].Column != "parent_key" ||
		errs[1].Sheet != "posts" || errs[1].Key != "import.org_unknown" || errs[2].Sheet != "terms" || errs[2].Column != "person_key" {
		t.Fatalf("a wrong file: %v %+v", err, errs)
	}
	if count() != before+2 {
		t.Errorf("a wrong file wrote %d orgs", count()-before-2)
	}
}
