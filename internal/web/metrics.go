package web

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/starboard/starboard/internal/store"
)

// The site's metrics, in Prometheus' text format (docs/metrics.md lists them, with queries).
// They are collected only when Options.Metrics is set, and then shown only to a scraper that
// proves itself: on a listener of their own (serve's METRICS_ADDR, through MetricsHandler) or
// at /metrics on the site's listener with Authorization: Bearer METRICS_TOKEN. Never to everyone.
//
// The library is github.com/VictoriaMetrics/metrics rather than prometheus/client_golang: a
// counter is one atomic add and a histogram one short lock, as in client_golang, but it adds
// 0.25 MB to the stripped binary where client_golang with its Go and process collectors adds
// 2.4 MB (protobuf, a registry of collectors), and it writes the same text format, with TYPE
// lines, that Prometheus reads. Series are looked up here, by route, method and status, in a
// map read without a lock, so counting a request allocates only its 48-byte recorder once its
// series exists.

// latencyBuckets are the upper bounds of the request duration histogram, in seconds: from half
// a millisecond (a kept page) to 5 s (a client has long given up).
var latencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// reviewWriteRoutes are the routes that write reviews, with what they do: their answers are
// counted as review writes too.
var reviewWriteRoutes = map[string]string{
	"POST /c/{line}/{item}/reviews":             "create",
	"POST /reviews/{id}/edit":                   "update",
	"POST /reviews/{id}/delete":                 "delete",
	"POST /admin/reviews/{id}/remove":           "remove",
	"POST " + apiPrefix + "/items/{id}/reviews": "create",
	"PATCH " + apiPrefix + "/reviews/{id}":      "update",
	"DELETE " + apiPrefix + "/reviews/{id}":     "delete",
}

// keptPages are the pages and documents kept for anonymous visitors, by template name ("" for
// the API's JSON documents), as the page label of the kept-page counters says them.
var keptPages = map[string]string{"item": "item", "lines": "line", "": "api"}

// siteMetrics holds the metrics of one Server. A nil *siteMetrics counts nothing: every method
// is then a no-op, and the middleware passes requests straight through.
type siteMetrics struct {
	set   *metrics.Set
	store *store.Store
	// series maps a route, method and status to its counters. It is replaced, never changed,
	// under mu, so requests read it without locking.
	series atomic.Pointer[map[seriesKey]*requestSeries]
	mu     sync.Mutex
	kept   map[string]*[2]*metrics.Counter // by template name: misses, hits
	// signInFailures counts sign-ins refused for a wrong email or password.
	signInFailures *metrics.Counter
}

// seriesKey names the series a request is counted in.
type seriesKey struct {
	route, method string
	status        int
}

// requestSeries are the counters of one route, method and status.
type requestSeries struct {
	requests *metrics.Counter
	duration *metrics.PrometheusHistogram // the route's, shared by its methods and statuses
	writes   *metrics.Counter             // review writes with this outcome; nil on other routes
}

// newSiteMetrics returns the metrics of a site over s, its pools read at each scrape.
func newSiteMetrics(s *store.Store) *siteMetrics {
	// TYPE lines, so that Prometheus knows counters and histograms for what they are.
	metrics.ExposeMetadata(true)
	m := &siteMetrics{set: metrics.NewSet(), store: s, kept: map[string]*[2]*metrics.Counter{}}
	m.series.Store(&map[seriesKey]*requestSeries{})
	for name, page := range keptPages {
		m.kept[name] = &[2]*metrics.Counter{
			m.set.NewCounter(`starboard_kept_pages_total{page="` + page + `",result="miss"}`),
			m.set.NewCounter(`starboard_kept_pages_total{page="` + page + `",result="hit"}`),
		}
	}
	m.signInFailures = m.set.NewCounter("starboard_signin_failures_total")
	for _, action := range []string{"login", "signup", "password"} {
		m.set.NewCounter(`starboard_rate_limited_total{action="` + action + `"}`)
	}
	m.set.RegisterMetricsWriter(m.writePools)
	return m
}

// countRequests counts every request by route pattern, method and status, and times it.
func (m *siteMetrics) countRequests(next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		s := m.requestSeries(seriesKey{rec.route, methodLabel(r.Method), rec.status})
		s.requests.Inc()
		s.duration.Update(time.Since(start).Seconds())
		if s.writes != nil {
			s.writes.Inc()
		}
	})
}

// notePattern passes the route pattern the mux matched (r.Pattern, which it sets on the request
// it was given) out to countRequests, whose request is an earlier copy (the session and user
// middleware add to the context) and so never sees it.
func (m *siteMetrics) notePattern(mux http.Handler) http.Handler {
	if m == nil {
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			for w != nil {
				if rec, ok := w.(*statusRecorder); ok {
					rec.route = r.Pattern
					return
				}
				u, ok := w.(interface{ Unwrap() http.ResponseWriter })
				if !ok {
					return
				}
				w = u.Unwrap()
			}
		}()
		mux.ServeHTTP(w, r)
	})
}

// methodLabel returns the method as the method label says it: the standard ones as they are,
// any other "OTHER", so a client cannot make up series.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return method
	}
	return "OTHER"
}

