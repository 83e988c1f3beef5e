// Package web serves Starboard over HTTP: the HTML pages, the JSON API under /api/v1, health
// checks and the embedded static files. Handlers parse the request, call the store and the
// ranking, and render; they hold no SQL.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/lineup"
	"github.com/starboard/starboard/internal/mail"
	"github.com/starboard/starboard/internal/session"
	"github.com/starboard/starboard/internal/store"
)

// Options configure a Server.
type Options struct {
	Logger *slog.Logger
	// TrustProxy makes the server believe X-Forwarded-Proto, as behind Heroku's router.
	TrustProxy bool
	// BaseURL is the site's public address without a trailing slash (config.ParseBaseURL), for
	// the absolute addresses of feeds, the sitemap and canonical links; empty in development,
	// where each request's own scheme and host stand in (baseURL).
	BaseURL string
	// SignInLimit bounds sign-in, sign-up and password-change attempts per client address, and
	// sign-in attempts per (account, address) and per known device; zero means auth.SignInLimit
	// (10 per 5 minutes). See ratelimit.go.
	SignInLimit auth.Limit
	// ReportLimit bounds how many reviews one member reports; zero means 20 per hour.
	ReportLimit auth.Limit
	// UnknownDeviceLimit bounds sign-in attempts at one account from browsers that never signed
	// in to it, from all addresses together; zero means auth.UnknownDeviceLimit (20 an hour).
	UnknownDeviceLimit auth.Limit
	// Mail sends password reset links and sign-up confirmations (SMTP_URL); nil on a site
	// without mail, where admins hand out reset links (account_password.go).
	Mail *mail.Sender
	// Metrics makes the server count requests, kept-page hits, sign-in failures and the like
	// for Prometheus (metrics.go), shown by MetricsHandler and, with MetricsToken, at /metrics.
	Metrics bool
	// MetricsToken, when set, serves /metrics on the site's listener to requests that carry
	// Authorization: Bearer MetricsToken; it implies Metrics.
	MetricsToken string
	// PageCacheBytes bounds the pages kept rendered for visitors, counted compressed; 0 means
	// the default, 4 MiB. NoPageCache keeps none: every page is rendered from the database.
	PageCacheBytes int
	NoPageCache    bool
}

// Server holds what every handler needs.
type Server struct {
	store    *store.Store
	log      *slog.Logger
	opt      Options
	pages    *pages
	sessions *scs.SessionManager
	static   *staticFiles
	stars    *starPainter
	lines    *lineup.Cache
	// pagesKept holds pages rendered for anonymous visitors (pagecache.go).
	pagesKept pageCache
	handler   http.Handler
	// sitemapURLs is the most addresses one sitemap holds (seo.go).
	sitemapURLs int
	// devices holds the key of device cookies (device.go).
	devices deviceKeys
	// htmlPatterns are the routes of the HTML pages, feeds and health checks, for tests.
	htmlPatterns []string
	// metrics counts for Prometheus; nil counts nothing (metrics.go).
	metrics *siteMetrics
}

// New returns a Server over the store, with its templates parsed and routes registered. A
// template that does not parse is an error here, not a 500 later.
func New(s *store.Store, opt Options) (*Server, error) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.SignInLimit.Attempts <= 0 || opt.SignInLimit.Window <= 0 {
		opt.SignInLimit = auth.SignInLimit
	}
	if opt.ReportLimit.Attempts <= 0 || opt.ReportLimit.Window <= 0 {
		opt.ReportLimit = defaultReportLimit
	}
	if opt.UnknownDeviceLimit.Attempts <= 0 || opt.UnknownDeviceLimit.Window <= 0 {
		opt.UnknownDeviceLimit = auth.UnknownDeviceLimit
	}
	static, err := loadStatic()
	if err != nil {
		return nil, err
	}
	srv := &Server{store: s, log: opt.Logger, opt: opt, static: static, sitemapURLs: sitemapURLs}
	srv.lines = lineup.NewCache(s)
	switch {
	case opt.NoPageCache:
		opt.PageCacheBytes = 0
	case opt.PageCacheBytes <= 0:
		opt.PageCacheBytes = pageCacheBytes
	}
	srv.pagesKept.init(opt.PageCacheBytes)
	if opt.Metrics || opt.MetricsToken != "" {
		srv.metrics = newSiteMetrics(s)
	}
	srv.sessions = session.New(s, opt.TrustProxy)
	srv.sessions.ErrorFunc = srv.sessionFailed
	if srv.stars, err = newStarPainter(static); err != nil {
		return nil, err
	}
	if srv.pages, err = parsePages(static, srv.stars); err != nil {
		return nil, err
	}
	srv.handler = srv.routes()
	// The dummy hash costs one argon2id run (tens of milliseconds, 19 MiB): off the start-up
	// path, so the first request is answered sooner; a sign-in in the first moments waits for it.
	go auth.WarmUp()
	return srv, nil
}

// ServeHTTP serves one request.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	srv.handler.ServeHTTP(w, r)
}

// healthz answers while the process is up.
func (srv *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz answers 200 when the database answers within a second, else 503.
func (srv *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := srv.store.Ping(ctx); err != nil {
		srv.log.Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

// isUnavailable reports whether err means the database could not be reached in time, which is
// a 503 for the client rather than a 500.
func isUnavailable(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.Is(err, store.ErrUnavailable)
}
