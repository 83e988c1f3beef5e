package web

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// benchItems is the size of the benchmarked product line.
const benchItems = 50

// BenchmarkCategoryRanking measures GET /api/v1/categories/{line} (ranking and verdict) for a
// line of 50 items with 1,000 and with 1,000,000 reviews in a SQLite database. The ranking
// reads item_stats, one row per item, so the time per request must not grow with the number of
// reviews. Each database is loaded once per run, before the timing starts; the 1,000,000 one
// takes a minute or more and is skipped under -short.
//
//	go test ./internal/web -run '^$' -bench CategoryRanking -benchtime 2000x
func BenchmarkCategoryRanking(b *testing.B) { benchmarkCategoryRanking(b, store.SQLite) }

// BenchmarkCategoryRankingPostgres is BenchmarkCategoryRanking on PostgreSQL
// (STARBOARD_TEST_POSTGRES); loading the 1,000,000 reviews there takes several minutes.
func BenchmarkCategoryRankingPostgres(b *testing.B) { benchmarkCategoryRanking(b, store.Postgres) }

func benchmarkCategoryRanking(b *testing.B, d store.Dialect) {
	for _, reviews := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("reviews=%d", reviews), func(b *testing.B) {
			if reviews > 100_000 && testing.Short() {
				b.Skip("loading a million reviews takes minutes; skipped under -short")
			}
			s := storetest.Open(b, d)
			start := time.Now()
			loadBenchLine(b, s, benchItems, reviews)
			b.Logf("%s: loaded %d items and %d reviews in %v", d, benchItems, reviews, time.Since(start).Round(time.Millisecond))
			srv, err := New(s, Options{})
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/api/v1/categories/bench", nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s = %d: %s", req.URL, rec.Code, rec.Body)
				}
			}
		})
	}
}

// loadBenchLine creates the line "bench" with the given number of items and exactly the given
// number of reviews, spread evenly: reviews/items members each review every item (the store
// allows one review per member and item). Each item gets its own leaning, so the ranking and
// the verdict have real work to do. Reviews are written in chunks to bound memory.
func loadBenchLine(b *testing.B, s *store.Store, items, reviews int) {
	b.Helper()
	ctx := context.Background()
	cat := store.Category{Slug: "bench", Name: "Benchmark line"}
	if err := s.CreateCategory(ctx, &cat); err != nil {
		b.Fatal(err)
	}
	its := make([]store.Item, items)
	for i := range its {
		its[i] = store.Item{CategoryID: cat.ID, Slug: fmt.Sprintf("item-%d", i+1), Name: fmt.Sprintf("Item %d", i+1),
			Attributes: store.Attributes{"price": fmt.Sprint(100 + 10*i)}}
	}
	if err := s.CreateItems(ctx, its); err != nil {
		b.Fatal(err)
	}
	members := (reviews + items - 1) / items
	users := make([]store.User, members)
	for i := range users {
		users[i] = store.User{Email: fmt.Sprintf("bench%d@example.com", i), DisplayName: fmt.Sprintf("Bench %d", i), PasswordHash: "!"}
	}
	for start := 0; start < len(users); start += 5000 {
		if err := s.CreateUsers(ctx, users[start:min(start+5000, len(users))]); err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(uint64(items), uint64(reviews)))
	lean := make([]float64, items) // chance of a 5-star rating, per item
	for i := range lean {
		lean[i] = 0.2 + 0.6*rng.Float64()
	}
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	chunk := make([]store.Review, 0, 20_000)
	written := 0
	for _, u := range users {
		for i, it := range its {
			if written+len(chunk) == reviews {
				break
			}
			rating := 1 + rng.IntN(4)
			if rng.Float64() < lean[i] {
				rating = 5
			}
			chunk = append(chunk, store.Review{ItemID: it.ID, UserID: u.ID, Rating: rating, Summary: "Benchmark review", CreatedAt: created})
		}
		if len(chunk) >= 20_000-items {
			if err := s.CreateReviews(ctx, chunk); err != nil {
				b.Fatal(err)
			}
			written += len(chunk)
			chunk = chunk[:0]
		}
	}
	if err := s.CreateReviews(ctx, chunk); err != nil {
		b.Fatal(err)
	}
	if written += len(chunk); written != reviews {
		b.Fatalf("wrote %d reviews, want %d", written, reviews)
	}
}
