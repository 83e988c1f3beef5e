package store

import "database/sql"

// PoolStats is one connection pool's statistics, for metrics.
type PoolStats struct {
	// Pool names the pool: "reader" and "writer" on SQLite, "main" on PostgreSQL, where reads
	// and writes share one pool.
	Pool string
	sql.DBStats
}

// Stats returns the statistics of the store's connection pools, read now: in use, idle, the
// waits for a free connection and the connections closed for idling or age.
func (s *Store) Stats() []PoolStats {
	if s.r == s.w {
		return []PoolStats{{Pool: "main", DBStats: s.w.Stats()}}
	}
	return []PoolStats{{Pool: "reader", DBStats: s.r.Stats()}, {Pool: "writer", DBStats: s.w.Stats()}}
}
