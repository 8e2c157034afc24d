package app

import (
	"context"
	"net/url"
	"strconv"
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
	f, err := s.auditScope(ctx, acc, f)
	if err != nil {
		return nil, 0, err
	}
	return s.Store.Audit(ctx, f)
}

// auditScope authorizes f for acc (AuditLog) and keeps it to acc's scope.
func (s *Service) auditScope(ctx context.Context, acc *termgoal.Account, f postgres.AuditFilter) (postgres.AuditFilter, error) {
	var orgID int64
	switch {
	case f.ProcessID != "":
		p, err := s.Store.Process(ctx, f.ProcessID)
		if err != nil {
			return f, err
		}
		orgID = p.OrgID
	case f.TermID != 0:
		t, err := s.Store.Term(ctx, f.TermID)
		if err != nil {
			return f, err
		}
		orgID = t.OrgID
	}
	switch {
	case orgID != 0:
		if err := s.adminOf(ctx, acc, orgID); err != nil {
			return f, err
		}
	case !IsRootAdmin(acc):
		if f.OrgPaths = AdminRoots(acc); len(f.OrgPaths) == 0 {
			return f, ErrForbidden()
		}
	}
	return f, nil
}

// AuditQuery is the audit log's filter as people write it: dates as YYYY-MM-DD (China days,
// both included), an action name, part of an actor's name, a term's and an account's ID.
type AuditQuery struct {
	ProcessID, Action, Actor, From, To string
	TermID, ActorID                    string
}

// Filter turns q into the store's filter, refusing a malformed date.
func (q AuditQuery) Filter() (postgres.AuditFilter, error) {
	f := postgres.AuditFilter{ProcessID: strings.TrimSpace(q.ProcessID), Action: strings.TrimSpace(q.Action), Actor: strings.TrimSpace(q.Actor)}
	for _, id := range []struct {
		name, v string
		to      *int64
	}{{"term_id", q.TermID, &f.TermID}, {"actor_id", q.ActorID, &f.ActorID}} {
		if id.v == "" {
			continue
		}
		n, err := strconv.ParseInt(id.v, 10, 64)
		if err != nil || n <= 0 {
			return f, termgoal.Errorf(termgoal.EMALFORMED, "error.bad_id", id.name+" must be a positive number", "name", id.name)
		}
		*id.to = n
	}
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
		From: q.Get("from"), To: q.Get("to"), TermID: q.Get("term_id"), ActorID: q.Get("actor_id")}
}
