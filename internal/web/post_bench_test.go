package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/demo"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// BenchmarkReviewPost posts reviews through the signed-in form (session cookie, form POST, 303)
// on SQLite holding the generated data set of 1,000 items and 100,000 reviews; every request is
// a different (member, item) pair. It is what the load script's "post" line measures, without
// the network.
//
//	go test ./internal/web -run '^$' -bench ReviewPost -benchtime 3000x -benchmem
func BenchmarkReviewPost(b *testing.B) { benchmarkReviewPost(b, store.SQLite) }

// BenchmarkReviewPostPostgres is BenchmarkReviewPost on PostgreSQL (STARBOARD_TEST_POSTGRES).
func BenchmarkReviewPostPostgres(b *testing.B) { benchmarkReviewPost(b, store.Postgres) }

func benchmarkReviewPost(b *testing.B, d store.Dialect) {
	ctx := context.Background()
	s := storetest.Open(b, d)
	if _, err := demo.Load(ctx, s, demo.Size{Items: 1000, Reviews: 100_000}, false, nil); err != nil {
		b.Fatal(err)
	}
	srv, err := New(s, Options{})
	if err != nil {
		b.Fatal(err)
	}
	var paths []string
	for _, line := range []string{"books", "ipads"} {
		c, err := s.CategoryBySlug(ctx, line)
		if err != nil {
			b.Fatal(err)
		}
		items, err := s.ItemsByCategory(ctx, c.ID)
		if err != nil {
			b.Fatal(err)
		}
		for _, it := range items {
			paths = append(paths, itemPath(it)+"/reviews")
		}
	}
	const members = 20
	cookies := make([]string, members)
	for i := range cookies {
		u := store.User{Email: fmt.Sprintf("post-bench-%d@example.com", i), DisplayName: fmt.Sprintf("Poster %d", i), PasswordHash: "!"}
		if err := s.CreateUser(ctx, &u); err != nil {
			b.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.loadSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := srv.signIn(w, r, u); err != nil {
				b.Error(err)
			}
		})).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
		for _, c := range rec.Result().Cookies() {
			cookies[i] = c.Name + "=" + c.Value
		}
	}
	form := url.Values{"review[summary]": {"Benchmark review"}, "review[details]": {"Posted by a <benchmark> & friends."}}
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		member, item := n%members, n/members%len(paths)
		form.Set("review[rating]", fmt.Sprint(n%5+1))
		n++
		req := httptest.NewRequest(http.MethodPost, paths[item], strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookies[member])
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/c/") {
			b.Fatalf("POST %s = %d %s: %s", paths[item], rec.Code, rec.Header().Get("Location"), rec.Body)
		}
	}
}
