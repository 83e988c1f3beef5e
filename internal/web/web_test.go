package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/demo"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// testServer is a running Starboard over a real database, with a client that keeps cookies and
// does not follow redirects.
type testServer struct {
	*httptest.Server
	srv    *Server
	store  *store.Store
	client *http.Client
}

func newTestServer(t *testing.T, s *store.Store) *testServer {
	t.Helper()
	srv, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{srv: srv, store: s}
	ts.Server = httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	ts.client = ts.newClient()
	return ts
}

// newClient returns a client with its own cookie jar (another browser) that does not follow
// redirects.
func (ts *testServer) newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// signInAs gives the test client a session for u, as a successful sign-in would, by running the
// server's own signIn inside its session middleware.
func (ts *testServer) signInAs(t *testing.T, u store.User) {
	t.Helper()
	h := ts.srv.loadSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := ts.srv.signIn(w, r, u); err != nil {
			t.Error(err)
		}
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, ts.URL+"/", nil))
	u2, _ := url.Parse(ts.URL)
	ts.client.Jar.SetCookies(u2, rec.Result().Cookies())
}

// newMember creates a member account directly in the store.
func newMember(t *testing.T, s *store.Store, email string) store.User {
	t.Helper()
	u := store.User{Email: email, DisplayName: strings.Split(email, "@")[0], PasswordHash: "!"}
	if err := s.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

// withDemo loads the small demo data set.
func withDemo(t *testing.T, s *store.Store) {
	t.Helper()
	if _, err := demo.Load(context.Background(), s, demo.Size{}, false, nil); err != nil {
		t.Fatal(err)
	}
}

// get fetches a path and returns the status, headers and body.
func (ts *testServer) get(t *testing.T, path string) (int, http.Header, string) {
	t.Helper()
	return ts.do(t, http.MethodGet, path, "", nil)
}

func (ts *testServer) do(t *testing.T, method, path, contentType string, body io.Reader) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := ts.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

func TestAPIRead(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServer(t, s)
		po, err := s.ItemBySlug(context.Background(), "tellytubbies", "po")
		if err != nil {
			t.Fatal(err)
		}
		poPath := "/api/v1/items/" + itoa(po.ID)
		tests := []struct {
			name     string
			path     string
			wantCode int
			wantType string
			wantBody []string
		}{
			{"categories", "/api/v1/categories", 200, "application/json",
				[]string{`"slug":"ipads"`, `"slug":"books"`, `"slug":"tellytubbies"`, `"total":3`}},
			{"category with ranking and verdict", "/api/v1/categories/ipads", 200, "application/json",
				[]string{`"kind":"pick"`, `"ranking":[`, `"lower_bound":`, `Tell your friends to buy iPad Air 11\"`,
					`"probability":0.999,`, `"newcomers":[],`, `"too_new":""`}},
			{"close call", "/api/v1/categories/books", 200, "application/json", []string{`"kind":"too_close"`,
				`"tied":[7,8,10],"tied_chances":[0.495,0.39,0.066],"probability":0.495,`}},
			{"too few", "/api/v1/categories/tellytubbies", 200, "application/json", []string{`"kind":"not_enough_reviews"`,
				`"pick":null,`, `"judged":[],`, `"too_new":"Too new to judge: Tinky Winky (3 reviews), Po (4 reviews), Dipsy (3 reviews) and Laa-Laa (2 reviews)."`}},
			{"conservative sort", "/api/v1/categories/ipads?sort=conservative", 200, "application/json", []string{`"sort":"conservative"`}},
			{"bad sort", "/api/v1/categories/ipads?sort=cheapest", 400, "application/problem+json", []string{`"field":"sort"`}},
			{"unknown line", "/api/v1/categories/toasters", 404, "application/problem+json", []string{`"status":404`}},
			{"line items", "/api/v1/categories/tellytubbies/items?limit=2", 200, "application/json",
				[]string{`"total":4`, `"limit":2`, `"name":"Dipsy"`, `"colour":"Green"`}},
			{"line items page 2", "/api/v1/categories/tellytubbies/items?limit=2&page=2", 200, "application/json",
				[]string{`"name":"Tinky Winky"`, `"page":2`}},
			{"line items bad limit", "/api/v1/categories/tellytubbies/items?limit=101", 400, "application/problem+json",
				[]string{`"field":"limit"`}},
			{"line items bad page", "/api/v1/categories/tellytubbies/items?page=0", 400, "application/problem+json",
				[]string{`"field":"page"`}},
			{"item", poPath, 200, "application/json",
				[]string{`"name":"Po"`, `"colour":"Red"`, `"review_count":4`, `"stars":{"1":1,"2":0,"3":0,"4":0,"5":3}`}},
			{"unknown item", "/api/v1/items/999999", 404, "application/problem+json", nil},
			{"malformed item id", "/api/v1/items/abc", 404, "application/problem+json", nil},
			{"negative item id", "/api/v1/items/-3", 404, "application/problem+json", nil},
			{"reviews", poPath + "/reviews?limit=3", 200, "application/json", []string{`"total":4`, `"limit":3`, `"author":`}},
			{"reviews by stars", poPath + "/reviews?stars=1", 200, "application/json", []string{`"total":1`, `"rating":1`}},
			{"reviews bad stars", poPath + "/reviews?stars=6", 400, "application/problem+json", []string{`"field":"stars"`}},
			{"reviews bad limit", poPath + "/reviews?limit=abc", 400, "application/problem+json", []string{`"field":"limit"`}},
			{"reviews bad sort", poPath + "/reviews?sort=random", 400, "application/problem+json", []string{`"field":"sort"`}},
			{"unknown api path", "/api/v1/nothing", 404, "application/problem+json", nil},
		}
		for _, tt := range tests {
			code, h, body := ts.get(t, tt.path)
			if code != tt.wantCode {
				t.Errorf("%s: GET %s = %d, want %d: %s", tt.name, tt.path, code, tt.wantCode, body)
				continue
			}
			if got := h.Get("Content-Type"); got != tt.wantType {
				t.Errorf("%s: Content-Type %q, want %q", tt.name, got, tt.wantType)
			}
			if !json.Valid([]byte(body)) {
				t.Errorf("%s: body is not JSON: %s", tt.name, body)
			}
			for _, want := range tt.wantBody {
				if !strings.Contains(body, want) {
					t.Errorf("%s: body lacks %s:\n%s", tt.name, want, body)
				}
			}
		}
	})
}

