// Package storetest opens throwaway, migrated Starboard databases for tests: a SQLite file in a
// temporary folder, and a PostgreSQL schema of its own when STARBOARD_TEST_POSTGRES names a server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/starboard/starboard/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL server URL for tests.
const EnvPostgres = "STARBOARD_TEST_POSTGRES"

// Each runs fn as a subtest once per database: always on SQLite, and on PostgreSQL when
// STARBOARD_TEST_POSTGRES is set. With CI set and no URL the test fails instead of skipping.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh, migrated store of the given dialect, closed and removed when the test
// ends. For PostgreSQL it skips the test (or fails it under CI) when no server is configured.
func Open(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	return OpenWith(t, Options(t, d))
}

// OpenWith opens and migrates the database opt describes (from Options, perhaps changed), closed
// when the test ends.
func OpenWith(t testing.TB, opt store.Options) *store.Store {
	t.Helper()
	d := opt.Dialect
	ctx := context.Background()
	s, err := store.Open(ctx, opt)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return s
}

// Options returns store options for a new, empty database of the given dialect: a file in a
// temporary folder, or a PostgreSQL schema dropped when the test ends.
func Options(t testing.TB, d store.Dialect) store.Options {
	t.Helper()
	if d == store.SQLite {
		return store.Options{Dialect: store.SQLite, DSN: filepath.Join(t.TempDir(), "starboard.db")}
	}
	return store.Options{Dialect: store.Postgres, DSN: PostgresURL(t)}
}

// PostgresURL creates an empty schema on the test server and returns a URL whose connections use
// it. The schema is dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: under CI the PostgreSQL leg must run", EnvPostgres)
		}
		t.Skipf("PostgreSQL leg skipped: set %s=postgres://... to run it", EnvPostgres)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	schema := "sbt_" + rand.Text()[:16]
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("postgres: create schema (is %s right?): %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("postgres: %v", err)
			return
		}
		defer db.Close()
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("postgres: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres: %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
