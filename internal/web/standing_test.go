package web

import (
	"context"
	"fmt"
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
