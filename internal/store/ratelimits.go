package store

import (
	"context"
	"database/sql"
	"time"
)

// RateWindow is one rate-limit counter: the attempts counted since the window began.
type RateWindow struct {
	Key   string
	Start time.Time
	Hits  int64
}

// HitRateLimits counts one attempt at time at against each key, in one transaction, and returns
// each key's window after the hit. A key whose window (of length window) has ended starts a new
// one with this attempt. Each count is one atomic upsert, so instances sharing the database
// share the counters.
func (s *Store) HitRateLimits(ctx context.Context, at time.Time, window time.Duration, keys ...string) ([]RateWindow, error) {
	at = at.UTC().Truncate(time.Microsecond)
	out := make([]RateWindow, len(keys))
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for i, key := range keys {
			out[i] = RateWindow{Key: key}
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
				 ON CONFLICT (key) DO UPDATE SET
				   hits = CASE WHEN rate_limits.window_start > $3 THEN rate_limits.hits + 1 ELSE 1 END,
				   window_start = CASE WHEN rate_limits.window_start > $3 THEN rate_limits.window_start ELSE excluded.window_start END`,
				key, at, at.Add(-window)); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT window_start, hits FROM rate_limits WHERE key = $1`, key).
				Scan(&out[i].Start, &out[i].Hits); err != nil {
				return err
			}
			out[i].Start = out[i].Start.UTC()
		}
		return nil
	})
	if err != nil {
		return nil, wrap("hit rate limits", err)
	}
	return out, nil
}

// UndoRateLimitHit takes back one attempt counted against key, so that a counter counts only
// failures: a successful sign-in gives back the attempt its address spent.
func (s *Store) UndoRateLimitHit(ctx context.Context, key string) error {
	return wrap("undo rate limit hit", s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE rate_limits SET hits = hits - 1 WHERE key = $1 AND hits > 0`, key)
		return err
	}))
}

// ClearRateLimit forgets a key's counter (a successful sign-in clears its account's).
func (s *Store) ClearRateLimit(ctx context.Context, key string) error {
	return wrap("clear rate limit", s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM rate_limits WHERE key = $1`, key)
		return err
	}))
}

// DeleteStaleRateLimits removes counters whose window began before the given time and returns how
// many.
func (s *Store) DeleteStaleRateLimits(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM rate_limits WHERE window_start < $1`, before.UTC())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, wrap("delete stale rate limits", err)
}
