package store_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// fixture is a small catalog: one line, two items, two members.
type fixture struct {
	cat         store.Category
	item, other store.Item
	alice, bob  store.User
}

func newFixture(t *testing.T, s *store.Store) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{cat: store.Category{Slug: "tubbies", Name: "Tellytubbies", Description: "Say eh-oh"}}
	if err := s.CreateCategory(ctx, &f.cat); err != nil {
		t.Fatal(err)
	}
	f.item = store.Item{CategoryID: f.cat.ID, Slug: "po", Name: "Po", Attributes: store.Attributes{"colour": "Red"}}
	f.other = store.Item{CategoryID: f.cat.ID, Slug: "dipsy", Name: "Dipsy", Attributes: store.Attributes{"colour": "Green"}}
	for _, it := range []*store.Item{&f.item, &f.other} {
		if err := s.CreateItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	f.alice = store.User{Email: "Alice@Example.com", DisplayName: "Alice", PasswordHash: "x"}
	f.bob = store.User{Email: "bob@example.com", DisplayName: "Bob", PasswordHash: "x"}
	for _, u := range []*store.User{&f.alice, &f.bob} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestSchemaSameOnBothDialects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite, err := storetest.Open(t, store.SQLite).Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := storetest.Open(t, store.Postgres).Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) < 10 {
		t.Fatalf("sqlite has %d tables, want the full schema: %v", len(lite), lite)
	}
	if !reflect.DeepEqual(lite, pg) {
		t.Errorf("schemas differ:\nsqlite:   %v\npostgres: %v", lite, pg)
	}
}

func TestMigrateTwiceAndVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.Migrate(ctx, discard); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		cur, target, err := s.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cur != target || cur < 1 {
			t.Errorf("version %d of %d, want fully migrated", cur, target)
		}
		if err := s.Ping(ctx); err != nil {
			t.Errorf("ping: %v", err)
		}
	})
}

func TestCategoriesAndItems(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		empty, err := s.IsEmpty(ctx)
		if err != nil || !empty {
			t.Fatalf("IsEmpty on a new database = %v, %v", empty, err)
		}
		f := newFixture(t, s)
		if empty, _ := s.IsEmpty(ctx); empty {
			t.Error("IsEmpty after inserts = true")
		}

		dup := store.Category{Slug: "tubbies", Name: "Again"}
		if err := s.CreateCategory(ctx, &dup); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate slug: %v, want ErrConflict", err)
		}
		cats, err := s.Categories(ctx)
		if err != nil || len(cats) != 1 || cats[0].ItemCount != 2 || cats[0].ReviewCount != 0 {
			t.Fatalf("Categories = %+v, %v", cats, err)
		}
		got, err := s.CategoryBySlug(ctx, "tubbies")
		if err != nil || got.ID != f.cat.ID || got.Description != "Say eh-oh" || !got.CreatedAt.Equal(f.cat.CreatedAt) {
			t.Errorf("CategoryBySlug = %+v, %v", got, err)
		}
		if _, err := s.CategoryBySlug(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown slug: %v", err)
		}
		if _, err := s.Category(ctx, f.cat.ID); err != nil {
			t.Errorf("Category: %v", err)
		}

		it, err := s.Item(ctx, f.item.ID)
		if err != nil || it.Name != "Po" || it.Attributes["colour"] != "Red" || it.CategorySlug != "tubbies" ||
			it.Stats.Total() != 0 || !it.CreatedAt.Equal(f.item.CreatedAt) {
			t.Errorf("Item = %+v, %v", it, err)
		}
		if _, err := s.Item(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown item: %v", err)
		}
		if it, err := s.ItemBySlug(ctx, "tubbies", "dipsy"); err != nil || it.ID != f.other.ID {
			t.Errorf("ItemBySlug = %+v, %v", it, err)
		}
		items, err := s.ItemsByCategory(ctx, f.cat.ID)
		if err != nil || len(items) != 2 || items[0].Name != "Dipsy" || items[1].Name != "Po" {
			t.Errorf("ItemsByCategory = %+v, %v", items, err)
		}
		dupItem := store.Item{CategoryID: f.cat.ID, Slug: "po", Name: "Po again"}
		if err := s.CreateItem(ctx, &dupItem); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate item slug: %v", err)
		}
		orphan := store.Item{CategoryID: 424242, Slug: "x", Name: "x"}
		if err := s.CreateItem(ctx, &orphan); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("item in unknown line: %v", err)
		}

		f.item.Name, f.item.Attributes = "Po!", store.Attributes{"colour": "Red", "price": "12"}
		if err := s.UpdateItem(ctx, &f.item); err != nil {
			t.Fatal(err)
		}
		if it, _ := s.Item(ctx, f.item.ID); it.Name != "Po!" || it.Attributes["price"] != "12" {
			t.Errorf("after UpdateItem: %+v", it)
		}
		f.cat.Name = "Teletubbies"
		if err := s.UpdateCategory(ctx, &f.cat); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.Category(ctx, f.cat.ID); c.Name != "Teletubbies" {
			t.Errorf("after UpdateCategory: %+v", c)
		}
		if err := s.DeleteItem(ctx, f.other.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteItem(ctx, f.other.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}
		if err := s.DeleteCategory(ctx, f.cat.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Item(ctx, f.item.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("item outlived its line: %v", err)
		}
	})
}

