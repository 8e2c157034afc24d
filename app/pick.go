package app

// The pickers (issue 25, T3, P10): a form names a person by searching for them, never by an ID.
// A picker's value is what a person reads: an account as "Name（username）", a person as
// "Name #id"; a bare username or a name that only one account or person bears does as well.

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"termgoal"
	"termgoal/postgres"
)

// maxPicks bounds the matches a picker offers at once.
const maxPicks = 20

// PickAccounts returns the accounts acc may pick whose username, name or org holds q, with a
// grant of role (any, when empty): those granted in, above or below the orgs acc holds a
// grant on.
func (s *Service) PickAccounts(ctx context.Context, acc *termgoal.Account, q string, role termgoal.Role) ([]postgres.AccountMatch, error) {
	return s.Store.SearchAccounts(ctx, strings.TrimSpace(q), role, ScopeRoots(acc), maxPicks)
}

// PickPeople returns the people whose name, or their latest term's org, holds q; for
// administrators only (the people register is theirs).
func (s *Service) PickPeople(ctx context.Context, acc *termgoal.Account, q string) ([]postgres.PersonMatch, error) {
	if !IsAnyAdmin(acc) {
		return nil, ErrForbidden()
	}
	return s.Store.SearchPeople(ctx, strings.TrimSpace(q), maxPicks)
}

// AccountValue is an account as a picker offers it: "Name（username）".
func AccountValue(name, username string) string { return name + "（" + username + "）" }

// PersonValue is a person as a picker offers them: "Name #id".
func PersonValue(p termgoal.Person) string { return fmt.Sprintf("%s #%d", p.Name, p.ID) }

var (
	accountValue = regexp.MustCompile(`[（(]([^（）()]+)[）)]\s*$`)
	personValue  = regexp.MustCompile(`#(\d+)\s*$`)
)

// ResolveAccount reads the account a form names: a picker's value, a username, a name only
// one account bears, or an ID. Empty is no account (the workflow answers "name the person").
func (s *Service) ResolveAccount(ctx context.Context, v string) (termgoal.Actor, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return termgoal.Actor{}, nil
	}
	if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
		return termgoal.Actor{AccountID: id}, nil
	}
	username := v
	if m := accountValue.FindStringSubmatch(v); m != nil {
		username = strings.TrimSpace(m[1])
	}
	acc, _, err := s.Store.AccountByUsername(ctx, username)
	if err == nil {
		return termgoal.Actor{AccountID: acc.ID, Name: acc.DisplayName}, nil
	}
	if termgoal.ErrorCode(err) != termgoal.ENOTFOUND {
		return termgoal.Actor{}, err
	}
	matches, err := s.Store.SearchAccounts(ctx, v, "", []string{"/"}, maxPicks)
	if err != nil {
		return termgoal.Actor{}, err
	}
	var named []string
	var found termgoal.Actor
	for _, m := range matches {
		if m.Name == v {
			named, found = append(named, AccountValue(m.Name, m.Username)), termgoal.Actor{AccountID: m.ID, Name: m.Name}
		}
	}
	switch len(named) {
	case 0:
		return termgoal.Actor{}, termgoal.Errorf(termgoal.EINVALID, "target.unknown_user", "no account has that username or name", "username", v)
	case 1:
		return found, nil
	}
	return termgoal.Actor{}, termgoal.Errorf(termgoal.EINVALID, "target.ambiguous", "several accounts bear that name: pick one",
		"name", v, "candidates", strings.Join(named, "、"))
}

// ResolvePerson reads the person a form names: a picker's value ("Name #id"), a name only one
// person bears, or an ID; 0 for empty.
func (s *Service) ResolvePerson(ctx context.Context, v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
		return id, nil
	}
	if m := personValue.FindStringSubmatch(v); m != nil {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		p, err := s.Store.Person(ctx, id)
		name := strings.TrimSpace(strings.TrimSuffix(v, m[0]))
		if termgoal.ErrorCode(err) == termgoal.ENOTFOUND || (err == nil && name != "" && name != p.Name) {
			return 0, termgoal.Errorf(termgoal.EINVALID, "person.unknown", "nobody in the register is called that", "name", v)
		}
		return id, err
	}
	matches, err := s.Store.SearchPeople(ctx, v, maxPicks)
	if err != nil {
		return 0, err
	}
	var named []string
	var found int64
	for _, m := range matches {
		if m.Name == v {
			label := PersonValue(m.Person)
			if m.OrgName != "" {
				label += "（" + m.OrgName + "）"
			}
			named, found = append(named, label), m.ID
		}
	}
	switch len(named) {
	case 0:
		return 0, termgoal.Errorf(termgoal.EINVALID, "person.unknown", "nobody in the register is called that", "name", v)
	case 1:
		return found, nil
	}
	return 0, termgoal.Errorf(termgoal.EINVALID, "person.ambiguous", "several people bear that name: pick one",
		"name", v, "candidates", strings.Join(named, "、"))
}
