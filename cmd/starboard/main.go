// Command starboard runs the Starboard review site and its operator tasks: serve, migrate, demo,
// copy, backup, import, healthcheck.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/config"
	"github.com/starboard/starboard/internal/demo"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2 // bad flags, configuration or database URL
)

const usage = `Starboard: which one should I tell my friends to buy?

Usage:
  starboard serve   [--addr HOST:PORT] [--db PATH|URL] [--demo] [--pool N] [--base-url URL] [--page-cache BYTES]
  starboard migrate [--db PATH|URL]
  starboard demo    [--db PATH|URL] [--items N --reviews M] [--force]
  starboard user create --email E [--name N] [--admin] [--db PATH|URL]   (password on stdin, or asked)
  starboard user list   [--db PATH|URL]
  starboard user reset-link --email E [--base-url URL] [--db PATH|URL]
  starboard copy    --from PATH|URL --to PATH|URL [--force] [--sessions]
  starboard backup  [--db PATH|URL] [--to FILE]   (a verified SQLite copy, while the site runs)
  starboard import  FILE.csv|FILE.json --line SLUG [--create-line NAME] [--db PATH|URL] [--dry-run]
  starboard healthcheck [--url URL]

The database is DATABASE_URL (or --db): unset for ./starboard.db, sqlite:PATH, or postgres://...
`

// syncWriter serialises writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// env carries the process's outside world, so run is testable.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	// The log and the messages printed beside it (the setup address) share standard error, and
	// the server writes its log from many goroutines.
	stderr = &syncWriter{w: stderr}
	e := env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch args[1] {
	case "serve":
		err = e.serve(ctx, args[2:])
	case "migrate":
		err = e.migrate(ctx, args[2:])
	case "demo":
		err = e.demo(ctx, args[2:])
	case "user":
		err = e.user(ctx, args[2:])
	case "copy":
		err = e.copyData(ctx, args[2:])
	case "backup":
		err = e.backup(ctx, args[2:])
	case "import":
		err = e.importItems(ctx, args[2:])
	case "healthcheck":
		err = e.healthcheck(ctx, args[2:])
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "starboard: unknown command %q\n\n%s", args[1], usage)
		return exitUsage
	}
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	fmt.Fprintf(stderr, "starboard %s: %v\n", args[1], err)
	var u usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitFailure
}

// usageError marks errors the operator must fix in flags, environment or database URL (exit 2).
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

// flags parses a subcommand's flags, writing errors and -h to stderr.
func (e env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("starboard "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

func (e env) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// load reads the configuration and the database options it names, wrapping problems as usage
// errors.
func (e env) load(f config.Flags) (config.Config, store.Options, error) {
	cfg, err := config.Load(e.getenv, f)
	if err != nil {
		return cfg, store.Options{}, usageError{err}
	}
	opt, err := store.ParseURL(cfg.DatabaseURL)
	if err != nil {
		return cfg, opt, usageError{err}
	}
	if cfg.EphemeralDisk && opt.Dialect == store.SQLite {
		return cfg, opt, usageError{errors.New("the database is a SQLite file, and on Heroku (DYNO is set) it would be lost " +
			"at every restart because the filesystem is ephemeral: add the heroku-postgresql add-on, " +
			"which sets DATABASE_URL to a PostgreSQL URL")}
	}
	opt.MaxConns = cfg.DatabasePool
	return cfg, opt, nil
}

func (e env) logger(cfg config.Config) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, nil))
	}
	return slog.New(slog.NewTextHandler(e.stderr, nil))
}

// open connects to the configured database. Failing to is the operator's to fix (exit 2), and
// the message says which forms are accepted.
func open(ctx context.Context, opt store.Options) (*store.Store, error) {
	s, err := store.Open(ctx, opt)
	if err != nil {
		return nil, usageError{fmt.Errorf("cannot use the database %s: %s (%s)",
			store.Redact(opt.DSN), oneLine(err), store.AcceptedURLForms)}
	}
	return s, nil
}

// openMigrated loads the configuration, opens the database and applies pending migrations,
// quietly.
func (e env) openMigrated(ctx context.Context, f config.Flags) (*store.Store, config.Config, error) {
	cfg, opt, err := e.load(f)
	if err != nil {
		return nil, cfg, err
	}
	s, err := migrated(ctx, opt, slog.New(slog.DiscardHandler))
	return s, cfg, err
}

// openMigratedDB is openMigrated for commands whose only database setting is --db.
func (e env) openMigratedDB(ctx context.Context, db string) (*store.Store, error) {
	s, _, err := e.openMigrated(ctx, config.Flags{Database: db})
	return s, err
}