func TestUsers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		u, err := s.UserByEmail(ctx, "ALICE@example.COM")
		if err != nil || u.ID != f.alice.ID || u.Email != "alice@example.com" || u.SessionVersion != 1 || u.IsAdmin {
			t.Errorf("UserByEmail = %+v, %v", u, err)
		}
		again := store.User{Email: "alice@EXAMPLE.com", DisplayName: "A2", PasswordHash: "x"}
		if err := s.CreateUser(ctx, &again); !errors.Is(err, store.ErrConflict) {
			t.Errorf("same email in other case: %v", err)
		}
		if u, err := s.User(ctx, f.bob.ID); err != nil || u.DisplayName != "Bob" {
			t.Errorf("User = %+v, %v", u, err)
		}
		users, err := s.Users(ctx)
		if err != nil || len(users) != 2 || users[0].ID != f.alice.ID {
			t.Errorf("Users = %+v, %v", users, err)
		}
		if err := s.EndSessions(ctx, f.alice.ID); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.User(ctx, f.alice.ID); u.SessionVersion != 2 {
			t.Errorf("session version after EndSessions = %d, want 2", u.SessionVersion)
		}
		if err := s.EndSessions(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("EndSessions of nobody: %v", err)
		}
	})
}

func TestReviewsKeepStatsInStep(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		r := store.Review{ItemID: f.item.ID, UserID: f.alice.ID, Rating: 4, Summary: "Pretty good", Details: "Red!"}
		if err := s.CreateReview(ctx, &r); err != nil {
			t.Fatal(err)
		}
		wantCounts(t, s, f.item.ID, [5]int{0, 0, 0, 1, 0})

		twice := store.Review{ItemID: f.item.ID, UserID: f.alice.ID, Rating: 5, Summary: "Again"}
		if err := s.CreateReview(ctx, &twice); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second review by one member: %v", err)
		}
		for _, bad := range []int{0, 6, -1} {
			br := store.Review{ItemID: f.item.ID, UserID: f.bob.ID, Rating: bad, Summary: "bad"}
			if err := s.CreateReview(ctx, &br); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("rating %d: %v, want ErrInvalid", bad, err)
			}
		}
		ghost := store.Review{ItemID: 999999, UserID: f.bob.ID, Rating: 3, Summary: "ghost"}
		if err := s.CreateReview(ctx, &ghost); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("review of unknown item: %v", err)
		}
		wantCounts(t, s, f.item.ID, [5]int{0, 0, 0, 1, 0})

		// Another member cannot edit or delete it, and learns nothing: ErrNotFound.
		hijack := r
		hijack.UserID, hijack.Rating = f.bob.ID, 1
		if err := s.UpdateReview(ctx, &hijack); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("update by another member: %v", err)
		}
		if err := s.DeleteReview(ctx, r.ID, f.bob.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("delete by another member: %v", err)
		}

		r.Rating, r.Summary = 2, "Kinda bad after all"
		if err := s.UpdateReview(ctx, &r); err != nil {
			t.Fatal(err)
		}
		wantCounts(t, s, f.item.ID, [5]int{0, 1, 0, 0, 0})
		got, err := s.Review(ctx, r.ID)
		if err != nil || got.Summary != "Kinda bad after all" || got.UserName != "Alice" || got.Rating != 2 {
			t.Errorf("Review = %+v, %v", got, err)
		}
		if mine, err := s.ReviewByUser(ctx, f.item.ID, f.alice.ID); err != nil || mine.ID != r.ID {
			t.Errorf("ReviewByUser = %+v, %v", mine, err)
		}
		if _, err := s.ReviewByUser(ctx, f.item.ID, f.bob.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ReviewByUser without one: %v", err)
		}

		b := store.Review{ItemID: f.item.ID, UserID: f.bob.ID, Rating: 5, Summary: "Rocks!"}
		if err := s.CreateReview(ctx, &b); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkHelpful(ctx, b.ID, f.alice.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkHelpful(ctx, b.ID, f.alice.ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second helpful vote: %v", err)
		}
		if err := s.MarkHelpful(ctx, 999999, f.alice.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("vote on unknown review: %v", err)
		}
		helpful, err := s.Reviews(ctx, store.ReviewQuery{ItemID: f.item.ID, Sort: store.SortHelpful, Limit: 10})
		if err != nil || len(helpful) != 2 || helpful[0].ID != b.ID || helpful[0].HelpfulCount != 1 {
			t.Errorf("helpful sort = %+v, %v", helpful, err)
		}

		if err := s.DeleteReview(ctx, r.ID, f.alice.ID); err != nil {
			t.Fatal(err)
		}
		wantCounts(t, s, f.item.ID, [5]int{0, 0, 0, 0, 1})
		if err := s.RemoveReview(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveReview(ctx, b.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second removal: %v", err)
		}
		wantCounts(t, s, f.item.ID, [5]int{})
		noDrift(t, s)
	})
}

