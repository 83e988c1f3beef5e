package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// wantMoved checks Moved's answer for one old address; an empty wantLine means ErrNotFound.
func wantMoved(t *testing.T, s *store.Store, line, item, wantLine, wantItem string) {
	t.Helper()
	gotLine, gotItem, err := s.Moved(context.Background(), line, item)
	if wantLine == "" {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Moved(%q, %q) = %q, %q, %v; want ErrNotFound", line, item, gotLine, gotItem, err)
		}
		return
	}
	if err != nil || gotLine != wantLine || gotItem != wantItem {
		t.Errorf("Moved(%q, %q) = %q, %q, %v; want %q, %q", line, item, gotLine, gotItem, err, wantLine, wantItem)
	}
}

func TestRenamesRedirect(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		rename := func(c *store.Category, slug string) {
			t.Helper()
			c.Slug = slug
			if err := s.UpdateCategory(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		renameItem := func(it *store.Item, slug string) {
			t.Helper()
			it.Slug = slug
			if err := s.UpdateItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		wantMoved(t, s, "tubbies", "", "", "")
		wantMoved(t, s, "tubbies", "po", "", "")

		rename(&f.cat, "telly")
		wantMoved(t, s, "tubbies", "", "telly", "")
		wantMoved(t, s, "tubbies", "po", "telly", "po")
		wantMoved(t, s, "tubbies", "compare", "telly", "compare")
		wantMoved(t, s, "tubbies", "feed.atom", "telly", "feed.atom")
		wantMoved(t, s, "telly", "po", "", "")

		renameItem(&f.item, "po-red")
		wantMoved(t, s, "telly", "po", "telly", "po-red")
		wantMoved(t, s, "tubbies", "po", "telly", "po-red")
		wantMoved(t, s, "telly", "dipsy", "", "")
		wantMoved(t, s, "telly", "nobody", "", "")

		// Twice renamed: every old address answers with the current one.
		rename(&f.cat, "tv")
		renameItem(&f.item, "po-scooter")
		for _, old := range []string{"tubbies", "telly"} {
			wantMoved(t, s, old, "", "tv", "")
			for _, oldItem := range []string{"po", "po-red"} {
				wantMoved(t, s, old, oldItem, "tv", "po-scooter")
			}
		}
		// Saving without a new slug records nothing.
		rename(&f.cat, "tv")
		wantMoved(t, s, "tv", "", "", "")

		// Back to an old slug: it is the item's own again, and the one left redirects.
		renameItem(&f.item, "po")
		wantMoved(t, s, "tv", "po", "", "")
		wantMoved(t, s, "tv", "po-scooter", "tv", "po")

		// A new line that takes an old slug wins over the redirect from it.
		taken := store.Category{Slug: "tubbies", Name: "New tubbies"}
		if err := s.CreateCategory(ctx, &taken); err != nil {
			t.Fatal(err)
		}
		wantMoved(t, s, "tubbies", "", "", "")
		wantMoved(t, s, "tubbies", "po", "", "")
		wantMoved(t, s, "telly", "po-red", "tv", "po")

		// A line's redirects go with it.
		if err := s.DeleteCategory(ctx, f.cat.ID); err != nil {
			t.Fatal(err)
		}
		wantMoved(t, s, "telly", "", "", "")
		wantMoved(t, s, "telly", "po-red", "", "")
	})
}
