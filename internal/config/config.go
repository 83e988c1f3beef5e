// Package config turns the environment and command-line flags into a validated Config, with
// errors a person can act on. It is plain data: which database a URL names, and how to open it,
// is the store's to say (store.ParseURL).
package config

import (
	"fmt"
	"net"
	"strconv"
)

// Config is everything the server needs to start.
type Config struct {
	Addr         string // host:port to listen on
	DatabaseURL  string // a database URL or SQLite path; empty for the default SQLite file
	DatabasePool int    // database connections; 0 picks the store's default
	LogFormat    string // "text" or "json"
	TrustProxy   bool   // believe X-Forwarded-Proto (set behind Heroku's router)
	Demo         bool   // load the demo data set into an empty database at start
	// EphemeralDisk is set on Heroku (DYNO is set), where files written are lost at every
	// restart, so a SQLite database would be.
	EphemeralDisk bool
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
	c := Config{Demo: f.Demo, TrustProxy: getenv("TRUST_PROXY") == "1", EphemeralDisk: getenv("DYNO") != ""}

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

	c.DatabaseURL = getenv("DATABASE_URL")
	if f.Database != "" {
		c.DatabaseURL = f.Database
	}
	c.DatabasePool = f.Pool
	if pool := getenv("DATABASE_POOL"); pool != "" && f.Pool == 0 {
		n, err := strconv.Atoi(pool)
		if err != nil || n < 1 || n > 1000 {
			return c, fmt.Errorf("DATABASE_POOL=%q: want a number of connections 1-1000", pool)
		}
		c.DatabasePool = n
	}
	return c, nil
}
