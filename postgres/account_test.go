package postgres_test

import (
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres/postgrestest"
)

func ids(accounts []termgoal.Account) []int64 {
	var out []int64
	for _, a := range accounts {
		out = append(out, a.ID)
	}
	return out
}

func TestAccountsAndGrants(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	countyAdmin := account(t, s, "county", nil, termgoal.Grant{Role: termgoal.RoleSuperior, OrgID: w.county.ID})
	townAdmin := account(t, s, "town", nil, termgoal.Grant{Role: termgoal.RoleSuperior, OrgID: w.town.ID},
		termgoal.Grant{Role: termgoal.RoleAdmin, OrgID: w.town.ID})
	holder := account(t, s, "holder", &w.person.ID, termgoal.Grant{Role: termgoal.RoleHolder, OrgID: w.village.ID})
	other := termgoal.Org{ParentID: &w.county.ID, Name: "Other", Type: termgoal.OrgOther}
	must(t, s.CreateOrg(ctx, &other))
	account(t, s, "sideways", nil, termgoal.Grant{Role: termgoal.RoleSuperior, OrgID: other.ID})

	got, err := s.Account(ctx, townAdmin.ID)
	must(t, err)
	if len(got.Grants) != 2 || got.Grants[0].OrgPath != w.town.Path || got.Grants[0].OrgName != "Town" ||
		!got.Can(termgoal.RoleSuperior, w.village.Path) || got.Can(termgoal.RoleSuperior, w.county.Path) {
		t.Errorf("Account = %+v", got)
	}
	must(t, s.AddGrant(ctx, townAdmin.ID, termgoal.Grant{Role: termgoal.RoleAdmin, OrgID: w.town.ID})) // again: no-op
	wantCode(t, s.AddGrant(ctx, townAdmin.ID, termgoal.Grant{Role: "king", OrgID: w.town.ID}), termgoal.EINVALID)
	wantCode(t, s.AddGrant(ctx, townAdmin.ID, termgoal.Grant{Role: termgoal.RoleAdmin, OrgID: 999}), termgoal.EINVALID)

	// Grants on the village's ancestors count; a grant on a sibling subtree does not.
	superiors, err := s.AccountsWithRole(ctx, termgoal.RoleSuperior, w.village.Path)
	must(t, err)
	if got, want := ids(superiors), []int64{countyAdmin.ID, townAdmin.ID}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("superiors of the village = %v, want %v", got, want)
	}
	superiors, err = s.AccountsWithRole(ctx, termgoal.RoleSuperior, w.county.Path)
	must(t, err)
	if got := ids(superiors); len(got) != 1 || got[0] != countyAdmin.ID {
		t.Errorf("superiors of the county = %v", got)
	}

	mine, err := s.AccountsOfPerson(ctx, w.person.ID)
	must(t, err)
	if got := ids(mine); len(got) != 1 || got[0] != holder.ID {
		t.Errorf("AccountsOfPerson = %v", got)
	}

	a, hash, err := s.AccountByUsername(ctx, "holder")
	must(t, err)
	if a.ID != holder.ID || hash != "hash-of-holder" || a.Lang != "zh-CN" || len(a.Grants) != 1 {
		t.Errorf("AccountByUsername = %+v, %q", a, hash)
	}
	_, _, err = s.AccountByUsername(ctx, "nobody")
	wantCode(t, err, termgoal.ENOTFOUND)
	wantCode(t, s.CreateAccount(ctx, &termgoal.Account{Username: "holder", DisplayName: "again"}, "x"), termgoal.ECONFLICT)
}

func TestTokens(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	a := account(t, s, "api", nil, termgoal.Grant{Role: termgoal.RoleAdmin, OrgID: w.county.ID})
	must(t, s.CreateToken(ctx, a.ID, []byte("live"), "ci", time.Now().Add(time.Hour)))
	must(t, s.CreateToken(ctx, a.ID, []byte("old"), "ci", time.Now().Add(-time.Minute)))

	got, err := s.AccountByToken(ctx, []byte("live"))
	must(t, err)
	if got.ID != a.ID || len(got.Grants) != 1 {
		t.Errorf("AccountByToken = %+v", got)
	}
	_, err = s.AccountByToken(ctx, []byte("old"))
	wantCode(t, err, termgoal.ENOTFOUND)
	_, err = s.AccountByToken(ctx, []byte("unknown"))
	wantCode(t, err, termgoal.ENOTFOUND)
	wantCode(t, s.CreateToken(ctx, a.ID, []byte("live"), "dup", time.Now()), termgoal.ECONFLICT)
}

// Administers answers as Account.Can does with the process's org: an admin grant on the org or
// an ancestor counts; another role, or a grant on another subtree, does not.
func TestAdministers(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	must(t, s.Apply(ctx, w.change("c1", 0, termgoal.StepDraft, "started")))
	other, _ := w.sibling(t, s, "Other", termgoal.OrgOther)
	for _, c := range []struct {
		name  string
		grant termgoal.Grant
		want  bool
	}{
		{"county-admin", termgoal.Grant{Role: termgoal.RoleAdmin, OrgID: w.county.ID}, true},
		{"village-admin", termgoal.Grant{Role: termgoal.RoleAdmin, OrgID: w.village.ID}, true},
		{"town-superior", termgoal.Grant{Role: termgoal.RoleSuperior, OrgID: w.town.ID}, false},
		{"other-admin", termgoal.Grant{Role: termgoal.RoleAdmin, OrgID: other.ID}, false},
	} {
		acc := account(t, s, c.name, nil, c.grant)
		got, err := s.Administers(ctx, acc.ID, "goal-1")
		must(t, err)
		if whole, err := s.Account(ctx, acc.ID); err != nil || whole.Can(termgoal.RoleAdmin, w.village.Path) != c.want {
			t.Fatalf("%s: the fixture disagrees with Account.Can (%v)", c.name, err)
		}
		if got != c.want {
			t.Errorf("%s administers the village's process: %v, want %v", c.name, got, c.want)
		}
	}
	_, err := s.Administers(ctx, 1, "no-such-process")
	wantCode(t, err, termgoal.ENOTFOUND)
}
