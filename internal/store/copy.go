package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Copying every table from one database to another (starboard copy): the tables and their typed
// columns are listed once below; rows travel as Go values read in key order, go in with multi-row
// inserts inside one transaction on the target, and each table gets a checksum computed in Go
// over those values, so it is the same on SQLite and PostgreSQL.

// Errors Copy returns, for errors.Is.
var (
	// ErrSchemaMismatch: a database's tables or columns are not the ones this copy knows, so a
	// column would be lost or could not be filled.
	ErrSchemaMismatch = errors.New("schema differs from this version of starboard")
	// ErrCopyMismatch: the rows read back from the target differ from the source; the target's
	// transaction was rolled back.
	ErrCopyMismatch = errors.New("the copy differs from the source")
)

// kind is how a column's values travel between databases.
type kind uint8

const (
	kindInt kind = iota + 1
	kindText
	kindBool
	kindTime
	kindBytes
)

type column struct {
	name     string
	kind     kind
	nullable bool
}

// copyTable is one table as Copy moves it.
type copyTable struct {
	name     string
	key      []string // the primary key: rows are read, inserted and hashed in this order
	identity bool     // its id column takes values from a sequence that never goes back
	optional bool     // copied only when asked (sessions)
	// maxRows bounds the rows of one INSERT, for tables of large values (pictures); 0 for none.
	maxRows int
	columns []column
}

func cols(spec ...string) []column {
	kinds := map[string]kind{"int": kindInt, "text": kindText, "bool": kindBool, "time": kindTime, "bytes": kindBytes}
	out := make([]column, len(spec))
	for i, s := range spec {
		name, typ, _ := strings.Cut(s, " ")
		typ, nullable := strings.CutSuffix(typ, "?")
		out[i] = column{name: name, kind: kinds[typ], nullable: nullable}
	}
	return out
}

// copyTables lists every table Copy moves, parents before children. A migration that adds a
// table or column must add it here: Copy refuses a database whose schema differs from this list
// (a test checks the list against the migrated schema).
var copyTables = []copyTable{
	{name: "categories", key: []string{"id"}, identity: true,
		columns: cols("id int", "slug text", "name text", "description text", "currency text", "created_at time",
			"updated_at time", "version int")},
	{name: "category_versions", key: []string{"category_id", "shard"},
		columns: cols("category_id int", "shard int", "version int")},
	{name: "items", key: []string{"id"}, identity: true,
		columns: cols("id int", "category_id int", "slug text", "name text", "description text", "attributes text",
			"created_at time", "updated_at time")},
	{name: "item_stats", key: []string{"item_id"},
		columns: cols("item_id int", "n1 int", "n2 int", "n3 int", "n4 int", "n5 int", "updated_at time", "version int")},
	// Items' pictures (pictures.go), their files a few hundred KiB at most each: a few rows per
	// INSERT keep a statement small.
	{name: "item_pictures", key: []string{"id"}, identity: true,
		columns: cols("id int", "item_id int", "position int", "alt text", "width int", "height int", "created_at time")},
	{name: "picture_files", key: []string{"picture_id", "width"}, maxRows: 8,
		columns: cols("picture_id int", "width int", "height int", "content_type text", "bytes bytes", "sha256 text")},
	{name: "category_redirects", key: []string{"old_slug"},
		columns: cols("old_slug text", "category_id int", "created_at time")},
	{name: "item_redirects", key: []string{"category_id", "old_slug"},
		columns: cols("category_id int", "old_slug text", "item_id int", "created_at time")},
	{name: "users", key: []string{"id"}, identity: true,
		columns: cols("id int", "email text", "display_name text", "password_hash text", "is_admin bool", "disabled bool",
			"session_version int", "created_at time", "updated_at time", "email_verified_at time?")},
	{name: "reviews", key: []string{"id"}, identity: true,
		columns: cols("id int", "item_id int", "user_id int", "rating int", "summary text", "details text",
			"helpful_count int", "created_at time", "updated_at time")},
	{name: "helpful_votes", key: []string{"review_id", "user_id"},
		columns: cols("review_id int", "user_id int", "created_at time")},
	{name: "review_reports", key: []string{"id"}, identity: true,
		columns: cols("id int", "review_id int", "user_id int", "reason text", "note text", "created_at time",
			"dismissed_at time?")},
	{name: "api_tokens", key: []string{"id"}, identity: true,
		columns: cols("id int", "user_id int", "name text", "token_hash text", "created_at time", "last_used_at time?")},
	// Stored answers to API POSTs: ids are kept, so they stay true on the target, and a client
	// retrying across the move still gets its first answer instead of a second item.
	{name: "idempotency_keys", key: []string{"user_id", "key"},
		columns: cols("user_id int", "key text", "request text", "status int", "body text", "created_at time")},
	// The admin audit log (audit.go): entries keep their ids, and their actors' ids while the
	// accounts exist.
	{name: "admin_log", key: []string{"id"}, identity: true,
		columns: cols("id int", "at time", "actor_id int?", "actor_email text", "actor_name text", "action text",
			"target_kind text", "target_id int?", "target_label text", "detail text")},
	{name: "sessions", key: []string{"token"}, optional: true,
		columns: cols("token text", "data bytes", "expiry time", "user_id int?")},
}

