package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// TestChangeCountersMove checks that every write a cached page could show moves the matching
// counter: the line's for the line-up, the item's for its reviews.
func TestChangeCountersMove(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		line := func() int64 {
			t.Helper()
			st, err := s.CategoryVersion(ctx, f.cat.Slug)
			if err != nil {
				t.Fatal(err)
			}
			if st.ID != f.cat.ID {
				t.Fatalf("line version of %d names line %d", f.cat.ID, st.ID)
			}
			return st.Version
		}
		item := func() int64 {
			t.Helper()
			it, err := s.Item(ctx, f.item.ID)
			if err != nil {
				t.Fatal(err)
			}
			return it.Stats.Version
		}
		step := func(name string, lineMoves, itemMoves bool, write func() error) {
			t.Helper()
			l, i := line(), item()
			if err := write(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := line() != l; got != lineMoves {
				t.Errorf("%s: line counter moved = %v, want %v", name, got, lineMoves)
			}
			if got := item() != i; got != itemMoves {
				t.Errorf("%s: item counter moved = %v, want %v", name, got, itemMoves)
			}
		}
		r := store.Review{ItemID: f.item.ID, UserID: f.alice.ID, Rating: 4, Summary: "Pretty good"}
		step("create review", true, true, func() error { return s.CreateReview(ctx, &r) })
		step("edit text only", false, true, func() error { r.Summary = "Quite good"; return s.UpdateReview(ctx, &r) })
		step("change rating", true, true, func() error { r.Rating = 2; return s.UpdateReview(ctx, &r) })
		step("helpful vote", false, true, func() error { return s.MarkHelpful(ctx, r.ID, f.bob.ID) })
		step("rename reviewer", false, true, func() error { return s.SetDisplayName(ctx, f.alice.ID, "Alice B.") })
		step("rename item", true, true, func() error { f.item.Name = "Po!"; return s.UpdateItem(ctx, &f.item) })
		step("edit line", true, true, func() error { f.cat.Name = "Tubbies"; return s.UpdateCategory(ctx, &f.cat) })
		step("review another item", true, false, func() error {
			return s.CreateReview(ctx, &store.Review{ItemID: f.other.ID, UserID: f.bob.ID, Rating: 5, Summary: "Green"})
		})
		step("bulk reviews", true, true, func() error {
			return s.CreateReviews(ctx, []store.Review{{ItemID: f.item.ID, UserID: f.bob.ID, Rating: 3, Summary: "Bulk"}})
		})
		step("review by slugs", true, false, func() error {
			return s.CreateReviewOf(ctx, f.cat.Slug, f.other.Slug, &store.Review{UserID: f.alice.ID, Rating: 3, Summary: "Fine"})
		})
		step("add item", true, false, func() error {
			return s.CreateItem(ctx, &store.Item{CategoryID: f.cat.ID, Slug: "laa-laa", Name: "Laa-Laa"})
		})
		step("remove other item", true, false, func() error { return s.DeleteItem(ctx, f.other.ID) })
		step("delete review", true, true, func() error { return s.DeleteReview(ctx, r.ID, f.alice.ID) })
	})
}

// TestVersionReadsSeeEarlierWrites: under concurrent reads (which PostgreSQL answers in shared
// batches), a counter read after a write committed always shows that write, for the item and
// for its line.
func TestVersionReadsSeeEarlierWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		stop := make(chan struct{})
		var readers sync.WaitGroup
		for range 8 {
			readers.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := s.ItemVersion(ctx, f.item.ID); err != nil {
						t.Error(err)
						return
					}
					if _, err := s.CategoryVersion(ctx, f.cat.Slug); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		var writers sync.WaitGroup
		for w := range 4 {
			writers.Go(func() {
				for i := range 10 {
					u := store.User{Email: fmt.Sprintf("w%d-%d@example.com", w, i), DisplayName: "W", PasswordHash: "x"}
					if err := s.CreateUser(ctx, &u); err != nil {
						t.Error(err)
						return
					}
					item, err := s.ItemVersion(ctx, f.item.ID)
					if err != nil {
						t.Error(err)
						return
					}
					line, err := s.CategoryVersion(ctx, f.cat.Slug)
					if err != nil {
						t.Error(err)
						return
					}
					r := store.Review{ItemID: f.item.ID, UserID: u.ID, Rating: i%5 + 1, Summary: "Counted"}
					if err := s.CreateReview(ctx, &r); err != nil {
						t.Error(err)
						return
					}
					if v, err := s.ItemVersion(ctx, f.item.ID); err != nil || v <= item {
						t.Errorf("item counter read after a review: %d, %v; it was %d before", v, err, item)
					}
					if st, err := s.CategoryVersion(ctx, f.cat.Slug); err != nil || st.Version <= line.Version {
						t.Errorf("line counter read after a review: %d, %v; it was %d before", st.Version, err, line.Version)
					}
				}
			})
		}
		writers.Wait()
		close(stop)
		readers.Wait()
		if _, err := s.ItemVersion(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown item: %v, want ErrNotFound", err)
		}
		if _, err := s.CategoryVersion(ctx, "nowhere"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown line: %v, want ErrNotFound", err)
		}
	})
}