// requestSeries returns the counters of key, making them the first time.
func (m *siteMetrics) requestSeries(key seriesKey) *requestSeries {
	if s := (*m.series.Load())[key]; s != nil {
		return s
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.series.Load()
	if s := old[key]; s != nil {
		return s
	}
	route := key.route
	if route == "" {
		route = "none" // answered before the router: refused across sites, body too large
	}
	s := &requestSeries{
		requests: m.set.GetOrCreateCounter(fmt.Sprintf(`starboard_http_requests_total{route=%s,method=%s,status="%d"}`,
			labelValue(route), labelValue(key.method), key.status)),
		duration: m.set.GetOrCreatePrometheusHistogramExt(
			`starboard_http_request_duration_seconds{route=`+labelValue(route)+`}`, latencyBuckets),
	}
	if action, ok := reviewWriteRoutes[key.route]; ok {
		s.writes = m.set.GetOrCreateCounter(`starboard_review_writes_total{action="` + action + `",outcome="` + outcome(key.status) + `"}`)
	}
	series := make(map[seriesKey]*requestSeries, len(old)+1)
	for k, v := range old {
		series[k] = v
	}
	series[key] = s
	m.series.Store(&series)
	return s
}

// outcome says how a write went by the status of its answer: done ("ok", redirects included),
// refused for the request's sake ("rejected": invalid, not allowed, not found, a conflict,
// too many) or failed on ours ("failed").
func outcome(status int) string {
	switch {
	case status >= 500:
		return "failed"
	case status >= 400:
		return "rejected"
	}
	return "ok"
}

// labelValue quotes s as a label value of the text format.
func labelValue(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// keptPage counts one look for a kept page with template name ("" for JSON), found or not.
func (m *siteMetrics) keptPage(name string, hit bool) {
	if m == nil {
		return
	}
	c := m.kept[name]
	if c == nil {
		return
	}
	if hit {
		c[1].Inc()
	} else {
		c[0].Inc()
	}
}

// signInFailed counts one sign-in refused for a wrong email or password.
func (m *siteMetrics) signInFailed() {
	if m != nil {
		m.signInFailures.Inc()
	}
}

// rateLimited counts one attempt at action (login, signup, password) refused for the limit.
func (m *siteMetrics) rateLimited(action string) {
	if m != nil {
		m.set.GetOrCreateCounter(`starboard_rate_limited_total{action=` + labelValue(action) + `}`).Inc()
	}
}

// writePools writes the database pools' statistics, read now.
func (m *siteMetrics) writePools(w io.Writer) {
	pools := m.store.Stats()
	var b bytes.Buffer
	family := func(name, kind, help string, value func(p store.PoolStats) []labelled) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
		for _, p := range pools {
			for _, v := range value(p) {
				fmt.Fprintf(&b, "%s{pool=%s%s} %s\n", name, labelValue(p.Pool), v.labels, v.value)
			}
		}
	}
	one := func(v int64) []labelled { return []labelled{{"", strconv.FormatInt(v, 10)}} }
	family("starboard_db_connections", "gauge", "Open connections of a database pool, by state.",
		func(p store.PoolStats) []labelled {
			return []labelled{{`,state="in_use"`, strconv.Itoa(p.InUse)}, {`,state="idle"`, strconv.Itoa(p.Idle)}}
		})
	family("starboard_db_max_open_connections", "gauge", "The most connections a database pool opens.",
		func(p store.PoolStats) []labelled { return one(int64(p.MaxOpenConnections)) })
	family("starboard_db_waits_total", "counter", "Times a query waited for a free connection.",
		func(p store.PoolStats) []labelled { return one(p.WaitCount) })
	family("starboard_db_wait_seconds_total", "counter", "Time queries spent waiting for a free connection.",
		func(p store.PoolStats) []labelled {
			return []labelled{{"", strconv.FormatFloat(p.WaitDuration.Seconds(), 'g', -1, 64)}}
		})
	family("starboard_db_connections_closed_total", "counter", "Connections a database pool closed, by reason.",
		func(p store.PoolStats) []labelled {
			return []labelled{
				{`,reason="max_idle"`, strconv.FormatInt(p.MaxIdleClosed, 10)},
				{`,reason="max_idle_time"`, strconv.FormatInt(p.MaxIdleTimeClosed, 10)},
				{`,reason="max_lifetime"`, strconv.FormatInt(p.MaxLifetimeClosed, 10)},
			}
		})
	w.Write(b.Bytes())
}

// labelled is one sample of a family: its labels after pool's, and its value.
type labelled struct{ labels, value string }

// ServeHTTP writes every metric in Prometheus' text format: the site's, the database pools'
// and the Go runtime's and process's (go_*, process_*).
func (m *siteMetrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	m.set.WritePrometheus(&b)
	metrics.WriteProcessMetrics(&b)
	h := w.Header()
	h.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
}

// MetricsHandler returns the handler that writes the site's metrics, for a listener of their
// own (serve's METRICS_ADDR): it asks for no token, so that listener must not be public. It
// answers 404 when the server collects no metrics (Options.Metrics unset).
func (srv *Server) MetricsHandler() http.Handler {
	if srv.metrics == nil {
		return http.NotFoundHandler()
	}
	return srv.metrics
}

// scrape answers /metrics on the site's listener: the metrics for a request that carries
// Authorization: Bearer METRICS_TOKEN, 401 for any other, and 404, as for any unknown address,
// when no token is set.
func (srv *Server) scrape(w http.ResponseWriter, r *http.Request) error {
	if srv.metrics == nil || srv.opt.MetricsToken == "" {
		return errNotFound
	}
	scheme, token, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !strings.EqualFold(scheme, "Bearer") || !sameSecret(strings.TrimSpace(token), srv.opt.MetricsToken) {
		return unauthorized("invalid_token", "Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.")
	}
	srv.metrics.ServeHTTP(w, r)
	return nil
}

// sameSecret reports whether a equals b in time that depends on neither, their lengths included.
func sameSecret(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}
