package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// rawClient returns a browser sharing c's cookies that sends Accept-Encoding only when told to
// and never decodes the answer itself.
func rawClient(c *http.Client) *http.Client {
	return &http.Client{Jar: c.Jar, Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// fetch sends a request with exactly the given headers and returns the answer, body not decoded.
func fetch(t *testing.T, c *http.Client, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func varies(h http.Header, field string) bool {
	for _, v := range h.Values("Vary") {
		for part := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), field) {
				return true
			}
		}
	}
	return false
}

// TestCompressionRoundTrips asks for each page kind in each coding, decodes the answer and
// compares it with the identity answer; checks Vary, the per-coding ETag and its 304, HEAD, and
// that a client asking for nothing, or refusing a coding with q=0, is answered accordingly.
func TestCompressionRoundTrips(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	withDemo(t, s)
	ts := newTestServer(t, s)
	css, err := ts.srv.static.URL("style.css")
	if err != nil {
		t.Fatal(err)
	}
	member := newMember(t, s, "wire@example.com")
	signedIn := rawClient(ts.clientFor(t, member))
	anon := rawClient(ts.newClient())
	cases := []struct {
		name   string
		client *http.Client
		path   string
		kept   bool // answered from a variant made once: has a per-coding ETag
	}{
		{"kept item page", anon, "/c/tellytubbies/po", true},
		{"kept line page", anon, "/c/tellytubbies", true},
		{"dynamic item page (signed in)", signedIn, "/c/tellytubbies/po", false},
		{"dynamic home page", anon, "/", false},
		{"JSON", anon, "/api/v1/categories/ipads/items", false},
		{"kept JSON", anon, "/api/v1/categories/tellytubbies", true},
		{"static file", anon, css, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, plain := fetch(t, tc.client, "GET", ts.URL+tc.path)
			if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "" {
				t.Fatalf("no Accept-Encoding: %d, Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
			}
			if len(plain) < minCompressBytes {
				t.Fatalf("identity body is %d bytes: too small to test compression", len(plain))
			}
			if !varies(res.Header, "Accept-Encoding") {
				t.Errorf("identity answer lacks Vary: Accept-Encoding: %v", res.Header["Vary"])
			}
			plainTag := res.Header.Get("ETag")
			for _, e := range []encoding{brotliCoding, zstdCoding, gzipCoding} {
				res, b := fetch(t, tc.client, "GET", ts.URL+tc.path, "Accept-Encoding", e.String())
				if got := res.Header.Get("Content-Encoding"); got != e.String() {
					t.Fatalf("%s: Content-Encoding %q", e, got)
				}
				if !varies(res.Header, "Accept-Encoding") {
					t.Errorf("%s: no Vary: Accept-Encoding", e)
				}
				dec, err := decompress(e, b)
				if err != nil {
					t.Fatalf("%s: %v", e, err)
				}
				if tc.kept || tc.path == css {
					if string(dec) != string(plain) {
						t.Errorf("%s: decoded body differs from the identity body", e)
					}
				} else if len(dec) < len(plain)*9/10 || !strings.HasPrefix(string(plain), string(dec[:200])) {
					// Dynamic pages may differ in details between two renders; same start and size.
					t.Errorf("%s: decoded body (%d bytes) is not the page (%d bytes)", e, len(dec), len(plain))
				}
				if len(b) > len(plain)/2 {
					t.Errorf("%s: %d bytes of %d: barely compressed", e, len(b), len(plain))
				}
				if !tc.kept {
					continue
				}
				if cl := res.Header.Get("Content-Length"); cl != itoa(int64(len(b))) {
					t.Errorf("%s: Content-Length %q for %d bytes", e, cl, len(b))
				}
				tag := res.Header.Get("ETag")
				if tag == plainTag || !strings.HasSuffix(tag, e.etagSuffix()+`"`) {
					t.Errorf("%s: ETag %s, identity's %s", e, tag, plainTag)
				}
				res, b = fetch(t, tc.client, "GET", ts.URL+tc.path, "Accept-Encoding", e.String(), "If-None-Match", tag)
				if res.StatusCode != 304 || len(b) != 0 || res.Header.Get("Content-Encoding") != "" || res.Header.Get("ETag") != tag {
					t.Errorf("%s: If-None-Match its own tag: %d, %d bytes, Content-Encoding %q, ETag %s",
						e, res.StatusCode, len(b), res.Header.Get("Content-Encoding"), res.Header.Get("ETag"))
				}
				// The identity variant's tag does not validate the compressed one.
				if res, _ := fetch(t, tc.client, "GET", ts.URL+tc.path, "Accept-Encoding", e.String(), "If-None-Match", plainTag); res.StatusCode != 200 {
					t.Errorf("%s: If-None-Match the identity tag: %d", e, res.StatusCode)
				}
				res, b = fetch(t, tc.client, "HEAD", ts.URL+tc.path, "Accept-Encoding", e.String())
				if res.StatusCode != 200 || len(b) != 0 || res.Header.Get("ETag") != tag {
					t.Errorf("%s: HEAD: %d, %d bytes, ETag %s", e, res.StatusCode, len(b), res.Header.Get("ETag"))
				}
			}
			// Refused codings are never used; the client's order of preference is.
			for _, tt := range []struct{ accept, want string }{
				{"br;q=0, gzip", "gzip"},
				{"gzip;q=0.5, zstd;q=0.9, br;q=0", "zstd"},
				{"*;q=0", ""},
				{"br;q=0, zstd;q=0, gzip;q=0", ""},
				{"identity", ""},
				{"deflate", ""},
				{"*", ""}, // any of ours
			} {
				res, b := fetch(t, tc.client, "GET", ts.URL+tc.path, "Accept-Encoding", tt.accept)
				got := res.Header.Get("Content-Encoding")
				if tt.accept == "*" {
					if got == "" {
						t.Errorf("Accept-Encoding *: not compressed")
					}
					continue
				}
				if got != tt.want {
					t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.want)
				}
				if got == "" && tc.kept && string(b) != string(plain) {
					t.Errorf("Accept-Encoding %q: identity body differs", tt.accept)
				}
			}
			// A Range request gets the identity body (the whole page, or the range of a file).
			if res, _ := fetch(t, tc.client, "GET", ts.URL+tc.path, "Accept-Encoding", "br", "Range", "bytes=0-99"); res.Header.Get("Content-Encoding") != "" {
				t.Errorf("Range request compressed: %q", res.Header.Get("Content-Encoding"))
			}
		})
	}
}

