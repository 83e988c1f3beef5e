package store_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// Clients hang up mid-request all the time (a tab closed, a proxy timing out, a load generator
// stopping), and their requests' queries are cancelled. That must cost nothing to the requests
// running beside them: none may fail because a cancelled query spoiled a pooled connection.
func TestCancelledQueriesSpoilNoConnection(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			opt := storetest.Options(t, d)
			opt.MaxConns = 4 // callers outnumber connections: freed ones are handed straight on
			s := storetest.OpenWith(t, opt)
			ctx := context.Background()
			f := newFixture(t, s)
			if err := s.SessionCommit(ctx, "tok", []byte("data"), time.Now().Add(time.Hour), f.alice.ID); err != nil {
				t.Fatal(err)
			}
			var failed atomic.Int64
			var wg sync.WaitGroup
			for g := range 32 {
				wg.Go(func() {
					for range 200 {
						if g%2 == 0 {
							cctx, cancel := context.WithCancel(ctx)
							time.AfterFunc(time.Duration(rand.IntN(1500))*time.Microsecond, cancel)
							r := store.Review{UserID: f.bob.ID, Rating: 4, Summary: "cut short"}
							s.SessionCommit(cctx, "tok2", []byte("data"), time.Now().Add(time.Hour), f.bob.ID)
							s.SessionAndUser(cctx, "tok")
							if err := s.CreateReviewOf(cctx, f.cat.Slug, f.item.Slug, &r); err == nil {
								s.DeleteReview(ctx, r.ID, f.bob.ID)
							}
							cancel()
							continue
						}
						if err := s.SessionCommit(ctx, "tok", []byte("data"), time.Now().Add(time.Hour), f.alice.ID); err != nil {
							if failed.Add(1) <= 3 {
								t.Errorf("beside cancelled queries: %v", err)
							}
						}
						if _, u, ok, err := s.SessionAndUser(ctx, "tok"); err != nil || !ok || u == nil {
							if failed.Add(1) <= 3 {
								t.Errorf("beside cancelled queries: found %v, member %v, err %v", ok, u != nil, err)
							}
						}
					}
				})
			}
			wg.Wait()
			if n := failed.Load(); n > 0 {
				t.Errorf("%d of %d calls failed beside cancelled ones", n, 2*16*200)
			}
			noDrift(t, s) // star counts agree with the reviews that landed
		})
	}
}

// A long query whose request is cancelled is stopped on the server, not left running, and its
// connection serves the next query.
func TestCancelledLongQueryStopsOnServer(t *testing.T) {
	t.Parallel()
	opt := storetest.Options(t, store.Postgres)
	opt.MaxConns = 1 // the next query must take the same connection
	s := storetest.OpenWith(t, opt)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := s.QueryPool(ctx, `SELECT pg_sleep(30)::text`)
	if err == nil {
		t.Fatal("a cancelled 30 s query answered")
	}
	active, err := s.QueryPool(context.Background(),
		`SELECT count(*)::text FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND state = 'active'`)
	if err != nil {
		t.Fatalf("the connection after a cancelled query: %v", err)
	}
	if active != "0" {
		t.Errorf("%s cancelled queries still running on the server", active)
	}
}
