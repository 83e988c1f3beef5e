// Package config turns the environment and command-line flags into a validated Config, with
// errors a person can act on. It is plain data: which database a URL names, and how to open it,
// is the store's to say (store.ParseURL).
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// Config is everything the server needs to start.
type Config struct {
	Addr         string // host:port to listen on
	DatabaseURL  string // a database URL or SQLite path; empty for the default SQLite file
	DatabasePool int    // database connections; 0 picks the store's default
	LogFormat    string // "text" or "json"
	TrustProxy   bool   // believe X-Forwarded-Proto (set behind Heroku's router)
	Demo         bool   // load the demo data set into an empty database at start
	// BaseURL is the site's public address, scheme and host without a trailing slash
	// ("https://reviews.example.com"): the canonical base of feeds, the sitemap and canonical
	// links. Empty in development, where it is derived from each request.
	BaseURL string
	// EphemeralDisk is set on Heroku (DYNO is set), where files written are lost at every
	// restart, so a SQLite database would be.
	EphemeralDisk bool
	// SMTPURL names the SMTP server that sends password reset links and sign-up confirmations
	// (mail.ParseURL); empty on a site without mail. MailFrom is the sender of those messages.
	SMTPURL, MailFrom string
	// MetricsAddr is a host:port of a second listener serving only the Prometheus metrics at
	// /metrics, without a token ("127.0.0.1:9090"); empty for none.
	MetricsAddr string
	// MetricsToken, when set, serves /metrics on the site's listener to a scraper sending
	// Authorization: Bearer MetricsToken. With neither set there are no metrics.
	MetricsToken string
	// PageCacheBytes bounds the pages kept rendered for visitors (compressed bytes); 0 turns
	// the kept-page cache off; -1 (neither PAGE_CACHE_BYTES nor --page-cache) means the default.
	PageCacheBytes int
}

// minMetricsToken is the shortest METRICS_TOKEN accepted: it guards the metrics on the site's
// public listener, so it must not be guessable.
const minMetricsToken = 16

// Flags are the command-line values that override the environment; zero values mean unset.
type Flags struct {
	Addr      string
	Database  string // --db: a path or URL
	Pool      int
	Demo      bool
	BaseURL   string // --base-url
	PageCache string // --page-cache: bytes of kept pages, "0" for none
}

// Load reads the environment (through getenv) and the flags into a Config.
func Load(getenv func(string) string, f Flags) (Config, error) {
	c := Config{Demo: f.Demo, TrustProxy: getenv("TRUST_PROXY") == "1", EphemeralDisk: getenv("DYNO") != "",
		SMTPURL: getenv("SMTP_URL"), MailFrom: getenv("MAIL_FROM")}

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

	if c.MetricsAddr = getenv("METRICS_ADDR"); c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			return c, fmt.Errorf("METRICS_ADDR=%q: want host:port, e.g. 127.0.0.1:9090", c.MetricsAddr)
		}
	}
	c.MetricsToken = getenv("METRICS_TOKEN")
	if t := c.MetricsToken; t != "" && (len(t) < minMetricsToken || strings.ContainsFunc(t, unicode.IsSpace)) {
		return c, fmt.Errorf("METRICS_TOKEN: want at least %d characters and no spaces, e.g. from `openssl rand -hex 32`", minMetricsToken)
	}
	c.PageCacheBytes = -1
	v, name := getenv("PAGE_CACHE_BYTES"), "PAGE_CACHE_BYTES"
	if f.PageCache != "" {
		v, name = f.PageCache, "--page-cache"
	}
	if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return c, fmt.Errorf("%s=%q: want a number of bytes, 0 to keep no pages", name, v)
		}
		c.PageCacheBytes = n
	}

	c.BaseURL = getenv("BASE_URL")
	name = "BASE_URL"
	if f.BaseURL != "" {
		c.BaseURL, name = f.BaseURL, "--base-url"
	}
	if c.BaseURL != "" {
		u, err := ParseBaseURL(c.BaseURL)
		if err != nil {
			return c, fmt.Errorf("%s=%q: %w", name, c.BaseURL, err)
		}
		c.BaseURL = u
	}
	return c, nil
}

// ParseBaseURL checks a site's public address and returns it normalised: an absolute http or
// https URL of the site's root, no query, fragment or user, lower-case scheme and host, without
// the trailing slash.
func ParseBaseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", errors.New("want an absolute http(s) URL such as https://reviews.example.com")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.Opaque != "":
		return "", errors.New("want an absolute http(s) URL such as https://reviews.example.com")
	case u.User != nil:
		return "", errors.New("want no user name or password in the address")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return "", errors.New("want no query (?) or fragment (#) in the address")
	case u.Path != "" && u.Path != "/":
		return "", errors.New("want the site's root address, without a path: Starboard serves from /")
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// RequireBaseURL returns an error saying what to set when the server runs where its public
// address cannot be trusted from requests (Heroku: DYNO is set; behind a proxy: TRUST_PROXY=1)
// and BASE_URL is unset. Only serve needs it.
func (c Config) RequireBaseURL() error {
	if c.BaseURL != "" || (!c.EphemeralDisk && !c.TrustProxy) {
		return nil
	}
	where := "behind a proxy (TRUST_PROXY=1)"
	if c.EphemeralDisk {
		where = "on Heroku (DYNO is set)"
	}
	return fmt.Errorf("BASE_URL is not set: %s the site's public address cannot be taken from requests, "+
		"so set BASE_URL to it, e.g. BASE_URL=https://reviews.example.com (or serve --base-url)", where)
}
