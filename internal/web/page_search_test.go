package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// withWidgets adds a line of 30 items named "Widget N", more than one page of results, and a
// Pokémon to find without its accent.
func withWidgets(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	line := store.Category{Slug: "widgets", Name: "Widgets"}
	if err := s.CreateCategory(ctx, &line); err != nil {
		t.Fatal(err)
	}
	items := []store.Item{{CategoryID: line.ID, Slug: "pokemon", Name: "Pokémon Widget", Description: "Gotta catch them all."}}
	for i := 1; i < 30; i++ {
		items = append(items, store.Item{CategoryID: line.ID, Slug: fmt.Sprintf("widget-%d", i), Name: fmt.Sprintf("Widget %d", i)})
	}
	if err := s.CreateItems(ctx, items); err != nil {
		t.Fatal(err)
	}
}

func TestSearchPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		withWidgets(t, s)
		ts := newTestServer(t, s)
		tests := []struct {
			name     string
			path     string
			wantCode int
			wantBody []string
			notBody  []string
		}{
			{"standing, stars and line", "/search?q=ipa", 200, []string{
				`<title>Search: ipa · Starboard</title>`,
				`<input type="search" id="site-search-q" name="q" value="ipa"`,
				`<h1>Search results for “ipa”</h1>`, `6 items found, best match first.`,
				`<a href="/c/ipads/ipad-air-11">iPad Air 11&#34;</a> <span class="lineup-badge">Our pick</span>`,
				`<a href="/c/ipads/ipad-pro-11">iPad Pro 11&#34;</a> <span class="lineup-badge quiet">Runner-up</span>`,
				`<a href="/c/ipads/ipad">iPad</a> <span class="lineup-badge quiet">Best value</span>`,
				`Rated 4.5 out of 5, 105 reviews`, `4.5 · 105 reviews`,
				`#1 of 6 in <a href="/c/ipads">iPads</a>`,
			}, nil},
			{"too close to call", "/search?q=pride", 200, []string{
				`<a href="/c/books/pride-and-prejudice">Pride and Prejudice</a> <span class="lineup-badge quiet">Too close to call</span>`,
				`1 item found`,
			}, nil},
			{"accent and case, placeholder picture", "/search?q=POKEMON", 200, []string{`<a href="/c/widgets/pokemon">Pokémon Widget</a>`, `1 item found`,
				`<img class="search-hit-picture" src="/static/placeholder.`, `alt="" loading="eager"`}, []string{`srcset=`}},
			{"the item's picture", "/search?q=tinky", 200, []string{`<img class="search-hit-picture" src="/pictures/`, ` srcset="/pictures/`,
				`width="120"`, `loading="eager" decoding="async"`}, []string{`alt=""`, `placeholder.`}},
			{"attribute value", "/search?q=purple", 200, []string{`<a href="/c/tellytubbies/tinky-winky">Tinky Winky</a>`}, nil},
			{"every word", "/search?q=ipad+purple", 200, []string{
				`No items match “ipad purple”.`, `every word must match`,
				`<a href="/c/ipads">iPads</a> <span class="meta">(6 items)</span>`,
				`<a href="/c/widgets">Widgets</a>`,
			}, []string{`class="search-hits"`}},
			{"first page", "/search?q=widget", 200, []string{
				`Results 1 to 25 of 30, best match first.`, `<a href="/search?q=widget&amp;page=2" rel="next">`, `Page 1 of 2`,
			}, nil},
			{"last page", "/search?q=widget&page=2", 200, []string{
				`<title>Search: widget · page 2 · Starboard</title>`, `Results 26 to 30 of 30`, `<ol class="search-hits" start="26">`,
				`<a href="/search?q=widget" rel="prev">`,
			}, nil},
			{"past the last page", "/search?q=widget&page=3", 404, nil, nil},
			{"past the only page of nothing", "/search?q=walrus&page=2", 404, nil, nil},
			{"bad page", "/search?q=widget&page=0", 400, []string{"page must be a whole number"}, nil},
			{"empty", "/search?q=", 200, []string{`<h1>Search</h1>`, `Type what you are looking for`, `<a href="/">browse the product lines</a>`}, nil},
			{"no q", "/search", 200, []string{`Type what you are looking for`}, nil},
			{"punctuation only", "/search?q=%21%3F", 400, []string{`Type letters or numbers to look for.`}, nil},
			{"too long", "/search?q=" + strings.Repeat("a", 201), 400, []string{`That search is too long: use at most 200 characters.`}, nil},
			{"too many words", "/search?q=" + strings.Repeat("a+", 11), 400, []string{`That search has too many words: use at most 10.`}, nil},
			{"query syntax is just words", "/search?q=%22ipad%22+OR+NOT*", 200, []string{`No items match`}, nil},
			{"HTML in the query is text", "/search?q=%3Cb%3Eipad", 200, []string{`Search results for “&lt;b&gt;ipad”`}, []string{`<b>ipad`}},
		}
		for _, tc := range tests {
			code, _, body := ts.get(t, tc.path)
			if code != tc.wantCode {
				t.Errorf("%s: GET %s = %d, want %d", tc.name, tc.path, code, tc.wantCode)
			}
			for _, want := range tc.wantBody {
				if !strings.Contains(body, want) {
					t.Errorf("%s: GET %s lacks %q", tc.name, tc.path, want)
				}
			}
			for _, not := range tc.notBody {
				if strings.Contains(body, not) {
					t.Errorf("%s: GET %s has %q", tc.name, tc.path, not)
				}
			}
		}
		// Every page carries the header's search box.
		for _, path := range []string{"/", "/c/ipads", "/c/ipads/ipad-mini", "/login"} {
			if _, _, body := ts.get(t, path); !strings.Contains(body, `<form class="site-search" method="get" action="/search" role="search">`) ||
				!strings.Contains(body, `<label for="site-search-q" class="visually-hidden">Search items</label>`) {
				t.Errorf("GET %s has no labelled search box", path)
			}
		}
	})
}

func TestSearchAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServer(t, s)
		code, h, body := ts.get(t, "/api/v1/search?q=IPA&limit=2")
		if code != 200 || h.Get("Content-Type") != "application/json" {
			t.Fatalf("GET search = %d %s %s", code, h.Get("Content-Type"), body)
		}
		var got struct {
			Items []struct {
				Slug         string
				Category     string
				CategoryName string `json:"category_name"`
				Rank         int
				Standing     []string
				ReviewCount  int `json:"review_count"`
			}
			Page page
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		if got.Page != (page{Total: 6, Page: 1, Limit: 2}) || len(got.Items) != 2 {
			t.Fatalf("page %+v with %d items, want 2 of 6", got.Page, len(got.Items))
		}
		for _, it := range got.Items {
			if it.Category != "ipads" || it.CategoryName != "iPads" || it.Rank < 1 || it.Rank > 6 || it.Standing == nil {
				t.Errorf("search hit %+v", it)
			}
		}
		code, _, body = ts.get(t, "/api/v1/search?q=air+11")
		if code != 200 || !strings.Contains(body, `"slug":"ipad-air-11"`) || !strings.Contains(body, `"category_name":"iPads"`) ||
			!strings.Contains(body, `"rank":1,"standing":["pick"]`) || !strings.Contains(body, `"review_count":105`) {
			t.Errorf("GET search?q=air+11 = %d %s", code, body)
		}
		for _, tc := range []struct{ path, detail string }{
			{"/api/v1/search?q=", "Type what you are looking for"},
			{"/api/v1/search", "Type what you are looking for"},
			{"/api/v1/search?q=" + strings.Repeat("x", 201), "too long"},
			{"/api/v1/search?q=ipad&limit=0", "limit must be"},
		} {
			code, h, body := ts.get(t, tc.path)
			field := "q"
			if strings.Contains(tc.path, "limit") {
				field = "limit"
			}
			if code != 400 || h.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, tc.detail) ||
				!strings.Contains(body, `"field":"`+field+`"`) {
				t.Errorf("GET %s = %d %s %s", tc.path, code, h.Get("Content-Type"), body)
			}
		}
		if code, _, _ := ts.get(t, "/api/v1/search?q=ipad&page=2"); code != 404 {
			t.Errorf("GET a page past the last = %d, want 404", code)
		}
		if code, _, body := ts.get(t, "/api/v1/search?q=walrus"); code != 200 || !strings.Contains(body, `"items":[]`) {
			t.Errorf("GET a search finding nothing = %d %s", code, body)
		}
	})
}