func TestReviewsPageThroughAll(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServer(t, s)
		it, _ := s.ItemBySlug(context.Background(), "ipads", "ipad-air-11")
		seen := map[int64]bool{}
		for n := 1; ; n++ {
			code, _, body := ts.get(t, "/api/v1/items/"+itoa(it.ID)+"/reviews?limit=40&page="+itoa(int64(n)))
			if code != 200 {
				t.Fatalf("page %d: %d %s", n, code, body)
			}
			var res struct {
				Reviews []apiReview
				Page    page
			}
			if err := json.Unmarshal([]byte(body), &res); err != nil {
				t.Fatal(err)
			}
			if len(res.Reviews) == 0 {
				break
			}
			for _, r := range res.Reviews {
				if seen[r.ID] {
					t.Fatalf("review %d on two pages", r.ID)
				}
				seen[r.ID] = true
			}
		}
		if len(seen) != it.Stats.Total() {
			t.Errorf("paged through %d reviews, want %d", len(seen), it.Stats.Total())
		}
	})
}

func TestHealthAndHeaders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		for _, path := range []string{"/healthz", "/readyz"} {
			if code, _, _ := ts.get(t, path); code != 200 {
				t.Errorf("GET %s = %d", path, code)
			}
		}
		code, h, body := ts.get(t, "/")
		if code != 200 || !strings.Contains(body, "No product lines yet") {
			t.Errorf("empty home: %d %s", code, body)
		}
		for k, want := range map[string]string{
			"Content-Security-Policy": "script-src 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "strict-origin-when-cross-origin",
		} {
			if !strings.Contains(h.Get(k), want) {
				t.Errorf("%s = %q, want %q", k, h.Get(k), want)
			}
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Error("HSTS over plain HTTP")
		}
		if code, _, body := ts.get(t, "/nowhere"); code != 404 || !strings.Contains(body, "nothing at this address") {
			t.Errorf("GET /nowhere = %d %s", code, body)
		}
	})
}

func TestReadyzWhenDatabaseIsGone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		s.Close()
		if code, _, _ := ts.get(t, "/readyz"); code != http.StatusServiceUnavailable {
			t.Errorf("readyz with the database closed = %d, want 503", code)
		}
		if code, _, _ := ts.get(t, "/healthz"); code != 200 {
			t.Errorf("healthz with the database closed = %d, want 200", code)
		}
	})
}

func TestStaticFingerprinted(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, storetest.Open(t, store.SQLite))
	_, _, body := ts.get(t, "/")
	i := strings.Index(body, "/static/style.")
	if i < 0 {
		t.Fatal("no stylesheet link")
	}
	url := body[i : i+strings.IndexByte(body[i:], '"')]
	code, h, css := ts.get(t, url)
	if code != 200 || !strings.Contains(h.Get("Cache-Control"), "immutable") || !strings.HasPrefix(h.Get("Content-Type"), "text/css") || len(css) == 0 {
		t.Errorf("GET %s = %d %v", url, code, h)
	}
	if code, _, _ := ts.get(t, "/static/style.css"); code != 404 {
		t.Errorf("unfingerprinted name = %d, want 404", code)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, storetest.Open(t, store.SQLite))
	big := strings.NewReader(strings.Repeat("x", MaxBodyBytes+1))
	if code, _, _ := ts.do(t, http.MethodPost, "/api/v1/categories", "application/json", big); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body = %d, want 413", code)
	}
}

func TestParsePageValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		limit, page string
		want        page
		wantField   string
	}{
		{"", "", page{Page: 1, Limit: 20}, ""},
		{"100", "3", page{Page: 3, Limit: 100}, ""},
		{"0", "", page{}, "limit"},
		{"101", "", page{}, "limit"},
		{"1e3", "", page{}, "limit"},
		{"-1", "", page{}, "limit"},
		{"", "0", page{}, "page"},
		{"", "99999999999999999999", page{}, "page"},
		{"", "two", page{}, "page"},
	}
	for _, tt := range tests {
		got, field, _ := parsePageValues(tt.limit, tt.page, DefaultLimit)
		if field != tt.wantField || (field == "" && got != tt.want) {
			t.Errorf("parsePageValues(%q, %q) = %+v, %q; want %+v, %q", tt.limit, tt.page, got, field, tt.want, tt.wantField)
		}
	}
}

func FuzzReviewQuery(f *testing.F) {
	for _, s := range [][4]string{{"", "", "", ""}, {"20", "2", "helpful", "4"}, {"1e309", "-1", "x", "4.5"}, {"100", "1000000", "lowest", "five"}} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, limit, pageNum, sort, stars string) {
		pg, field, msg := parsePageValues(limit, pageNum, DefaultLimit)
		if field == "" {
			var rq reviewQuery
			rq, field, msg = reviewQueryValues(sort, stars, pg)
			if field == "" {
				if rq.Limit < 1 || rq.Limit > MaxLimit || rq.Offset < 0 || rq.Stars < 0 || rq.Stars > 5 {
					t.Errorf("accepted out-of-range query %+v", rq)
				}
				return
			}
		}
		if msg == "" {
			t.Errorf("field %q refused without a message", field)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestSessionUserLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		u := newMember(t, s, "ann@example.com")
		if _, _, body := ts.get(t, "/"); strings.Contains(body, "ann") {
			t.Fatal("signed in before signing in")
		}
		ts.signInAs(t, u)
		if _, _, body := ts.get(t, "/"); !strings.Contains(body, ">ann</a>") {
			t.Errorf("signed-in page does not name the member:\n%s", body)
		}
		// A second instance on the same database honours the session.
		other := newTestServer(t, s)
		other.client = ts.client
		reqURL, _ := url.Parse(ts.URL)
		otherURL, _ := url.Parse(other.URL)
		other.client.Jar.SetCookies(otherURL, other.client.Jar.Cookies(reqURL))
		if _, _, body := other.get(t, "/"); !strings.Contains(body, ">ann</a>") {
			t.Error("the session does not hold on a second instance")
		}
		// A password change moves the session version on, which ends every session.
		if _, err := s.SetPassword(context.Background(), u.ID, auth.HashPassword("another-good-password"), false); err != nil {
			t.Fatal(err)
		}
		if _, _, body := ts.get(t, "/"); strings.Contains(body, ">ann</a>") {
			t.Error("session survived a session-version change")
		}
	})
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/c/ipads":                     "/c/ipads",
		"/c/ipads?x=1":                 "/c/ipads?x=1",
		"":                             "/",
		"//evil.example/x":             "/x",
		"/\\evil.example":              "/",
		"https://evil.example/steal":   "/steal",
		"http://localhost:8080/c/book": "/c/book",
		"javascript:alert(1)":          "/",
		"/\t/evil.example":             "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafeNext checks that whatever ?next= holds, the address safeNext returns stays on this
// site as a browser reads it: browsers drop tabs and line breaks anywhere in a URL, trim
// leading and trailing control characters and spaces, and read a backslash as a slash.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/c/ipads", "", "//evil.example/x", "/\\evil.example", "https://evil.example/steal",
		"javascript:alert(1)", "/\t/evil.example", "/\n/evil.example", " //evil.example", "/%2F/evil.example",
		"\x00//evil.example", "/\r\\evil.example", "http://[::1]:8080/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		seen := strings.Map(func(r rune) rune {
			switch r {
			case '\t', '\n', '\r':
				return -1
			case '\\':
				return '/'
			}
			return r
		}, got)
		seen = strings.TrimFunc(seen, func(r rune) bool { return r <= ' ' })
		if !strings.HasPrefix(seen, "/") || strings.HasPrefix(seen, "//") {
			t.Errorf("safeNext(%q) = %q, which a browser reads as %q: off this site", next, got, seen)
		}
	})
}
