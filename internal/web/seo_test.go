package web

import (
	"context"
	"encoding/xml"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

const testBase = "https://reviews.example"

func TestRobots(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServerWith(t, s, Options{BaseURL: testBase})
		code, h, body := ts.get(t, "/robots.txt")
		if code != 200 || h.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Fatalf("GET /robots.txt = %d %q", code, h.Get("Content-Type"))
		}
		for _, want := range []string{"User-agent: *\n", "Allow: /\n", "Disallow: /admin\n", "Disallow: /account\n",
			"Disallow: /reviews/\n", "Disallow: /api/\n", "\nSitemap: " + testBase + "/sitemap.xml\n"} {
			if !strings.Contains(body, want) {
				t.Errorf("robots.txt lacks %q:\n%s", want, body)
			}
		}
	})
}

// sitemapServer is a test server with BASE_URL set whose sitemaps hold at most per addresses.
func sitemapServer(t *testing.T, s *store.Store, per int) *testServer {
	t.Helper()
	srv, err := New(s, Options{BaseURL: testBase})
	if err != nil {
		t.Fatal(err)
	}
	if per > 0 {
		srv.sitemapURLs = per
	}
	ts := &testServer{srv: srv, store: s, Server: httptest.NewServer(srv)}
	t.Cleanup(ts.Close)
	ts.client = ts.newClient()
	return ts
}

func TestSitemap(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		withDemo(t, s)
		lines, items, err := s.SitemapCounts(ctx)
		if err != nil || lines != 3 || items < 10 {
			t.Fatalf("counts %d %d %v", lines, items, err)
		}
		urlset := func(ts *testServer, path string) []sitemapURL {
			t.Helper()
			code, h, body := ts.get(t, path)
			var set sitemapURLSet
			if err := xml.Unmarshal([]byte(body), &set); code != 200 || err != nil ||
				h.Get("Content-Type") != "application/xml; charset=utf-8" || set.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" {
				t.Fatalf("GET %s = %d %q %v %q\n%.300s", path, code, h.Get("Content-Type"), err, set.XMLName.Space, body)
			}
			for _, u := range set.URLs {
				if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil || !strings.HasPrefix(u.Loc, testBase+"/") {
					t.Errorf("GET %s: %+v", path, u)
				}
			}
			return set.URLs
		}

		// One sitemap: the home page, every line and every item.
		ts := sitemapServer(t, s, 0)
		all := urlset(ts, "/sitemap.xml")
		if len(all) != 1+lines+items || all[0].Loc != testBase+"/" {
			t.Fatalf("%d addresses, want %d; first %+v", len(all), 1+lines+items, all[:2])
		}
		var locs []string
		for _, u := range all {
			locs = append(locs, u.Loc)
		}
		for _, want := range []string{testBase + "/c/ipads", testBase + "/c/books", testBase + "/c/ipads/ipad-air-11", testBase + "/c/tellytubbies/po"} {
			if !strings.Contains(strings.Join(locs, "\n")+"\n", want+"\n") {
				t.Errorf("the sitemap lacks %s", want)
			}
		}
		// lastmod moves with a new review of the item, and its line.
		po, _ := s.ItemBySlug(ctx, "tellytubbies", "po")
		u := newMember(t, s, "sitemap@example.com")
		before := time.Now().UTC().Add(-time.Second)
		if err := s.CreateReview(ctx, &store.Review{ItemID: po.ID, UserID: u.ID, Rating: 4, Summary: "Fine and red"}); err != nil {
			t.Fatal(err)
		}
		for _, u := range urlset(ts, "/sitemap.xml") {
			if u.Loc == testBase+"/c/tellytubbies/po" || u.Loc == testBase+"/c/tellytubbies" || u.Loc == testBase+"/" {
				if m, _ := time.Parse(time.RFC3339, u.LastMod); m.Before(before) {
					t.Errorf("%s lastmod %s, before the new review", u.Loc, u.LastMod)
				}
			}
		}

		// Paged: an index of pages that together hold the same addresses, in the same order.
		paged := sitemapServer(t, s, 4)
		code, _, body := paged.get(t, "/sitemap.xml")
		var idx sitemapIndex
		if err := xml.Unmarshal([]byte(body), &idx); code != 200 || err != nil || idx.XMLName.Local != "sitemapindex" {
			t.Fatalf("GET /sitemap.xml paged = %d %v\n%.300s", code, err, body)
		}
		want := (len(all) + 3) / 4
		if len(idx.Sitemaps) != want {
			t.Fatalf("%d sitemaps in the index, want %d", len(idx.Sitemaps), want)
		}
		var got []string
		for i, sm := range idx.Sitemaps {
			path, ok := strings.CutPrefix(sm.Loc, testBase)
			if !ok {
				t.Fatalf("index entry %q", sm.Loc)
			}
			page := urlset(paged, path)
			if len(page) == 0 || len(page) > 4 || (i < len(idx.Sitemaps)-1 && len(page) != 4) {
				t.Errorf("%s holds %d addresses", path, len(page))
			}
			for _, u := range page {
				got = append(got, u.Loc)
			}
		}
		if strings.Join(got, " ") != strings.Join(locs, " ") {
			t.Errorf("paged addresses differ:\n%v\n%v", got, locs)
		}
		for _, path := range []string{"/sitemap.xml?page=0", "/sitemap.xml?page=x", "/sitemap.xml?page=" + itoa(int64(want+1))} {
			if code, _, _ := paged.get(t, path); code != 404 {
				t.Errorf("GET %s = %d, want 404", path, code)
			}
		}
	})
}

