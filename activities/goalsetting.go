package activities

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"termgoal"
)

// StartInfo loads what a goal-setting process snapshots when it starts.
type StartInfo struct {
	Term     termgoal.Term
	Template termgoal.Template
	OrgPath  string
	Holder   string // display name of the holder: the person's name, or the org's
	// The plan in force and the highest version number, which an amendment starts from.
	InForce     *termgoal.PlanVersion
	LastVersion int
}

// StartInfo loads the term, its template and its org's path.
func (a *Activities) StartInfo(ctx context.Context, termID int64) (StartInfo, error) {
	term, org, err := a.termAndOrg(ctx, termID)
	if err != nil {
		return StartInfo{}, domain(err)
	}
	tpl, err := a.Store.Template(ctx, term.TemplateID)
	if err != nil {
		return StartInfo{}, domain(err)
	}
	info := StartInfo{Term: *term, Template: *tpl, OrgPath: org.Path, Holder: term.HolderName}
	versions, err := a.Store.PlanVersions(ctx, termID) // newest first
	if err != nil {
		return StartInfo{}, domain(err)
	}
	for i, v := range versions {
		info.LastVersion = max(info.LastVersion, v.Version)
		if v.Status == "in_force" && info.InForce == nil {
			info.InForce = &versions[i]
		}
	}
	return info, nil
}

// AssigneesInput names a step of a term's goal setting, or a role: Role overrides the step's
// role (the process administrators when nobody else acts), and Above looks in the org above
// the term's (the supervisor an overdue step escalates to).
type AssigneesInput struct {
	TermID int64
	Step   termgoal.Step
	Role   termgoal.Role
	Above  bool
}

// Assignees resolves the accounts that act on a step. The holder acts on the steps of
// RoleHolder (draft, pledges, self-assessment, feedback, reports): a person's accounts, or for
// an org's term the accounts holding RoleHolder on the org or above.
// Every other step goes to the holders of termgoal.StepRole[step] on the org's path, less the
// holder's own accounts, so nobody reviews or approves their own plan.
func (a *Activities) Assignees(ctx context.Context, in AssigneesInput) ([]termgoal.Actor, error) {
	role, ok := termgoal.StepRole[in.Step]
	if in.Role != "" {
		role, ok = in.Role, true
	}
	if !ok {
		return nil, domain(termgoal.Errorf(termgoal.EINVALID, "step.unknown", fmt.Sprintf("no one acts on step %q", in.Step), "step", string(in.Step)))
	}
	term, org, err := a.termAndOrg(ctx, in.TermID)
	if err != nil {
		return nil, domain(err)
	}
	holders, err := a.holderAccounts(ctx, term, org.Path)
	if err != nil {
		return nil, domain(err)
	}
	accounts := holders
	if in.Role != "" || role != termgoal.RoleHolder {
		path := org.Path
		if in.Above {
			path = parentPath(path)
		}
		if accounts, err = a.Store.AccountsWithRole(ctx, role, path); err != nil {
			return nil, domain(err)
		}
		accounts = slices.DeleteFunc(accounts, func(acc termgoal.Account) bool {
			return slices.ContainsFunc(holders, func(h termgoal.Account) bool { return h.ID == acc.ID })
		})
	}
	actors := make([]termgoal.Actor, len(accounts))
	for i, acc := range accounts {
		actors[i] = termgoal.Actor{AccountID: acc.ID, Name: acc.DisplayName}
	}
	return actors, nil
}

func (a *Activities) holderAccounts(ctx context.Context, term *termgoal.Term, orgPath string) ([]termgoal.Account, error) {
	if term.HolderKind == termgoal.HolderPerson && term.PersonID != nil {
		return a.Store.AccountsOfPerson(ctx, *term.PersonID)
	}
	return a.Store.AccountsWithRole(ctx, termgoal.RoleHolder, orgPath)
}

func (a *Activities) termAndOrg(ctx context.Context, termID int64) (*termgoal.Term, *termgoal.Org, error) {
	term, err := a.Store.Term(ctx, termID)
	if err != nil {
		return nil, nil, err
	}
	org, err := a.Store.Org(ctx, term.OrgID)
	return term, org, err
}

// parentPath is the path of the org above ("/1/4/" for "/1/4/9/"); the root is its own parent.
func parentPath(path string) string {
	trimmed := strings.TrimSuffix(path, "/")
	if i := strings.LastIndex(trimmed, "/"); i > 0 {
		return trimmed[:i+1]
	}
	return path
}