// migrated opens the database and applies pending migrations, logging them to log.
func migrated(ctx context.Context, opt store.Options, log *slog.Logger) (*store.Store, error) {
	s, err := open(ctx, opt)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx, log); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// oneLine flattens a multi-line driver error (pgx lists each address it tried) into one line,
// without repeats.
func oneLine(err error) string {
	var parts []string
	seen := map[string]bool{}
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !seen[line] {
			seen[line] = true
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, " ")
}

// softMemoryLimit is serve's default GOMEMLIMIT.
const softMemoryLimit = 20 << 20

// serve runs the web server until ctx is cancelled (SIGTERM, Ctrl-C), then drains in-flight
// requests for up to 25 s and closes the database.
func (e env) serve(ctx context.Context, args []string) error {
	fs := e.flags("serve")
	var f config.Flags
	fs.StringVar(&f.Addr, "addr", "", "listen address (default localhost:8080, or 0.0.0.0:$PORT)")
	fs.StringVar(&f.Database, "db", "", "SQLite path or database URL (default $DATABASE_URL or ./starboard.db)")
	fs.BoolVar(&f.Demo, "demo", false, "load the demo data set when the database is empty")
	fs.IntVar(&f.Pool, "pool", 0, "database connections (default $DATABASE_POOL or 10)")
	fs.StringVar(&f.BaseURL, "base-url", "", "the site's public address, e.g. https://reviews.example.com (default $BASE_URL)")
	fs.StringVar(&f.PageCache, "page-cache", "", "bytes of pages kept rendered for visitors, 0 for none (default $PAGE_CACHE_BYTES or 4 MiB)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	cfg, opt, err := e.load(f)
	if err != nil {
		return err
	}
	if err := cfg.RequireBaseURL(); err != nil {
		return usageError{err}
	}
	log := e.logger(cfg)
	// A soft limit on the memory the Go runtime holds (heap, stacks, its own), unless the
	// operator set GOMEMLIMIT: the collector runs sooner and returns freed pages to the system
	// sooner as the heap nears it, so resident memory stays near what is live (kept pages,
	// pooled encoders) instead of twice it. It is soft: a sign-in's argon2id (19 MiB) goes over
	// it for a moment, with the collector's CPU capped.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	s, err := migrated(ctx, opt, log)
	if err != nil {
		return err
	}
	defer s.Close()
	if cfg.Demo {
		sum, err := demo.Load(ctx, s, demo.Size{}, false, nil)
		switch {
		case errors.Is(err, demo.ErrNotEmpty):
			log.Info("demo data not loaded: the database already holds data")
		case err != nil:
			return err
		default:
			log.Info("demo data loaded", "lines", sum.Categories, "items", sum.Items, "reviews", sum.Reviews)
		}
	}
	mailer, err := newMailer(cfg, log)
	if err != nil {
		return err
	}
	if mailer != nil {
		defer mailer.Close() // after the server has shut down: sends what its last requests queued
	}
	h, err := web.New(s, web.Options{Logger: log, TrustProxy: cfg.TrustProxy, BaseURL: cfg.BaseURL, Mail: mailer,
		Metrics: cfg.MetricsAddr != "", MetricsToken: cfg.MetricsToken,
		PageCacheBytes: max(cfg.PageCacheBytes, 0), NoPageCache: cfg.PageCacheBytes == 0})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return usageError{fmt.Errorf("listen on %s: %w", cfg.Addr, err)}
	}
	errc := make(chan error, 2)
	ms, err := serveMetrics(cfg.MetricsAddr, h, log, errc)
	if err != nil {
		ln.Close()
		return err
	}
	hs := httpServer(h, log)
	go sweepExpired(ctx, s, log)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("starboard listening", "url", "http://"+ln.Addr().String(), "database", string(s.Dialect()),
		"dsn", store.Redact(opt.DSN))
	if err := e.announceSetup(ctx, s, log, siteAddress(cfg.BaseURL, ln.Addr())); err != nil {
		log.Warn("no setup address", "err", err)
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if ms != nil {
		ms.Shutdown(shutdownCtx)
	}
	log.Info("stopped")
	return nil
}

// announceSetup makes a one-time setup address when the site has no admin, and logs it and
// prints it on standard error: whoever can read this instance's output may create the first
// admin (`starboard user create --admin` does the same). The token is stored hashed in the
// database, so any instance answers it; each start makes a new one, and one older than
// auth.SetupTokenLifetime stops working.
func (e env) announceSetup(ctx context.Context, s *store.Store, log *slog.Logger, base string) error {
	token, hash := auth.NewSetupToken()
	now := time.Now()
	made, err := s.CreateSetupToken(ctx, hash, now, now.Add(-auth.SetupTokenLifetime))
	if err != nil || !made {
		return err
	}
	link := base + web.SetupPath(token)
	log.Warn("this site has no admin yet: open the setup address to create one (it works once, for 24 hours)", "setup_url", link)
	fmt.Fprintf(e.stderr, "\nThis site has no admin yet. To create one, open\n\n    %s\n\n"+
		"(it works once, for 24 hours), or run: starboard user create --admin --email YOU@EXAMPLE.COM\n\n", link)
	return nil
}

// siteAddress returns the base of the site's absolute addresses: BASE_URL when set, else the
// address the server listens on (localhost for all interfaces).
func siteAddress(baseURL string, addr net.Addr) string {
	if baseURL != "" {
		return baseURL
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// serveMetrics starts the listener of METRICS_ADDR, which answers GET /metrics with the site's
// metrics, without a token, and 404 to anything else; none when addr is empty. A Serve error
// goes to errc.
func serveMetrics(addr string, h *web.Server, log *slog.Logger, errc chan<- error) (*http.Server, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, usageError{fmt.Errorf("listen on METRICS_ADDR %s: %w", addr, err)}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h.MetricsHandler())
	ms := httpServer(mux, log)
	go func() { errc <- ms.Serve(ln) }()
	log.Info("metrics listening", "url", "http://"+ln.Addr().String()+"/metrics")
	return ms, nil
}

// httpServer returns a server for h with timeouts that keep slow clients from holding
// connections, logging its own errors to log.
func httpServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// sweepExpired deletes expired sessions, stale rate-limit counters and expired idempotency keys
// every hour until ctx ends.
func sweepExpired(ctx context.Context, s *store.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.DeleteExpiredSessions(ctx); err != nil {
				log.Warn("session sweep", "err", err)
			} else if n > 0 {
				log.Info("expired sessions deleted", "count", n)
			}
			// Sign-in counters live for minutes; a day-old one is dead weight.
			if n, err := s.DeleteStaleRateLimits(ctx, time.Now().Add(-24*time.Hour)); err != nil {
				log.Warn("rate limit sweep", "err", err)
			} else if n > 0 {
				log.Info("stale rate limits deleted", "count", n)
			}
			if n, err := s.DeleteExpiredIdempotencyKeys(ctx, time.Now().Add(-store.IdempotencyTTL)); err != nil {
				log.Warn("idempotency key sweep", "err", err)
			} else if n > 0 {
				log.Info("expired idempotency keys deleted", "count", n)
			}
		}
	}
}