// TestCreateReviewOf: a review posted by its line's and item's slugs lands on that item, counts
// in its stars, and is refused like CreateReview's for a second review or an unknown item.
func TestCreateReviewOf(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		r := store.Review{UserID: f.alice.ID, Rating: 5, Summary: "Green and good"}
		if err := s.CreateReviewOf(ctx, f.cat.Slug, f.other.Slug, &r); err != nil {
			t.Fatal(err)
		}
		if r.ItemID != f.other.ID || r.ID == 0 || r.CreatedAt.IsZero() {
			t.Errorf("review = %+v, want item %d with an id and a time", r, f.other.ID)
		}
		got, err := s.Review(ctx, r.ID)
		if err != nil || got.ItemID != f.other.ID || got.UserID != f.alice.ID || got.Rating != 5 {
			t.Errorf("stored review = %+v, %v", got, err)
		}
		wantCounts(t, s, f.other.ID, [5]int{0, 0, 0, 0, 1})
		wantCounts(t, s, f.item.ID, [5]int{})

		again := store.Review{UserID: f.alice.ID, Rating: 1, Summary: "Changed my mind"}
		if err := s.CreateReviewOf(ctx, f.cat.Slug, f.other.Slug, &again); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second review by one member: %v, want ErrConflict", err)
		}
		for _, slugs := range [][2]string{{f.cat.Slug, "nobody"}, {"nowhere", f.other.Slug}, {"", ""},
			{f.cat.Slug, "po\x00"}, {"tubbies\xff", "po"}} {
			ghost := store.Review{UserID: f.bob.ID, Rating: 3, Summary: "ghost"}
			if err := s.CreateReviewOf(ctx, slugs[0], slugs[1], &ghost); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("review of %q: %v, want ErrNotFound", slugs, err)
			}
		}
		bad := store.Review{UserID: f.bob.ID, Rating: 6, Summary: "six"}
		if err := s.CreateReviewOf(ctx, f.cat.Slug, f.item.Slug, &bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("rating 6: %v, want ErrInvalid", err)
		}
		wantCounts(t, s, f.other.ID, [5]int{0, 0, 0, 0, 1})
		wantCounts(t, s, f.item.ID, [5]int{})
	})
}

func TestReviewsSortFilterPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var users []store.User
		var reviews []store.Review
		for i := range 7 {
			u := store.User{Email: fmt.Sprintf("m%d@example.com", i), DisplayName: fmt.Sprintf("M%d", i), PasswordHash: "x"}
			if err := s.CreateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
			reviews = append(reviews, store.Review{ItemID: f.item.ID, UserID: u.ID, Rating: i%5 + 1,
				Summary: fmt.Sprintf("review %d", i), CreatedAt: base.Add(time.Duration(i) * time.Hour)})
		}
		if err := s.CreateReviews(ctx, reviews); err != nil {
			t.Fatal(err)
		}
		wantCounts(t, s, f.item.ID, [5]int{2, 2, 1, 1, 1})
		noDrift(t, s)

		summaries := func(q store.ReviewQuery) []string {
			t.Helper()
			q.ItemID = f.item.ID
			rs, err := s.Reviews(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rs {
				out = append(out, r.Summary)
			}
			return out
		}
		tests := []struct {
			name string
			q    store.ReviewQuery
			want []string
		}{
			{"newest", store.ReviewQuery{Sort: store.SortNewest, Limit: 3}, []string{"review 6", "review 5", "review 4"}},
			{"second page", store.ReviewQuery{Sort: store.SortNewest, Limit: 3, Offset: 3}, []string{"review 3", "review 2", "review 1"}},
			{"past the end", store.ReviewQuery{Limit: 3, Offset: 9}, nil},
			{"highest", store.ReviewQuery{Sort: store.SortHighest, Limit: 3}, []string{"review 4", "review 3", "review 2"}},
			{"lowest", store.ReviewQuery{Sort: store.SortLowest, Limit: 3}, []string{"review 5", "review 0", "review 6"}},
			{"two stars", store.ReviewQuery{Stars: 2, Limit: 10}, []string{"review 6", "review 1"}},
		}
		for _, tt := range tests {
			if got := summaries(tt.q); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
			}
		}
		r, _ := s.Review(ctx, reviews[0].ID)
		if !r.CreatedAt.Equal(base) || r.UserName != users[0].DisplayName {
			t.Errorf("bulk review kept %v / %q, want %v / %q", r.CreatedAt, r.UserName, base, users[0].DisplayName)
		}
	})
}

// TestConcurrentReviewWrites races members writing, editing and deleting reviews of one item and
// checks no count is lost.
func TestConcurrentReviewWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u := store.User{Email: fmt.Sprintf("c%d@example.com", i), DisplayName: "C", PasswordHash: "x"}
				if err := s.CreateUser(ctx, &u); err != nil {
					errs <- err
					return
				}
				r := store.Review{ItemID: f.item.ID, UserID: u.ID, Rating: i%5 + 1, Summary: "race"}
				if err := s.CreateReview(ctx, &r); err != nil {
					errs <- err
					return
				}
				r.Rating = (i+2)%5 + 1
				if err := s.UpdateReview(ctx, &r); err != nil {
					errs <- err
					return
				}
				if i%3 == 0 {
					if err := s.DeleteReview(ctx, r.ID, u.ID); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		it, err := s.Item(ctx, f.item.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := it.Stats.Total(); got != 10 {
			t.Errorf("%d reviews counted, want 10", got)
		}
		noDrift(t, s)
	})
}

var discard = slog.New(slog.DiscardHandler)

func wantCounts(t *testing.T, s *store.Store, itemID int64, want [5]int) {
	t.Helper()
	it, err := s.Item(context.Background(), itemID)
	if err != nil {
		t.Fatal(err)
	}
	if it.Stats.Counts != want {
		t.Errorf("counts %v, want %v", it.Stats.Counts, want)
	}
}

func noDrift(t *testing.T, s *store.Store) {
	t.Helper()
	ids, err := s.StatsDrift(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) > 0 {
		t.Errorf("item_stats differ from a fresh count for items %v", ids)
	}
}

// TestConcurrentMigrate starts several instances on one empty database at once: each must
// succeed, and the schema must be applied once.
func TestConcurrentMigrate(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			opt := storetest.Options(t, d)
			ctx := context.Background()
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s, err := store.Open(ctx, opt)
					if err != nil {
						errs[i] = err
						return
					}
					defer s.Close()
					errs[i] = s.Migrate(ctx, discard)
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("instance %d: %v", i, err)
				}
			}
			s, err := store.Open(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if cur, target, err := s.Version(ctx); err != nil || cur != target {
				t.Errorf("version %d of %d, %v", cur, target, err)
			}
			if _, err := s.Tables(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestPostgresRefusesInvalidText checks that text PostgreSQL cannot hold (invalid UTF-8, NUL)
// comes back as ErrInvalid, not a driver error the web layer would answer with a 500. Callers
// validate first; this is the net under them.
func TestPostgresRefusesInvalidText(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.Postgres)
	for _, name := range []string{"bad \xff\xfe bytes", "nul \x00 inside"} {
		c := store.Category{Slug: "bad-text", Name: name}
		if err := s.CreateCategory(context.Background(), &c); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("CreateCategory(name %q) = %v, want ErrInvalid", name, err)
		}
	}
}
