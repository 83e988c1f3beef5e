package store

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// defaultSQLitePath is the SQLite file used when nothing names a database.
const defaultSQLitePath = "starboard.db"

// AcceptedURLForms lists the database URL forms, for error messages.
const AcceptedURLForms = "accepted forms: postgres://USER:PASSWORD@HOST:PORT/DB (or postgresql://), " +
	"sqlite:PATH, file:PATH, or unset for ./" + defaultSQLitePath

// ParseURL turns a database URL or path into Options. Empty means the default SQLite file;
// postgres:// URLs to a host that is not local get sslmode=require unless they name one, as
// Heroku's do not. Errors name the accepted forms and never the password.
func ParseURL(raw string) (Options, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return Options{Dialect: SQLite, DSN: defaultSQLitePath}, nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil {
			return Options{}, fmt.Errorf("DATABASE_URL is not a valid URL (%s); %s", redactParseError(err), AcceptedURLForms)
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			return Options{}, fmt.Errorf("DATABASE_URL names no host; %s", AcceptedURLForms)
		}
		q := u.Query()
		if q.Get("sslmode") == "" && !isLocal(u.Hostname()) {
			q.Set("sslmode", "require")
			u.RawQuery = q.Encode()
		}
		return Options{Dialect: Postgres, DSN: u.String()}, nil
	case strings.HasPrefix(raw, "sqlite:"), strings.HasPrefix(raw, "file:"):
		path := raw[strings.IndexByte(raw, ':')+1:]
		path = strings.TrimPrefix(path, "//")
		if !sqlitePathOK(path) {
			return Options{}, fmt.Errorf("DATABASE_URL %q names no usable SQLite file path; %s", raw, AcceptedURLForms)
		}
		return Options{Dialect: SQLite, DSN: path}, nil
	case !strings.Contains(raw, "://") && sqlitePathOK(raw):
		// A bare path, as given to --db.
		return Options{Dialect: SQLite, DSN: raw}, nil
	}
	scheme, _, _ := strings.Cut(raw, ":")
	return Options{}, fmt.Errorf("DATABASE_URL has an unsupported scheme %q; %s", scheme, AcceptedURLForms)
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

// Redact returns a database URL or path fit for logs: the password replaced.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
