package web

import (
	"net/http"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// TestRenamedAddressesRedirect renames a line and an item through the API and wants every old
// address of their pages and feeds to answer 301 with the current one, from this instance and
// from a second one over the same database.
func TestRenamedAddressesRedirect(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAPIFixture(t, s)
		for _, patch := range []struct{ path, body string }{
			{"/api/v1/categories/tubbies", `{"slug": "telly"}`},
			{f.poPath, `{"slug": "po-red"}`},
			{"/api/v1/categories/telly", `{"slug": "tv"}`},
		} {
			if code, _, body := f.ts.call(t, f.adminTok, "PATCH", patch.path, patch.body); code != 200 {
				t.Fatalf("PATCH %s %s = %d %s", patch.path, patch.body, code, body)
			}
		}
		redirects := []struct{ from, to string }{
			{"/c/tubbies", "/c/tv"},
			{"/c/telly", "/c/tv"},
			{"/c/tubbies/feed.atom", "/c/tv/feed.atom"},
			{"/c/tubbies/po", "/c/tv/po-red"},
			{"/c/telly/po", "/c/tv/po-red"},
			{"/c/tv/po", "/c/tv/po-red"},
			{"/c/tubbies/po/feed.atom", "/c/tv/po-red/feed.atom"},
			{"/c/tv/po/feed.atom", "/c/tv/po-red/feed.atom"},
			{"/c/tubbies/dipsy?sort=highest&page=2", "/c/tv/dipsy?sort=highest&page=2"},
			{"/c/tubbies/compare?items=po-red,dipsy", "/c/tv/compare?items=po-red,dipsy"},
			// The line moved; the item it names never existed, and 404s at the new address.
			{"/c/tubbies/nobody", "/c/tv/nobody"},
		}
		second := newTestServer(t, s)
		for _, ts := range []*testServer{f.ts, second} {
			for _, rd := range redirects {
				for _, method := range []string{http.MethodGet, http.MethodHead} {
					code, h, _ := ts.do(t, method, rd.from, "", nil)
					if code != http.StatusMovedPermanently || h.Get("Location") != rd.to {
						t.Errorf("%s %s = %d to %q, want 301 to %s", method, rd.from, code, h.Get("Location"), rd.to)
					}
				}
				if code, _, _ := ts.get(t, rd.to); code != http.StatusOK && rd.to != "/c/tv/nobody" {
					t.Errorf("GET %s (redirected to) = %d", rd.to, code)
				}
			}
			for _, path := range []string{"/c/nothing", "/c/tv/nobody", "/c/tv/nobody/feed.atom", "/c/tv/po-red/extra/feed.atom"} {
				if code, h, _ := ts.get(t, path); code != http.StatusNotFound {
					t.Errorf("GET %s = %d to %q, want 404", path, code, h.Get("Location"))
				}
			}
			// Only reads move: a form posted to an old address is not sent on as a GET.
			if code, _, _ := ts.do(t, http.MethodPost, "/c/tubbies/po/reviews", "application/x-www-form-urlencoded", nil); code == http.StatusMovedPermanently {
				t.Errorf("POST to an old address answered 301")
			}
		}

		// A new line that takes an old slug wins over the redirect.
		if code, _, body := f.ts.call(t, f.adminTok, "POST", "/api/v1/categories", `{"slug": "tubbies", "name": "New tubbies"}`); code != 201 {
			t.Fatalf("new line = %d %s", code, body)
		}
		if code, _, _ := second.get(t, "/c/tubbies"); code != http.StatusOK {
			t.Errorf("GET /c/tubbies after a new line took the slug = %d, want 200", code)
		}
		if code, h, _ := second.get(t, "/c/telly/po"); code != http.StatusMovedPermanently || h.Get("Location") != "/c/tv/po-red" {
			t.Errorf("GET /c/telly/po = %d to %q", code, h.Get("Location"))
		}
	})
}
