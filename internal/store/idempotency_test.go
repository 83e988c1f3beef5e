package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// reviewOnce writes a review of item by user under the key, answering with the review's id.
func reviewOnce(s *store.Store, k store.IdempotencyKey, itemID int64, rating int) (store.SavedResponse, bool, error) {
	return s.Once(context.Background(), k, func(tx *store.Tx) (store.SavedResponse, error) {
		r := store.Review{ItemID: itemID, UserID: k.UserID, Rating: rating, Summary: "Eh-oh"}
		if err := tx.CreateReview(&r); err != nil {
			return store.SavedResponse{}, err
		}
		return store.SavedResponse{Status: 201, Body: fmt.Sprintf(`{"id":%d}`, r.ID)}, nil
	})
}

func TestIdempotentWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		k := store.IdempotencyKey{UserID: f.alice.ID, Key: "k-1", Request: "POST /items/1/reviews sha"}

		if _, err := s.SavedResponse(ctx, k); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("SavedResponse of an unused key = %v, want ErrNotFound", err)
		}
		first, replayed, err := reviewOnce(s, k, f.item.ID, 5)
		if err != nil || replayed || first.Status != 201 {
			t.Fatalf("first write = %+v, replayed %v, %v", first, replayed, err)
		}
		again, replayed, err := reviewOnce(s, k, f.item.ID, 5)
		if err != nil || !replayed || again != first {
			t.Fatalf("retry = %+v, replayed %v, %v; want %+v replayed", again, replayed, err, first)
		}
		if saved, err := s.SavedResponse(ctx, k); err != nil || saved != first {
			t.Errorf("SavedResponse = %+v, %v; want %+v", saved, err, first)
		}
		wantCounts(t, s, f.item.ID, [5]int{0, 0, 0, 0, 1})

		// The same key with another request is refused, by both the lookup and the write.
		other := k
		other.Request = "POST /items/2/reviews sha"
		if _, err := s.SavedResponse(ctx, other); !errors.Is(err, store.ErrKeyReused) {
			t.Errorf("SavedResponse with another request = %v, want ErrKeyReused", err)
		}
		if _, _, err := reviewOnce(s, other, f.other.ID, 1); !errors.Is(err, store.ErrKeyReused) {
			t.Errorf("Once with another request = %v, want ErrKeyReused", err)
		}
		wantCounts(t, s, f.other.ID, [5]int{})

		// Keys are per member: Bob's "k-1" is his own.
		bobs := store.IdempotencyKey{UserID: f.bob.ID, Key: "k-1", Request: k.Request}
		if resp, replayed, err := reviewOnce(s, bobs, f.item.ID, 1); err != nil || replayed || resp == first {
			t.Errorf("Bob's write with Alice's key = %+v, replayed %v, %v", resp, replayed, err)
		}

		// A failed write stores nothing: the claim rolls back with it, and the key stays free.
		failing := store.IdempotencyKey{UserID: f.alice.ID, Key: "k-2", Request: "dup"}
		if _, _, err := reviewOnce(s, failing, f.item.ID, 3); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a second review under a new key = %v, want ErrConflict", err)
		}
		if _, err := s.SavedResponse(ctx, failing); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a failed write left a stored response: %v", err)
		}
		if resp, replayed, err := reviewOnce(s, failing, f.other.ID, 3); err != nil || replayed || resp.Status != 201 {
			t.Errorf("the key after a failed write = %+v, %v, %v", resp, replayed, err)
		}
		noDrift(t, s)
	})
}

func TestIdempotencyKeysExpire(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		k := store.IdempotencyKey{UserID: f.alice.ID, Key: "old", Request: "r1"}
		if _, _, err := reviewOnce(s, k, f.item.ID, 4); err != nil {
			t.Fatal(err)
		}
		kept := store.IdempotencyKey{UserID: f.bob.ID, Key: "new", Request: "r2"}
		if _, _, err := reviewOnce(s, kept, f.item.ID, 2); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-store.IdempotencyTTL - time.Minute)
		if err := s.SetIdempotencyKeyTime(ctx, k.UserID, k.Key, old); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SavedResponse(ctx, k); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an expired key still answers: %v", err)
		}
		// An expired key may be used afresh, even for another request.
		fresh := store.IdempotencyKey{UserID: f.alice.ID, Key: "old", Request: "r3"}
		if resp, replayed, err := reviewOnce(s, fresh, f.other.ID, 5); err != nil || replayed || resp.Status != 201 {
			t.Errorf("reusing an expired key = %+v, %v, %v", resp, replayed, err)
		}
		if err := s.SetIdempotencyKeyTime(ctx, k.UserID, k.Key, old); err != nil {
			t.Fatal(err)
		}
		n, err := s.DeleteExpiredIdempotencyKeys(ctx, time.Now().Add(-store.IdempotencyTTL))
		if err != nil || n != 1 {
			t.Errorf("sweep deleted %d, %v; want 1", n, err)
		}
		if _, err := s.SavedResponse(ctx, kept); err != nil {
			t.Errorf("the sweep took a live key: %v", err)
		}
	})
}

