package web

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/demo"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

const testMetricsToken = "metrics-token-for-tests-0123456789"

// scrapeWith fetches /metrics from the site with the Authorization header auth ("" for none) and
// returns the status and, on 200, the families parsed by Prometheus' own text parser.
func (ts *testServer) scrapeWith(t *testing.T, authorization string) (int, map[string]*dto.MetricFamily) {
	t.Helper()
	var header []string
	if authorization != "" {
		header = []string{"Authorization", authorization}
	}
	code, h, body := ts.send(t, ts.newClient(), http.MethodGet, "/metrics", nil, header...)
	if code != http.StatusOK {
		return code, nil
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q; want the text format's", ct)
	}
	return code, parseMetrics(t, body)
}

// scrape fetches and parses /metrics with the right token.
func (ts *testServer) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	code, fams := ts.scrapeWith(t, "Bearer "+testMetricsToken)
	if code != http.StatusOK {
		t.Fatalf("/metrics with the token: %d", code)
	}
	return fams
}

// parseMetrics parses an exposition in the text format, failing the test on any error.
func parseMetrics(t *testing.T, body string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the exposition does not parse: %v\n%s", err, body)
	}
	return fams
}

// sample returns the value of the sample of family name whose labels include want (a counter's,
// a gauge's, or a histogram's count), and whether there is one.
func sample(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue(), true
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue(), true
		case dto.MetricType_HISTOGRAM:
			return float64(m.GetHistogram().GetSampleCount()), true
		default:
			return m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}

// counter returns a counter's value, 0 when the series does not exist yet.
func counter(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	v, _ := sample(fams, name, labels)
	return v
}

func TestMetricsBehindToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServerWith(t, s, Options{MetricsToken: testMetricsToken})
		for _, authorization := range []string{"", "Bearer wrong-token", "Basic " + testMetricsToken, testMetricsToken} {
			if code, _ := ts.scrapeWith(t, authorization); code != http.StatusUnauthorized {
				t.Errorf("/metrics with Authorization %q: %d; want 401", authorization, code)
			}
		}
		ts.get(t, "/c/tellytubbies/po")
		ts.get(t, "/c/books/x")
		ts.get(t, "/c/books/x")
		ts.do(t, http.MethodHead, "/c/tellytubbies/po", "", nil)
		ts.do(t, "BREW", "/c/tellytubbies/po", "", nil)
		ts.get(t, "/no/such/page")
		fams := ts.scrape(t)

		item := "GET /c/{line}/{item}"
		for _, c := range []struct {
			labels map[string]string
			want   float64
		}{
			{map[string]string{"route": item, "method": "GET", "status": "200"}, 1},
			{map[string]string{"route": item, "method": "GET", "status": "404"}, 2},
			{map[string]string{"route": item, "method": "HEAD", "status": "200"}, 1},
			{map[string]string{"route": "/", "method": "OTHER", "status": "405"}, 1},
			{map[string]string{"route": "/", "method": "GET", "status": "404"}, 1},
			// The scrapes refused above.
			{map[string]string{"route": "GET /metrics", "method": "GET", "status": "401"}, 4},
		} {
			if got, _ := sample(fams, "starboard_http_requests_total", c.labels); got != c.want {
				t.Errorf("requests %v: %v; want %v", c.labels, got, c.want)
			}
		}
		if got, ok := sample(fams, "starboard_http_request_duration_seconds", map[string]string{"route": item}); !ok || got != 4 {
			t.Errorf("duration histogram of %s counts %v; want 4", item, got)
		}
		for _, m := range fams["starboard_http_requests_total"].GetMetric() {
			for _, l := range m.GetLabel() {
				if strings.Contains(l.GetValue(), "/c/books/x") || strings.Contains(l.GetValue(), "tellytubbies") {
					t.Errorf("a label holds a path, not a route: %v", m)
				}
			}
		}
		for name, want := range map[string]dto.MetricType{
			"starboard_http_requests_total":           dto.MetricType_COUNTER,
			"starboard_http_request_duration_seconds": dto.MetricType_HISTOGRAM,
			"starboard_kept_pages_total":              dto.MetricType_COUNTER,
			"starboard_signin_failures_total":         dto.MetricType_COUNTER,
			"starboard_rate_limited_total":            dto.MetricType_COUNTER,
			"starboard_db_connections":                dto.MetricType_GAUGE,
			"starboard_db_max_open_connections":       dto.MetricType_GAUGE,
			"starboard_db_waits_total":                dto.MetricType_COUNTER,
			"starboard_db_wait_seconds_total":         dto.MetricType_COUNTER,
			"starboard_db_connections_closed_total":   dto.MetricType_COUNTER,
			"go_goroutines":                           dto.MetricType_GAUGE,
			"process_resident_memory_bytes":           dto.MetricType_GAUGE,
		} {
			if f := fams[name]; f == nil || f.GetType() != want {
				t.Errorf("family %s: %v; want type %v", name, f, want)
			}
		}
		h := fams["starboard_http_request_duration_seconds"].GetMetric()[0].GetHistogram()
		if b := h.GetBucket(); len(b) != len(latencyBuckets)+1 || b[0].GetUpperBound() != 0.0005 ||
			b[len(b)-2].GetUpperBound() != 5 || !math.IsInf(b[len(b)-1].GetUpperBound(), 1) {
			t.Errorf("duration buckets %v; want 0.5 ms .. 5 s, +Inf", b)
		}
		pools := []string{"main"}
		if s.Dialect() == store.SQLite {
			pools = []string{"reader", "writer"}
		}
		for _, pool := range pools {
			if n, ok := sample(fams, "starboard_db_max_open_connections", map[string]string{"pool": pool}); !ok || n < 1 {
				t.Errorf("pool %s: max open connections %v (%v)", pool, n, ok)
			}
			for _, state := range []string{"in_use", "idle"} {
				if _, ok := sample(fams, "starboard_db_connections", map[string]string{"pool": pool, "state": state}); !ok {
					t.Errorf("pool %s: no %s connections sample", pool, state)
				}
			}
		}
	})
}

