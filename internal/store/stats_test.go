package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// statsModel is what item_stats should hold: the live reviews, by item and author.
type statsModel struct {
	reviews map[[2]int64]store.Review // {item, user} → review
}

func (m statsModel) counts(itemID int64) [5]int {
	var c [5]int
	for k, r := range m.reviews {
		if k[0] == itemID {
			c[r.Rating-1]++
		}
	}
	return c
}

// random returns a random live review, or false when there is none.
func (m statsModel) random(rng *rand.Rand) (store.Review, bool) {
	if len(m.reviews) == 0 {
		return store.Review{}, false
	}
	keys := slices.SortedFunc(maps.Keys(m.reviews), func(a, b [2]int64) int {
		if a[0] != b[0] {
			return int(a[0] - b[0])
		}
		return int(a[1] - b[1])
	})
	return m.reviews[keys[rng.IntN(len(keys))]], true
}

// checkStats fails the test unless item_stats equals both a fresh count of the reviews
// (StatsDrift) and the model.
func checkStats(t *testing.T, s *store.Store, m statsModel, items []store.Item, step string) {
	t.Helper()
	ctx := context.Background()
	if ids, err := s.StatsDrift(ctx); err != nil || len(ids) > 0 {
		t.Fatalf("after %s: item_stats drift from the reviews for items %v (err %v)", step, ids, err)
	}
	for _, it := range items {
		got, err := s.Item(ctx, it.ID)
		if err != nil {
			t.Fatalf("after %s: %v", step, err)
		}
		if want := m.counts(it.ID); got.Stats.Counts != want {
			t.Fatalf("after %s: item %s counts %v, want %v", step, it.Slug, got.Stats.Counts, want)
		}
	}
}

// TestStatsFollowEveryChange changes reviews in every way the store allows, in a random but
// repeatable order, including changes that must fail, and after every step checks item_stats
// against a fresh GROUP BY over the reviews and against a model of the reviews.
func TestStatsFollowEveryChange(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		third := store.Item{CategoryID: f.cat.ID, Slug: "laa-laa", Name: "Laa-Laa"}
		if err := s.CreateItem(ctx, &third); err != nil {
			t.Fatal(err)
		}
		items := []store.Item{f.item, f.other, third}
		users := []store.User{f.alice, f.bob}
		for i := range 6 {
			u := store.User{Email: fmt.Sprintf("m%d@example.com", i), DisplayName: fmt.Sprintf("M%d", i), PasswordHash: "x"}
			if err := s.CreateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
		}
		m := statsModel{reviews: map[[2]int64]store.Review{}}
		rng := rand.New(rand.NewPCG(2026, 5))
		want := func(step string, err, target error) {
			t.Helper()
			if !errors.Is(err, target) {
				t.Fatalf("%s: err %v, want %v", step, err, target)
			}
		}
		var done [9]int
		for i := range 150 {
			var step string
			op := rng.IntN(9)
			switch op {
			case 0, 1: // a member writes a review; a second one of the same item is refused
				it, u := items[rng.IntN(len(items))], users[rng.IntN(len(users))]
				r := store.Review{ItemID: it.ID, UserID: u.ID, Rating: 1 + rng.IntN(5), Summary: "Thoughts"}
				step = fmt.Sprintf("step %d: %s reviews %s with %d stars", i, u.DisplayName, it.Slug, r.Rating)
				_, exists := m.reviews[[2]int64{it.ID, u.ID}]
				err := s.CreateReview(ctx, &r)
				if exists {
					want(step, err, store.ErrConflict)
				} else {
					want(step, err, nil)
					m.reviews[[2]int64{it.ID, u.ID}] = r
				}
			case 2: // the author changes the rating (maybe to the same one)
				r, ok := m.random(rng)
				if !ok {
					continue
				}
				r.Rating = 1 + rng.IntN(5)
				step = fmt.Sprintf("step %d: review %d re-rated %d", i, r.ID, r.Rating)
				want(step, s.UpdateReview(ctx, &r), nil)
				m.reviews[[2]int64{r.ItemID, r.UserID}] = r
			case 3: // the author edits only the words
				r, ok := m.random(rng)
				if !ok {
					continue
				}
				r.Summary, r.Details = "Second thoughts", fmt.Sprintf("Edited at step %d.", i)
				step = fmt.Sprintf("step %d: review %d text edited", i, r.ID)
				want(step, s.UpdateReview(ctx, &r), nil)
				m.reviews[[2]int64{r.ItemID, r.UserID}] = r
			case 4: // the author deletes it
				r, ok := m.random(rng)
				if !ok {
					continue
				}
				step = fmt.Sprintf("step %d: review %d deleted by its author", i, r.ID)
				want(step, s.DeleteReview(ctx, r.ID, r.UserID), nil)
				delete(m.reviews, [2]int64{r.ItemID, r.UserID})
			case 5: // an admin removes it; removing it again finds nothing
				r, ok := m.random(rng)
				if !ok {
					continue
				}
				step = fmt.Sprintf("step %d: review %d removed by an admin", i, r.ID)
				want(step, s.RemoveReview(ctx, r.ID), nil)
				want(step+" twice", s.RemoveReview(ctx, r.ID), store.ErrNotFound)
				delete(m.reviews, [2]int64{r.ItemID, r.UserID})
			case 6: // changes that must fail and change nothing
				r, ok := m.random(rng)
				if !ok {
					continue
				}
				step = fmt.Sprintf("step %d: refused changes to review %d", i, r.ID)
				other := r
				other.UserID = users[(slices.IndexFunc(users, func(u store.User) bool { return u.ID == r.UserID })+1)%len(users)].ID
				other.Rating = r.Rating%5 + 1
				want(step+": edit by another member", s.UpdateReview(ctx, &other), store.ErrNotFound)
				want(step+": delete by another member", s.DeleteReview(ctx, r.ID, other.UserID), store.ErrNotFound)
				bad := r
				bad.Rating = 6
				want(step+": rating 6", s.UpdateReview(ctx, &bad), store.ErrInvalid)
			case 7: // helpful votes do not touch the counts
				r, ok := m.random(rng)
				if !ok {
					continue
				}
				step = fmt.Sprintf("step %d: review %d marked helpful", i, r.ID)
				if err := s.MarkHelpful(ctx, r.ID, users[rng.IntN(len(users))].ID); err != nil && !errors.Is(err, store.ErrConflict) {
					t.Fatalf("%s: %v", step, err)
				}
			case 8: // a bulk load, all or nothing: with a repeat in it, nothing is written
				var batch []store.Review
				added := map[[2]int64]bool{}
				for range 1 + rng.IntN(6) {
					it, u := items[rng.IntN(len(items))], users[rng.IntN(len(users))]
					k := [2]int64{it.ID, u.ID}
					if _, exists := m.reviews[k]; exists || added[k] {
						continue
					}
					added[k] = true
					batch = append(batch, store.Review{ItemID: it.ID, UserID: u.ID, Rating: 1 + rng.IntN(5), Summary: "Bulk"})
				}
				if len(batch) == 0 {
					continue
				}
				step = fmt.Sprintf("step %d: bulk load of %d reviews", i, len(batch))
				if rng.IntN(3) == 0 {
					dup := batch[0]
					want(step+" with a repeat", s.CreateReviews(ctx, append(slices.Clone(batch), dup)), store.ErrConflict)
					break
				}
				want(step, s.CreateReviews(ctx, batch), nil)
				for _, r := range batch {
					m.reviews[[2]int64{r.ItemID, r.UserID}] = r
				}
			}
			checkStats(t, s, m, items, step)
			done[op]++
		}
		if len(m.reviews) == 0 || slices.Contains(done[:], 0) {
			t.Fatalf("the random walk left %d reviews and took each kind of step %v times; pick another seed", len(m.reviews), done)
		}

		// Deleting an item takes its reviews and counts with it.
		if err := s.DeleteItem(ctx, third.ID); err != nil {
			t.Fatal(err)
		}
		maps.DeleteFunc(m.reviews, func(k [2]int64, _ store.Review) bool { return k[0] == third.ID })
		checkStats(t, s, m, items[:2], "deleting an item")
	})
}