func TestIdempotentConcurrentRetries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		k := store.IdempotencyKey{UserID: f.alice.ID, Key: "race", Request: "r"}
		const n = 8
		var wg sync.WaitGroup
		resps := make([]store.SavedResponse, n)
		replays := make([]bool, n)
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				resps[i], replays[i], errs[i] = reviewOnce(s, k, f.item.ID, 5)
			})
		}
		close(start)
		wg.Wait()
		written := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("retry %d: %v", i, errs[i])
			}
			if resps[i] != resps[0] {
				t.Errorf("retry %d answered %+v, retry 0 %+v", i, resps[i], resps[0])
			}
			if !replays[i] {
				written++
			}
		}
		if written != 1 {
			t.Errorf("%d of %d concurrent retries wrote, want 1", written, n)
		}
		wantCounts(t, s, f.item.ID, [5]int{0, 0, 0, 0, 1})
	})
}

func TestTxCreatesCatalog(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		var cat store.Category
		var it store.Item
		k := store.IdempotencyKey{UserID: f.alice.ID, Key: "cat", Request: "r"}
		_, _, err := s.Once(ctx, k, func(tx *store.Tx) (store.SavedResponse, error) {
			cat = store.Category{Slug: "books", Name: "Books"}
			if err := tx.CreateCategory(&cat); err != nil {
				return store.SavedResponse{}, err
			}
			it = store.Item{CategoryID: cat.ID, Slug: "dune", Name: "Dune", Attributes: store.Attributes{"author": "Herbert"}}
			if err := tx.CreateItem(&it); err != nil {
				return store.SavedResponse{}, err
			}
			return store.SavedResponse{Status: 201, Body: "{}"}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.ItemBySlug(ctx, "books", "dune")
		if err != nil || got.ID != it.ID || got.Attributes["author"] != "Herbert" || got.Stats.Total() != 0 {
			t.Errorf("created item = %+v, %v", got, err)
		}
		if it.CreatedAt.IsZero() || cat.CreatedAt.IsZero() {
			t.Error("times not set")
		}
		// Errors from inside the transaction are the store's sentinels.
		k2 := store.IdempotencyKey{UserID: f.alice.ID, Key: "dup", Request: "r"}
		_, _, err = s.Once(ctx, k2, func(tx *store.Tx) (store.SavedResponse, error) {
			c := store.Category{Slug: "books", Name: "Again"}
			return store.SavedResponse{}, tx.CreateCategory(&c)
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("taken slug = %v, want ErrConflict", err)
		}
		_, _, err = s.Once(ctx, k2, func(tx *store.Tx) (store.SavedResponse, error) {
			i := store.Item{CategoryID: 999999, Slug: "x", Name: "X"}
			return store.SavedResponse{}, tx.CreateItem(&i)
		})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown line = %v, want ErrNotFound", err)
		}
		_, _, err = s.Once(ctx, k2, func(tx *store.Tx) (store.SavedResponse, error) {
			r := store.Review{ItemID: it.ID, UserID: f.alice.ID, Rating: 6, Summary: "Too many"}
			return store.SavedResponse{}, tx.CreateReview(&r)
		})
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("rating 6 = %v, want ErrInvalid", err)
		}
	})
}

func TestWriteIsOneTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		// A failure after the first insert rolls back the whole write.
		err := s.Write(ctx, func(tx *store.Tx) error {
			c := store.Category{Slug: "toys", Name: "Toys"}
			if err := tx.CreateCategory(&c); err != nil {
				return err
			}
			it := store.Item{CategoryID: c.ID, Slug: "po", Name: "Po"}
			if err := tx.CreateItem(&it); err != nil {
				return err
			}
			r := store.Review{ItemID: it.ID, UserID: f.alice.ID, Rating: 4, Summary: "Fine"}
			if err := tx.CreateReview(&r); err != nil {
				return err
			}
			return tx.CreateReview(&store.Review{ItemID: it.ID, UserID: f.alice.ID, Rating: 1, Summary: "Again"})
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second review in one write = %v, want ErrConflict", err)
		}
		if _, err := s.CategoryBySlug(ctx, "toys"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the failed write left its line: %v", err)
		}
		noDrift(t, s)
		var r store.Review
		if err := s.Write(ctx, func(tx *store.Tx) error {
			r = store.Review{ItemID: f.other.ID, UserID: f.bob.ID, Rating: 3, Summary: "Fine"}
			return tx.CreateReview(&r)
		}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Review(ctx, r.ID); err != nil || got.Summary != "Fine" || !got.CreatedAt.Equal(r.CreatedAt) {
			t.Errorf("written review %+v, %v; want %+v", got, err, r)
		}
		wantCounts(t, s, f.other.ID, [5]int{0, 0, 1, 0, 0})
	})
}
