package postgres

import (
	"context"

	"termgoal"
)

const orgCols = `o.id, o.parent_id, o.name, o.type, o.path`

func scanOrg(r scanner) (termgoal.Org, error) {
	var o termgoal.Org
	err := r.Scan(&o.ID, &o.ParentID, &o.Name, &o.Type, &o.Path)
	return o, err
}

// CreateOrg inserts o under its parent and sets o.ID and o.Path. The path is computed in the
// same statement as the ID, so no reader ever sees an org without its path; a missing parent
// fails the foreign key (EINVALID).
func (s *Store) CreateOrg(ctx context.Context, o *termgoal.Org) error {
	if err := validOrg(o); err != nil {
		return err
	}
	err := s.db.QueryRowContext(ctx, `
		INSERT INTO orgs (id, parent_id, name, type, path)
		SELECT n.id, $1::bigint, $2, $3, COALESCE(p.path, '/') || n.id || '/'
		FROM (SELECT nextval('orgs_id_seq') AS id) n LEFT JOIN orgs p ON p.id = $1
		RETURNING id, path`, o.ParentID, o.Name, o.Type).Scan(&o.ID, &o.Path)
	return mapError(err, "create org")
}

// validOrg checks what an org must have: a name and a known type.
func validOrg(o *termgoal.Org) error {
	switch {
	case o.Name == "":
		return invalid("org.name", "the organization needs a name")
	case !o.Type.Valid():
		return invalid("org.type", "the organization type must be one of village_community, township, agency, university, enterprise, other", "type", string(o.Type))
	}
	return nil
}

// ChildOrgs returns the orgs directly under org id, by name.
func (s *Store) ChildOrgs(ctx context.Context, id int64) ([]termgoal.Org, error) {
	return list(ctx, s.db, scanOrg, `SELECT `+orgCols+` FROM orgs o WHERE o.parent_id = $1 ORDER BY o.name, o.id`, id)
}

// Org returns one org.
func (s *Store) Org(ctx context.Context, id int64) (*termgoal.Org, error) {
	return get(ctx, s.db, scanOrg, "org", id, `SELECT `+orgCols+` FROM orgs o WHERE o.id = $1`, id)
}

// Orgs returns the subtree under underPath (the org itself included), ordered by path so a
// parent comes before its children. An empty path returns every org.
func (s *Store) Orgs(ctx context.Context, underPath string) ([]termgoal.Org, error) {
	return list(ctx, s.db, scanOrg, `SELECT `+orgCols+` FROM orgs o WHERE o.path LIKE $1 || '%' ORDER BY o.path`, underPath)
}

// UpdateOrg renames org o.ID and sets its type; its place in the tree does not change.
func (s *Store) UpdateOrg(ctx context.Context, o *termgoal.Org) error {
	if err := validOrg(o); err != nil {
		return err
	}
	err := s.db.QueryRowContext(ctx, `UPDATE orgs SET name = $2, type = $3 WHERE id = $1 RETURNING parent_id, path`, o.ID, o.Name, o.Type).
		Scan(&o.ParentID, &o.Path)
	return rowError(err, "org", o.ID)
}