// transientTables are never copied: their rows only matter for minutes and refill by themselves.
var transientTables = map[string]string{
	"rate_limits":  "transient counters that refill by themselves",
	"setup_tokens": "one-time setup addresses, made again at start while a site has no admin",
	"site_keys":    "the device-cookie key, made again when missing: browsers sign in once more as unknown devices",
	"email_links":  "mailed links valid for an hour or a day; ask for a new one",
}

// CopyOptions say what Copy moves and how it reports.
type CopyOptions struct {
	// Force replaces whatever the target holds; without it a target with any row is ErrNotEmpty.
	Force bool
	// Sessions copies the sign-in sessions too, so members stay signed in on the target.
	Sessions bool
	// Progress, when set, is told how far each table has got.
	Progress func(CopyProgress)
}

// CopyProgress is how far Copy has got with one table.
type CopyProgress struct {
	Table       string
	Step        string // "copy" or "verify"
	Done, Total int64
}

// TableCheck compares one table on both sides after a copy.
type TableCheck struct {
	Table                  string
	SourceRows, TargetRows int64
	// SourceSum and TargetSum are hex SHA-256 sums of the rows' values in key order.
	SourceSum, TargetSum string
}

// OK reports whether both sides hold the same rows.
func (c TableCheck) OK() bool { return c.SourceRows == c.TargetRows && c.SourceSum == c.TargetSum }

// SkippedTable is a table Copy left alone, and why.
type SkippedTable struct{ Table, Reason string }

// CopyReport says what Copy did.
type CopyReport struct {
	Tables  []TableCheck
	Skipped []SkippedTable
	Rows    int64 // rows written to the target
}

// Copy moves every table from one database to another, keeping ids and times, in one
// transaction on the target, then reads the target back and compares row counts and checksums
// per table with the source, committing only when all agree (else ErrCopyMismatch). Both
// databases must be migrated to this version's schema (else ErrSchemaMismatch). A target holding
// any row is ErrNotEmpty unless opt.Force, which deletes its rows first, in the same transaction.
// The source is read in one snapshot and never written.
func Copy(ctx context.Context, from, to *Store, opt CopyOptions) (CopyReport, error) {
	var rep CopyReport
	progress := opt.Progress
	if progress == nil {
		progress = func(CopyProgress) {}
	}
	var tables []copyTable
	for _, t := range copyTables {
		if t.optional && !opt.Sessions {
			rep.Skipped = append(rep.Skipped, SkippedTable{t.name, "members will sign in again; --sessions copies them"})
			continue
		}
		tables = append(tables, t)
	}
	for _, name := range slices.Sorted(maps.Keys(transientTables)) {
		rep.Skipped = append(rep.Skipped, SkippedTable{name, transientTables[name]})
	}
	if err := from.checkCopyable(ctx); err != nil {
		return rep, fmt.Errorf("store: copy: source: %w", err)
	}
	if err := to.checkCopyable(ctx); err != nil {
		return rep, fmt.Errorf("store: copy: target: %w", err)
	}

	src, err := from.r.BeginTx(ctx, from.snapshotTx())
	if err != nil {
		return rep, wrap("copy: read source", err)
	}
	defer src.Rollback()
	if err := from.liftStatementTimeout(ctx, src); err != nil {
		return rep, wrap("copy: read source", err)
	}
	totals := make([]int64, len(tables))
	for i, t := range tables {
		if err := src.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t.name).Scan(&totals[i]); err != nil {
			return rep, wrap("copy: count "+t.name, err)
		}
	}

	dst, err := to.w.BeginTx(ctx, nil)
	if err != nil {
		return rep, wrap("copy: begin", err)
	}
	defer dst.Rollback()
	if err := to.liftStatementTimeout(ctx, dst); err != nil {
		return rep, wrap("copy: begin", err)
	}
	if err := to.emptyTarget(ctx, dst, opt.Force); err != nil {
		return rep, err
	}

	sums := make([]string, len(tables))
	for i, t := range tables {
		n, sum, err := copyRows(ctx, from, src, to, dst, t, totals[i], progress)
		if err != nil {
			return rep, wrap("copy: "+t.name, err)
		}
		rep.Rows += n
		totals[i], sums[i] = n, sum
		if t.identity {
			hw, err := from.idHighWater(ctx, src, t.name)
			if err != nil {
				return rep, wrap("copy: read id sequence of "+t.name, err)
			}
			if err := to.setIDHighWater(ctx, dst, t.name, hw); err != nil {
				return rep, wrap("copy: set id sequence of "+t.name, err)
			}
		}
	}

	ok := true
	for i, t := range tables {
		n, sum, err := to.checksum(ctx, dst, t, func(done int64) {
			progress(CopyProgress{Table: t.name, Step: "verify", Done: done, Total: totals[i]})
		})
		if err != nil {
			return rep, wrap("copy: verify "+t.name, err)
		}
		c := TableCheck{Table: t.name, SourceRows: totals[i], SourceSum: sums[i], TargetRows: n, TargetSum: sum}
		ok = ok && c.OK()
		rep.Tables = append(rep.Tables, c)
	}
	if !ok {
		return rep, fmt.Errorf("store: copy: %w; nothing was written to the target", ErrCopyMismatch)
	}
	if err := dst.Commit(); err != nil {
		return rep, wrap("copy: commit", err)
	}
	return rep, nil
}

