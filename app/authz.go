package app

import (
	"context"
	"slices"
	"strings"

	"termgoal"
)

// Authorization (S2). A grant covers its org and the subtree under it (the org path is a
// prefix). Admin writes need RoleAdmin on the target org; reads need any grant covering the
// org, or an open task in the process being read.

// CanSee reports whether any grant of a covers the org at path.
func CanSee(a *termgoal.Account, path string) bool {
	for _, g := range a.Grants {
		if g.OrgPath != "" && strings.HasPrefix(path, g.OrgPath) {
			return true
		}
	}
	return false
}

// IsAdmin reports whether a administers the org at path.
func IsAdmin(a *termgoal.Account, path string) bool { return a.Can(termgoal.RoleAdmin, path) }

// IsAnyAdmin reports whether a administers some org.
func IsAnyAdmin(a *termgoal.Account) bool {
	return slices.ContainsFunc(a.Grants, func(g termgoal.Grant) bool { return g.Role == termgoal.RoleAdmin })
}

// IsRootAdmin reports whether a administers a root org: the only scope for what belongs to no
// org (templates, the calendar, root orgs).
func IsRootAdmin(a *termgoal.Account) bool {
	return slices.ContainsFunc(a.Grants, func(g termgoal.Grant) bool {
		return g.Role == termgoal.RoleAdmin && strings.Count(g.OrgPath, "/") == 2
	})
}

// ScopeRoots returns the org paths a's grants cover, without paths already inside another.
func ScopeRoots(a *termgoal.Account) []string {
	var paths []string
	for _, g := range a.Grants {
		if g.OrgPath != "" {
			paths = append(paths, g.OrgPath)
		}
	}
	slices.Sort(paths) // a parent sorts before its subtree
	var roots []string
	for _, p := range paths {
		if len(roots) == 0 || !strings.HasPrefix(p, roots[len(roots)-1]) {
			roots = append(roots, p)
		}
	}
	return roots
}

// CanSeeProcess reports whether a may read the process: a grant covering its org, or an open
// task of the process assigned to a.
func (s *Service) CanSeeProcess(ctx context.Context, a *termgoal.Account, p *termgoal.Process) (bool, error) {
	org, err := s.Store.Org(ctx, p.OrgID)
	if err != nil {
		return false, err
	}
	if CanSee(a, org.Path) {
		return true, nil
	}
	tasks, err := s.Store.OpenTasks(ctx, p.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(tasks, func(t termgoal.Task) bool { return t.AccountID == a.ID }), nil
}

// Manages reports whether admin may manage account target (give it roles): an administrator
// of a root org manages every account; any other administrator only an account whose every
// grant lies in an org they administer, so no one reaches an account beyond their subtree.
func Manages(admin, target *termgoal.Account) bool {
	if IsRootAdmin(admin) {
		return true
	}
	return len(target.Grants) > 0 && !slices.ContainsFunc(target.Grants, func(g termgoal.Grant) bool { return !IsAdmin(admin, g.OrgPath) })
}

// ErrNotManaged refuses managing an account beyond the caller's subtree.
func ErrNotManaged() error {
	return termgoal.Errorf(termgoal.EFORBIDDEN, "account.not_managed", "the account has roles in organizations you do not administer")
}

// AdminRoots returns the org subtrees a administers, each once.
func AdminRoots(a *termgoal.Account) []string {
	var admin termgoal.Account
	for _, g := range a.Grants {
		if g.Role == termgoal.RoleAdmin {
			admin.Grants = append(admin.Grants, g)
		}
	}
	return ScopeRoots(&admin)
}

// PagedAcross pages through several disjoint subtrees as if they were one list.
func PagedAcross[T any](roots []string, limit, offset int, fetch func(root string, limit, offset int) ([]T, int, error)) ([]T, int, error) {
	var items []T
	total := 0
	for _, root := range roots {
		need := limit - len(items)
		skip := max(offset-total, 0)
		page, n, err := fetch(root, max(need, 1), skip)
		if err != nil {
			return nil, 0, err
		}
		if need > 0 {
			items = append(items, page[:min(len(page), need)]...)
		}
		total += n
	}
	return items, total, nil
}

// ListScope answers the org subtrees a list or an export covers: org orgID's when acc may read
// it, or with orgID 0 every subtree acc's grants cover.
func (s *Service) ListScope(ctx context.Context, acc *termgoal.Account, orgID int64) ([]string, error) {
	if orgID == 0 {
		return ScopeRoots(acc), nil
	}
	path, err := s.OrgPath(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if !CanSee(acc, path) {
		return nil, ErrForbidden()
	}
	return []string{path}, nil
}
