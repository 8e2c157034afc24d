package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"termgoal"
)

// putPlanVersion records the change's plan version. A version's items never change once
// written; writing the version again (the workflow does when it comes into force) only
// updates its status. A version in force supersedes every older one of the term.
func putPlanVersion(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	v := c.PlanVersion
	if v == nil {
		return nil
	}
	termID := v.TermID
	if termID == 0 {
		termID = c.Process.TermID
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO plan_versions (term_id, version, step, status, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (term_id, version) DO UPDATE SET status = EXCLUDED.status`,
		termID, v.Version, v.Step, v.Status, v.Note, c.At)
	if err != nil {
		return err
	}
	for i, it := range v.Items {
		targets, err := json.Marshal(it.Targets)
		if err != nil {
			return fmt.Errorf("marshal targets: %w", err)
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO plan_items (term_id, version, pos, category, title, description, quantitative, unit, targets, weight, owner, evidence)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
			termID, v.Version, i, it.Category, it.Title, it.Description, it.Quantitative, it.Unit, targets, it.Weight, it.Owner, it.Evidence)
		if err != nil {
			return err
		}
	}
	if v.Status == "in_force" {
		_, err = tx.ExecContext(ctx, `UPDATE plan_versions SET status = 'superseded' WHERE term_id = $1 AND version < $2 AND status <> 'superseded'`,
			termID, v.Version)
	}
	return err
}

const planVersionCols = `term_id, version, step, status, note`

func scanPlanVersion(r scanner) (termgoal.PlanVersion, error) {
	var v termgoal.PlanVersion
	err := r.Scan(&v.TermID, &v.Version, &v.Step, &v.Status, &v.Note)
	return v, err
}

func scanPlanItem(r scanner) (termgoal.PlanItem, error) {
	var it termgoal.PlanItem
	err := r.Scan(&it.Category, &it.Title, &it.Description, &it.Quantitative, &it.Unit, jsonInto{&it.Targets},
		&it.Weight, &it.Owner, &it.Evidence)
	return it, err
}

// PlanVersions returns a term's plan versions with their items, newest first.
func (s *Store) PlanVersions(ctx context.Context, termID int64) ([]termgoal.PlanVersion, error) {
	vs, err := list(ctx, s.db, scanPlanVersion, `SELECT `+planVersionCols+` FROM plan_versions WHERE term_id = $1 ORDER BY version DESC`, termID)
	if err != nil {
		return nil, err
	}
	// One query per version: a term has a handful.
	for i := range vs {
		if err := s.loadItems(ctx, &vs[i]); err != nil {
			return nil, err
		}
	}
	return vs, nil
}

// PlanVersion returns one plan version with its items.
func (s *Store) PlanVersion(ctx context.Context, termID int64, version int) (*termgoal.PlanVersion, error) {
	v, err := get(ctx, s.db, scanPlanVersion, "plan_version", fmt.Sprintf("%d/%d", termID, version),
		`SELECT `+planVersionCols+` FROM plan_versions WHERE term_id = $1 AND version = $2`, termID, version)
	if err != nil {
		return nil, err
	}
	return v, s.loadItems(ctx, v)
}

func (s *Store) loadItems(ctx context.Context, v *termgoal.PlanVersion) error {
	items, err := list(ctx, s.db, scanPlanItem, `
		SELECT category, title, description, quantitative, unit, targets, weight, owner, evidence
		FROM plan_items WHERE term_id = $1 AND version = $2 ORDER BY pos`, v.TermID, v.Version)
	v.Items = items
	return err
}
