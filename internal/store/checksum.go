package store

import (
	"context"
	"fmt"
)

// Checksums returns a SHA-256 checksum of every table that holds the site's data (the tables
// Copy moves, sessions excepted), by table name, computed like Copy's verification so it is the
// same on SQLite and PostgreSQL. Sessions and rate-limit counters are left out: a refused sign-in
// is meant to count against the limit. It reads every row: it is for tests and checks.
func (s *Store) Checksums(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	for _, t := range copyTables {
		if t.optional {
			continue
		}
		n, sum, err := s.checksum(ctx, s.r, t, func(int64) {})
		if err != nil {
			return nil, wrap("checksum "+t.name, err)
		}
		out[t.name] = fmt.Sprintf("%d rows, %s", n, sum)
	}
	return out, nil
}
