package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3/lock"
)

// PostgreSQL's strategies: a pool shared by reads and writes, queries a client hung up on
// cancelled by a cancel request instead of a closed connection, a review written in one
// statement, change counters read in batches (combiner.go), and migrations serialised by an
// advisory lock. Prepared statements need nothing of ours here: pgx keeps one per query text on
// each connection.

func openPostgres(opt Options) (*Store, error) {
	cfg, err := pgx.ParseConfig(opt.DSN)
	if err != nil {
		return nil, fmt.Errorf("store: parse postgres URL: %w", err)
	}
	timeout := opt.StatementTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["statement_timeout"] = fmt.Sprint(timeout.Milliseconds())
	cfg.RuntimeParams["timezone"] = "UTC"
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > 5*time.Second {
		cfg.ConnectTimeout = 5 * time.Second
	}
	// A request whose client hangs up has its queries cancelled. pgx's default answer closes the
	// connection at once; when a burst of hang-ups closes several, the requests beside them can
	// draw only closed ones from the pool and fail. Instead a query cancelled mid-flight is left
	// to finish for a moment (most take a millisecond), then stopped by a cancel request to the
	// server; the connection is closed only if the server does not answer even that.
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c,
			CancelRequestDelay: 50 * time.Millisecond, DeadlineDelay: 5 * time.Second}
	}
	db := stdlib.OpenDB(*cfg)
	n := opt.MaxConns
	if n <= 0 {
		n = 10
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(30 * time.Minute)
	s := &Store{dialect: Postgres, w: db, r: db}
	s.itemVersions = newBatcher(s.readItemVersions)
	s.categoryVersions = newBatcher(s.readCategoryVersions)
	return s, nil
}

// migrationLocker returns the advisory lock Migrate holds on PostgreSQL while it migrates.
func (s *Store) migrationLocker(ctx context.Context) (lock.SessionLocker, error) {
	// The lock is per database and schema: instances sharing one migrate in turn, while
	// unrelated schemas on one server (tests run in parallel) do not wait for each other.
	var where string
	if err := s.w.QueryRowContext(ctx, `SELECT current_database() || '.' || current_schema()`).Scan(&where); err != nil {
		return nil, wrap("migration lock", err)
	}
	h := fnv.New64a()
	h.Write([]byte("starboard-migrate:" + where))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, fmt.Errorf("store: migration lock: %w", err)
	}
	return locker, nil
}

// createReviewOneStatement is CreateReview on PostgreSQL: the item's lookup, the review, its star
// count and the line's change counter in one statement (data-modifying CTEs, which SQLite lacks),
// committed by itself. Every statement is a round trip to the server, and as six (the item, BEGIN,
// three writes, COMMIT) they would be most of a review POST's time. A deadlock or serialization
// failure is retried like a transaction.
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
		` + bumpCategoryPartsSQL(`SELECT i.category_id AS line_id, i.id AS item_id FROM i WHERE EXISTS (SELECT 1 FROM st)`) + `
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

// readCategoryVersions reads the stamps of the lines with those slugs (PostgreSQL).
func (s *Store) readCategoryVersions(ctx context.Context, slugs []string) (map[string]CategoryStamp, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT c.slug, c.id, `+categoryVersionOf+`, c.created_at FROM categories c WHERE c.slug = ANY($1)`, slugs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]CategoryStamp, len(slugs))
	for rows.Next() {
		var slug string
		var st CategoryStamp
		if err := rows.Scan(&slug, &st.ID, &st.Version, &st.CreatedAt); err != nil {
			return nil, err
		}
		out[slug] = st
	}
	return out, rows.Err()
}

// readItemVersions reads the change counters of the items with those ids (PostgreSQL).
func (s *Store) readItemVersions(ctx context.Context, ids []int64) (map[int64]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT item_id, version FROM item_stats WHERE item_id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]int64, len(ids))
	for rows.Next() {
		var id, v int64
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}