// TestStatsUnderConcurrentChanges has members write, re-rate, edit and delete their reviews of
// the same items at the same time as an admin removes others, then checks nothing was lost.
func TestStatsUnderConcurrentChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		items := []store.Item{f.item, f.other}
		newUser := func(name string) store.User {
			u := store.User{Email: name + "@example.com", DisplayName: name, PasswordHash: "x"}
			if err := s.CreateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			return u
		}
		// Reviews the admin will remove while the members write.
		var spam []store.Review
		for i := range 10 {
			u := newUser(fmt.Sprintf("spammer%d", i))
			for _, it := range items {
				spam = append(spam, store.Review{ItemID: it.ID, UserID: u.ID, Rating: 1 + i%5, Summary: "Buy followers"})
			}
		}
		if err := s.CreateReviews(ctx, spam); err != nil {
			t.Fatal(err)
		}
		const workers = 8
		var members []store.User
		for i := range workers {
			members = append(members, newUser(fmt.Sprintf("member%d", i)))
		}
		results := make([]map[[2]int64]store.Review, workers)
		errs := make(chan error, workers+1)
		var wg sync.WaitGroup
		wg.Go(func() {
			for _, r := range spam {
				if err := s.RemoveReview(ctx, r.ID); err != nil {
					errs <- fmt.Errorf("remove %d: %w", r.ID, err)
					return
				}
			}
		})
		for w := range workers {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(w), 77))
				u := members[w]
				mine := map[[2]int64]store.Review{}
				for i := range 25 {
					it := items[rng.IntN(len(items))]
					k := [2]int64{it.ID, u.ID}
					r, exists := mine[k]
					var err error
					switch {
					case !exists:
						r = store.Review{ItemID: it.ID, UserID: u.ID, Rating: 1 + rng.IntN(5), Summary: "Mine"}
						err = s.CreateReview(ctx, &r)
						mine[k] = r
					case i%4 == 0:
						err = s.DeleteReview(ctx, r.ID, u.ID)
						delete(mine, k)
					case i%4 == 1:
						r.Summary = fmt.Sprintf("Edit %d", i)
						err = s.UpdateReview(ctx, &r)
						mine[k] = r
					default:
						r.Rating = 1 + rng.IntN(5)
						err = s.UpdateReview(ctx, &r)
						mine[k] = r
					}
					if err != nil {
						errs <- fmt.Errorf("member %d step %d: %w", w, i, err)
						return
					}
				}
				results[w] = mine
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		m := statsModel{reviews: map[[2]int64]store.Review{}}
		for _, mine := range results {
			maps.Copy(m.reviews, mine)
		}
		checkStats(t, s, m, items, "concurrent changes")
	})
}
