package app

import (
	"context"
	"net/url"
	"strings"
	"time"

	"termgoal"
	"termgoal/postgres"
)

// AuditLog answers the audit lines f selects that acc may read (A1, S2). A process or term
// filter needs its org administered; without one, a root administrator reads every line and
// another administrator the lines of the processes and terms in the subtrees they administer
// (not sign-ins or campaigns, which belong to no process).
func (s *Service) AuditLog(ctx context.Context, acc *termgoal.Account, f postgres.AuditFilter) ([]termgoal.Audit, int, error) {
	var orgID int64
	switch {
	case f.ProcessID != "":
		p, err := s.Store.Process(ctx, f.ProcessID)
		if err != nil {
			return nil, 0, err
		}
		orgID = p.OrgID
	case f.TermID != 0:
		t, err := s.Store.Term(ctx, f.TermID)
		if err != nil {
			return nil, 0, err
		}
		orgID = t.OrgID
	}
	switch {
	case orgID != 0:
		if err := s.adminOf(ctx, acc, orgID); err != nil {
			return nil, 0, err
		}
	case !IsRootAdmin(acc):
		if f.OrgPaths = AdminRoots(acc); len(f.OrgPaths) == 0 {
			return nil, 0, ErrForbidden()
		}
	}
	return s.Store.Audit(ctx, f)
}

// AuditQuery is the audit log's filter as people write it: dates as YYYY-MM-DD (China days,
// both included), an action name, part of an actor's name.
type AuditQuery struct {
	ProcessID, Action, Actor, From, To string
}

// Filter turns q into the store's filter, refusing a malformed date.
func (q AuditQuery) Filter() (postgres.AuditFilter, error) {
	f := postgres.AuditFilter{ProcessID: strings.TrimSpace(q.ProcessID), Action: strings.TrimSpace(q.Action), Actor: strings.TrimSpace(q.Actor)}
	for _, d := range []struct {
		v   string
		at  *time.Time
		add int
	}{{q.From, &f.Since, 0}, {q.To, &f.Before, 1}} {
		if v := strings.TrimSpace(d.v); v != "" {
			day, err := ParseDay(v, "audit.date")
			if err != nil {
				return f, err
			}
			y, m, dd := day.Date()
			*d.at = time.Date(y, m, dd+d.add, 0, 0, 0, 0, ChinaTime)
		}
	}
	return f, nil
}

// AuditQueryOf reads the audit log's filter from a query, for the API and the page.
func AuditQueryOf(q url.Values) AuditQuery {
	return AuditQuery{ProcessID: q.Get("process_id"), Action: q.Get("action"), Actor: q.Get("actor"),
		From: q.Get("from"), To: q.Get("to")}
}
