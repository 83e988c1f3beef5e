package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/demo"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// BenchmarkItemPage renders an item page with 20 reviews on SQLite holding the generated data set
// of 1,000 items and 100,000 reviews (loading it takes a few seconds before the timing starts).
//
//	go test ./internal/web -run '^$' -bench ItemPage -benchtime 3000x
func BenchmarkItemPage(b *testing.B) {
	s := storetest.Open(b, store.SQLite)
	if _, err := demo.Load(context.Background(), s, demo.Size{Items: 1000, Reviews: 100_000}, false, nil); err != nil {
		b.Fatal(err)
	}
	// The request log is written as serve writes it (LOG_FORMAT=json), to nowhere.
	srv, err := New(s, Options{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/c/books/book-1", nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkLinePage renders the first page of the books line-up (597 items ranked, 25 shown) on
// SQLite holding the generated data set of 1,000 items and 100,000 reviews.
//
//	go test ./internal/web -run '^$' -bench LinePage -benchtime 3000x -benchmem
func BenchmarkLinePage(b *testing.B) {
	s := storetest.Open(b, store.SQLite)
	if _, err := demo.Load(context.Background(), s, demo.Size{Items: 1000, Reviews: 100_000}, false, nil); err != nil {
		b.Fatal(err)
	}
	srv, err := New(s, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"/c/books", "/api/v1/categories/books"} {
		b.Run(strings.TrimPrefix(strings.ReplaceAll(path, "/", "_"), "_"), func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

// BenchmarkItemPageSpread requests every item page of the generated data set in turn with the
// kept-page cache off (Options.NoPageCache), so every page is read from the database and
// rendered: the load script's spread endpoint when most pages are not kept.
//
//	go test ./internal/web -run '^$' -bench ItemPageSpread -benchtime 3000x -benchmem
func BenchmarkItemPageSpread(b *testing.B) {
	ctx := context.Background()
	s := storetest.Open(b, store.SQLite)
	if _, err := demo.Load(ctx, s, demo.Size{Items: 1000, Reviews: 100_000}, false, nil); err != nil {
		b.Fatal(err)
	}
	srv, err := New(s, Options{NoPageCache: true})
	if err != nil {
		b.Fatal(err)
	}
	lines, err := s.Categories(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var reqs []*http.Request
	for _, line := range lines {
		items, err := s.ItemsByCategory(ctx, line.ID)
		if err != nil {
			b.Fatal(err)
		}
		for _, it := range items {
			reqs = append(reqs, httptest.NewRequest(http.MethodGet, "/c/"+line.Slug+"/"+it.Slug, nil))
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, reqs[n%len(reqs)])
		n++
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