// checkCopyable returns ErrSchemaMismatch, naming every difference, unless the database has
// exactly the tables and columns Copy knows (plus the transient ones).
func (s *Store) checkCopyable(ctx context.Context) error {
	have, err := s.tables(ctx)
	if err != nil {
		return err
	}
	var problems []string
	known := map[string]bool{}
	for _, t := range copyTables {
		known[t.name] = true
		got, ok := have[t.name]
		if !ok {
			problems = append(problems, "table "+t.name+" is missing")
			continue
		}
		want := map[string]bool{}
		for _, c := range t.columns {
			want[c.name] = true
			if !slices.Contains(got, c.name) {
				problems = append(problems, "column "+t.name+"."+c.name+" is missing")
			}
		}
		for _, c := range got {
			if !want[c] {
				problems = append(problems, "column "+t.name+"."+c+" is unknown to this version")
			}
		}
	}
	for name := range have {
		if _, transient := transientTables[name]; !known[name] && !transient {
			problems = append(problems, "table "+name+" is unknown to this version")
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("%w: %s", ErrSchemaMismatch, strings.Join(problems, "; "))
	}
	return nil
}

// emptyTarget returns ErrNotEmpty, naming the tables with rows, unless every table is empty;
// with force it deletes every row instead, children first.
func (s *Store) emptyTarget(ctx context.Context, tx *sql.Tx, force bool) error {
	names := slices.Sorted(maps.Keys(transientTables))
	for _, t := range slices.Backward(copyTables) {
		names = append(names, t.name)
	}
	var full []string
	for _, name := range names {
		var hasRows bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+name+`)`).Scan(&hasRows); err != nil {
			return wrap("copy: check target", err)
		}
		// Transient rows are no data to lose: a target that only served its setup page or
		// counted a sign-in is still empty.
		if _, transient := transientTables[name]; hasRows && !transient {
			full = append(full, name)
		}
	}
	if len(full) == 0 {
		return nil
	}
	if !force {
		return fmt.Errorf("store: copy: %w: the target has rows in %s", ErrNotEmpty, strings.Join(full, ", "))
	}
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+name); err != nil {
			return wrap("copy: empty target "+name, err)
		}
	}
	return nil
}

// copyRows streams one table from the source transaction into the target's, in key order, and
// returns the number of rows and their checksum.
func copyRows(ctx context.Context, from *Store, src *sql.Tx, to *Store, dst *sql.Tx, t copyTable, total int64,
	progress func(CopyProgress)) (int64, string, error) {
	per := max(1, to.insertBatchParams()/len(t.columns))
	if t.maxRows > 0 {
		per = min(per, t.maxRows)
	}
	full, err := dst.PrepareContext(ctx, insertSQL(t, per))
	if err != nil {
		return 0, "", err
	}
	defer full.Close()
	args := make([]any, 0, per*len(t.columns))
	var n int64
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		var err error
		if rows := len(args) / len(t.columns); rows == per {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = dst.ExecContext(ctx, insertSQL(t, rows), args...)
		}
		args = args[:0]
		progress(CopyProgress{Table: t.name, Step: "copy", Done: n, Total: total})
		return err
	}
	sum := newRowHash()
	err = from.readRows(ctx, src, t, func(vals []any) error {
		sum.add(vals)
		args = append(args, vals...)
		n++
		if len(args) == per*len(t.columns) {
			return flush()
		}
		return nil
	})
	if err != nil {
		return n, "", err
	}
	if err := flush(); err != nil {
		return n, "", err
	}
	if n == 0 {
		progress(CopyProgress{Table: t.name, Step: "copy", Done: 0, Total: total})
	}
	return n, sum.hex(), nil
}

