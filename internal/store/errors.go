package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors callers can test for with errors.Is.
var (
	// ErrNotFound: the row does not exist, or is not the caller's to see.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique rule was broken (a second review of one item, a taken email or slug).
	ErrConflict = errors.New("already exists")
	// ErrInvalid: a value broke a CHECK rule or a reference.
	ErrInvalid = errors.New("invalid value")
	// ErrNotEmpty: the target database already holds data.
	ErrNotEmpty = errors.New("database is not empty")
	// ErrUnavailable: the database could not be reached; the request may succeed later.
	ErrUnavailable = errors.New("database unavailable")
)

// translate maps driver errors onto the package's sentinels, keeping the original for logs.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if unavailable(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return fmt.Errorf("%w: %s", ErrConflict, pgErr.ConstraintName)
		case "23514", "23502", "22001", "22P02", "22003", "22021", "22P05": // 22021/22P05: invalid UTF-8, NUL
			return fmt.Errorf("%w: %s", ErrInvalid, pgErr.Message)
		case "23503":
			return fmt.Errorf("%w: %s", ErrNotFound, pgErr.ConstraintName)
		}
		return err
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", ErrConflict, liteErr.Error())
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return fmt.Errorf("%w: %s", ErrInvalid, liteErr.Error())
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %s", ErrNotFound, liteErr.Error())
		}
	}
	return err
}

// unavailable reports whether err is a lost or refused connection rather than an answer.
func unavailable(err error) bool {
	var connErr *pgconn.ConnectError
	var netErr net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.As(err, &connErr) || errors.As(err, &netErr) ||
		pgconn.Timeout(err) || errors.Is(err, io.ErrUnexpectedEOF)
}

// retryable reports whether a transaction failed only because of a concurrent one and may be run
// again: a PostgreSQL serialization failure or deadlock, or a SQLite busy database.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	return false
}

// wrap names the operation and translates the driver error.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: %s: %w", op, translate(err))
}

// storable reports whether s could be stored at all: valid UTF-8 without NUL. A lookup by any
// other string finds nothing, and is answered so without asking PostgreSQL, which refuses such
// text with an error instead.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
