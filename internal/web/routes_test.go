package web

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// TestHTMLMethodNotAllowed asks every HTML route with a method it does not take: 405 with Allow
// naming the ones it does (GET implies HEAD), as the API answers; an unknown path stays 404.
func TestHTMLMethodNotAllowed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		wildcard := regexp.MustCompile(`\{[^}]*\}`)
		address := func(path string) string {
			path = strings.TrimSuffix(path, "{$}")
			if strings.HasSuffix(path, "/static/") {
				return path + "style.css"
			}
			return wildcard.ReplaceAllStringFunc(path, func(w string) string {
				if w == "{id}" {
					return "1"
				}
				return "x"
			})
		}
		// matches reports whether a path pattern takes a concrete path, as the router does.
		matches := func(pattern, path string) bool {
			if strings.HasSuffix(pattern, "/") && !strings.HasSuffix(pattern, "{$}") {
				return strings.HasPrefix(path, pattern)
			}
			ps, xs := strings.Split(strings.TrimSuffix(pattern, "{$}"), "/"), strings.Split(path, "/")
			if len(ps) != len(xs) {
				return false
			}
			for i := range ps {
				if ps[i] != xs[i] && !wildcard.MatchString(ps[i]) {
					return false
				}
			}
			return true
		}
		paths := map[string]bool{}
		for _, p := range ts.srv.htmlPatterns {
			if _, path, ok := strings.Cut(p, " "); ok {
				paths[path] = true
			} else {
				t.Fatalf("pattern %q has no method", p)
			}
		}
		if len(paths) < 30 {
			t.Fatalf("only %d HTML paths recorded", len(paths))
		}
		for path := range paths {
			addr := address(path)
			var methods []string
			for _, m := range []string{"GET", "HEAD", "POST"} {
				for _, p := range ts.srv.htmlPatterns {
					pm, pp, _ := strings.Cut(p, " ")
					if (pm == m || (m == "HEAD" && pm == "GET")) && matches(pp, addr) && !slices.Contains(methods, m) {
						methods = append(methods, m)
					}
				}
			}
			wrong := http.MethodPut
			if !slices.Contains(methods, http.MethodPost) {
				wrong = http.MethodPost
			}
			code, h, body := ts.do(t, wrong, addr, "", nil)
			if code != http.StatusMethodNotAllowed || h.Get("Allow") != strings.Join(methods, ", ") {
				t.Errorf("%s %s = %d, Allow %q; want 405, Allow %q", wrong, addr, code, h.Get("Allow"),
					strings.Join(methods, ", "))
			}
			if !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(body, "does not take "+wrong) {
				t.Errorf("%s %s: %q %.200q", wrong, addr, h.Get("Content-Type"), body)
			}
		}
		for _, tt := range []struct{ method, path, allow string }{
			{"POST", "/c/books/pride-and-prejudice", "GET, HEAD"},
			{"PUT", "/login", "GET, HEAD, POST"},
			{"DELETE", "/c/books", "GET, HEAD"},
			{"POST", "/healthz", "GET, HEAD"},
			{"GET", "/logout", "POST"},
			{"HEAD", "/reviews/1/helpful", "POST"},
			{"PATCH", "/", "GET, HEAD"},
		} {
			if code, h, _ := ts.do(t, tt.method, tt.path, "", nil); code != 405 || h.Get("Allow") != tt.allow {
				t.Errorf("%s %s = %d, Allow %q; want 405, %q", tt.method, tt.path, code, h.Get("Allow"), tt.allow)
			}
		}
		for _, tt := range []struct{ method, path string }{
			{"GET", "/nowhere"}, {"POST", "/nowhere"}, {"DELETE", "/c/x/y/z/w"}, {"GET", "/api/v1/nowhere"},
		} {
			if code, h, _ := ts.do(t, tt.method, tt.path, "", nil); code != 404 || h.Get("Allow") != "" {
				t.Errorf("%s %s = %d, Allow %q; want 404 and no Allow", tt.method, tt.path, code, h.Get("Allow"))
			}
		}
		if code, _, _ := ts.do(t, "HEAD", "/healthz", "", nil); code != 200 {
			t.Errorf("HEAD /healthz = %d", code)
		}
	})
}
