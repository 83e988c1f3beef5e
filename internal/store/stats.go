package store

import (
	"context"
	"database/sql"
)

// StatsDrift returns the ids of items whose item_stats differ from a fresh count of their
// reviews. It scans every review: it is for tests and checks, never for pages.
func (s *Store) StatsDrift(ctx context.Context) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT st.item_id FROM item_stats st
		LEFT JOIN (
			SELECT item_id,
			       SUM(CASE WHEN rating = 1 THEN 1 ELSE 0 END) AS c1,
			       SUM(CASE WHEN rating = 2 THEN 1 ELSE 0 END) AS c2,
			       SUM(CASE WHEN rating = 3 THEN 1 ELSE 0 END) AS c3,
			       SUM(CASE WHEN rating = 4 THEN 1 ELSE 0 END) AS c4,
			       SUM(CASE WHEN rating = 5 THEN 1 ELSE 0 END) AS c5
			FROM reviews GROUP BY item_id
		) g ON g.item_id = st.item_id
		WHERE st.n1 <> COALESCE(g.c1, 0) OR st.n2 <> COALESCE(g.c2, 0) OR st.n3 <> COALESCE(g.c3, 0)
		   OR st.n4 <> COALESCE(g.c4, 0) OR st.n5 <> COALESCE(g.c5, 0)
		ORDER BY st.item_id`)
	if err != nil {
		return nil, wrap("stats drift", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrap("stats drift", err)
		}
		ids = append(ids, id)
	}
	return ids, wrap("stats drift", rows.Err())
}

// IsEmpty reports whether the database holds no product lines, items, users or reviews.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	var hasRows bool
	err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM categories) OR EXISTS (SELECT 1 FROM items)
		OR EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM reviews)`).Scan(&hasRows)
	return !hasRows, wrap("is empty", err)
}

// DeleteAll removes every row of every table, for `starboard demo --force` and copies onto a
// non-empty database with --force.
func (s *Store) DeleteAll(ctx context.Context) error {
	return wrap("delete all", s.tx(ctx, func(tx *sql.Tx) error {
		for _, table := range []string{"idempotency_keys", "rate_limits", "sessions", "api_tokens", "helpful_votes",
			"item_stats", "reviews", "items", "categories", "users"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil {
				return err
			}
		}
		return nil
	}))
}
