// Package postgres is termgoal's one store: raw SQL on lib/pq, goose migrations embedded in the
// binary, and PostgreSQL errors mapped to *termgoal.Error codes.
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"termgoal"
)

//go:embed migrations/*.sql
var migrations embed.FS

// MigrationFiles returns the embedded migrations, rooted at their folder (for hashing in tests).
func MigrationFiles() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the folder is embedded at build time
	}
	return sub
}

// Store is the PostgreSQL store.
type Store struct {
	db *sql.DB
}

// Open connects to url, checks the connection and returns the store. Its connections send
// parameters in binary (lib/pq's binary_parameters), which makes a statement with parameters
// one round trip instead of two (a prepare, then the execution): the read-model write of an
// action runs about a dozen of them. JSON therefore goes to jsonb columns as text, never as a
// []byte, which would be taken for binary jsonb.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pq.NewConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	cfg.BinaryParameters = true
	conn, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := sql.OpenDB(conn)
	limitPool(db)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close() // the ping's error is the one to report
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &Store{db: db}, nil
}

// New wraps an open database, e.g. one a test helper created, with the same pool limits.
func New(db *sql.DB) *Store {
	limitPool(db)
	return &Store{db: db}
}

// limitPool bounds the connections one process holds: a burst of requests waits for a free
// connection rather than taking the server's last ones (tests share one server).
func limitPool(db *sql.DB) {
	db.SetMaxOpenConns(20)
	// Enough kept open for the dashboard's seven statements at once (dashboard.go) without
	// opening connections for each request.
	db.SetMaxIdleConns(8)
	// Recycle connections so a failover or a pgbouncer restart is picked up without a restart.
	db.SetConnMaxLifetime(30 * time.Minute)
}

// DB returns the underlying pool.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Migrate applies the embedded migrations that db lacks. A session lock serializes several
// processes migrating at once (every replica runs migrate on start).
func Migrate(ctx context.Context, db *sql.DB) error {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, MigrationFiles(), goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// constraintKeys names the message of the constraints a user can run into, so the API can say
// which rule was broken; other constraints get a generic key.
var constraintKeys = map[string]string{
	"accounts_username_key":      "account.username_taken",
	"orgs_parent_id_fkey":        "org.parent_unknown",
	"terms_org_id_fkey":          "term.org_unknown",
	"terms_person_id_fkey":       "term.person_unknown",
	"terms_post_id_fkey":         "term.post_unknown",
	"terms_template_id_fkey":     "term.template_unknown",
	"posts_org_id_fkey":          "post.org_unknown",
	"grants_org_id_fkey":         "grant.org_unknown",
	"grants_account_id_fkey":     "grant.account_unknown",
	"accounts_person_id_fkey":    "account.person_unknown",
	"api_tokens_account_id_fkey": "token.account_unknown",
	"campaigns_org_id_fkey":      "campaign.org_unknown",
}

// mapError turns constraint violations into domain errors and wraps everything else.
func mapError(err error, op string) error {
	if err == nil {
		return nil
	}
	var te *termgoal.Error
	if errors.As(err, &te) {
		return err
	}
	pe := pq.As(err)
	if pe == nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	code, key, msg := "", "", ""
	switch pe.Code {
	case pqerror.UniqueViolation:
		code, key, msg = termgoal.ECONFLICT, "db.duplicate", "the record already exists"
	case pqerror.ForeignKeyViolation:
		code, key, msg = termgoal.EINVALID, "db.reference", "a referenced record does not exist"
	case pqerror.CheckViolation, pqerror.NotNullViolation:
		code, key, msg = termgoal.EINVALID, "db.invalid", "a value is missing or invalid"
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
	if k, ok := constraintKeys[pe.Constraint]; ok {
		key = k
	}
	return termgoal.Errorf(code, key, fmt.Sprintf("%s: %s (%s)", op, msg, pe.Constraint), "constraint", pe.Constraint)
}

// notFound is the error for a missing what (e.g. "term") with the given id ("" to name none,
// as for a secret).
func notFound(what string, id any) error {
	if id == "" {
		return termgoal.Errorf(termgoal.ENOTFOUND, what+".not_found", what+" not found")
	}
	return termgoal.Errorf(termgoal.ENOTFOUND, what+".not_found", fmt.Sprintf("%s %v not found", what, id), "id", id)
}

// invalid is a validation error found before touching the database.
func invalid(key, msg string, kv ...any) error {
	return termgoal.Errorf(termgoal.EINVALID, key, msg, kv...)
}

// querier is what both *sql.DB and *sql.Tx offer, so the helpers run inside a transaction too.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// get runs a one-row query; no row becomes notFound(what, id).
func get[T any](ctx context.Context, q querier, scan func(scanner) (T, error), what string, id any, query string, args ...any) (*T, error) {
	v, err := scan(q.QueryRowContext(ctx, query, args...))
	if err != nil {
		return nil, rowError(err, what, id)
	}
	return &v, nil
}

// rowError maps the error of a one-row statement on what: no row is notFound(what, id).
func rowError(err error, what string, id any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(what, id)
	}
	return mapError(err, what)
}

// list runs a query and scans every row.
func list[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rows: %w", err)
	}
	return out, nil
}

