package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/demo"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// TestIDsNeverReused deletes the newest row of each table whose id is shown and wants the next
// row to get a new id, not the deleted one's.
func TestIDsNeverReused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)

		first := store.Review{ItemID: f.item.ID, UserID: f.alice.ID, Rating: 4, Summary: "Eh-oh"}
		newest := store.Review{ItemID: f.item.ID, UserID: f.bob.ID, Rating: 2, Summary: "Big hug"}
		for _, r := range []*store.Review{&first, &newest} {
			if err := s.CreateReview(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.DeleteReview(ctx, newest.ID, f.bob.ID); err != nil {
			t.Fatal(err)
		}
		next := store.Review{ItemID: f.other.ID, UserID: f.alice.ID, Rating: 5, Summary: "Dipsy dances"}
		if err := s.CreateReview(ctx, &next); err != nil {
			t.Fatal(err)
		}
		if next.ID <= newest.ID {
			t.Errorf("review after deleting review %d got id %d", newest.ID, next.ID)
		}

		gone := store.Item{CategoryID: f.cat.ID, Slug: "laa-laa", Name: "Laa-Laa"}
		if err := s.CreateItem(ctx, &gone); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteItem(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		nextItem := store.Item{CategoryID: f.cat.ID, Slug: "noo-noo", Name: "Noo-Noo"}
		if err := s.CreateItem(ctx, &nextItem); err != nil {
			t.Fatal(err)
		}
		if nextItem.ID <= gone.ID {
			t.Errorf("item after deleting item %d got id %d", gone.ID, nextItem.ID)
		}

		goneLine := store.Category{Slug: "gone", Name: "Gone"}
		if err := s.CreateCategory(ctx, &goneLine); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteCategory(ctx, goneLine.ID); err != nil {
			t.Fatal(err)
		}
		nextLine := store.Category{Slug: "next", Name: "Next"}
		if err := s.CreateCategory(ctx, &nextLine); err != nil {
			t.Fatal(err)
		}
		if nextLine.ID <= goneLine.ID {
			t.Errorf("line after deleting line %d got id %d", goneLine.ID, nextLine.ID)
		}

		token := store.APIToken{UserID: f.alice.ID, Name: "laptop", Hash: "hash-1"}
		if err := s.CreateAPIToken(ctx, &token); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAPIToken(ctx, token.ID, f.alice.ID); err != nil {
			t.Fatal(err)
		}
		nextToken := store.APIToken{UserID: f.alice.ID, Name: "phone", Hash: "hash-2"}
		if err := s.CreateAPIToken(ctx, &nextToken); err != nil {
			t.Fatal(err)
		}
		if nextToken.ID <= token.ID {
			t.Errorf("token after deleting token %d got id %d", token.ID, nextToken.ID)
		}
	})
}

// tablesBefore10 are the tables of schema version 9, the last before SQLite's ids took
// AUTOINCREMENT (migration 10).
var tablesBefore10 = []string{"categories", "category_versions", "items", "item_stats", "users", "reviews",
	"helpful_votes", "api_tokens", "idempotency_keys"}

// TestMigrationToAutoincrementKeepsRows builds a database as version 9 left it, with the demo's
// rows, tokens, votes and a stored idempotent answer naming a review deleted since, then migrates
// it: every row stays, foreign keys hold and still cascade, and no id is handed out again, not
// even the deleted review's.
func TestMigrationToAutoincrementKeepsRows(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			opt := storetest.Options(t, d)
			s, err := store.Open(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.MigrateTo(ctx, 9); err != nil {
				t.Fatal(err)
			}
			loadDemoBefore18(t, s, opt)
			seedExtras(t, s, opt)
			f := newFixture(t, s)
			deleted := storedAnswerOfDeletedReview(t, s, f)

			before, err := s.TableChecksums(ctx, tablesBefore10...)
			if err != nil {
				t.Fatal(err)
			}
			indexes := ""
			if d == store.SQLite {
				indexes, err = s.QueryWriter(ctx, `SELECT group_concat(name || ' ON ' || tbl_name, ', ')
					FROM (SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' ORDER BY name)`)
				if err != nil {
					t.Fatal(err)
				}
			}

			if err := s.MigrateTo(ctx, 10); err != nil {
				t.Fatal(err)
			}

			after, err := s.TableChecksums(ctx, tablesBefore10...)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(before, after) {
				t.Errorf("rows changed:\nbefore %v\nafter  %v", before, after)
			}
			if d == store.SQLite {
				for query, want := range map[string]string{
					`PRAGMA foreign_keys`:                           "1",
					`SELECT COUNT(*) FROM pragma_foreign_key_check`: "0",
					`SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master
						WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%' AND name NOT LIKE 'goose%' ORDER BY name)`: "api_tokens categories items reviews users",
					`SELECT group_concat(name || ' ON ' || tbl_name, ', ')
						FROM (SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' ORDER BY name)`: indexes,
					`SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%_new%'`: "0",
				} {
					if got, err := s.QueryWriter(ctx, query); err != nil || got != want {
						t.Errorf("%s = %q, %v; want %q", strings.Join(strings.Fields(query), " "), got, err, want)
					}
				}
			}

			next := store.Review{ItemID: f.other.ID, UserID: f.bob.ID, Rating: 3, Summary: "After the move"}
			if err := s.CreateReview(ctx, &next); err != nil {
				t.Fatal(err)
			}
			if next.ID <= deleted {
				t.Errorf("first review after the migration got id %d; review %d was deleted before it", next.ID, deleted)
			}
			// The rebuilt tables still cascade: a line takes its items and their reviews along.
			if err := s.DeleteCategory(ctx, f.cat.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Review(ctx, next.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("review of a deleted line: %v", err)
			}
			if _, err := s.Item(ctx, f.item.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("item of a deleted line: %v", err)
			}
		})
	}
}

