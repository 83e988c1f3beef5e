package store_test

import (
	"context"
	"os"
	"strconv"
	"strings"
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

// BenchmarkSearch runs searches of a database holding 10,000 items: a rare word, an accent-folded
// author, two title words, a short prefix matching thousands of items. Reviews never touch the
// search index, so the data set has 20,000 by default, which loads in seconds;
// STARBOARD_BENCH_REVIEWS=1000000 loads the full million (minutes). PostgreSQL's statistics are
// gathered after the load, as autovacuum would.
// Run: go test -run '^$' -bench Search -benchmem ./internal/store
func BenchmarkSearch(b *testing.B) {
	reviews := 20000
	if v := os.Getenv("STARBOARD_BENCH_REVIEWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("STARBOARD_BENCH_REVIEWS: %v", err)
		}
		reviews = n
	}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, d)
			if _, err := demo.Load(ctx, s, demo.Size{Items: 10000, Reviews: reviews}, false, nil); err != nil {
				b.Fatal(err)
			}
			if err := s.Analyze(ctx); err != nil {
				b.Fatal(err)
			}
			for _, q := range []string{"tinky", "bronte", "distant letter", "ipa"} {
				b.Run(strings.ReplaceAll(q, " ", "_"), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						res, err := s.SearchItems(ctx, q, 20, 0)
						if err != nil || len(res.Items) == 0 {
							b.Fatal(len(res.Items), err)
						}
						b.ReportMetric(float64(res.Total), "matches")
					}
				})
			}
		})
	}
}
