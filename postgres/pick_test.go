package postgres_test

import (
	"fmt"
	"testing"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// The account picker finds by username, name or org, keeps to the role asked for and to the
// accounts whose grants lie in or above the caller's subtrees; the people picker finds by name
// or by the org of the latest term.
func TestSearchAccountsAndPeople(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	other, _ := w.sibling(t, s, "Riverside", termgoal.OrgVillage)
	account(t, s, "wang", nil, termgoal.Grant{Role: termgoal.RoleHolder, OrgID: w.village.ID})
	account(t, s, "li", nil, termgoal.Grant{Role: termgoal.RoleSuperior, OrgID: w.county.ID}, termgoal.Grant{Role: termgoal.RoleAdmin, OrgID: w.town.ID})
	account(t, s, "zhao", nil, termgoal.Grant{Role: termgoal.RoleHolder, OrgID: other.ID})
	account(t, s, "nobody", nil)
	names := func(ms []postgres.AccountMatch) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Username)
		}
		return fmt.Sprint(out)
	}
	for _, c := range []struct {
		q     string
		role  termgoal.Role
		paths []string
		want  string
	}{
		{"", "", []string{"/"}, "[li wang zhao]"},
		{"", "", []string{w.village.Path}, "[li wang]"}, // the village and above
		{"", "", []string{w.town.Path}, "[li wang]"},    // the town, above and below
		{"WAN", "", []string{"/"}, "[wang]"},
		{"display", termgoal.RoleSuperior, []string{"/"}, "[li]"},
		{"riverside", "", []string{"/"}, "[zhao]"},
		{"Town", "", []string{"/"}, "[li]"},
		{"%", "", []string{"/"}, "[]"},
		{"", termgoal.RoleHolder, []string{w.village.Path, other.Path}, "[wang zhao]"},
		{"", "", nil, "[]"},
	} {
		got, err := s.SearchAccounts(ctx, c.q, c.role, c.paths, 10)
		if err != nil || names(got) != c.want {
			t.Errorf("SearchAccounts(%q, %q, %v) = %s, %v; want %s", c.q, c.role, c.paths, names(got), err, c.want)
		}
	}
	got, _ := s.SearchAccounts(ctx, "li", "", []string{"/"}, 10)
	if len(got) != 1 || len(got[0].Grants) != 2 || got[0].Grants[0].OrgName != "County" || got[0].Grants[1].Role != termgoal.RoleAdmin {
		t.Errorf("li's grants: %+v", got)
	}
	if got, _ := s.SearchAccounts(ctx, "", "", []string{"/"}, 2); len(got) != 2 {
		t.Errorf("limit 2: %+v", got)
	}

	newcomer := termgoal.Person{Name: "Li Na", Gender: "female"}
	must(t, s.CreatePerson(ctx, &newcomer))
	for _, c := range []struct {
		q    string
		want string
	}{{"li", "[Li Na Li Wei]"}, {"wei", "[Li Wei]"}, {"village", "[Li Wei]"}, {"", "[Li Na Li Wei]"}, {"zzz", "[]"}} {
		people, err := s.SearchPeople(ctx, c.q, 10)
		var out []string
		for _, p := range people {
			out = append(out, p.Name)
		}
		if err != nil || fmt.Sprint(out) != c.want {
			t.Errorf("SearchPeople(%q) = %v, %v; want %s", c.q, out, err, c.want)
		}
	}
	people, _ := s.SearchPeople(ctx, "wei", 10)
	if len(people) != 1 || people[0].OrgName != "Village" || people[0].ID != w.person.ID {
		t.Errorf("Li Wei's match: %+v", people)
	}
}
