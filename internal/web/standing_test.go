package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// TestItemStandingLine reads the line near the top of the item page that says where the item
// stands in its line, for every kind of standing the demo has.
func TestItemStandingLine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServer(t, s)
		if _, _, body := ts.get(t, "/c/ipads/ipad-pro-11"); !strings.Contains(body, `<dd itemprop="value">$999</dd>`) {
			t.Error("the item page's price is not in the line's currency")
		}
		for _, tc := range []struct{ path, class, want string }{
			{"/c/ipads/ipad-air-11", "pick", `<a href="/c/ipads">Our pick in iPads</a>`},
			{"/c/ipads/ipad-pro-11", "runner_up", `<a href="/c/ipads">Runner-up in iPads</a>`},
			{"/c/ipads/ipad", "best_value", `<a href="/c/ipads">Best value in iPads</a>`},
			{"/c/ipads/ipad-air-13", "place", `<a href="/c/ipads">#4 of 6 in iPads</a>`},
			{"/c/books/dune", "place", `<a href="/c/books">#5 of 5 in Books</a>`},
			{"/c/books/pride-and-prejudice", "too_close", `<a href="/c/books">Too close to call with Nineteen Eighty-Four and To Kill a Mockingbird</a>`},
			{"/c/tellytubbies/laa-laa", "not_enough", `<a href="/c/tellytubbies">Not enough reviews yet (2 of 5)</a>`},
			{"/c/tellytubbies/po", "not_enough", `<a href="/c/tellytubbies">Not enough reviews yet (4 of 5)</a>`},
		} {
			code, _, body := ts.get(t, tc.path)
			want := `<p class="standing standing-` + tc.class + `">` + tc.want + `</p>`
			if code != 200 || !strings.Contains(body, want) {
				i := strings.Index(body, `class="standing`)
				t.Errorf("%s: %d, want %s; got %.200s", tc.path, code, want, body[max(i, 0):])
			}
		}
	})
}

// TestKeptItemPageFollowsItsLine proves that a kept item page goes stale when another item of
// its line gets a review: the page shows the item's standing, which depends on the whole line.
func TestKeptItemPageFollowsItsLine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		line := store.Category{Slug: "kettles", Name: "Kettles"}
		if err := s.CreateCategory(ctx, &line); err != nil {
			t.Fatal(err)
		}
		items := map[string]*store.Item{}
		for _, n := range []string{"steel", "glass"} {
			it := &store.Item{CategoryID: line.ID, Slug: n, Name: strings.ToUpper(n[:1]) + n[1:]}
			if err := s.CreateItem(ctx, it); err != nil {
				t.Fatal(err)
			}
			items[n] = it
		}
		review := func(item string, i, stars int) {
			t.Helper()
			u := newMember(t, s, fmt.Sprintf("%s%d@example.com", item, i))
			r := store.Review{ItemID: items[item].ID, UserID: u.ID, Rating: stars, Summary: "A review", CreatedAt: time.Now().UTC()}
			if err := s.CreateReview(ctx, &r); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 6 {
			review("steel", i, 4)
			review("glass", i, 2)
		}
		ts := newTestServer(t, s)
		const page = "/c/kettles/steel"
		for range 2 {
			if _, _, body := ts.get(t, page); !strings.Contains(body, ">Our pick in Kettles</a>") {
				t.Fatalf("before: want the pick, got %s", body)
			}
		}
		if ts.srv.pagesKept.peek(page) == nil {
			t.Fatal("the item page was not kept")
		}
		before := mustItem(t, s, "kettles", "steel").Stats.Version
		for i := 6; i < 40; i++ {
			review("glass", i, 5)
		}
		if after := mustItem(t, s, "kettles", "steel").Stats.Version; after != before {
			t.Fatalf("the item's own counter moved (%d → %d): the test would prove nothing", before, after)
		}
		if _, _, body := ts.get(t, page); !strings.Contains(body, ">Runner-up in Kettles</a>") {
			i := strings.Index(body, `class="standing`)
			t.Fatalf("after reviews of another item: want the runner-up, got %.200s", body[max(i, 0):])
		}
	})
}

// TestHomeOrder checks that the home page lists the lines with a pick first, then the others by
// name without regard to case.
func TestHomeOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		withSmallLines(t, s)
		if err := s.CreateCategory(context.Background(), &store.Category{Slug: "aardvarks", Name: "aardvarks"}); err != nil {
			t.Fatal(err)
		}
		ts := newTestServer(t, s)
		_, _, body := ts.get(t, "/")
		var got []string
		for _, part := range strings.Split(body, `<li class="line-card`)[1:] {
			i := strings.Index(part, `<h2><a href="/c/`)
			j := strings.Index(part[i:], `">`)
			got = append(got, part[i+len(`<h2><a href="/c/`):i+j])
		}
		want := []string{"ipads", "aardvarks", "books", "kettles", "tellytubbies", "toasters"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("home lists %v, want %v", got, want)
		}
	})
}

func TestMoney(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ price, currency, want string }{
		{"599", "USD", "$599"}, {"1299", "USD", "$1,299"}, {"349.5", "EUR", "€349.50"}, {"1000000", "GBP", "£1,000,000"},
		{"599", "JPY", "¥599"}, {"599", "CHF", "CHF 599"}, {"599", "", "599"}, {"from 349", "USD", "from 349"},
		{"", "USD", ""}, {" 42 ", "USD", "$42"},
	} {
		if got := money(tc.price, tc.currency); got != tc.want {
			t.Errorf("money(%q, %q) = %q, want %q", tc.price, tc.currency, got, tc.want)
		}
	}
}

// TestLineCurrency sets a line's currency through the admin form and the API, refuses one that
// is not a code, and reads it back on the line page and in the API's line object.
func TestLineCurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAdminFixture(t, s)
		code, _, body := f.form(t, f.adminC, "/admin/lines", url.Values{"slug": {"toys"}, "name": {"Toys"}, "currency": {"US"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="currency-error"`) || !strings.Contains(body, `value="US"`) {
			t.Errorf("currency US = %d, want 422 with the field's error", code)
		}
		code, _, _ = f.form(t, f.adminC, "/admin/lines", url.Values{"slug": {"toys"}, "name": {"Toys"}, "currency": {" chf "}})
		if code != http.StatusSeeOther {
			t.Fatalf("create line with currency = %d", code)
		}
		c, err := s.CategoryBySlug(context.Background(), "toys")
		if err != nil || c.Currency != "CHF" {
			t.Fatalf("stored currency %q, %v", c.Currency, err)
		}
		if _, body := f.page(t, f.adminC, "/admin/lines/toys"); !strings.Contains(body, `name="currency"`) || !strings.Contains(body, `value="CHF"`) {
			t.Error("the line form does not show the currency")
		}
		it := store.Item{CategoryID: c.ID, Slug: "kite", Name: "Kite", Attributes: store.Attributes{"price": "1299"}}
		if err := s.CreateItem(context.Background(), &it); err != nil {
			t.Fatal(err)
		}
		if code, _, body := f.ts.get(t, "/c/toys"); code != 200 || !strings.Contains(body, `<td class="num" data-label="Price">CHF 1,299</td>`) {
			t.Errorf("line page = %d without CHF 1,299", code)
		}
		if code, _, body := f.ts.get(t, "/api/v1/categories/toys"); code != 200 || !strings.Contains(body, `"currency":"CHF"`) {
			t.Errorf("API line = %d without its currency: %s", code, body)
		}
	})
}
