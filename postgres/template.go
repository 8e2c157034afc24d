package postgres

import (
	"context"
	"encoding/json"
	"fmt"

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
