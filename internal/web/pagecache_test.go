package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// getWith fetches a path with extra request headers, with the server's own client.
func (ts *testServer) getWith(t *testing.T, path string, header ...string) (int, http.Header, string) {
	t.Helper()
	return ts.send(t, ts.client, http.MethodGet, path, nil, header...)
}

// poReviews returns Po's review count as the ranking API of ts reports it.
func poReviews(t *testing.T, ts *testServer) int {
	t.Helper()
	code, _, body := ts.get(t, "/api/v1/categories/tellytubbies")
	if code != 200 {
		t.Fatalf("ranking API = %d: %s", code, body)
	}
	var out struct {
		Ranking []struct {
			Item struct {
				Slug string `json:"slug"`
			} `json:"item"`
			ReviewCount int `json:"review_count"`
		} `json:"ranking"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Ranking {
		if r.Item.Slug == "po" {
			return r.ReviewCount
		}
	}
	t.Fatalf("no Po in the ranking: %s", body)
	return 0
}

// TestCachesAcrossInstances proves that what one instance keeps (ranked lines, rendered item
// pages) never hides a write made through another instance on the same database: the next
// request to the second instance shows it.
func TestCachesAcrossInstances(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		one, two := newTestServer(t, s), newTestServer(t, s)
		member := newMember(t, s, "cache@example.com")
		one.signInAs(t, member)

		// Two fills its caches and answers a repeat visit with 304.
		code, h, page := two.get(t, "/c/tellytubbies/po")
		etag := h.Get("ETag")
		if code != 200 || etag == "" {
			t.Fatalf("item page = %d, ETag %q", code, etag)
		}
		if code, _, body := two.getWith(t, "/c/tellytubbies/po", "If-None-Match", etag); code != http.StatusNotModified || body != "" {
			t.Fatalf("repeat visit with If-None-Match = %d (%d bytes), want 304", code, len(body))
		}
		if _, _, again := two.get(t, "/c/tellytubbies/po"); again != page {
			t.Error("the kept page differs from the first rendering")
		}
		before := poReviews(t, two)
		po := mustItem(t, s, "tellytubbies", "po")
		itemJSON := "/api/v1/items/" + strconv.FormatInt(po.ID, 10)
		code, h, kept := two.get(t, itemJSON)
		jsonTag := h.Get("ETag")
		if code != 200 || jsonTag == "" || !strings.Contains(kept, fmt.Sprintf(`"review_count":%d`, before)) {
			t.Fatalf("item JSON = %d, ETag %q: %s", code, jsonTag, kept)
		}
		if code, _, body := two.getWith(t, itemJSON, "If-None-Match", jsonTag); code != http.StatusNotModified || body != "" {
			t.Fatalf("item JSON again with If-None-Match = %d, want 304", code)
		}
		if _, _, body := two.get(t, "/c/tellytubbies"); !strings.Contains(body, "Tellytubbies") {
			t.Fatal("line page did not render")
		}

		// A review posted through one shows on two's next request, everywhere it counts.
		if code, _, body := one.postForm(t, "/c/tellytubbies/po/reviews",
			reviewValues("5", "Cached nowhere stale", "Seen at once.")); code != http.StatusSeeOther {
			t.Fatalf("post review on one = %d: %s", code, body)
		}
		if got := poReviews(t, two); got != before+1 {
			t.Errorf("ranking API on two: Po has %d reviews, want %d", got, before+1)
		}
		if code, _, body := two.getWith(t, itemJSON, "If-None-Match", jsonTag); code != 200 ||
			!strings.Contains(body, fmt.Sprintf(`"review_count":%d`, before+1)) {
			t.Errorf("item JSON on two after the write = %d: %s", code, body)
		}
		code, h, body := two.getWith(t, "/c/tellytubbies/po", "If-None-Match", etag)
		if code != 200 || h.Get("ETag") == etag || !strings.Contains(body, "Cached nowhere stale") {
			t.Errorf("item page on two after the write = %d, ETag %q (was %q), new review shown %v",
				code, h.Get("ETag"), etag, strings.Contains(body, "Cached nowhere stale"))
		}
		if want := fmt.Sprintf("%d reviews", before+1); !strings.Contains(body, want) {
			t.Errorf("item page on two does not say %q", want)
		}
		if _, _, line := two.get(t, "/c/tellytubbies"); !strings.Contains(line, fmt.Sprintf(`<td class="num" data-label="Reviews">%d</td>`, before+1)) {
			t.Errorf("line page on two does not show Po's %d reviews", before+1)
		}

		// Renaming the reviewer through one changes the name on two's kept page.
		if code, _, _ := one.post(t, "/account/name", url.Values{"display_name": {"Renamed Reviewer"}}); code != http.StatusSeeOther {
			t.Fatalf("rename = %d", code)
		}
		if _, _, body := two.get(t, "/c/tellytubbies/po"); !strings.Contains(body, "Renamed Reviewer") {
			t.Error("item page on two still shows the reviewer's old name")
		}

		// An item renamed (as the admin pages and API do, through the store) shows too.
		po = mustItem(t, s, "tellytubbies", "po")
		po.Name = "Po the Red"
		if err := s.UpdateItem(context.Background(), &po); err != nil {
			t.Fatal(err)
		}
		if _, _, body := two.get(t, "/c/tellytubbies/po"); !strings.Contains(body, "Po the Red") {
			t.Error("item page on two still shows the old item name")
		}
		if _, _, body := two.get(t, "/c/tellytubbies"); !strings.Contains(body, "Po the Red") {
			t.Error("line page on two still shows the old item name")
		}
		if _, _, body := two.get(t, itemJSON); !strings.Contains(body, "Po the Red") {
			t.Error("item JSON on two still shows the old item name")
		}

		// So does a line renamed: every item page names its line.
		line, err := s.CategoryBySlug(context.Background(), "tellytubbies")
		if err != nil {
			t.Fatal(err)
		}
		line.Name = "Teletubbies"
		if err := s.UpdateCategory(context.Background(), &line); err != nil {
			t.Fatal(err)
		}
		if _, _, body := two.get(t, "/c/tellytubbies/po"); !strings.Contains(body, "Teletubbies") {
			t.Error("item page on two still shows the old line name")
		}

		// An item removed is gone from two at once, kept page or not.
		if err := s.DeleteItem(context.Background(), po.ID); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := two.get(t, "/c/tellytubbies/po"); code != http.StatusNotFound {
			t.Errorf("removed item's page on two = %d, want 404", code)
		}
		if code, _, _ := two.get(t, itemJSON); code != http.StatusNotFound {
			t.Errorf("removed item's JSON on two = %d, want 404", code)
		}
	})
}

// TestLinePages checks that a long line-up is shown a page at a time, verdict first, with links
// between pages, and that the ranking API pages the same way with a total.
func TestLinePages(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	line := store.Category{Slug: "long", Name: "Long line"}
	if err := s.CreateCategory(ctx, &line); err != nil {
		t.Fatal(err)
	}
	items := make([]store.Item, 60)
	for i := range items {
		items[i] = store.Item{CategoryID: line.ID, Slug: fmt.Sprintf("thing-%02d", i+1), Name: fmt.Sprintf("Thing %02d", i+1)}
	}
	if err := s.CreateItems(ctx, items); err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, s)
	rows := func(body string) int { return strings.Count(body, `name="items" value="`) }

	code, _, body := ts.get(t, "/c/long")
	if code != 200 || rows(body) != linePageSize || !strings.Contains(body, "Page 1 of 3") ||
		!strings.Contains(body, `href="/c/long?page=2#lineup" rel="next"`) || !strings.Contains(body, "Items 1 to 25 of 60.") {
		t.Errorf("first page = %d with %d rows", code, rows(body))
	}
	code, _, body = ts.get(t, "/c/long?sort=reviews&page=3")
	if code != 200 || rows(body) != 10 || !strings.Contains(body, "Page 3 of 3") ||
		!strings.Contains(body, `href="/c/long?sort=reviews&amp;page=2#lineup" rel="prev"`) {
		t.Errorf("last page = %d with %d rows", code, rows(body))
	}
	if code, _, _ = ts.get(t, "/c/long?page=4"); code != http.StatusNotFound {
		t.Errorf("page past the end = %d, want 404", code)
	}
	if code, _, _ = ts.get(t, "/c/long?page=0"); code != http.StatusBadRequest {
		t.Errorf("page 0 = %d, want 400", code)
	}

	code, _, body = ts.get(t, "/api/v1/categories/long?limit=50&page=2")
	var out struct {
		Ranking []json.RawMessage `json:"ranking"`
		Page    page              `json:"page"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || code != 200 {
		t.Fatalf("ranking API page 2 = %d %v: %s", code, err, body)
	}
	if len(out.Ranking) != 10 || out.Page != (page{Total: 60, Page: 2, Limit: 50}) {
		t.Errorf("ranking API page 2: %d items, page %+v", len(out.Ranking), out.Page)
	}
	if code, _, _ = ts.get(t, "/api/v1/categories/long?limit=101"); code != http.StatusBadRequest {
		t.Errorf("limit 101 = %d, want 400", code)
	}
}

// TestAPIWritesReachCaches posts a review through the JSON API on one instance and checks that a
// second instance's kept item page and ranking show it on their next request: API writes go
// through the same store paths as the form, counters included.
func TestAPIWritesReachCaches(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		one, two := newTestServer(t, s), newTestServer(t, s)
		token := apiToken(t, s, newMember(t, s, "api-cache@example.com"))
		po := mustItem(t, s, "tellytubbies", "po")

		code, h, _ := two.get(t, "/c/tellytubbies/po")
		etag := h.Get("ETag")
		if code != 200 || etag == "" {
			t.Fatalf("item page = %d, ETag %q", code, etag)
		}
		before := poReviews(t, two)

		body := `{"rating": 4, "summary": "Posted by a program", "details": "Through the API."}`
		if code, _, out := one.call(t, token, http.MethodPost, fmt.Sprintf("/api/v1/items/%d/reviews", po.ID), body,
			"Idempotency-Key", "cache-check-1"); code != http.StatusCreated {
			t.Fatalf("API review = %d: %s", code, out)
		}
		if got := poReviews(t, two); got != before+1 {
			t.Errorf("ranking API on two: Po has %d reviews, want %d", got, before+1)
		}
		code, h, page := two.getWith(t, "/c/tellytubbies/po", "If-None-Match", etag)
		if code != 200 || h.Get("ETag") == etag || !strings.Contains(page, "Posted by a program") {
			t.Errorf("item page on two after the API write = %d, ETag %q (was %q), review shown %v",
				code, h.Get("ETag"), etag, strings.Contains(page, "Posted by a program"))
		}
	})
}

// TestPageCacheDoorkeeper checks that a full cache keeps a new page only on its second miss,
// and that a page it holds is replaced at once.
func TestPageCacheDoorkeeper(t *testing.T) {
	t.Parallel()
	var c pageCache
	c.init(8 * 1300)
	page := func(uri, stamp string) *cachedPage {
		return newCachedPage(uri, "", stamp, []byte(strings.Repeat("x", 1000)), identity)
	}
	for i := range 8 {
		c.put(page(fmt.Sprintf("/p%d", i), "a"))
	}
	full := len(c.pages)
	if c.admits("/new") {
		t.Fatal("a full cache admits a page on its first miss")
	}
	if !c.admits("/new") {
		t.Fatal("a full cache does not admit a page on its second miss")
	}
	c.put(page("/new", "a"))
	if c.peek("/new") == nil {
		t.Fatal("an admitted page was not kept")
	}
	if !c.admits("/new") {
		t.Error("a kept page's newer state is not admitted at once")
	}
	if len(c.pages) > full {
		t.Errorf("the cache grew from %d to %d pages past its limit", full, len(c.pages))
	}
	c.put(page("/new", "b"))
	if p := c.peek("/new"); p == nil || p.stamp != "b" {
		t.Error("a kept page was not replaced by its newer state")
	}
}
