package store_test

import (
	"context"
	"testing"

	"github.com/starboard/starboard/internal/demo"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// BenchmarkItemWithReviews reads what the item page needs (the item with its star counts, and its
// 20 newest reviews with reviewer names) from a database holding 1,000 items and 100,000 reviews.
// Run: go test -run '^$' -bench ItemWithReviews -benchmem ./internal/store
func BenchmarkItemWithReviews(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, d)
			if _, err := demo.Load(ctx, s, demo.Size{Items: 1000, Reviews: 100000}, false, nil); err != nil {
				b.Fatal(err)
			}
			cat, err := s.CategoryBySlug(ctx, "books")
			if err != nil {
				b.Fatal(err)
			}
			items, err := s.ItemsByCategory(ctx, cat.ID)
			if err != nil {
				b.Fatal(err)
			}
			id := items[len(items)/2].ID
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				it, err := s.Item(ctx, id)
				if err != nil {
					b.Fatal(err)
				}
				rs, err := s.Reviews(ctx, store.ReviewQuery{ItemID: it.ID, Sort: store.SortNewest, Limit: 20})
				if err != nil || len(rs) == 0 {
					b.Fatal(len(rs), err)
				}
			}
		})
	}
}
