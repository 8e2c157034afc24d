package api

import (
	"context"
	"slices"
	"strings"
	"termgoal/app"

	"github.com/gin-gonic/gin"

	"termgoal"
)

// Authorization (S2). A grant covers its org and the subtree under it (the org path is a
// prefix). Admin writes need RoleAdmin on the target org; reads need any grant covering the
// org, or an open task in the process being read.

// canSee reports whether any grant of a covers the org at path.
func canSee(a *termgoal.Account, path string) bool {
	for _, g := range a.Grants {
		if g.OrgPath != "" && strings.HasPrefix(path, g.OrgPath) {
			return true
		}
	}
	return false
}

// isAdmin reports whether a administers the org at path.
func isAdmin(a *termgoal.Account, path string) bool { return a.Can(termgoal.RoleAdmin, path) }

// isAnyAdmin reports whether a administers some org.
func isAnyAdmin(a *termgoal.Account) bool {
	return slices.ContainsFunc(a.Grants, func(g termgoal.Grant) bool { return g.Role == termgoal.RoleAdmin })
}

// isRootAdmin reports whether a administers a root org: the only scope for what belongs to no
// org (templates, the calendar, root orgs).
func isRootAdmin(a *termgoal.Account) bool {
	return slices.ContainsFunc(a.Grants, func(g termgoal.Grant) bool {
		return g.Role == termgoal.RoleAdmin && strings.Count(g.OrgPath, "/") == 2
	})
}

// scopeRoots returns the org paths a's grants cover, without paths already inside another.
func scopeRoots(a *termgoal.Account) []string {
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

// canSeeProcess reports whether a may read the process: a grant covering its org, or an open
// task of the process assigned to a.
func (h *Handler) canSeeProcess(ctx context.Context, a *termgoal.Account, p *termgoal.Process) (bool, error) {
	org, err := h.store.Org(ctx, p.OrgID)
	if err != nil {
		return false, err
	}
	if canSee(a, org.Path) {
		return true, nil
	}
	tasks, err := h.store.OpenTasks(ctx, p.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(tasks, func(t termgoal.Task) bool { return t.AccountID == a.ID }), nil
}

// orgPath returns the path of org id.
func (h *Handler) orgPath(ctx context.Context, id int64) (string, error) {
	o, err := h.store.Org(ctx, id)
	if err != nil {
		return "", err
	}
	return o.Path, nil
}

// adminOfReferenced checks that the caller administers the org a request body refers to. An
// unknown org is the body's fault (422 with unknownKey), not a missing resource (404).
func (h *Handler) adminOfReferenced(c *gin.Context, orgID int64, unknownKey string) bool {
	path, err := h.orgPath(c.Request.Context(), orgID)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		err = termgoal.Errorf(termgoal.EINVALID, unknownKey, "the organization does not exist")
	}
	if err != nil {
		h.fail(c, err)
		return false
	}
	if !isAdmin(Caller(c), path) {
		h.fail(c, app.ErrForbidden())
		return false
	}
	return true
}
