// Package postgrestest gives each test its own freshly migrated PostgreSQL database.
//
// The databases are cloned by pgtestdb from a template migrated once per set of migration
// files, so a test costs one CREATE DATABASE … TEMPLATE, not a full migration.
package postgrestest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/peterldowns/pgtestdb"

	"termgoal/devenv"
	"termgoal/postgres"
)

// migrator migrates pgtestdb's template database with the store's embedded migrations.
type migrator struct{}

// Hash names the template: adding, renaming or editing a migration makes a new one.
func (migrator) Hash() (string, error) {
	files := postgres.MigrationFiles()
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, name := range names {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	return postgres.Migrate(ctx, db)
}

// server finds the test server once per test binary.
var server struct {
	once sync.Once
	conf pgtestdb.Config
	stop func()
	err  error
}

func config() (pgtestdb.Config, error) {
	server.once.Do(func() {
		base, stop, err := devenv.PostgresForTests(context.Background())
		if err != nil {
			server.err = fmt.Errorf("postgres for tests: %w", err)
			return
		}
		server.stop = stop
		server.conf, server.err = parse(base)
	})
	return server.conf, server.err
}

func parse(base string) (pgtestdb.Config, error) {
	u, err := url.Parse(base)
	if err != nil {
		return pgtestdb.Config{}, fmt.Errorf("test database URL: %w", err)
	}
	pass, _ := u.User.Password()
	conf := pgtestdb.Config{
		DriverName: "postgres",
		Host:       u.Hostname(),
		Port:       u.Port(),
		User:       u.User.Username(),
		Password:   pass,
		Database:   u.Path[min(1, len(u.Path)):],
		Options:    strings.TrimPrefix(u.RawQuery+"&binary_parameters=yes", "&"),
		// A test that leaves a connection open (an abandoned query) must not keep its
		// database from being dropped.
		ForceTerminateConnections: true,
	}
	if conf.Port == "" {
		conf.Port = "5432"
	}
	if conf.Database == "" {
		conf.Database = "postgres"
	}
	return conf, nil
}

// New returns a store on a new database holding the current schema and no rows. The database is
// dropped when the test passes and kept for inspection when it fails (its URL is logged).
func New(t testing.TB) *postgres.Store {
	t.Helper()
	conf, err := config()
	if err != nil {
		t.Fatal(err)
	}
	return postgres.New(pgtestdb.New(t, conf, migrator{}))
}

// Main runs the tests of a package and then releases the test server (a private cluster is
// stopped by the last test binary using it). Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if server.stop != nil {
		server.stop()
	}
	os.Exit(code)
}