// storedAnswerOfDeletedReview posts a review with an idempotency key, as the API does, deletes it
// (the newest review), and returns its id.
func storedAnswerOfDeletedReview(t *testing.T, s *store.Store, f fixture) int64 {
	t.Helper()
	ctx := context.Background()
	r := store.Review{ItemID: f.item.ID, UserID: f.alice.ID, Rating: 5, Summary: "Eh-oh"}
	_, _, err := s.Once(ctx, store.IdempotencyKey{UserID: f.alice.ID, Key: "k-deleted", Request: "POST review"},
		func(tx *store.Tx) (store.SavedResponse, error) {
			if err := tx.CreateReview(&r); err != nil {
				return store.SavedResponse{}, err
			}
			return store.SavedResponse{Status: 201,
				Body: fmt.Sprintf(`{"id":%d,"item_id":%d,"rating":5,"summary":"Eh-oh"}`+"\n", r.ID, r.ItemID)}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteReview(ctx, r.ID, f.alice.ID); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// TestMigrationToAutoincrementRollsBackWhole runs migration 10 on a SQLite database holding a
// review whose item is gone (foreign keys were off when it was deleted): the migration fails,
// leaves every table as it was, and the writer connection has its foreign keys on again.
func TestMigrationToAutoincrementRollsBackWhole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opt := storetest.Options(t, store.SQLite)
	s, err := store.Open(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.MigrateTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, s)
	r := store.Review{ItemID: f.item.ID, UserID: f.alice.ID, Rating: 4, Summary: "Eh-oh"}
	if err := s.CreateReview(ctx, &r); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", opt.DSN+"?_pragma=foreign_keys(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `DELETE FROM items WHERE id = $1`, f.item.ID); err != nil {
		t.Fatal(err)
	}
	before, err := s.TableChecksums(ctx, tablesBefore10...)
	if err != nil {
		t.Fatal(err)
	}

	if err := s.Migrate(ctx, discard); err == nil || !strings.Contains(err.Error(), "foreign_keys_intact") {
		t.Fatalf("migrate over a broken foreign key = %v, want it refused", err)
	}
	if after, err := s.TableChecksums(ctx, tablesBefore10...); err != nil || !reflect.DeepEqual(before, after) {
		t.Errorf("rows changed by a failed migration (%v):\nbefore %v\nafter  %v", err, before, after)
	}
	for query, want := range map[string]string{
		`PRAGMA foreign_keys`: "1",
		`SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%' AND name NOT LIKE 'goose%'`: "0",
	} {
		if got, err := s.QueryWriter(ctx, query); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", query, got, err, want)
		}
	}
	if cur, _, err := s.Version(ctx); err != nil || cur != 9 {
		t.Errorf("version %d, %v; want 9", cur, err)
	}
}

// TestCopyKeepsIDSequences deletes the newest review before each copy (SQLite → PostgreSQL →
// SQLite) and wants the target's next review to get a new id, not the deleted one's: the copy
// carries the source's sequence, not only its largest id.
func TestCopyKeepsIDSequences(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite := storetest.Open(t, store.SQLite)
	pg := storetest.Open(t, store.Postgres)
	back := storetest.Open(t, store.SQLite)
	f := newFixture(t, lite)

	// Each step: a new review on from, deleted at once (the newest), then a copy to to.
	reviewer := []store.User{f.alice, f.bob}
	var deleted int64
	for i, step := range []struct{ from, to *store.Store }{{lite, pg}, {pg, back}} {
		r := store.Review{ItemID: f.item.ID, UserID: reviewer[i].ID, Rating: 3, Summary: "Soon gone"}
		if err := step.from.CreateReview(ctx, &r); err != nil {
			t.Fatal(err)
		}
		if r.ID <= deleted {
			t.Errorf("%s: review id %d after review %d was deleted", step.from.Dialect(), r.ID, deleted)
		}
		if err := step.from.DeleteReview(ctx, r.ID, reviewer[i].ID); err != nil {
			t.Fatal(err)
		}
		deleted = r.ID
		copyOK(t, step.from, step.to, store.CopyOptions{})
	}
	r := store.Review{ItemID: f.other.ID, UserID: f.bob.ID, Rating: 4, Summary: "After two moves"}
	if err := back.CreateReview(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if r.ID <= deleted {
		t.Errorf("%s after the copies: review id %d; review %d was deleted on the source", back.Dialect(), r.ID, deleted)
	}
}

// loadDemoBefore18 loads the demo into a database migrated to before 00018, whose lines have no
// currency column yet: the demo gives iPads one, so the column is there only while it loads.
func loadDemoBefore18(t *testing.T, s *store.Store, opt store.Options) {
	t.Helper()
	driver, dsn := "pgx", opt.DSN
	if opt.Dialect == store.SQLite {
		driver, dsn = "sqlite", opt.DSN+"?_pragma=foreign_keys(1)&_time_format=sqlite"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `ALTER TABLE categories ADD COLUMN currency TEXT NOT NULL DEFAULT ''`); err != nil {
		t.Fatal(err)
	}
	// Version 9 has no pictures' tables either.
	if _, err := demo.Load(ctx, s, demo.Size{NoPictures: true}, false, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `ALTER TABLE categories DROP COLUMN currency`); err != nil {
		t.Fatal(err)
	}
}
