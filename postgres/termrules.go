package postgres

// The term rules' reads (DOMAIN.md "Term rules"): a person's terms joined with their posts and
// orgs, turned into the termgoal.PersonHistory that termgoal.CheckTermRules reads, the people
// holding terms in an org subtree, and the policy table.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/lib/pq"

	"termgoal"
)

// HeldTerm is one term a person holds or held, with what the term rules need of its post and
// org and the names a page shows.
type HeldTerm struct {
	TermID      int64                `json:"term_id"`
	OrgID       int64                `json:"org_id"`
	OrgName     string               `json:"org_name"`
	OrgPath     string               `json:"-"`                 // for the authorization checks, not shown
	PostID      int64                `json:"post_id,omitempty"` // 0: a term without a post
	PostTitle   string               `json:"post_title,omitempty"`
	Rank        string               `json:"rank,omitempty"`
	Principal   bool                 `json:"principal"`
	Specialist  bool                 `json:"specialist,omitempty"`
	Congress    bool                 `json:"congress,omitempty"`
	OrgType     termgoal.OrgType     `json:"org_type"`
	Appointment termgoal.Appointment `json:"appointment"`
	Start       time.Time            `json:"start"`
	End         time.Time            `json:"end"`
}

const heldTermCols = `t.person_id, t.id, t.org_id, o.name, o.path, COALESCE(t.post_id, 0), COALESCE(p.title, ''),
	COALESCE(p.rank, ''), COALESCE(p.principal, false), COALESCE(p.specialist, false), COALESCE(p.congress, false), o.type,
	t.appointment, t.start_on, t.end_on`

