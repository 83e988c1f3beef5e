package store

import (
	"context"
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
