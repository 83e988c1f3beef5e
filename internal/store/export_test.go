package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// SetIdempotencyKeyTime backdates a stored idempotency key, for tests of its expiry.
func (s *Store) SetIdempotencyKeyTime(ctx context.Context, userID int64, key string, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE idempotency_keys SET created_at = $1 WHERE user_id = $2 AND key = $3`,
		at.UTC(), userID, key)
	return err
}

// QueryPool runs a query of one value on the store's read pool, for tests of the pool itself.
func (s *Store) QueryPool(ctx context.Context, query string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, query).Scan(&v)
	return v, err
}

// Tables returns every table of the schema with its column names, for the test that both
// dialects' migrations make the same schema.
func (s *Store) Tables(ctx context.Context) (map[string][]string, error) { return s.tables(ctx) }

// MigrateTo applies the migrations up to and including version, for tests that build a database
// as an older release left it.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	p, err := s.migrator(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// QueryWriter runs a query of one value on the writer connection, for tests of its state.
func (s *Store) QueryWriter(ctx context.Context, query string) (string, error) {
	var v string
	err := s.w.QueryRowContext(ctx, query).Scan(&v)
	return v, err
}

// TableChecksums returns Checksums's sums of the named tables only, for a database migrated to
// an older version that lacks some of today's tables.
func (s *Store) TableChecksums(ctx context.Context, names ...string) (map[string]string, error) {
	out := map[string]string{}
	have, err := s.tables(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range copyTables {
		if !slices.Contains(names, t.name) {
			continue
		}
		// A database at an older schema version lacks the columns added since.
		t.columns = slices.DeleteFunc(slices.Clone(t.columns), func(c column) bool { return !slices.Contains(have[t.name], c.name) })
		n, sum, err := s.checksum(ctx, s.r, t, func(int64) {})
		if err != nil {
			return nil, err
		}
		out[t.name] = fmt.Sprintf("%d rows, %s", n, sum)
	}
	return out, nil
}

// EndSessions voids every session of a member, for tests of the session version, by moving their session version on; the sessions
// are refused at their next request.
func (s *Store) EndSessions(ctx context.Context, userID int64) error {
	return wrap("end sessions", s.tx(ctx, func(tx *sql.Tx) error {
		return expectOne(tx.ExecContext(ctx,
			`UPDATE users SET session_version = session_version + 1, updated_at = $1 WHERE id = $2`, now(), userID))
	}))
}

// DeleteUser deletes an account outright, for tests of what outlives it (no feature deletes
// accounts yet).
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	return wrap("delete user", s.tx(ctx, func(tx *sql.Tx) error {
		return expectOne(tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, id))
	}))
}

// Analyze has PostgreSQL gather the planner's statistics, as autovacuum does some time after a
// bulk load, for benchmarks that measure the plans a running site gets. SQLite needs none.
func (s *Store) Analyze(ctx context.Context) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := s.w.ExecContext(ctx, `ANALYZE`)
	return err
}
