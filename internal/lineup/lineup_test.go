package lineup

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// TestCacheSeesNewStamp ranks a line, changes it through the store (as another request or
// another instance would), and checks the next read ranks it again, while a read of an
// unchanged line answers the ranking it kept.
func TestCacheSeesNewStamp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		items := newLine(t, s, "tablets",
			store.Item{Slug: "alpha", Name: "Alpha", Attributes: store.Attributes{"price": "300"}},
			store.Item{Slug: "beta", Name: "Beta"})
		alpha, beta := items[0], items[1]
		c := NewCache(s)

		first, err := c.Line(ctx, "tablets", rank.SortRecommended)
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Ranked) != 2 || first.Verdict.Kind != rank.KindNotEnough {
			t.Fatalf("before reviews: %d ranked, verdict %q; want 2, %q", len(first.Ranked), first.Verdict.Kind, rank.KindNotEnough)
		}
		if first.Items[alpha.ID].Name != "Alpha" || first.Category.Slug != "tablets" {
			t.Errorf("line %q with items %v; want tablets with Alpha", first.Category.Slug, first.Items)
		}
		again, err := c.Line(ctx, "tablets", rank.SortRecommended)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%p", again.Items) != fmt.Sprintf("%p", first.Items) {
			t.Error("an unchanged line was read and ranked again")
		}

		for i := range 6 {
			u := store.User{Email: fmt.Sprintf("m%d@example.com", i), DisplayName: fmt.Sprintf("m%d", i), PasswordHash: "!"}
			if err := s.CreateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateReview(ctx, &store.Review{ItemID: beta.ID, UserID: u.ID, Rating: 5, Summary: "Very good"}); err != nil {
				t.Fatal(err)
			}
		}

		after, err := c.Line(ctx, "tablets", rank.SortReviews)
		if err != nil {
			t.Fatal(err)
		}
		if after.Category.Stamp().Equal(first.Category.Stamp()) {
			t.Fatal("six reviews did not move the line's stamp")
		}
		if len(after.Ranked) != 2 || after.Ranked[0].ID != beta.ID || after.Ranked[0].N != 6 {
			t.Fatalf("after reviews: ranking %+v; want Beta first with 6 reviews", after.Ranked)
		}
		if after.Items[beta.ID].Stats.Total() != 6 {
			t.Errorf("Beta's kept stats count %d reviews, want 6", after.Items[beta.ID].Stats.Total())
		}
		if v := after.Verdict; len(v.Judged) != 1 || v.Judged[0].ID != beta.ID || len(v.Newcomers) != 1 {
			t.Errorf("verdict %+v; want Beta judged and Alpha a newcomer", v)
		}
	})
}

// TestCacheUnknownSortAndLine checks an unknown order falls back to the recommended one and an
// unknown line is the store's ErrNotFound.
func TestCacheUnknownSortAndLine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		newLine(t, s, "books", store.Item{Slug: "b", Name: "B"}, store.Item{Slug: "a", Name: "A"})
		c := NewCache(s)
		want, err := c.Line(ctx, "books", rank.SortRecommended)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Line(ctx, "books", rank.Sort("cheapest"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Ranked) != len(want.Ranked) || got.Ranked[0].ID != want.Ranked[0].ID || got.Ranked[1].ID != want.Ranked[1].ID {
			t.Errorf("unknown sort ranked %+v, want the recommended %+v", got.Ranked, want.Ranked)
		}
		if _, err := c.Line(ctx, "nope", rank.SortRecommended); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown line: err %v, want store.ErrNotFound", err)
		}
	})
}

// newLine creates a product line named after its slug, with the given items in it, and returns
// the items as created.
func newLine(t *testing.T, s *store.Store, slug string, items ...store.Item) []store.Item {
	t.Helper()
	ctx := context.Background()
	line := store.Category{Slug: slug, Name: slug}
	if err := s.CreateCategory(ctx, &line); err != nil {
		t.Fatal(err)
	}
	for i := range items {
		items[i].CategoryID = line.ID
		if err := s.CreateItem(ctx, &items[i]); err != nil {
			t.Fatal(err)
		}
	}
	return items
}