// PeopleTerms returns the terms of each of the people, oldest first; a person without terms
// has no entry. On one start day a principal post sorts first, as it is the one that decides
// the person's post kind.
func (s *Store) PeopleTerms(ctx context.Context, personIDs []int64) (map[int64][]HeldTerm, error) {
	out := map[int64][]HeldTerm{}
	if len(personIDs) == 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+heldTermCols+`
		FROM terms t JOIN orgs o ON o.id = t.org_id LEFT JOIN posts p ON p.id = t.post_id
		WHERE t.holder_kind = 'person' AND t.person_id = ANY($1)
		ORDER BY t.person_id, t.start_on, COALESCE(p.principal, false) DESC, t.id`, pq.Array(personIDs))
	if err != nil {
		return nil, fmt.Errorf("people terms: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var h HeldTerm
		if err := rows.Scan(&pid, &h.TermID, &h.OrgID, &h.OrgName, &h.OrgPath, &h.PostID, &h.PostTitle, &h.Rank,
			&h.Principal, &h.Specialist, &h.Congress, &h.OrgType, &h.Appointment, date{&h.Start}, date{&h.End}); err != nil {
			return nil, fmt.Errorf("people terms: scan: %w", err)
		}
		out[pid] = append(out[pid], h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("people terms: %w", err)
	}
	return out, nil
}

// PersonTerms returns the terms of one person, oldest first.
func (s *Store) PersonTerms(ctx context.Context, personID int64) ([]HeldTerm, error) {
	m, err := s.PeopleTerms(ctx, []int64{personID})
	return m[personID], err
}

// HistoryOf builds what the term rules read about a person from their terms (oldest first, as
// PeopleTerms answers them):
//
//   - one Service per term: Post is the post id ("org:<id>" for a term without a post, so
//     post-less terms of different orgs are not "the same post"), Unit the org id, Rank the
//     post's rank;
//   - every service is Leading: a term in this system is a leadership term (the holder answers
//     for the org's goals), so years in any post of an org count as years in its leadership;
//   - Elected for an elected term. The dates of the general elections are not recorded, so
//     Election and NextElection stay zero and termgoal.CountsAsTerm counts the term as a term;
//   - Kind is principal or deputy from the post of the service current on asOf (the last one
//     started by then, else the first), and unknown ("", no age rule) when it has no post;
//   - the exceptions come from the same current service: Township when its org is a township,
//     Congress when its post is a people's congress or political consultative post,
//     NonPartyOrSpecialist when the person is a non-party cadre or its post a specialist one.
func HistoryOf(p termgoal.Person, terms []HeldTerm, asOf time.Time) termgoal.PersonHistory {
	h := termgoal.PersonHistory{Gender: p.Gender, Services: make([]termgoal.Service, 0, len(terms))}
	if p.BirthDate != nil {
		h.BirthDate = *p.BirthDate
	}
	var cur *HeldTerm
	for i, t := range terms {
		post := strconv.FormatInt(t.PostID, 10)
		if t.PostID == 0 {
			post = "org:" + strconv.FormatInt(t.OrgID, 10)
		}
		h.Services = append(h.Services, termgoal.Service{
			Post: post, Unit: strconv.FormatInt(t.OrgID, 10), Rank: t.Rank, Leading: true,
			Start: t.Start, End: t.End, Elected: t.Appointment == termgoal.Elected,
		})
		// The same pick as termgoal's current service: the first of the latest start.
		if cur == nil || !t.Start.After(asOf) && (cur.Start.After(asOf) || t.Start.After(cur.Start)) {
			cur = &terms[i]
		}
	}
	h.NonPartyOrSpecialist = p.NonParty
	if cur != nil {
		h.Township, h.Congress = cur.OrgType == termgoal.OrgTownship, cur.Congress
		h.NonPartyOrSpecialist = h.NonPartyOrSpecialist || cur.Specialist
	}
	switch {
	case cur == nil || cur.PostID == 0:
	case cur.Principal:
		h.Kind = termgoal.PostPrincipal
	default:
		h.Kind = termgoal.PostDeputy
	}
	return h
}

// PersonHistory returns the person's history for the term rules on asOf (see HistoryOf); an
// unknown person is ENOTFOUND.
func (s *Store) PersonHistory(ctx context.Context, personID int64, asOf time.Time) (termgoal.PersonHistory, error) {
	p, err := s.Person(ctx, personID)
	if err != nil {
		return termgoal.PersonHistory{}, err
	}
	terms, err := s.PersonTerms(ctx, personID)
	if err != nil {
		return termgoal.PersonHistory{}, err
	}
	return HistoryOf(*p, terms, asOf), nil
}

// TermHolder is a person holding a term in an org subtree on a day, with the term (the one
// started last, if several).
type TermHolder struct {
	Person    termgoal.Person `json:"person"`
	TermID    int64           `json:"term_id"`
	OrgID     int64           `json:"org_id"`
	OrgName   string          `json:"org_name"`
	PostTitle string          `json:"post_title,omitempty"`
}

// PeopleUnder returns a page of the people holding a term on asOf in an org of the subtree
// under orgPath, by name, and how many there are. People whose terms there have ended or not
// yet begun are not listed: the report is about who is in post.
func (s *Store) PeopleUnder(ctx context.Context, orgPath string, asOf time.Time, limit, offset int) ([]TermHolder, int, error) {
	return page(ctx, s.db, func(r scanner) (TermHolder, error) {
		var h TermHolder
		err := r.Scan(&h.Person.ID, &h.Person.Name, &h.Person.Gender, optDate{&h.Person.BirthDate}, &h.Person.NonParty, &h.TermID, &h.OrgID, &h.OrgName, &h.PostTitle)
		return h, err
	}, `h.id, h.name, h.gender, h.birth_date, h.non_party, h.term_id, h.org_id, h.org_name, h.post_title`,
		`(SELECT DISTINCT ON (pe.id) pe.id, pe.name, pe.gender, pe.birth_date, pe.non_party, t.id AS term_id, o.id AS org_id,
				o.name AS org_name, COALESCE(po.title, '') AS post_title
			FROM terms t JOIN orgs o ON o.id = t.org_id JOIN people pe ON pe.id = t.person_id
			LEFT JOIN posts po ON po.id = t.post_id
			WHERE t.holder_kind = 'person' AND o.path LIKE $1 || '%' AND t.start_on <= $2::date AND t.end_on >= $2::date
			ORDER BY pe.id, t.start_on DESC, t.id DESC) h`,
		`h.name, h.id`, limit, offset, orgPath, dateArg(asOf))
}

// policyTermRules names the term rules in the policy table.
const policyTermRules = "term_rules"

// TermRulesPolicy returns the term-rules policy: termgoal.DefaultPolicy until one is stored,
// and a stored one over the defaults, so a field added later keeps its default value.
func (s *Store) TermRulesPolicy(ctx context.Context) (termgoal.Policy, error) {
	var raw []byte
	err := s.db.QueryRowContext(ctx, `SELECT value FROM policies WHERE name = $1`, policyTermRules).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return termgoal.DefaultPolicy, nil
	}
	if err != nil {
		return termgoal.Policy{}, mapError(err, "term rules policy")
	}
	p := termgoal.DefaultPolicy
	if err := json.Unmarshal(raw, &p); err != nil {
		return termgoal.Policy{}, fmt.Errorf("term rules policy: %w", err)
	}
	return p, nil
}

// PutTermRulesPolicy validates and stores the term-rules policy, recording who changed it.
func (s *Store) PutTermRulesPolicy(ctx context.Context, p termgoal.Policy, accountID int64) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("put term rules policy: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `
		INSERT INTO policies (name, value, updated_at, updated_by) VALUES ($1, $2, now(), $3)
		ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by`,
		policyTermRules, string(b), nullIfZero(accountID))
	return mapError(err, "put term rules policy")
}
