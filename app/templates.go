package app

// Templates (A5): any signed-in account reads them, an administrator of a root org writes
// them. Each save makes a new version (every version is kept, Store.TemplateVersions); running
// processes keep the snapshot they took when they started.

import (
	"context"

	"termgoal"
	"termgoal/postgres"
)

// SaveTemplate creates t (t.ID 0) or saves it as its template's next version, setting t.ID and
// t.Version, and audits it. Only an administrator of a root org may.
func (s *Service) SaveTemplate(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, t *termgoal.Template) error {
	if !IsRootAdmin(acc) {
		return ErrForbidden()
	}
	if t.OrgType != "" && !t.OrgType.Valid() {
		return termgoal.Errorf(termgoal.EINVALID, "org.type", "the organization type must be one of village_community, township, agency, university, enterprise, other")
	}
	if t.Appraisal != nil && t.Appraisal.TermEndMonths == 0 { // not given: the org type's default
		t.Appraisal.TermEndMonths = termgoal.TermEndMonthsFor(t.OrgType)
	}
	for step := range t.StepDays {
		if termgoal.StepRole[step] == "" {
			return termgoal.Errorf(termgoal.EINVALID, "template.step_unknown", "unknown step "+string(step), "step", string(step))
		}
	}
	if t.ID == 0 {
		if err := s.Store.CreateTemplate(ctx, t); err != nil {
			return err
		}
		return s.Audit(ctx, actor, termgoal.Audit{Action: "template_created", Detail: map[string]any{"template_id": t.ID, "name": t.Name}})
	}
	if err := s.Store.UpdateTemplate(ctx, t); err != nil {
		return err
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: "template_updated", Detail: map[string]any{"template_id": t.ID, "version": t.Version}})
}

// TemplateComparison is two versions of a template and what differs between them.
type TemplateComparison struct {
	From    *termgoal.Template     `json:"from"`
	To      *termgoal.Template     `json:"to"`
	Changes []termgoal.FieldChange `json:"changes"`
}

// CompareTemplateVersions compares versions from and to of template id; 0 for to is the
// current version, 0 for from the one before to.
func (s *Service) CompareTemplateVersions(ctx context.Context, id int64, from, to int) (*TemplateComparison, error) {
	if to == 0 {
		t, err := s.Store.Template(ctx, id)
		if err != nil {
			return nil, err
		}
		to = t.Version
	}
	if from == 0 {
		from = max(to-1, 1)
	}
	a, err := s.Store.TemplateAt(ctx, id, from)
	if err != nil {
		return nil, err
	}
	b, err := s.Store.TemplateAt(ctx, id, to)
	if err != nil {
		return nil, err
	}
	c := termgoal.CompareTemplates(*a, *b)
	if c == nil {
		c = []termgoal.FieldChange{}
	}
	return &TemplateComparison{From: a, To: b, Changes: c}, nil
}

// TemplateVersions lists the saved versions of template id, newest first.
func (s *Service) TemplateVersions(ctx context.Context, id int64) ([]postgres.TemplateVersion, error) {
	return s.Store.TemplateVersions(ctx, id)
}
