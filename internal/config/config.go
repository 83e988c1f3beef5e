// Package config turns the environment and command-line flags into a validated Config, with
// errors a person can act on.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/starboard/starboard/internal/store"
)

// DefaultDatabasePath is the SQLite file used when nothing names a database.
const DefaultDatabasePath = "starboard.db"

// AcceptedDatabaseForms lists the database URL forms, for error messages.
const AcceptedDatabaseForms = "accepted forms: postgres://USER:PASSWORD@HOST:PORT/DB (or postgresql://), " +
	"sqlite:PATH, file:PATH, or unset for ./" + DefaultDatabasePath

// Config is everything the server needs to start.
type Config struct {
	Addr       string        // host:port to listen on
	Database   store.Options // which database, and how to open it
	LogFormat  string        // "text" or "json"
	TrustProxy bool          // believe X-Forwarded-Proto (set behind Heroku's router)
	Demo       bool          // load the demo data set into an empty database at start
}

// Flags are the command-line values that override the environment; zero values mean unset.
type Flags struct {
	Addr     string
	Database string // --db: a path or URL
	Pool     int
	Demo     bool
}

// Load reads the environment (through getenv) and the flags into a Config.
func Load(getenv func(string) string, f Flags) (Config, error) {
	c := Config{Demo: f.Demo, TrustProxy: getenv("TRUST_PROXY") == "1"}

	switch c.LogFormat = getenv("LOG_FORMAT"); c.LogFormat {
	case "":
		c.LogFormat = "text"
	case "text", "json":
	default:
		return c, fmt.Errorf("LOG_FORMAT=%q: want text or json", c.LogFormat)
	}

	c.Addr = "localhost:8080"
	if port := getenv("PORT"); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return c, fmt.Errorf("PORT=%q: want a port number 1-65535", port)
		}
		c.Addr = net.JoinHostPort("0.0.0.0", port)
	}
	if f.Addr != "" {
		c.Addr = f.Addr
	}

	raw := getenv("DATABASE_URL")
	if f.Database != "" {
		raw = f.Database
	}
	db, err := Database(raw)
	if err != nil {
		return c, err
	}
	if getenv("DYNO") != "" && db.Dialect == store.SQLite {
		return c, errors.New("the database is a SQLite file, and on Heroku (DYNO is set) it would be lost " +
			"at every restart because the filesystem is ephemeral: add the heroku-postgresql add-on, " +
			"which sets DATABASE_URL to a PostgreSQL URL")
	}
	db.MaxConns = f.Pool
	if pool := getenv("DATABASE_POOL"); pool != "" && f.Pool == 0 {
		n, err := strconv.Atoi(pool)
		if err != nil || n < 1 || n > 1000 {
			return c, fmt.Errorf("DATABASE_POOL=%q: want a number of connections 1-1000", pool)
		}
		db.MaxConns = n
	}
	c.Database = db
	return c, nil
}

// Database parses a database URL or path into store options. Empty means the default SQLite
// file; postgres:// URLs to a host that is not local get sslmode=require unless they name one,
// as Heroku's do not.
func Database(raw string) (store.Options, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return store.Options{Dialect: store.SQLite, DSN: DefaultDatabasePath}, nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil {
			return store.Options{}, fmt.Errorf("DATABASE_URL is not a valid URL (%s); %s", redactParseError(err), AcceptedDatabaseForms)
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			return store.Options{}, fmt.Errorf("DATABASE_URL names no host; %s", AcceptedDatabaseForms)
		}
		q := u.Query()
		if q.Get("sslmode") == "" && !isLocal(u.Hostname()) {
			q.Set("sslmode", "require")
			u.RawQuery = q.Encode()
		}
		return store.Options{Dialect: store.Postgres, DSN: u.String()}, nil
	case strings.HasPrefix(raw, "sqlite:"), strings.HasPrefix(raw, "file:"):
		path := raw[strings.IndexByte(raw, ':')+1:]
		path = strings.TrimPrefix(path, "//")
		if path == "" || strings.ContainsAny(path, "?#") {
			return store.Options{}, fmt.Errorf("DATABASE_URL %q names no usable SQLite file path; %s", raw, AcceptedDatabaseForms)
		}
		return store.Options{Dialect: store.SQLite, DSN: path}, nil
	case !strings.Contains(raw, "://") && !strings.ContainsAny(raw, "?#"):
		// A bare path, as given to --db.
		return store.Options{Dialect: store.SQLite, DSN: raw}, nil
	}
	scheme, _, _ := strings.Cut(raw, ":")
	return store.Options{}, fmt.Errorf("DATABASE_URL has an unsupported scheme %q; %s", scheme, AcceptedDatabaseForms)
}

func isLocal(host string) bool {
	if host == "" || host == "localhost" || strings.HasPrefix(host, "/") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactParseError drops the URL (and any password in it) from a url.Parse error.
func redactParseError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return "malformed"
}