var canonicalLink = regexp.MustCompile(`<link rel="canonical" href="([^"]*)">`)

func TestCanonicalAndMicrodata(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServerWith(t, s, Options{BaseURL: testBase})
		for path, want := range map[string]string{
			"/":                     testBase + "/",
			"/c/ipads":              testBase + "/c/ipads",
			"/c/ipads?sort=average": testBase + "/c/ipads",
			"/c/ipads/ipad-air-11":  testBase + "/c/ipads/ipad-air-11",
			"/c/ipads/ipad-air-11?sort=highest&stars=5": testBase + "/c/ipads/ipad-air-11",
			"/c/ipads/ipad-air-11?page=1&sort=lowest":   testBase + "/c/ipads/ipad-air-11",
			"/c/ipads/ipad-air-11?page=2&sort=helpful":  testBase + "/c/ipads/ipad-air-11?page=2",
		} {
			code, _, body := ts.get(t, path)
			m := canonicalLink.FindAllStringSubmatch(body, -1)
			if code != 200 || len(m) != 1 || m[0][1] != strings.ReplaceAll(want, "&", "&amp;") {
				t.Errorf("GET %s = %d, canonical %v; want one, %s", path, code, m, want)
			}
		}
		// The Product has its url, with and without reviews.
		ctx := context.Background()
		line, err := s.CategoryBySlug(ctx, "ipads")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CreateItem(ctx, &store.Item{CategoryID: line.ID, Slug: "ipad-next", Name: "iPad Next"}); err != nil {
			t.Fatal(err)
		}
		for path, reviewed := range map[string]bool{"/c/ipads/ipad-air-11": true, "/c/ipads/ipad-next": false} {
			code, _, body := ts.get(t, path)
			_, product, ok := strings.Cut(body, `itemscope itemtype="https://schema.org/Product">`)
			if code != 200 || !ok {
				t.Fatalf("GET %s = %d, no Product", path, code)
			}
			if !strings.Contains(product, `<link itemprop="url" href="`+testBase+path+`">`) || !strings.Contains(product, `itemprop="name"`) {
				t.Errorf("GET %s: the Product lacks url or name", path)
			}
			if strings.Contains(product, `itemprop="aggregateRating"`) != reviewed {
				t.Errorf("GET %s: aggregateRating present = %v, want %v", path, !reviewed, reviewed)
			}
			// The demo's iPads have drawn pictures; the new one has none and shows the placeholder.
			hasImage := strings.Contains(product, `<link itemprop="image" href="`+testBase+`/pictures/`)
			hasPicture := strings.Contains(product, `<img class="item-picture" src="/pictures/`)
			placeholder := strings.Contains(product, `<img class="item-picture" src="/static/placeholder.`)
			if hasImage != reviewed || hasPicture != reviewed || placeholder == reviewed {
				t.Errorf("GET %s: image %v, picture %v, placeholder %v; want a picture and its image only for the iPad with one", path, hasImage, hasPicture, placeholder)
			}
		}
	})
}