func TestMetricsOffByDefault(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	ts := newTestServer(t, s)
	if code, _, _ := ts.send(t, ts.newClient(), http.MethodGet, "/metrics", nil, "Authorization", "Bearer "+testMetricsToken); code != http.StatusNotFound {
		t.Errorf("/metrics with no token set: %d; want 404", code)
	}
	rec := httptest.NewRecorder()
	ts.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("MetricsHandler of a server without metrics: %d; want 404", rec.Code)
	}

	// Collected for a listener of their own (METRICS_ADDR), not shown on the site's.
	ts = newTestServerWith(t, s, Options{Metrics: true})
	ts.get(t, "/healthz")
	if code, _, _ := ts.get(t, "/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the site's listener with Metrics but no token: %d; want 404", code)
	}
	rec = httptest.NewRecorder()
	ts.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	fams := parseMetrics(t, rec.Body.String())
	if got := counter(fams, "starboard_http_requests_total", map[string]string{"route": "GET /healthz", "status": "200"}); got != 1 {
		t.Errorf("healthz requests: %v; want 1", got)
	}
	if got := counter(fams, "starboard_http_requests_total", map[string]string{"route": "GET /metrics", "status": "404"}); got != 1 {
		t.Errorf("refused /metrics requests: %v; want 1", got)
	}
}

func TestMetricsKeptPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServerWith(t, s, Options{MetricsToken: testMetricsToken})
		kept := func(fams map[string]*dto.MetricFamily, page, result string) float64 {
			return counter(fams, "starboard_kept_pages_total", map[string]string{"page": page, "result": result})
		}
		for _, path := range []string{"/c/tellytubbies/po", "/c/tellytubbies/po", "/c/tellytubbies/po",
			"/c/tellytubbies", "/c/tellytubbies", "/api/v1/categories/tellytubbies", "/api/v1/categories/tellytubbies"} {
			if code, _, _ := ts.get(t, path); code != http.StatusOK {
				t.Fatalf("%s: %d", path, code)
			}
		}
		fams := ts.scrape(t)
		for _, c := range []struct {
			page      string
			miss, hit float64
		}{{"item", 1, 2}, {"line", 1, 1}, {"api", 1, 1}} {
			if m, h := kept(fams, c.page, "miss"), kept(fams, c.page, "hit"); m != c.miss || h != c.hit {
				t.Errorf("kept %s pages: %v misses, %v hits; want %v, %v", c.page, m, h, c.miss, c.hit)
			}
		}

		// A review changes the item: the next look misses, the one after hits.
		po := mustItem(t, s, "tellytubbies", "po")
		u := newMember(t, s, "kept@example.com")
		if err := s.CreateReview(context.Background(), &store.Review{ItemID: po.ID, UserID: u.ID, Rating: 4, Summary: "Fine"}); err != nil {
			t.Fatal(err)
		}
		ts.get(t, "/c/tellytubbies/po")
		ts.get(t, "/c/tellytubbies/po")
		fams = ts.scrape(t)
		if m, h := kept(fams, "item", "miss"), kept(fams, "item", "hit"); m != 2 || h != 3 {
			t.Errorf("after a review, kept item pages: %v misses, %v hits; want 2, 3", m, h)
		}
	})
}

func TestMetricsSignInFailuresAndRateLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServerWith(t, s, Options{MetricsToken: testMetricsToken, SignInLimit: auth.Limit{Attempts: 2, Window: time.Minute}})
		ts.signUp(t, ts.newClient(), "owner@example.com", "Owner")
		wrong := url.Values{"email": {"owner@example.com"}, "password": {"not the password at all"}}
		for i, want := range []int{http.StatusUnprocessableEntity, http.StatusUnprocessableEntity, http.StatusTooManyRequests} {
			if code, _, _ := ts.post(t, "/login", wrong); code != want {
				t.Fatalf("sign-in %d: %d; want %d", i+1, code, want)
			}
		}
		fams := ts.scrape(t)
		if got := counter(fams, "starboard_signin_failures_total", nil); got != 2 {
			t.Errorf("sign-in failures: %v; want 2", got)
		}
		if got := counter(fams, "starboard_rate_limited_total", map[string]string{"action": "login"}); got != 1 {
			t.Errorf("rate-limited sign-ins: %v; want 1", got)
		}
		if got, ok := sample(fams, "starboard_rate_limited_total", map[string]string{"action": "signup"}); !ok || got != 0 {
			t.Errorf("rate-limited sign-ups: %v (%v); want a 0 sample", got, ok)
		}
	})
}

func TestMetricsReviewWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServerWith(t, s, Options{MetricsToken: testMetricsToken})
		ts.signInAs(t, newMember(t, s, "writer@example.com"))
		if code, _, body := ts.postForm(t, "/c/tellytubbies/po/reviews", reviewValues("5", "Lovely", "")); code != http.StatusSeeOther {
			t.Fatalf("create review: %d\n%s", code, body)
		}
		if code, _, _ := ts.postForm(t, "/c/tellytubbies/dipsy/reviews", reviewValues("9", "", "")); code != http.StatusUnprocessableEntity {
			t.Fatalf("invalid review: %d", code)
		}
		fams := ts.scrape(t)
		for _, c := range []struct {
			outcome string
			want    float64
		}{{"ok", 1}, {"rejected", 1}} {
			if got := counter(fams, "starboard_review_writes_total", map[string]string{"action": "create", "outcome": c.outcome}); got != c.want {
				t.Errorf("review creations %s: %v; want %v", c.outcome, got, c.want)
			}
		}
	})
}

// TestReviewWriteRoutesRegistered keeps reviewWriteRoutes in step with the routes: a route
// renamed there would silently stop counting review writes.
func TestReviewWriteRoutesRegistered(t *testing.T) {
	srv, err := New(storetest.Open(t, store.SQLite), Options{})
	if err != nil {
		t.Fatal(err)
	}
	patterns := slices.Clone(srv.htmlPatterns)
	for _, rt := range srv.apiRouteTable() {
		patterns = append(patterns, rt.Method+" "+apiPrefix+rt.Path)
	}
	for pattern := range reviewWriteRoutes {
		if !slices.Contains(patterns, pattern) {
			t.Errorf("reviewWriteRoutes names %q, which no route has", pattern)
		}
	}
}

func TestSameSecret(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{{"abc", "abc", true}, {"abc", "abd", false}, {"abc", "abcd", false}, {"", "abc", false}} {
		if got := sameSecret(c.a, c.b); got != c.want {
			t.Errorf("sameSecret(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// BenchmarkKeptItemPageMetrics serves a kept item page (the busiest answer) with and without
// metrics, to show what counting costs a request.
//
//	go test ./internal/web -run '^$' -bench KeptItemPageMetrics -benchmem
func BenchmarkKeptItemPageMetrics(b *testing.B) {
	s := storetest.Open(b, store.SQLite)
	if _, err := demo.Load(context.Background(), s, demo.Size{}, false, nil); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		opt  Options
	}{{"off", Options{}}, {"on", Options{Metrics: true}}} {
		b.Run(c.name, func(b *testing.B) {
			srv, err := New(s, c.opt)
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/c/tellytubbies/po", nil)
			req.Header.Set("Accept-Encoding", "br")
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

// wrappedWriter wraps a ResponseWriter as the session middleware's does.
type wrappedWriter struct{ http.ResponseWriter }

func (w *wrappedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// BenchmarkCountRequests is what counting adds to one request, alone: the middleware around a
// router whose handler does nothing, through one wrapping ResponseWriter (as the session's), with
// and without metrics.
//
//	go test ./internal/web -run '^$' -bench CountRequests -benchmem
func BenchmarkCountRequests(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /c/{line}/{item}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(&wrappedWriter{w}, r.WithContext(r.Context()))
		})
	}
	for _, c := range []struct {
		name string
		m    *siteMetrics
	}{{"off", nil}, {"on", newSiteMetrics(storetest.Open(b, store.SQLite))}} {
		b.Run(c.name, func(b *testing.B) {
			h := c.m.countRequests(wrap(c.m.notePattern(mux)))
			req := httptest.NewRequest(http.MethodGet, "/c/books/x", nil)
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
		})
	}
}

// TestNotePatternThroughWrappers checks that the route pattern reaches countRequests through
// writers wrapped between it and the router.
func TestNotePatternThroughWrappers(t *testing.T) {
	m := newSiteMetrics(storetest.Open(t, store.SQLite))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /c/{line}/{item}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(&wrappedWriter{&wrappedWriter{w}}, r.WithContext(r.Context()))
		})
	}
	m.countRequests(wrap(m.notePattern(mux))).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/c/books/x", nil))
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	fams := parseMetrics(t, rec.Body.String())
	if got := counter(fams, "starboard_http_requests_total", map[string]string{"route": "GET /c/{line}/{item}", "status": "418"}); got != 1 {
		t.Errorf("request counted %v times under its route; want 1:\n%s", got, rec.Body.String())
	}
}
