package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The few SQL differences between SQLite and PostgreSQL live here; every other query is portable.
// Each dialect's strategies (connections, prepared statements, group commit, batched counter
// reads, one-statement review writes) live in sqlite*.go and postgres.go.

// Dialect names a supported database.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// forUpdate returns the clause that locks the rows a SELECT reads inside a write transaction. A
// SQLite write transaction (BEGIN IMMEDIATE) already excludes every other writer and has no such
// clause.
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// lockUsers makes a write transaction that may create the first admin wait for every other one
// that may, so two first sign-ups cannot both see "no admin yet". PostgreSQL's SHARE ROW
// EXCLUSIVE mode conflicts with itself and with concurrent inserts into users, and under READ
// COMMITTED the statements after it see what the others committed. A SQLite write transaction
// (BEGIN IMMEDIATE) already excludes every other writer.
func (s *Store) lockUsers(ctx context.Context, tx *sql.Tx) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`)
	return err
}

// statColumn names the item_stats column counting ratings of k stars. k must be 1..5: callers
// check it, and the column name never comes from input.
func statColumn(k int) string {
	return [...]string{"", "n1", "n2", "n3", "n4", "n5"}[k]
}

// tables returns every table of Starboard's schema (the migration tool's own and the search
// index aside) with its column names, sorted, as the database reports them.
func (s *Store) tables(ctx context.Context) (map[string][]string, error) {
	query := `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.name`
	if s.dialect == Postgres {
		query = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, column_name`
	}
	rows, err := s.r.QueryContext(ctx, query)
	if err != nil {
		return nil, wrap("tables", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			return nil, wrap("tables", err)
		}
		if table == "goose_db_version" || searchIndexTable(table) {
			continue
		}
		out[table] = append(out[table], column)
	}
	return out, wrap("tables", rows.Err())
}

// snapshotTx returns the options of a read-only transaction that sees one consistent snapshot of
// the database from its first read to its end: REPEATABLE READ on PostgreSQL; any SQLite
// transaction in WAL mode already does.
func (s *Store) snapshotTx() *sql.TxOptions {
	if s.dialect == Postgres {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return &sql.TxOptions{ReadOnly: true}
}

// liftStatementTimeout lifts PostgreSQL's per-statement time limit for the rest of tx, for the
// long reads and deletes of a bulk copy. SQLite has no such limit.
func (s *Store) liftStatementTimeout(ctx context.Context, tx *sql.Tx) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0`)
	return err
}

// orderKey returns an ORDER BY term that sorts a column the same way on both databases: text
// byte by byte (SQLite's BINARY collation; PostgreSQL's "C"), numbers as numbers.
func (s *Store) orderKey(column string, text bool) string {
	if text && s.dialect == Postgres {
		return column + ` COLLATE "C"`
	}
	return column
}

// idHighWater returns the largest id the table has ever handed out, as far as the database
// remembers: its sequence (SQLite's sqlite_sequence, PostgreSQL's identity sequence) or its
// largest id, whichever is larger. Ids up to it may belong to deleted rows and must not return.
func (s *Store) idHighWater(ctx context.Context, q rowQueryer, table string) (int64, error) {
	var maxID, seq int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&maxID); err != nil {
		return 0, err
	}
	if s.dialect == Postgres {
		var name string
		if err := q.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, 'id')`, table).Scan(&name); err != nil {
			return 0, err
		}
		// A sequence not yet called, or set with is_called false (as setIDHighWater leaves it),
		// hands out last_value next.
		if err := q.QueryRowContext(ctx,
			`SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM `+name).Scan(&seq); err != nil {
			return 0, err
		}
	} else {
		err := q.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = $1`, table).Scan(&seq)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	return max(maxID, seq), nil
}

// setIDHighWater makes the table's next id larger than highWater and than every id the table
// has handed out itself: a copy's target starts where the source's sequence was, so an id deleted
// on the source is not handed out again on the target.
func (s *Store) setIDHighWater(ctx context.Context, tx *sql.Tx, table string, highWater int64) error {
	own, err := s.idHighWater(ctx, tx, table)
	if err != nil {
		return err
	}
	highWater = max(highWater, own)
	if s.dialect == Postgres {
		_, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), $2, false)`, table, highWater+1)
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = $1 WHERE name = $2`, highWater, table)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)`, table, highWater)
	return err
}

type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// insertBatchParams is how many parameters one multi-row INSERT of a bulk copy should carry. On
// PostgreSQL each statement is a network round trip, so many rows per statement pay (its limit
// is 65535 parameters); the SQLite driver binds parameters in time that grows faster than their
// number, and there is no round trip to save, so small statements are fastest there.
func (s *Store) insertBatchParams() int {
	if s.dialect == Postgres {
		return 10000
	}
	return 250
}

// dbTime scans a time from either dialect: PostgreSQL's timestamp, or SQLite's text in the layout
// the driver writes (_time_format=sqlite), parsed with that layout first.
type dbTime time.Time

// sqliteTimeLayouts are the layouts SQLite's stored times may have, the one we write first.
var sqliteTimeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05"}

// Scan implements sql.Scanner.
func (t *dbTime) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case time.Time:
		*t = dbTime(v)
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("store: time from %T", v)
	}
	for _, layout := range sqliteTimeLayouts {
		if p, err := time.Parse(layout, s); err == nil {
			*t = dbTime(p)
			return nil
		}
	}
	return fmt.Errorf("store: time %q in no known layout", s)
}
