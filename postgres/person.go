package postgres

import (
	"context"

	"termgoal"
)

func scanPerson(r scanner) (termgoal.Person, error) {
	var p termgoal.Person
	err := r.Scan(&p.ID, &p.Name, &p.Gender, optDate{&p.BirthDate}, &p.NonParty)
	return p, err
}

// CreatePerson inserts p and sets p.ID.
func (s *Store) CreatePerson(ctx context.Context, p *termgoal.Person) error {
	if p.Name == "" {
		return invalid("person.name", "the person needs a name")
	}
	err := s.db.QueryRowContext(ctx, `INSERT INTO people (name, gender, birth_date, non_party) VALUES ($1, $2, $3, $4) RETURNING id`,
		p.Name, p.Gender, optDateArg(p.BirthDate), p.NonParty).Scan(&p.ID)
	return mapError(err, "create person")
}

// Person returns one person.
func (s *Store) Person(ctx context.Context, id int64) (*termgoal.Person, error) {
	return get(ctx, s.db, scanPerson, "person", id, `SELECT id, name, gender, birth_date, non_party FROM people WHERE id = $1`, id)
}

// People returns a page of people by name, and how many there are.
func (s *Store) People(ctx context.Context, limit, offset int) ([]termgoal.Person, int, error) {
	return page(ctx, s.db, scanPerson, `id, name, gender, birth_date, non_party`, `people`, `name, id`, limit, offset)
}

func scanPost(r scanner) (termgoal.Post, error) {
	var p termgoal.Post
	err := r.Scan(&p.ID, &p.OrgID, &p.Title, &p.Rank, &p.Principal, &p.Specialist, &p.Congress)
	return p, err
}

// CreatePost inserts p and sets p.ID.
func (s *Store) CreatePost(ctx context.Context, p *termgoal.Post) error {
	if p.Title == "" {
		return invalid("post.title", "the post needs a title")
	}
	err := s.db.QueryRowContext(ctx, `INSERT INTO posts (org_id, title, rank, principal, specialist, congress)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, p.OrgID, p.Title, p.Rank, p.Principal, p.Specialist, p.Congress).Scan(&p.ID)
	return mapError(err, "create post")
}

// Posts returns the posts of an org.
func (s *Store) Posts(ctx context.Context, orgID int64) ([]termgoal.Post, error) {
	return list(ctx, s.db, scanPost, `SELECT id, org_id, title, rank, principal, specialist, congress FROM posts WHERE org_id = $1 ORDER BY id`, orgID)
}

// UpdatePerson sets person p.ID's name, gender, birth date and whether a non-party cadre.
func (s *Store) UpdatePerson(ctx context.Context, p *termgoal.Person) error {
	if p.Name == "" {
		return invalid("person.name", "the person needs a name")
	}
	res, err := s.db.ExecContext(ctx, `UPDATE people SET name = $2, gender = $3, birth_date = $4, non_party = $5 WHERE id = $1`,
		p.ID, p.Name, p.Gender, optDateArg(p.BirthDate), p.NonParty)
	if err != nil {
		return mapError(err, "update person")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("person", p.ID)
	}
	return nil
}

// UpdatePost sets post p.ID's title, rank and the facts the term rules read; the post stays in
// its org.
func (s *Store) UpdatePost(ctx context.Context, p *termgoal.Post) error {
	if p.Title == "" {
		return invalid("post.title", "the post needs a title")
	}
	err := s.db.QueryRowContext(ctx, `UPDATE posts SET title = $2, rank = $3, principal = $4, specialist = $5, congress = $6
		WHERE id = $1 RETURNING org_id`, p.ID, p.Title, p.Rank, p.Principal, p.Specialist, p.Congress).Scan(&p.OrgID)
	return rowError(err, "post", p.ID)
}

// Post returns one post.
func (s *Store) Post(ctx context.Context, id int64) (*termgoal.Post, error) {
	return get(ctx, s.db, scanPost, "post", id, `SELECT id, org_id, title, rank, principal, specialist, congress FROM posts WHERE id = $1`, id)
}
