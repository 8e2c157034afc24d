package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"termgoal"
)

// putPlanVersion records the change's plan version. A version's items never change once
// written; writing the version again (the workflow does when it comes into force) only
// updates its status. A version in force supersedes every older one of the term: the one in
// force until now is in force until the change, and the new one from it. Writing the same
// version in force again keeps the moment it first came into force, and a version already
// superseded keeps its end, so a change applied twice (or a repeated one) moves no period.
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
		INSERT INTO plan_versions (term_id, version, step, status, note, created_at, in_force_from)
		VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $4 = 'in_force' THEN $6::timestamptz END)
		ON CONFLICT (term_id, version) DO UPDATE SET status = EXCLUDED.status,
			in_force_from = COALESCE(plan_versions.in_force_from, EXCLUDED.in_force_from)`,
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
			termID, v.Version, i, it.Category, it.Title, it.Description, it.Quantitative, it.Unit, string(targets), it.Weight, it.Owner, it.Evidence)
		if err != nil {
			return err
		}
	}
	if v.Status == "in_force" {
		// Only a version that was in force gets an end; drafts never in force just close.
		// GREATEST keeps the period well formed should a change ever carry an earlier time.
		_, err = tx.ExecContext(ctx, `
			UPDATE plan_versions SET status = 'superseded',
				in_force_until = CASE WHEN in_force_from IS NOT NULL THEN COALESCE(in_force_until, GREATEST($3, in_force_from)) END
			WHERE term_id = $1 AND version < $2 AND status <> 'superseded'`,
			termID, v.Version, c.At)
	}
	return err
}

const planVersionCols = `term_id, version, step, status, note, in_force_from, in_force_until`

func scanPlanVersion(r scanner) (termgoal.PlanVersion, error) {
	var v termgoal.PlanVersion
	var from, until sql.NullTime
	err := r.Scan(&v.TermID, &v.Version, &v.Step, &v.Status, &v.Note, &from, &until)
	v.InForceFrom, v.InForceUntil = optTime(from), optTime(until)
	return v, err
}

// optTime is a nullable timestamptz as an optional time, in UTC.
func optTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
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

// PlanInForce returns the version of a term's plan in force at the moment at, with its items:
// the one whose [in_force_from, in_force_until) holds at. Before the goals came into force
// (or for an unknown term) it is ENOTFOUND.
func (s *Store) PlanInForce(ctx context.Context, termID int64, at time.Time) (*termgoal.PlanVersion, error) {
	v, err := scanPlanVersion(s.db.QueryRowContext(ctx, `
		SELECT `+planVersionCols+` FROM plan_versions
		WHERE term_id = $1 AND in_force_from <= $2 AND (in_force_until IS NULL OR in_force_until > $2)
		ORDER BY in_force_from DESC, version DESC LIMIT 1`, termID, at))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, termgoal.Errorf(termgoal.ENOTFOUND, "plan.not_in_force",
			fmt.Sprintf("term %d has no plan in force at %s", termID, at.Format(time.RFC3339)), "id", termID)
	}
	if err != nil {
		return nil, mapError(err, "plan in force")
	}
	return &v, s.loadItems(ctx, &v)
}

func (s *Store) loadItems(ctx context.Context, v *termgoal.PlanVersion) error {
	items, err := list(ctx, s.db, scanPlanItem, `
		SELECT category, title, description, quantitative, unit, targets, weight, owner, evidence
		FROM plan_items WHERE term_id = $1 AND version = $2 ORDER BY pos`, v.TermID, v.Version)
	v.Items = items
	return err
}

// PlanRow is one item of a plan in force, with its term: a row of the plans export.
type PlanRow struct {
	Term    termgoal.Term // ID, OrgName, HolderName, Start and End
	Version int
	No      int // the item's place in its plan, from 1
	Item    termgoal.PlanItem
}

// plansInForce selects the items of the plans in force of the terms under the org path $1.
const plansInForce = `plan_versions v JOIN terms t ON t.id = v.term_id JOIN orgs o ON o.id = t.org_id
	LEFT JOIN people p ON p.id = t.person_id
	JOIN plan_items i ON i.term_id = v.term_id AND i.version = v.version
	WHERE v.status = 'in_force' AND o.path LIKE $1 || '%'`

// PlanYears answers the first and last calendar year of the terms whose plans in force
// EachPlanInForce hands over (0, 0 for none): the columns of their targets.
func (s *Store) PlanYears(ctx context.Context, orgPath string) (first, last int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(min(extract(year FROM t.start_on)), 0)::int,
		COALESCE(max(extract(year FROM t.end_on)), 0)::int FROM `+plansInForce, orgPath).Scan(&first, &last)
	return first, last, mapError(err, "plan years")
}

// EachPlanInForce hands every item of the plans in force of the terms under orgPath to fn, by
// org, term and item, as the rows arrive (the plans export).
func (s *Store) EachPlanInForce(ctx context.Context, orgPath string, fn func(PlanRow) error) error {
	return each(ctx, s.db, func(r scanner) (PlanRow, error) {
		var row PlanRow
		it := &row.Item
		err := r.Scan(&row.Term.ID, &row.Term.OrgName, &row.Term.HolderName, date{&row.Term.Start}, date{&row.Term.End},
			&row.Version, &row.No, &it.Category, &it.Title, &it.Description, &it.Quantitative, &it.Unit, jsonInto{&it.Targets},
			&it.Weight, &it.Owner, &it.Evidence)
		return row, err
	}, fn, `SELECT t.id, o.name, COALESCE(p.name, o.name), t.start_on, t.end_on, v.version,
			row_number() OVER (PARTITION BY v.term_id ORDER BY i.pos)::int,
			i.category, i.title, i.description, i.quantitative, i.unit, i.targets, i.weight, i.owner, i.evidence
		FROM `+plansInForce+` ORDER BY o.path, t.id, i.pos`, orgPath)
}