// insertSQL returns an INSERT of rows rows into t.
func insertSQL(t copyTable, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + t.name + " (")
	for i, c := range t.columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.name)
	}
	b.WriteString(") VALUES ")
	p := 1
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for i := range t.columns {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(p))
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// checksum reads a table back in key order and returns its row count and checksum.
func (s *Store) checksum(ctx context.Context, q queryer, t copyTable, progress func(int64)) (int64, string, error) {
	sum := newRowHash()
	var n int64
	err := s.readRows(ctx, q, t, func(vals []any) error {
		sum.add(vals)
		if n++; n%20000 == 0 {
			progress(n)
		}
		return nil
	})
	progress(n)
	return n, sum.hex(), err
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readRows reads every row of t in key order and passes each to fn as canonical Go values:
// int64, string, bool, time.Time (UTC, microseconds), []byte, or nil for NULL. fn may keep the
// slice.
func (s *Store) readRows(ctx context.Context, q queryer, t copyTable, fn func([]any) error) error {
	names := make([]string, len(t.columns))
	kinds := map[string]kind{}
	for i, c := range t.columns {
		names[i] = c.name
		kinds[c.name] = c.kind
	}
	order := make([]string, len(t.key))
	for i, k := range t.key {
		order[i] = s.orderKey(k, kinds[k] == kindText)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+t.name+` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return err
	}
	defer rows.Close()
	dest := make([]any, len(t.columns))
	for i, c := range t.columns {
		switch c.kind {
		case kindInt:
			dest[i] = new(sql.Null[int64])
		case kindText:
			dest[i] = new(sql.Null[string])
		case kindBool:
			dest[i] = new(sql.Null[bool])
		case kindTime:
			dest[i] = new(sql.Null[time.Time])
		case kindBytes:
			dest[i] = new(sql.Null[[]byte])
		}
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		vals := make([]any, len(dest))
		for i, d := range dest {
			vals[i] = canonical(d)
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// canonical returns the value a scan destination holds, in the form both databases store
// identically.
func canonical(d any) any {
	switch d := d.(type) {
	case *sql.Null[int64]:
		if d.Valid {
			return d.V
		}
	case *sql.Null[string]:
		if d.Valid {
			return d.V
		}
	case *sql.Null[bool]:
		if d.Valid {
			return d.V
		}
	case *sql.Null[time.Time]:
		if d.Valid {
			// PostgreSQL keeps microseconds; cutting here makes what is written what is read.
			return d.V.UTC().Truncate(time.Microsecond)
		}
	case *sql.Null[[]byte]:
		if d.Valid {
			if d.V == nil {
				return []byte{}
			}
			return d.V
		}
	}
	return nil
}

// rowHash is a SHA-256 over rows of canonical values, each value tagged with its type and
// length, so no two different tables of rows give the same bytes.
type rowHash struct {
	h   hash.Hash
	buf []byte
}

func newRowHash() *rowHash { return &rowHash{h: sha256.New()} }

func (r *rowHash) add(vals []any) {
	b := r.buf[:0]
	for _, v := range vals {
		switch v := v.(type) {
		case nil:
			b = append(b, 'N')
		case int64:
			b = binary.BigEndian.AppendUint64(append(b, 'i'), uint64(v))
		case string:
			b = append(binary.AppendUvarint(append(b, 's'), uint64(len(v))), v...)
		case bool:
			if v {
				b = append(b, 'T')
			} else {
				b = append(b, 'F')
			}
		case time.Time:
			b = binary.BigEndian.AppendUint64(append(b, 't'), uint64(v.UnixMicro()))
		case []byte:
			b = append(binary.AppendUvarint(append(b, 'b'), uint64(len(v))), v...)
		default:
			panic(fmt.Sprintf("store: copy: no checksum for %T", v))
		}
	}
	b = append(b, '\n')
	r.h.Write(b)
	r.buf = b
}

func (r *rowHash) hex() string { return hex.EncodeToString(r.h.Sum(nil)) }
