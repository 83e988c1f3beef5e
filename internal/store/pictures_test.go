package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// testPicture returns a picture of item with two files of made-up bytes.
func testPicture(itemID int64, alt string) store.Picture {
	return store.Picture{ItemID: itemID, Alt: alt, Width: 400, Height: 300, Files: []store.PictureFile{
		{Width: 160, Height: 120, ContentType: "image/jpeg", SHA256: "aa", Bytes: []byte("\xff\xd8 small " + alt)},
		{Width: 320, Height: 240, ContentType: "image/png", SHA256: "bb", Bytes: []byte("\x89PNG larger " + alt)},
	}}
}

func addPicture(t *testing.T, s *store.Store, p *store.Picture) {
	t.Helper()
	if err := s.Write(context.Background(), func(tx *store.Tx) error { return tx.AddPicture(p) }); err != nil {
		t.Fatal(err)
	}
}

func TestPictures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := store.Category{Slug: "ipads", Name: "iPads"}
		if err := s.CreateCategory(ctx, &c); err != nil {
			t.Fatal(err)
		}
		it := store.Item{CategoryID: c.ID, Slug: "mini", Name: "iPad mini"}
		other := store.Item{CategoryID: c.ID, Slug: "air", Name: "iPad Air"}
		for _, x := range []*store.Item{&it, &other} {
			if err := s.CreateItem(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		versions := func() (int64, int64) {
			t.Helper()
			v, err := s.ItemVersion(ctx, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.CategoryVersion(ctx, c.Slug)
			if err != nil {
				t.Fatal(err)
			}
			return v, st.Version
		}
		moved := func(what string, before [2]int64) [2]int64 {
			t.Helper()
			iv, cv := versions()
			if iv <= before[0] || cv <= before[1] {
				t.Errorf("%s: item counter %d → %d, line counter %d → %d; both must move", what, before[0], iv, before[1], cv)
			}
			return [2]int64{iv, cv}
		}
		iv, cv := versions()
		v := [2]int64{iv, cv}

		a, b, d := testPicture(it.ID, "front"), testPicture(it.ID, "back"), testPicture(it.ID, "side")
		addPicture(t, s, &a)
		v = moved("add", v)
		addPicture(t, s, &b)
		addPicture(t, s, &d)
		v = moved("add more", v)
		if a.Position != 0 || b.Position != 1 || d.Position != 2 || a.ID == 0 {
			t.Errorf("positions %d %d %d", a.Position, b.Position, d.Position)
		}

		pics, err := s.ItemPictures(ctx, it.ID)
		if err != nil || len(pics) != 3 {
			t.Fatalf("pictures %d, %v", len(pics), err)
		}
		if got := pics[0]; got.Alt != "front" || got.Width != 400 || len(got.Files) != 2 || got.Files[1].ContentType != "image/png" ||
			got.Files[0].Size != len(a.Files[0].Bytes) || got.Files[0].Bytes != nil || !got.CreatedAt.Equal(a.CreatedAt) {
			t.Errorf("first picture %+v", got)
		}
		f, err := s.PictureFile(ctx, b.ID, 320)
		if err != nil || !bytes.Equal(f.Bytes, b.Files[1].Bytes) || f.ContentType != "image/png" || f.SHA256 != "bb" || f.Height != 240 {
			t.Errorf("file %+v, %v", f, err)
		}
		if _, err := s.PictureFile(ctx, b.ID, 640); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing width: %v", err)
		}

		// Move the third to the front: it becomes the main picture.
		if err := s.Write(ctx, func(tx *store.Tx) error {
			_, to, err := tx.MovePicture(d.ID, 0)
			if to != 0 {
				t.Errorf("moved to %d", to)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		v = moved("move", v)
		main, err := s.MainPictures(ctx, []int64{it.ID, other.ID})
		if err != nil || len(main) != 1 || main[it.ID].ID != d.ID || len(main[it.ID].Files) != 2 {
			t.Errorf("main pictures %+v, %v", main, err)
		}
		order := func() []string {
			pics, _ := s.ItemPictures(ctx, it.ID)
			var out []string
			for i, p := range pics {
				if p.Position != i {
					t.Errorf("%s at position %d, index %d", p.Alt, p.Position, i)
				}
				out = append(out, p.Alt)
			}
			return out
		}
		if got := order(); len(got) != 3 || got[0] != "side" || got[1] != "front" || got[2] != "back" {
			t.Errorf("order %v", got)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error {
			_, to, err := tx.MovePicture(d.ID, 99)
			if to != 2 {
				t.Errorf("moved to %d, want 2", to)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := order(); got[2] != "side" {
			t.Errorf("order %v", got)
		}

		var gone store.Picture
		if err := s.Write(ctx, func(tx *store.Tx) error { var err error; gone, err = tx.DeletePicture(a.ID); return err }); err != nil {
			t.Fatal(err)
		}
		moved("delete", v)
		if gone.Alt != "front" {
			t.Errorf("deleted %+v", gone)
		}
		if got := order(); len(got) != 2 || got[0] != "back" {
			t.Errorf("order after delete %v", got)
		}
		if _, err := s.PictureFile(ctx, a.ID, 160); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted picture's file: %v", err)
		}
		if _, err := s.Picture(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted picture: %v", err)
		}
		err = s.Write(ctx, func(tx *store.Tx) error { _, err := tx.DeletePicture(a.ID); return err })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("delete twice: %v", err)
		}
		nowhere := testPicture(999999, "x")
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.AddPicture(&nowhere) }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("picture of no item: %v", err)
		}

		// Deleting the item deletes its pictures and their files.
		if err := s.DeleteItem(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PictureFile(ctx, b.ID, 160); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("file of a deleted item's picture: %v", err)
		}
	})
}

func TestPicturesPerItemBounded(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	c := store.Category{Slug: "books", Name: "Books"}
	if err := s.CreateCategory(ctx, &c); err != nil {
		t.Fatal(err)
	}
	it := store.Item{CategoryID: c.ID, Slug: "dune", Name: "Dune"}
	if err := s.CreateItem(ctx, &it); err != nil {
		t.Fatal(err)
	}
	for range store.MaxPicturesPerItem {
		p := testPicture(it.ID, "cover")
		addPicture(t, s, &p)
	}
	p := testPicture(it.ID, "one more")
	err := s.Write(ctx, func(tx *store.Tx) error { return tx.AddPicture(&p) })
	if !errors.Is(err, store.ErrTooManyPictures) || !errors.Is(err, store.ErrInvalid) {
		t.Errorf("picture %d: %v", store.MaxPicturesPerItem+1, err)
	}
}