// migrate applies pending migrations: the release phase of a deploy.
func (e env) migrate(ctx context.Context, args []string) error {
	fs := e.flags("migrate")
	var f config.Flags
	fs.StringVar(&f.Database, "db", "", "SQLite path or database URL (default $DATABASE_URL or ./starboard.db)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	cfg, opt, err := e.load(f)
	if err != nil {
		return err
	}
	s, err := migrated(ctx, opt, e.logger(cfg))
	if err != nil {
		return err
	}
	defer s.Close()
	cur, _, err := s.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database %s is at schema version %d\n", store.Redact(opt.DSN), cur)
	return nil
}

// demo loads the demo data set.
func (e env) demo(ctx context.Context, args []string) error {
	fs := e.flags("demo")
	var f config.Flags
	var size demo.Size
	var force bool
	fs.StringVar(&f.Database, "db", "", "SQLite path or database URL (default $DATABASE_URL or ./starboard.db)")
	fs.IntVar(&size.Items, "items", 0, "generate this many items (with --reviews) instead of the small demo set")
	fs.IntVar(&size.Reviews, "reviews", 0, "generate this many reviews")
	fs.BoolVar(&force, "force", false, "delete everything in the database first")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if (size.Items == 0) != (size.Reviews == 0) && size.Items == 0 {
		return usageError{errors.New("--reviews needs --items")}
	}
	s, err := e.openMigratedDB(ctx, f.Database)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	sum, err := demo.Load(ctx, s, size, force, func(msg string) { fmt.Fprintln(e.stdout, "demo:", msg) })
	if errors.Is(err, demo.ErrNotEmpty) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "loaded %d product lines, %d items (%d with pictures), %d members and %d reviews in %s\n",
		sum.Categories, sum.Items, sum.Pictures, sum.Users, sum.Reviews, time.Since(start).Round(time.Millisecond))
	return nil
}
