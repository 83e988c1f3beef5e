package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

func TestNewestReviews(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		elsewhere := store.Category{Slug: "books", Name: "Books"}
		if err := s.CreateCategory(ctx, &elsewhere); err != nil {
			t.Fatal(err)
		}
		book := store.Item{CategoryID: elsewhere.ID, Slug: "dune", Name: "Dune"}
		if err := s.CreateItem(ctx, &book); err != nil {
			t.Fatal(err)
		}
		base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		// Created out of order, so the order must come from created_at, not from ids.
		reviews := []store.Review{
			{ItemID: f.item.ID, UserID: f.alice.ID, Rating: 5, Summary: "second", CreatedAt: base.Add(2 * time.Hour)},
			{ItemID: f.other.ID, UserID: f.alice.ID, Rating: 2, Summary: "newest", CreatedAt: base.Add(3 * time.Hour)},
			{ItemID: f.item.ID, UserID: f.bob.ID, Rating: 3, Summary: "oldest", CreatedAt: base},
			{ItemID: book.ID, UserID: f.bob.ID, Rating: 4, Summary: "another line", CreatedAt: base.Add(9 * time.Hour)},
		}
		if err := s.CreateReviews(ctx, reviews); err != nil {
			t.Fatal(err)
		}
		if it, err := s.ItemBySlug(ctx, "tubbies", "po"); err != nil || it.CategoryName != "Tellytubbies" || it.CategorySlug != "tubbies" {
			t.Errorf("item's line = %q %q, %v", it.CategoryName, it.CategorySlug, err)
		}
		got, err := s.NewestReviews(ctx, f.cat.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		var summaries []string
		for _, r := range got {
			summaries = append(summaries, r.Summary+"/"+r.ItemSlug+"/"+r.ItemName+"/"+r.UserName)
		}
		want := []string{"newest/dipsy/Dipsy/Alice", "second/po/Po/Alice", "oldest/po/Po/Bob"}
		if len(summaries) != len(want) {
			t.Fatalf("NewestReviews = %v, want %v", summaries, want)
		}
		for i := range want {
			if summaries[i] != want[i] {
				t.Errorf("NewestReviews[%d] = %s, want %s", i, summaries[i], want[i])
			}
		}
		if !got[0].CreatedAt.Equal(base.Add(3 * time.Hour)) {
			t.Errorf("created at %v", got[0].CreatedAt)
		}
		if got, err := s.NewestReviews(ctx, f.cat.ID, 1); err != nil || len(got) != 1 || got[0].Summary != "newest" {
			t.Errorf("limit 1 = %+v, %v", got, err)
		}
		if got, err := s.NewestReviews(ctx, 999999, 10); err != nil || len(got) != 0 {
			t.Errorf("unknown line = %+v, %v", got, err)
		}
	})
}

func TestHelpfulVotes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := store.Review{ItemID: f.item.ID, UserID: f.alice.ID, Rating: 4, Summary: "by alice"}
		b := store.Review{ItemID: f.other.ID, UserID: f.alice.ID, Rating: 2, Summary: "also by alice"}
		for _, r := range []*store.Review{&a, &b} {
			if err := s.CreateReview(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.MarkHelpful(ctx, b.ID, f.bob.ID); err != nil {
			t.Fatal(err)
		}
		got, err := s.HelpfulVotes(ctx, f.bob.ID, []int64{a.ID, b.ID, 999999})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !got[b.ID] || got[a.ID] {
			t.Errorf("bob's votes = %v, want only %d", got, b.ID)
		}
		if got, err := s.HelpfulVotes(ctx, f.alice.ID, []int64{a.ID, b.ID}); err != nil || len(got) != 0 {
			t.Errorf("alice's votes = %v, %v", got, err)
		}
		if got, err := s.HelpfulVotes(ctx, f.bob.ID, nil); err != nil || len(got) != 0 {
			t.Errorf("no reviews = %v, %v", got, err)
		}
	})
}
