package app

// Setting up the organization (A7 by hand): orgs, posts, people and terms, each created by an
// administrator of the org concerned, validated and audited. The JSON API and the org pages
// call them.

import (
	"context"
	"strings"
	"time"

	"termgoal"
)

// AdminOfReferenced checks that acc administers org id, which a request names: an unknown org
// is the request's fault (unknownKey).
func (s *Service) AdminOfReferenced(ctx context.Context, acc *termgoal.Account, id int64, unknownKey string) (*termgoal.Org, error) {
	o, err := s.Store.Org(ctx, id)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		return nil, termgoal.Errorf(termgoal.EINVALID, unknownKey, "the organization does not exist")
	}
	if err != nil {
		return nil, err
	}
	if !IsAdmin(acc, o.Path) {
		return nil, ErrForbidden()
	}
	return o, nil
}

// CreateOrg adds o under a parent acc administers; a root org needs an administrator of a root
// org. It sets o.ID and o.Path.
func (s *Service) CreateOrg(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, o *termgoal.Org) error {
	o.ID, o.Name = 0, strings.TrimSpace(o.Name)
	if o.ParentID == nil {
		if !IsRootAdmin(acc) {
			return ErrForbidden()
		}
	} else if _, err := s.AdminOfReferenced(ctx, acc, *o.ParentID, "org.parent_unknown"); err != nil {
		return err
	}
	if err := s.Store.CreateOrg(ctx, o); err != nil { // which checks the name and the type
		return err
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: "org_created", Detail: map[string]any{"org_id": o.ID, "name": o.Name, "type": o.Type, "parent_id": o.ParentID}})
}

// CreatePost adds p to an org acc administers and sets p.ID.
func (s *Service) CreatePost(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, p *termgoal.Post) error {
	if _, err := s.AdminOfReferenced(ctx, acc, p.OrgID, "post.org_unknown"); err != nil {
		return err
	}
	p.ID, p.Title = 0, strings.TrimSpace(p.Title)
	if p.Title == "" {
		return termgoal.Errorf(termgoal.EINVALID, "post.title", "the post needs a title")
	}
	if err := s.Store.CreatePost(ctx, p); err != nil {
		return err
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: "post_created", Detail: map[string]any{"post_id": p.ID, "org_id": p.OrgID, "title": p.Title}})
}

// EditPost changes post p.ID's title, rank and the facts the term rules read (specialist,
// people's congress or political consultative), for an administrator of its org; the post
// stays in its org.
func (s *Service) EditPost(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, p *termgoal.Post) error {
	old, err := s.Store.Post(ctx, p.ID)
	if err != nil {
		return err
	}
	if err := s.adminOf(ctx, acc, old.OrgID); err != nil {
		return err
	}
	if p.Title = strings.TrimSpace(p.Title); p.Title == "" {
		return termgoal.Errorf(termgoal.EINVALID, "post.title", "the post needs a title")
	}
	if err := s.Store.UpdatePost(ctx, p); err != nil {
		return err
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: "post_updated", Detail: map[string]any{"post_id": p.ID, "org_id": p.OrgID, "title": p.Title,
		"specialist": p.Specialist, "congress": p.Congress}})
}

// CreatePerson adds p (any administrator may: a person belongs to no org until a term names
// them) and sets p.ID.
func (s *Service) CreatePerson(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, p *termgoal.Person) error {
	if !IsAnyAdmin(acc) {
		return ErrForbidden()
	}
	p.ID = 0
	if err := checkPerson(p); err != nil {
		return err
	}
	if err := s.Store.CreatePerson(ctx, p); err != nil {
		return err
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: "person_created", Detail: map[string]any{"person_id": p.ID}})
}

// checkPerson trims p's name and checks it and the gender.
func checkPerson(p *termgoal.Person) error {
	p.Name = strings.TrimSpace(p.Name)
	switch {
	case p.Name == "":
		return termgoal.Errorf(termgoal.EINVALID, "person.name", "the person needs a name")
	case p.Gender != "" && p.Gender != "male" && p.Gender != "female":
		return termgoal.Errorf(termgoal.EINVALID, "person.gender", "gender must be male or female")
	}
	return nil
}

// RegisterTerm registers t in an org acc administers and sets t.ID.
func (s *Service) RegisterTerm(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, t *termgoal.Term) error {
	t.ID, t.ProcessID, t.Status, t.OrgName, t.HolderName = 0, "", "", "", ""
	if err := t.Validate(); err != nil {
		return err
	}
	if _, err := s.AdminOfReferenced(ctx, acc, t.OrgID, "term.org_unknown"); err != nil {
		return err
	}
	if err := s.Store.CreateTerm(ctx, t); err != nil {
		return err
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: "term_created", TermID: t.ID, Detail: map[string]any{"org_id": t.OrgID, "template_id": t.TemplateID}})
}

// EditOrg renames org o.ID or changes its type, for an administrator of it; where it stands in
// the tree does not change.
func (s *Service) EditOrg(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, o *termgoal.Org) error {
	old, err := s.Store.Org(ctx, o.ID)
	if err != nil {
		return err
	}
	if !IsAdmin(acc, old.Path) {
		return ErrForbidden()
	}
	o.Name = strings.TrimSpace(o.Name)
	if err := s.Store.UpdateOrg(ctx, o); err != nil {
		return err
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: "org_updated", Detail: map[string]any{"org_id": o.ID,
		"name": o.Name, "type": o.Type, "was_name": old.Name, "was_type": old.Type}})
}

// EditPerson changes person p.ID's name, gender and birth date (any administrator, as for
// CreatePerson).
func (s *Service) EditPerson(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, p *termgoal.Person) error {
	if !IsAnyAdmin(acc) {
		return ErrForbidden()
	}
	if err := checkPerson(p); err != nil {
		return err
	}
	if err := s.Store.UpdatePerson(ctx, p); err != nil {
		return err
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: "person_updated", Detail: map[string]any{"person_id": p.ID}})
}

// EditTerm changes what term t.ID records, for an administrator of its org, until its goal
// setting starts; the org stays.
func (s *Service) EditTerm(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, t *termgoal.Term) error {
	old, err := s.Store.Term(ctx, t.ID)
	if err != nil {
		return err
	}
	path, err := s.OrgPath(ctx, old.OrgID)
	if err != nil {
		return err
	}
	if !IsAdmin(acc, path) {
		return ErrForbidden()
	}
	t.OrgID = old.OrgID
	if err := s.Store.UpdateTerm(ctx, t); err != nil {
		return err
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: "term_updated", TermID: t.ID, Detail: map[string]any{"start": t.Start.Format(time.DateOnly),
		"end": t.End.Format(time.DateOnly), "template_id": t.TemplateID, "was_start": old.Start.Format(time.DateOnly), "was_end": old.End.Format(time.DateOnly)}})
}