// each runs a query and hands every row to fn as it is read, for exports too long to hold:
// the rows stream from the server, never gathered in a slice. An error from fn stops it.
func each[T any](ctx context.Context, q querier, scan func(scanner) (T, error), fn func(T) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rows: %w", err)
	}
	return nil
}

// page lists one page of "SELECT cols FROM from ORDER BY order" and counts all its rows. The
// SQL fragments are constants of this package; only args carry input. A limit <= 0 means all.
func page[T any](ctx context.Context, q querier, scan func(scanner) (T, error), cols, from, order string, limit, offset int, args ...any) ([]T, int, error) {
	var total int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM "+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count: %w", err)
	}
	n := len(args)
	query := fmt.Sprintf("SELECT %s FROM %s ORDER BY %s LIMIT $%d OFFSET $%d", cols, from, order, n+1, n+2)
	items, err := list(ctx, q, scan, query, append(args, nullIfZero(int64(max(limit, 0))), max(offset, 0))...)
	return items, total, err
}

// inTx runs fn in a transaction, committed when fn returns nil.
func (s *Store) inTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", op, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // fn's error is the one to report
		return mapError(err, op)
	}
	if err := tx.Commit(); err != nil {
		return mapError(err, op+": commit")
	}
	return nil
}

// nullIfZero stores 0 as NULL, for optional references kept as plain int64 in the domain.
func nullIfZero(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// civil returns t's calendar date at UTC midnight, the form every date of the domain takes.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dateArg passes t's calendar date as text, so the date stored is the one the caller sees in
// t's own location (a time.Time parameter would carry a zone the server might convert).
func dateArg(t time.Time) driver.Value { return t.Format(time.DateOnly) }

// optDateArg is dateArg for an optional date.
func optDateArg(t *time.Time) driver.Value {
	if t == nil {
		return nil
	}
	return dateArg(*t)
}

// date scans a date column into a time.Time at UTC midnight; lib/pq gives dates a nameless
// zero-offset zone, which is not == to time.UTC and would leak into comparisons.
type date struct{ t *time.Time }

func (d date) Scan(src any) error {
	t, ok := src.(time.Time)
	if !ok {
		return fmt.Errorf("date: cannot scan %T", src)
	}
	*d.t = civil(t)
	return nil
}

// optDate scans a nullable date column.
type optDate struct{ t **time.Time }

func (d optDate) Scan(src any) error {
	if src == nil {
		*d.t = nil
		return nil
	}
	var t time.Time
	if err := (date{&t}).Scan(src); err != nil {
		return err
	}
	*d.t = &t
	return nil
}
