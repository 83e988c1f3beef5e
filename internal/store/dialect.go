package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// The few SQL differences between SQLite and PostgreSQL live here; every other query is portable.

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

// Tables returns every table of Starboard's schema (the migration tool's own aside) with its
// column names, sorted, as the database reports them.
func (s *Store) Tables(ctx context.Context) (map[string][]string, error) {
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
		if table == "goose_db_version" {
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

// resetIdentity moves the id sequence of a table whose rows were inserted with explicit ids past
// the largest one, so the next insert does not collide. SQLite picks max(id)+1 by itself.
func (s *Store) resetIdentity(ctx context.Context, tx *sql.Tx, table string) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'),
		COALESCE((SELECT MAX(id) FROM `+table+`), 0) + 1, false)`)
	return err
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

// createReviewOneStatement is CreateReview on PostgreSQL: the item's lookup, the review, its star
// count and the line's change counter in one statement (data-modifying CTEs, which SQLite lacks),
// committed by itself. Every statement is a round trip to the server, and six (the item, BEGIN,
// three writes, COMMIT) were most of a review POST's time. A deadlock or serialization failure is
// retried like a transaction.
func (s *Store) createReviewOneStatement(ctx context.Context, r *Review, ref itemRef, t time.Time) error {
	col := statColumn(r.Rating)
	item, itemArgs := ref.query(6)
	query := `WITH i AS (` + item + `), r AS (
		INSERT INTO reviews (item_id, user_id, rating, summary, details, helpful_count, created_at, updated_at)
		SELECT i.id, $1, $2, $3, $4, 0, $5, $5 FROM i RETURNING id, item_id
	), st AS (
		UPDATE item_stats SET ` + col + ` = ` + col + ` + 1, updated_at = $5, version = version + 1
		WHERE item_id = (SELECT item_id FROM r) RETURNING item_id
	), c AS (
		` + bumpLinePartsSQL(`SELECT i.category_id AS line_id, i.id AS item_id FROM i WHERE EXISTS (SELECT 1 FROM st)`) + `
	)
	SELECT r.id, r.item_id, (SELECT COUNT(*) FROM st) FROM r`
	args := append([]any{r.UserID, r.Rating, r.Summary, r.Details, t}, itemArgs...)
	for attempt := 1; ; attempt++ {
		var counted int
		err := s.w.QueryRowContext(ctx, query, args...).Scan(&r.ID, &r.ItemID, &counted)
		if err == nil && counted != 1 {
			err = sql.ErrNoRows // the item has no star counts: it is gone
		}
		if err == nil || attempt == 5 || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
}
