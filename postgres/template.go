package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"termgoal"
)

// A template row keeps ID, name, version and org type in columns and everything else in
// config, so adding a setting to termgoal.Template needs no migration.

func scanTemplate(r scanner) (termgoal.Template, error) {
	var t termgoal.Template
	var id int64
	var name, orgType string
	var version int
	var config []byte
	if err := r.Scan(&id, &name, &orgType, &version, &config); err != nil {
		return t, err
	}
	if err := json.Unmarshal(config, &t); err != nil {
		return t, fmt.Errorf("template %d config: %w", id, err)
	}
	t.ID, t.Name, t.OrgType, t.Version = id, name, termgoal.OrgType(orgType), version
	return t, nil
}

const templateCols = `id, name, org_type, version, config`

// templateConfig is the config column: the template minus what has a column of its own.
func templateConfig(t termgoal.Template) (string, error) {
	t.ID, t.Name, t.OrgType, t.Version = 0, "", "", 0
	b, err := json.Marshal(t)
	return string(b), err
}

// CreateTemplate validates and inserts t as version 1, setting t.ID and t.Version.
func (s *Store) CreateTemplate(ctx context.Context, t *termgoal.Template) error {
	if err := t.Validate(); err != nil {
		return err
	}
	config, err := templateConfig(*t)
	if err != nil {
		return err
	}
	err = s.db.QueryRowContext(ctx, `INSERT INTO templates (name, org_type, version, config) VALUES ($1, $2, 1, $3) RETURNING id, version`,
		t.Name, t.OrgType, config).Scan(&t.ID, &t.Version)
	return mapError(err, "create template")
}

// UpdateTemplate validates and saves t as the next version, setting t.Version. Running
// processes keep the snapshot they took when they started.
func (s *Store) UpdateTemplate(ctx context.Context, t *termgoal.Template) error {
	if err := t.Validate(); err != nil {
		return err
	}
	config, err := templateConfig(*t)
	if err != nil {
		return err
	}
	err = s.db.QueryRowContext(ctx, `
		UPDATE templates SET name = $2, org_type = $3, config = $4, version = version + 1, updated_at = now()
		WHERE id = $1 RETURNING version`, t.ID, t.Name, t.OrgType, config).Scan(&t.Version)
	return rowError(err, "template", t.ID)
}

// Template returns one template.
func (s *Store) Template(ctx context.Context, id int64) (*termgoal.Template, error) {
	return get(ctx, s.db, scanTemplate, "template", id, `SELECT `+templateCols+` FROM templates WHERE id = $1`, id)
}

// Templates returns every template by name.
func (s *Store) Templates(ctx context.Context) ([]termgoal.Template, error) {
	return list(ctx, s.db, scanTemplate, `SELECT `+templateCols+` FROM templates ORDER BY name, id`)
}

// scanFunc is a scanner from a function: a scan of a few more columns than another scan reads.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// TemplateVersion is one saved version of a template and when it was saved.
type TemplateVersion struct {
	termgoal.Template
	SavedAt time.Time `json:"saved_at"`
}

// TemplateVersions lists every saved version of template id, newest first (migration 00015
// keeps them). An unknown template is not found.
func (s *Store) TemplateVersions(ctx context.Context, id int64) ([]TemplateVersion, error) {
	vs, err := list(ctx, s.db, func(r scanner) (TemplateVersion, error) {
		var v TemplateVersion
		var at time.Time
		t, err := scanTemplate(scanFunc(func(dest ...any) error { return r.Scan(append(dest, &at)...) }))
		v.Template, v.SavedAt = t, at
		return v, err
	}, `SELECT `+templateCols+`, saved_at FROM (SELECT template_id AS id, name, org_type, version, config, saved_at
		FROM template_versions WHERE template_id = $1) v ORDER BY version DESC`, id)
	if err == nil && len(vs) == 0 {
		return nil, notFound("template", id)
	}
	return vs, err
}

// TemplateAt returns version v of template id as it was saved.
func (s *Store) TemplateAt(ctx context.Context, id int64, v int) (*termgoal.Template, error) {
	return get(ctx, s.db, scanTemplate, "template version", fmt.Sprintf("%d/%d", id, v), `
		SELECT template_id, name, org_type, version, config FROM template_versions WHERE template_id = $1 AND version = $2`, id, v)
}
