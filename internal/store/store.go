// Package store is Starboard's only SQL: it opens SQLite or PostgreSQL, applies the embedded
// migrations and runs every query. Driver errors are translated here into the package's sentinels,
// so callers never see a driver type.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// Dialect names a supported database.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrations embed.FS

// Options say which database to open and how.
type Options struct {
	Dialect Dialect
	// DSN is a file path for SQLite and a postgres:// URL for PostgreSQL.
	DSN string
	// MaxConns bounds the PostgreSQL pool and the SQLite reader pool; 0 picks a default.
	MaxConns int
	// StatementTimeout bounds every PostgreSQL statement; 0 picks 10 s.
	StatementTimeout time.Duration
}

// Store is a handle on Starboard's database. It is safe for concurrent use.
type Store struct {
	dialect Dialect
	// w takes every write. On SQLite it is one connection whose transactions begin IMMEDIATE, so
	// writers queue in Go instead of failing with SQLITE_BUSY; on PostgreSQL it is the pool.
	w *sql.DB
	// r serves reads: a pool of SQLite connections, or the same PostgreSQL pool as w.
	r *sql.DB
	// Statements kept prepared on SQLite (prepared.go).
	readStmts, writeStmts preparedSet
	// Change counters read in batches on PostgreSQL (batch.go, versions.go); nil on SQLite.
	itemVersions *batcher[int64, int64]
	lineVersions *batcher[string, LineStamp]
	// New reviews committed in groups on SQLite (reviewgroup.go).
	reviewGroup combiner[*pendingReview]
}

// Open connects to the database described by opt and checks that it answers. It does not migrate.
func Open(ctx context.Context, opt Options) (*Store, error) {
	var s *Store
	var err error
	switch opt.Dialect {
	case SQLite:
		s, err = openSQLite(opt)
	case Postgres:
		s, err = openPostgres(opt)
	default:
		return nil, fmt.Errorf("store: unknown dialect %q", opt.Dialect)
	}
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err = s.w.PingContext(pingCtx)
	// Switching a new SQLite file to WAL can find it busy while another process does the same;
	// the second attempt sees WAL already set.
	for attempt := 1; err != nil && retryable(err) && attempt < 20; attempt++ {
		time.Sleep(time.Duration(attempt) * 10 * time.Millisecond)
		err = s.w.PingContext(pingCtx)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return s, nil
}

// sqliteParams are per connection, so they live in the DSN. synchronous=NORMAL in WAL mode keeps
// every committed transaction through a crash of the process (the WAL is written before commit
// returns); a power loss may roll back the last transactions, never corrupt the file.
// cache_size is 512 KiB per connection instead of SQLite's 2 MiB: enough for the upper levels of
// every B-tree, while the file's pages stay in the kernel's page cache and Starboard keeps its
// rendered pages itself. With the default, resident memory under the POST load was 40-44 MiB
// against 37 (docs/performance.md, change 17).
const sqliteParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)&_pragma=cache_size(-512)&_time_format=sqlite"

// sqlitePathOK reports whether path can name a SQLite file: the driver reads what follows ? or #
// in the DSN as parameters, so a path holding either would not be the file opened.
func sqlitePathOK(path string) bool {
	return path != "" && !strings.ContainsAny(path, "?#")
}

func openSQLite(opt Options) (*Store, error) {
	if !sqlitePathOK(opt.DSN) {
		return nil, fmt.Errorf("store: invalid SQLite path %q", opt.DSN)
	}
	w, err := sql.Open("sqlite", opt.DSN+"?"+sqliteParams+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	r, err := sql.Open("sqlite", opt.DSN+"?"+sqliteParams+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	n := opt.MaxConns
	if n <= 0 {
		n = 4
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	r.SetConnMaxLifetime(0)
	s := &Store{dialect: SQLite, w: w, r: r}
	s.reviewGroup.run = s.commitReviews
	return s, nil
}

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
	s.lineVersions = newBatcher(s.readLineVersions)
	return s, nil
}

// Close closes every connection.
func (s *Store) Close() error {
	s.readStmts.close()
	s.writeStmts.close()
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Dialect returns which database the store is on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping returns nil when the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Migrate applies every pending migration. On PostgreSQL it holds an advisory lock while it
// does, so instances starting together migrate one at a time; on SQLite the single writer
// connection and IMMEDIATE transactions serialise them.
func (s *Store) Migrate(ctx context.Context, logger *slog.Logger) error {
	p, err := s.migrator(ctx, logger)
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	for attempt := 1; err != nil && s.dialect == SQLite && attempt < 5; attempt++ {
		// Another process migrated the same file first: each migration runs in one transaction,
		// so ours rolled back whole. Done if nothing is pending now, else try again.
		pending, perr := p.HasPending(ctx)
		if perr == nil && !pending {
			return nil
		}
		time.Sleep(time.Duration(attempt) * 50 * time.Millisecond)
		results, err = p.Up(ctx)
	}
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, r := range results {
		logger.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return nil
}

// Version returns the schema version applied and the newest one this binary knows.
func (s *Store) Version(ctx context.Context) (current, target int64, err error) {
	p, err := s.migrator(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return 0, 0, err
	}
	return p.GetVersions(ctx)
}

func (s *Store) migrator(ctx context.Context, logger *slog.Logger) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithSlog(logger)}
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
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
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.w, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// now returns the current time as stored: UTC, to the microsecond (PostgreSQL's precision), so a
// value read back equals the one written on both databases.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// tx runs fn in a write transaction and commits it. On PostgreSQL a serialization failure or
// deadlock rolls back and runs fn again, a few times, with a short random pause.
func (s *Store) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.tryTx(ctx, fn)
		if err == nil || attempt == 5 || !retryable(err) {
			return err
		}
		pause := time.Duration(attempt*attempt)*5*time.Millisecond + rand.N(5*time.Millisecond)
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(pause):
		}
	}
}

func (s *Store) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.dialect == SQLite {
		s.writeStmts.prepareWanted(ctx, s.w)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, ignoreDone(tx.Rollback()))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}
