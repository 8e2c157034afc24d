package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"termgoal"
	"termgoal/postgres/postgrestest"
)

// `termgoal import`: a dry run writes nothing, the import creates and reports the rows done, the
// same file again changes nothing, a wrong file lists its cells and fails, and an account that
// administers no root org is refused.
func TestImportCommand(t *testing.T) {
	ctx := context.Background()
	s := postgrestest.New(t)
	root := &termgoal.Org{Name: "市委组织部", Type: termgoal.OrgAgency}
	if err := s.CreateOrg(ctx, root); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		name string
		role termgoal.Role
	}{{"admin", termgoal.RoleAdmin}, {"clerk", termgoal.RoleFilingClerk}} {
		acc := &termgoal.Account{Username: a.name, DisplayName: a.name}
		if err := s.CreateAccount(ctx, acc, "x"); err != nil {
			t.Fatal(err)
		}
		if err := s.AddGrant(ctx, acc.ID, termgoal.Grant{Role: a.role, OrgID: root.ID}); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := file("orgs.csv", "key,name,type,parent_key\nQS,青山县,agency,\nQS-1,青山镇,机关,QS\n")
	run := func(args ...string) (string, int, error) {
		var out strings.Builder
		done := 0
		err := importFile(ctx, s, args, &out, func(n, _ int) { done = n })
		return out.String(), done, err
	}
	if out, _, err := run("--dry-run", good); err != nil || !strings.Contains(out, "orgs    created 2") || !strings.Contains(out, "nothing written") {
		t.Errorf("dry run: %v\n%s", err, out)
	}
	if orgs, _ := s.Orgs(ctx, ""); len(orgs) != 1 {
		t.Fatalf("a dry run wrote %d orgs", len(orgs)-1)
	}
	if out, done, err := run(good); err != nil || !strings.Contains(out, "orgs    created 2") || done != 2 {
		t.Errorf("import: %v (%d rows done)\n%s", err, done, out)
	}
	if out, _, err := run(good); err != nil || !strings.Contains(out, "orgs    created 0, updated 0, unchanged 2") {
		t.Errorf("again: %v\n%s", err, out)
	}
	bad := file("bad.csv", "key,name,type,parent_key\nQS-2,白河镇,town,QS\n")
	if out, _, err := run("--lang", "en", bad); err == nil || !strings.Contains(out, "orgs row 2 type:") || !strings.Contains(out, `"town"`) {
		t.Errorf("a wrong file: %v\n%s", err, out)
	}
	if _, _, err := run("--as", "clerk", good); termgoal.ErrorCode(err) != termgoal.EFORBIDDEN {
		t.Errorf("a clerk imports: %v", err)
	}
}
