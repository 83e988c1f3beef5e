package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestReviewGroupOutcomesAreEach: reviews that gathered while the writer was busy commit as one
// group, and each keeps its own outcome: a second review of one item by one member and a review
// of an unknown item fail alone, every other review is saved and counted.
func TestReviewGroupOutcomesAreEach(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, Options{Dialect: SQLite, DSN: filepath.Join(t.TempDir(), "group.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	line := Category{Slug: "tubbies", Name: "Tubbies"}
	if err := s.CreateCategory(ctx, &line); err != nil {
		t.Fatal(err)
	}
	var items []Item
	for i := range 3 {
		it := Item{CategoryID: line.ID, Slug: fmt.Sprintf("t%d", i), Name: fmt.Sprintf("T%d", i)}
		if err := s.CreateItem(ctx, &it); err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	var users []User
	for i := range 6 {
		u := User{Email: fmt.Sprintf("u%d@example.com", i), DisplayName: "U", PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}

	// Hold the one writer connection, so the first review waits for it and the rest gather.
	held, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		user, item int
		slug       string
		err        error
	}
	var posts []*outcome
	for u := range users {
		for i := range items {
			posts = append(posts, &outcome{user: u, item: i, slug: items[i].Slug})
		}
	}
	posts = append(posts, &outcome{user: 0, item: 0, slug: items[0].Slug}) // a second review
	posts = append(posts, &outcome{user: 1, item: -1, slug: "nobody"})     // an unknown item
	var wg sync.WaitGroup
	for n, p := range posts {
		wg.Go(func() {
			r := Review{UserID: users[p.user].ID, Rating: n%5 + 1, Summary: "grouped"}
			p.err = s.CreateReviewOf(ctx, line.Slug, p.slug, &r)
		})
	}
	waitFor(t, func() bool {
		s.reviewGroup.mu.Lock()
		defer s.reviewGroup.mu.Unlock()
		return s.reviewGroup.next != nil && len(s.reviewGroup.next.items) == len(posts)-1
	})
	if err := held.Rollback(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	var saved, conflicts, missing int
	for _, p := range posts {
		switch {
		case p.err == nil:
			saved++
		case errors.Is(p.err, ErrConflict):
			conflicts++
		case errors.Is(p.err, ErrNotFound) && p.item < 0:
			missing++
		default:
			t.Errorf("review by member %d of %q: %v", p.user, p.slug, p.err)
		}
	}
	if saved != len(users)*len(items) || conflicts != 1 || missing != 1 {
		t.Errorf("saved %d, conflicts %d, unknown item %d; want %d, 1, 1", saved, conflicts, missing, len(users)*len(items))
	}
	for _, it := range items {
		got, err := s.Item(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := got.Stats.Total(); n != len(users) {
			t.Errorf("%s counts %d reviews, want %d", it.Slug, n, len(users))
		}
	}
	if drift, err := s.StatsDrift(ctx); err != nil || len(drift) > 0 {
		t.Errorf("star counts drift from the reviews: %v %v", drift, err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached in 10 s")
}
