package postgres

import (
	"context"

	"github.com/lib/pq"

	"termgoal"
)

// The pickers (issue 25): people are chosen by searching their name, org or role, never by
// typing an ID.

// AccountMatch is an account a picker offers: who it is and which roles it holds where.
type AccountMatch struct {
	ID       int64            `json:"id"`
	Username string           `json:"username"`
	Name     string           `json:"name"`
	Grants   []termgoal.Grant `json:"grants"`
}

// SearchAccounts returns up to limit accounts whose username, name or granted org's name
// holds q (any, when q is empty), with a grant of role (any role when empty) on an org in or
// above one of the subtrees at paths, by name. An account without a grant is never offered.
func (s *Store) SearchAccounts(ctx context.Context, q string, role termgoal.Role, paths []string, limit int) ([]AccountMatch, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT a.id, a.username, a.display_name,
			array_agg(g.role ORDER BY o.path, g.role), array_agg(o.id ORDER BY o.path, g.role), array_agg(o.name ORDER BY o.path, g.role)
		FROM accounts a JOIN grants g ON g.account_id = a.id JOIN orgs o ON o.id = g.org_id
		GROUP BY a.id
		HAVING bool_or(($2::text = '' OR g.role = $2) AND EXISTS (SELECT 1 FROM unnest($3::text[]) sc WHERE starts_with(o.path, sc) OR starts_with(sc, o.path)))
			AND ($1::text = '' OR a.username ILIKE '%' || $1 || '%' OR a.display_name ILIKE '%' || $1 || '%' OR bool_or(o.name ILIKE '%' || $1 || '%'))
		ORDER BY a.display_name, a.id LIMIT $4`, likeEscape(q), string(role), pq.Array(paths), limit)
	if err != nil {
		return nil, mapError(err, "search accounts")
	}
	defer rows.Close()
	out := []AccountMatch{}
	for rows.Next() {
		var m AccountMatch
		var roles, names []string
		var orgs []int64
		if err := rows.Scan(&m.ID, &m.Username, &m.Name, pq.Array(&roles), pq.Array(&orgs), pq.Array(&names)); err != nil {
			return nil, mapError(err, "search accounts")
		}
		for i := range roles {
			m.Grants = append(m.Grants, termgoal.Grant{Role: termgoal.Role(roles[i]), OrgID: orgs[i], OrgName: names[i]})
		}
		out = append(out, m)
	}
	return out, mapError(rows.Err(), "search accounts")
}

// PersonMatch is a person a picker offers, with the org and post of their latest term.
type PersonMatch struct {
	termgoal.Person
	OrgName   string `json:"org_name,omitempty"`
	PostTitle string `json:"post_title,omitempty"`
}

// SearchPeople returns up to limit people whose name, or the name of the org of their latest
// term, holds q (any, when q is empty), by name.
func (s *Store) SearchPeople(ctx context.Context, q string, limit int) ([]PersonMatch, error) {
	return list(ctx, s.db, func(r scanner) (PersonMatch, error) {
		var m PersonMatch
		err := r.Scan(&m.ID, &m.Name, &m.Gender, optDate{&m.BirthDate}, &m.NonParty, &m.OrgName, &m.PostTitle)
		return m, err
	}, `
		SELECT pe.id, pe.name, pe.gender, pe.birth_date, pe.non_party, COALESCE(lt.org_name, ''), COALESCE(lt.post_title, '')
		FROM people pe LEFT JOIN LATERAL (
			SELECT o.name AS org_name, po.title AS post_title FROM terms t JOIN orgs o ON o.id = t.org_id LEFT JOIN posts po ON po.id = t.post_id
			WHERE t.person_id = pe.id ORDER BY t.start_on DESC, t.id DESC LIMIT 1) lt ON true
		WHERE $1::text = '' OR pe.name ILIKE '%' || $1 || '%' OR lt.org_name ILIKE '%' || $1 || '%'
		ORDER BY pe.name, pe.id LIMIT $2`, likeEscape(q), limit)
}
