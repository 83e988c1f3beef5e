package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// searchCatalog adds two lines of items whose words the search tests look for, and returns
// their ids by slug.
func searchCatalog(t *testing.T, s *store.Store) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	ids := map[string]int64{}
	lines := []struct {
		cat   store.Category
		items []store.Item
	}{
		{store.Category{Slug: "games", Name: "Games"}, []store.Item{
			{Slug: "pokemon-red", Name: "Pokémon Red", Description: "Catch them all on the Game Boy."},
			{Slug: "zelda", Name: "Zelda", Description: "A sword, a shield and no Pokémon at all."},
			{Slug: "tetris", Name: "Tetris", Description: "Falling blocks.", Attributes: store.Attributes{"maker": "Nintendo", "colour": "Grey"}},
		}},
		{store.Category{Slug: "ipads", Name: "iPads"}, []store.Item{
			{Slug: "ipad-pro-13", Name: `iPad Pro 13"`, Description: "The biggest one.", Attributes: store.Attributes{"price": "1299"}},
			{Slug: "ipad-air-11", Name: `iPad Air 11"`, Description: "Light, and fast enough.", Attributes: store.Attributes{"price": "599"}},
			{Slug: "ipad-mini", Name: "iPad mini", Description: "Small. Also not a Pro.", Attributes: store.Attributes{"price": "499"}},
		}},
	}
	for _, l := range lines {
		if err := s.CreateCategory(ctx, &l.cat); err != nil {
			t.Fatal(err)
		}
		for _, it := range l.items {
			it.CategoryID = l.cat.ID
			if err := s.CreateItem(ctx, &it); err != nil {
				t.Fatal(err)
			}
			ids[it.Slug] = it.ID
		}
	}
	return ids
}

// searchSlugs returns the slugs a search finds, best first, all pages at once.
func searchSlugs(t *testing.T, s *store.Store, q string) []string {
	t.Helper()
	res, err := s.SearchItems(context.Background(), q, 100, 0)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	if res.Total != len(res.Items) {
		t.Errorf("search %q: total %d, %d items", q, res.Total, len(res.Items))
	}
	out := []string{}
	for _, it := range res.Items {
		out = append(out, it.Slug)
	}
	return out
}

func TestSearchItems(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		searchCatalog(t, s)
		for _, tc := range []struct {
			name, q string
			want    []string
		}{
			{"accents folded", "pokemon", []string{"pokemon-red", "zelda"}},
			{"accents in the query", "POKÉMON red", []string{"pokemon-red"}},
			{"case", "IPAD MINI", []string{"ipad-mini"}},
			{"prefix", "ipa", []string{"ipad-air-11", "ipad-mini", "ipad-pro-13"}},
			{"prefix of a number", "129", []string{"ipad-pro-13"}},
			{"prefix of every word", "ipa pr", []string{"ipad-mini", "ipad-pro-13"}},
			{"every word must match", "ipad zelda", []string{}},
			{"name above description", "pro", []string{"ipad-pro-13", "ipad-mini"}},
			{"name above description, accents", "pokémon", []string{"pokemon-red", "zelda"}},
			{"attribute values", "nintendo", []string{"tetris"}},
			{"attribute keys are not searched", "maker", []string{}},
			{"numbers", "1299", []string{"ipad-pro-13"}},
			{"punctuation splits words", `pro-13"`, []string{"ipad-pro-13"}},
			{"quotes and operators are words", `"air" OR NOT*`, []string{}},
			{"nothing", "walrus", []string{}},
		} {
			got := searchSlugs(t, s, tc.q)
			if !strings.HasPrefix(tc.name, "name above") {
				// Equally good matches come in the order of the database's relevance
				// figures, which weigh a text's length; only their set is the same.
				slices.Sort(got)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s: search %q = %v, want %v", tc.name, tc.q, got, tc.want)
			}
		}
	})
}

func TestSearchRefusesBadQueries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		searchCatalog(t, s)
		for _, q := range []string{"", "   ", "!?.", strings.Repeat("a", store.MaxSearchLength+1),
			strings.Repeat("w ", store.MaxSearchWords+1)} {
			if _, err := s.SearchItems(context.Background(), q, 10, 0); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("search %q: %v, want ErrInvalid", q, err)
			}
		}
	})
}

func TestSearchPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cat := store.Category{Slug: "books", Name: "Books"}
		if err := s.CreateCategory(ctx, &cat); err != nil {
			t.Fatal(err)
		}
		items := make([]store.Item, 7)
		for i := range items {
			items[i] = store.Item{CategoryID: cat.ID, Slug: fmt.Sprintf("book-%d", i), Name: fmt.Sprintf("Book %d", i)}
		}
		if err := s.CreateItems(ctx, items); err != nil {
			t.Fatal(err)
		}
		var seen []string
		for offset := 0; offset < 9; offset += 3 {
			res, err := s.SearchItems(ctx, "book", 3, offset)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 7 {
				t.Errorf("offset %d: total %d, want 7", offset, res.Total)
			}
			for _, it := range res.Items {
				seen = append(seen, it.Name)
			}
		}
		want := []string{"Book 0", "Book 1", "Book 2", "Book 3", "Book 4", "Book 5", "Book 6"}
		if !reflect.DeepEqual(seen, want) {
			t.Errorf("pages gave %v, want %v", seen, want)
		}
		res, err := s.SearchItems(ctx, "book", 3, 30)
		if err != nil || len(res.Items) != 0 || res.Total != 7 {
			t.Errorf("past the end: %d items, total %d, %v; want none of 7", len(res.Items), res.Total, err)
		}
	})
}

// TestSearchFollowsItemWrites: the index follows every write of an item, in its transaction:
// create, rename, new attributes, delete, a line's deletion, an import.
func TestSearchFollowsItemWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ids := searchCatalog(t, s)
		it, err := s.Item(ctx, ids["zelda"])
		if err != nil {
			t.Fatal(err)
		}
		it.Name, it.Description, it.Attributes = "Mario Kart", "Karts.", store.Attributes{"players": "Eight"}
		if err := s.UpdateItem(ctx, &it); err != nil {
			t.Fatal(err)
		}
		check := func(q string, want ...string) {
			t.Helper()
			if want == nil {
				want = []string{}
			}
			if got := searchSlugs(t, s, q); !reflect.DeepEqual(got, want) {
				t.Errorf("search %q = %v, want %v", q, got, want)
			}
		}
		check("zelda")
		check("mario", "zelda")
		check("sword")
		check("eight", "zelda")
		check("pokemon", "pokemon-red")

		if err := s.DeleteItem(ctx, ids["tetris"]); err != nil {
			t.Fatal(err)
		}
		check("tetris")
		check("nintendo")

		line := store.Category{Slug: "ipads"}
		imported := []store.Item{{Slug: "ipad-2", Name: "iPad 2", Description: "Crème brûlée"}}
		if err := s.ImportItems(ctx, &line, false, imported); err != nil {
			t.Fatal(err)
		}
		check("creme brulee", "ipad-2")
		check("2", "ipad-2")

		if err := s.DeleteCategory(ctx, line.ID); err != nil {
			t.Fatal(err)
		}
		check("ipad")
		check("pro")
	})
}

// TestSearchAfterCopy: a copy fills the target's index from the items it copies, both ways, and
// a forced copy over a target with other items leaves none of theirs findable.
func TestSearchAfterCopy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite := storetest.Open(t, store.SQLite)
	searchCatalog(t, lite)
	pg := storetest.Open(t, store.Postgres)
	stale := store.Category{Slug: "stale", Name: "Stale"}
	if err := pg.CreateCategory(ctx, &stale); err != nil {
		t.Fatal(err)
	}
	if err := pg.CreateItem(ctx, &store.Item{CategoryID: stale.ID, Slug: "walrus", Name: "Walrus"}); err != nil {
		t.Fatal(err)
	}
	back := storetest.Open(t, store.SQLite)
	copyOK(t, lite, pg, store.CopyOptions{Force: true})
	copyOK(t, pg, back, store.CopyOptions{})
	for _, s := range []*store.Store{pg, back} {
		for q, want := range map[string][]string{
			"pokemon": {"pokemon-red", "zelda"},
			"ipa pro": {"ipad-pro-13", "ipad-mini"},
			"walrus":  {},
		} {
			if got := searchSlugs(t, s, q); !reflect.DeepEqual(got, want) {
				t.Errorf("%s after copy: search %q = %v, want %v", s.Dialect(), q, got, want)
			}
		}
	}
}

// TestSearchMigrationIndexesExistingItems: migration 00013 builds the index from the items a
// database already holds.
func TestSearchMigrationIndexesExistingItems(t *testing.T) {
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
			if err := s.MigrateTo(ctx, 11); err != nil {
				t.Fatal(err)
			}
			searchCatalog(t, s)
			if err := s.Migrate(ctx, discard); err != nil {
				t.Fatal(err)
			}
			if got, want := searchSlugs(t, s, "pokémon"), []string{"pokemon-red", "zelda"}; !reflect.DeepEqual(got, want) {
				t.Errorf("search after migrating = %v, want %v", got, want)
			}
			if got, want := searchSlugs(t, s, "grey"), []string{"tetris"}; !reflect.DeepEqual(got, want) {
				t.Errorf("search of an attribute after migrating = %v, want %v", got, want)
			}
		})
	}
}
