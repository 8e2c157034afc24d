package app

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"termgoal"
	"termgoal/catalog"
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

// AuditNote summarizes an audit entry's detail for the timeline and the export: whom it named, the days an
// extension added, and what the actor wrote (a comment, a reason, a note).
func AuditNote(lang string, detail map[string]any) string {
	var parts []string
	str := func(k string) string {
		if v, ok := detail[k].(string); ok {
			return strings.TrimSpace(v)
		}
		return ""
	}
	if n := str("to_name"); n != "" {
		open, close := " (", ")"
		if lang == catalog.LangZH {
			open, close = "（", "）"
		}
		switch before, ok := detail["before"].(bool); {
		case !ok:
			parts = append(parts, "→ "+n)
		case before:
			parts = append(parts, "→ "+n+open+catalog.TL(lang, "web.position_before", nil)+close)
		default:
			parts = append(parts, "→ "+n+open+catalog.TL(lang, "web.position_after", nil)+close)
		}
	}
	if days, ok := detail["days"].(float64); ok && str("to") != "" {
		parts = append(parts, catalog.TL(lang, "web.note_extended", map[string]any{"days": int(days), "to": str("to")}))
	}
	if to := str("to_step"); to != "" {
		parts = append(parts, "→ "+catalog.TV(lang, "steps.", to))
	}
	for _, k := range []string{"comment", "text", "reason", "note"} {
		if v := str(k); v != "" {
			if k == "reason" {
				v = catalog.TV(lang, "reason_codes.", v) // an automatic action's reason code, or what a person wrote
			}
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " · ")
}
