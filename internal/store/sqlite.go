package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// SQLite's strategies: one writer connection whose transactions begin IMMEDIATE beside a pool of
// read-only connections, pragmas in the DSN, hot statements kept prepared (below), and new
// reviews committed in groups (sqlite_reviewgroup.go).

// sqliteParams are per connection, so they live in the DSN. synchronous=NORMAL in WAL mode keeps
// every committed transaction through a crash of the process (the WAL is written before commit
// returns); a power loss may roll back the last transactions, never corrupt the file.
// cache_size is 512 KiB per connection instead of SQLite's 2 MiB: enough for the upper levels of
// every B-tree, while the file's pages stay in the kernel's page cache and Starboard keeps its
// rendered pages itself. SQLite's default costs 3-7 MiB more resident memory under the POST load
// (docs/performance.md).
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

// Prepared statements for the hot paths. Parsing SQL is a quarter of a review POST's CPU time on
// SQLite (the pure-Go driver prepares each statement anew), so on SQLite the hot queries are
// prepared once per connection and kept. PostgreSQL needs none of this: pgx already keeps a
// prepared statement per query text on each connection.
type preparedSet struct {
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool // write statements to prepare before the next transaction
}

// get returns the statement for query, preparing it on db first if need be. The lock is not
// held while preparing, which waits for a free connection.
func (p *preparedSet) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	p.mu.Lock()
	st, ok := p.stmts[query]
	p.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.stmts[query]; ok {
		st.Close()
		return old, nil
	}
	if p.stmts == nil {
		p.stmts = map[string]*sql.Stmt{}
	}
	p.stmts[query] = st
	return st, nil
}

// lookup returns the statement for query if it is prepared; if not, it notes the query for
// prepareWanted. Inside a transaction on the single SQLite writer connection nothing can be
// prepared on the pool (the connection is taken), hence the two steps.
func (p *preparedSet) lookup(query string) *sql.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.stmts[query]; ok {
		return st
	}
	if p.wanted == nil {
		p.wanted = map[string]bool{}
	}
	if len(p.wanted) < 64 {
		p.wanted[query] = true
	}
	return nil
}

// prepareWanted prepares the statements lookup was asked for. It must run outside any
// transaction.
func (p *preparedSet) prepareWanted(ctx context.Context, db *sql.DB) {
	p.mu.Lock()
	if len(p.wanted) == 0 {
		p.mu.Unlock()
		return
	}
	var queries []string
	for q := range p.wanted {
		queries = append(queries, q)
	}
	p.wanted = nil
	p.mu.Unlock()
	for _, q := range queries {
		p.get(ctx, db, q) // a statement that does not prepare runs unprepared
	}
}

func (p *preparedSet) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, st := range p.stmts {
		st.Close()
	}
	p.stmts = nil
}

// readRow runs a query of a fixed text that returns one row on the read pool.
func (s *Store) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if s.dialect == SQLite {
		if st, err := s.readStmts.get(ctx, s.r, query); err == nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return s.r.QueryRowContext(ctx, query, args...)
}

// readQuery runs a query of one of a few fixed texts on the read pool.
func (s *Store) readQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s.dialect == SQLite {
		if st, err := s.readStmts.get(ctx, s.r, query); err == nil {
			return st.QueryContext(ctx, args...)
		}
	}
	return s.r.QueryContext(ctx, query, args...)
}

// txRow runs a query of a fixed text that returns one row inside a write transaction.
func (s *Store) txRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if s.dialect == SQLite {
		if st := s.writeStmts.lookup(query); st != nil {
			return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
		}
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// txExec runs a statement of a fixed text inside a write transaction.
func (s *Store) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if s.dialect == SQLite {
		if st := s.writeStmts.lookup(query); st != nil {
			return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
		}
	}
	return tx.ExecContext(ctx, query, args...)
}

// exec runs one statement of a fixed text on the writer, outside any transaction (it commits by
// itself). On SQLite it waits its turn on the single writer connection like a transaction does.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s.dialect == SQLite {
		if st, err := s.writeStmts.get(ctx, s.w, query); err == nil {
			return st.ExecContext(ctx, args...)
		}
	}
	return s.w.ExecContext(ctx, query, args...)
}