// TestCompressMiddleware checks the answers no real page gives on demand: a large problem
// document, a small answer, a 204, an answer already encoded, and a handler's own ETag and 304
// for a client holding the compressed variant.
func TestCompressMiddleware(t *testing.T) {
	t.Parallel()
	srv := &Server{sessions: scs.New()}
	long := strings.Repeat("This field is wrong in a way that takes words to say. ", 40)
	h := srv.compressAnswers(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/problem":
			writeProblem(w, http.StatusUnprocessableEntity, long, []fieldError{{Field: "name", Detail: long}})
		case "/small":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ok":true}`))
		case "/nocontent":
			w.WriteHeader(http.StatusNoContent)
		case "/encoded":
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write([]byte(long)) // stands for a body the handler encoded itself
		case "/tagged":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("ETag", `"abc"`)
			if etagMatch(r.Header.Get("If-None-Match"), `"abc"`) {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			for range 10 { // written in pieces, past the held-back prefix
				io.WriteString(w, long)
			}
		}
	}))
	get := func(path string, header ...string) (*httptest.ResponseRecorder, []byte) {
		req := httptest.NewRequest("GET", path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec, rec.Body.Bytes()
	}
	plain, _ := get("/problem")
	for _, e := range []encoding{brotliCoding, zstdCoding, gzipCoding} {
		rec, b := get("/problem", "Accept-Encoding", e.String())
		if rec.Code != 422 || rec.Header().Get("Content-Encoding") != e.String() || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s: problem: %d %v", e, rec.Code, rec.Header())
		}
		if dec, err := decompress(e, b); err != nil || string(dec) != plain.Body.String() {
			t.Errorf("%s: problem does not round-trip: %v", e, err)
		}
		rec, b = get("/tagged", "Accept-Encoding", e.String())
		tag := rec.Header().Get("ETag")
		if tag != variantTag(`"abc"`, e) {
			t.Errorf("%s: ETag %s", e, tag)
		}
		if dec, err := decompress(e, b); err != nil || string(dec) != strings.Repeat(long, 10) {
			t.Errorf("%s: streamed answer does not round-trip: %v", e, err)
		}
		rec, b = get("/tagged", "Accept-Encoding", e.String(), "If-None-Match", tag)
		if rec.Code != 304 || len(b) != 0 || rec.Header().Get("ETag") != tag || rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: revalidating the variant: %d, ETag %s, Content-Encoding %q", e, rec.Code,
				rec.Header().Get("ETag"), rec.Header().Get("Content-Encoding"))
		}
	}
	if rec, _ := get("/tagged", "Accept-Encoding", "gzip", "If-None-Match", `"abc-br"`); rec.Code != 200 {
		t.Errorf("another variant's tag validated a gzip answer: %d", rec.Code)
	}
	for _, path := range []string{"/small", "/nocontent", "/encoded"} {
		rec, _ := get(path, "Accept-Encoding", "gzip")
		if ce := rec.Header().Get("Content-Encoding"); (path == "/encoded") != (ce == "gzip") {
			t.Errorf("%s: Content-Encoding %q", path, ce)
		}
	}
	if rec, _ := get("/small", "Accept-Encoding", "gzip"); !varies(rec.Header(), "Accept-Encoding") || rec.Body.String() != `{"ok":true}` {
		t.Errorf("small answer: Vary %v, body %q", rec.Header()["Vary"], rec.Body.String())
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		header string
		order  []encoding
		want   encoding
	}{
		{"", storedOrder, identity},
		{"gzip, deflate, br, zstd", storedOrder, brotliCoding},
		{"gzip, deflate, br, zstd", dynamicOrder, zstdCoding},
		{"gzip, deflate", dynamicOrder, gzipCoding},
		{"br;q=0.5, gzip;q=0.8", storedOrder, gzipCoding},
		{"BR", storedOrder, brotliCoding},
		{"br;q=0", storedOrder, identity},
		{"*;q=0.1, gzip;q=0", storedOrder, brotliCoding},
		{"*;q=0", storedOrder, identity},
		{"gzip;q=garbage", storedOrder, identity},
		{" zstd ; q=1.0 ", storedOrder, zstdCoding},
	} {
		if got := negotiate(tt.header, tt.order); got != tt.want {
			t.Errorf("negotiate(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

// TestKeptPagesHeldCompressed checks that a kept page holds its brotli variant alone for a
// browser, that another coding is made once and counted, and that the budget counts what is held.
func TestKeptPagesHeldCompressed(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	withDemo(t, s)
	ts := newTestServer(t, s)
	c := rawClient(ts.newClient())
	fetch(t, c, "GET", ts.URL+"/c/tellytubbies/po", "Accept-Encoding", "gzip, deflate, br, zstd")
	p := ts.srv.pagesKept.peek("/c/tellytubbies/po")
	if p == nil {
		t.Fatal("the item page was not kept")
	}
	held := func() (out []string) {
		for e := range numEncodings {
			if p.variants[e].Load() != nil {
				out = append(out, "["+e.String()+"]")
			}
		}
		return out
	}
	if got := strings.Join(held(), ""); got != "[br]" {
		t.Errorf("held after a browser's visit: %s, want [br]", got)
	}
	ts.srv.pagesKept.mu.Lock()
	before := ts.srv.pagesKept.bytes
	ts.srv.pagesKept.mu.Unlock()
	_, gz := fetch(t, c, "GET", ts.URL+"/c/tellytubbies/po", "Accept-Encoding", "gzip")
	if got := strings.Join(held(), ""); got != "[br][gzip]" {
		t.Errorf("held after a gzip client's visit: %s", got)
	}
	ts.srv.pagesKept.mu.Lock()
	grown := ts.srv.pagesKept.bytes - before
	ts.srv.pagesKept.mu.Unlock()
	if grown != len(gz) {
		t.Errorf("budget grew by %d for a %d-byte gzip variant", grown, len(gz))
	}
}

// TestSharedCacheHeaders sweeps the readable pages and API documents: a visitor who is not
// signed in gets answers a shared cache may keep (public, s-maxage); a signed-in member, by
// cookie or by token, never does (private or no-store).
func TestSharedCacheHeaders(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	withDemo(t, s)
	ts := newTestServer(t, s)
	po, err := s.ItemBySlug(context.Background(), "tellytubbies", "po")
	if err != nil {
		t.Fatal(err)
	}
	admin := newAdmin(t, s, "sweep-admin@example.com")
	token := apiToken(t, s, admin)
	anon, member := ts.newClient(), ts.clientFor(t, admin)

	pages := []string{"/", "/c/tellytubbies", "/c/tellytubbies?sort=average", "/c/tellytubbies/po",
		"/c/tellytubbies/po?sort=highest", "/c/books/compare?items=pride-and-prejudice,nineteen-eighty-four",
		"/c/tellytubbies/feed.atom", "/c/tellytubbies/po/feed.atom"}
	api := []string{"/api/v1/categories", "/api/v1/categories/tellytubbies", "/api/v1/categories/tellytubbies/items",
		"/api/v1/categories/ipads/compare?items=ipad-air-11,ipad-mini", "/api/v1/items/" + itoa(po.ID),
		"/api/v1/items/" + itoa(po.ID) + "/reviews", "/api/v1/openapi.json"}
	// Documents whose handlers say their own public freshness (their owners' choice): public is
	// enough there.
	ownFreshness := func(p string) bool { return strings.HasSuffix(p, ".atom") || strings.HasSuffix(p, "openapi.json") }
	for _, p := range append(append([]string{"/login", "/signup", "/search?q=po", "/password/forgot"}, pages...), api...) {
		for _, method := range []string{"GET", "HEAD"} {
			code, h, _ := ts.send(t, anon, method, p, nil)
			cc := h.Get("Cache-Control")
			if code != 200 || !strings.Contains(cc, "public") || (!ownFreshness(p) && !strings.Contains(cc, "s-maxage=")) {
				t.Errorf("anonymous %s %s: %d, Cache-Control %q", method, p, code, cc)
			}
		}
	}
	private := func(cc string) bool {
		return !strings.Contains(cc, "public") && (strings.Contains(cc, "private") || strings.Contains(cc, "no-store"))
	}
	signedIn := append(pages, "/account", "/login", "/search?q=po", "/password/forgot", "/admin", "/admin/members",
		"/admin/reports", "/admin/log", "/admin/lines/tellytubbies", "/admin/items/"+itoa(po.ID))
	for _, p := range signedIn {
		code, h, _ := ts.send(t, member, "GET", p, nil)
		if cc := h.Get("Cache-Control"); !private(cc) {
			t.Errorf("signed-in GET %s: %d, Cache-Control %q", p, code, cc)
		}
	}
	for _, p := range append(api, "/api/v1/me") {
		code, h, _ := ts.rawCall(t, "GET", p, "", "Authorization", "Bearer "+token)
		if cc := h.Get("Cache-Control"); !private(cc) {
			t.Errorf("GET %s with a token: %d, Cache-Control %q", p, code, cc)
		}
	}
	if _, h, _ := ts.send(t, member, "GET", "/account", nil); h.Get("Cache-Control") != "no-store" {
		t.Errorf("/account: Cache-Control %q, want no-store", h.Get("Cache-Control"))
	}
	// A visitor's page that carries a one-time notice differs from everyone else's.
	_, h, body := ts.send(t, anon, "GET", "/c/tellytubbies/po", nil, "Cookie", postedCookie+"="+postedValue+itoa(po.ID))
	if cc := h.Get("Cache-Control"); !private(cc) || !strings.Contains(body, "Thank you") {
		t.Errorf("page with the posted notice: Cache-Control %q", cc)
	}
}
