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
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/pressly/goose/v3"
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
	// Statements kept prepared on SQLite (sqlite.go).
	readStmts, writeStmts preparedSet
	// Change counters read in batches on PostgreSQL (postgres.go, combiner.go); nil on SQLite.
	itemVersions     *batcher[int64, int64]
	categoryVersions *batcher[string, CategoryStamp]
	// New reviews committed in groups on SQLite (sqlite_reviewgroup.go).
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
		s.resetWriter(ctx)
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
		if s.dialect == SQLite {
			s.resetWriter(ctx)
		}
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, r := range results {
		logger.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return nil
}

// resetWriter puts the SQLite writer connection back as it was opened after a migration failed
// midway: a migration that manages its own transaction (NO TRANSACTION, to switch foreign keys
// off) leaves it open, and foreign keys off, when one of its statements fails.
func (s *Store) resetWriter(ctx context.Context) {
	s.w.ExecContext(ctx, `ROLLBACK`) // fails harmlessly when no transaction is open
	s.w.ExecContext(ctx, `PRAGMA foreign_keys = ON`)
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
		locker, err := s.migrationLocker(ctx)
		if err != nil {
			return nil, err
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
