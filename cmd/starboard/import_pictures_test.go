package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/picture"
	"github.com/starboard/starboard/internal/picture/picturetest"
	"github.com/starboard/starboard/internal/store"
)

// TestImportPictures imports items with picture files named relative to the CSV and JSON files,
// turned upright and stripped; a bad picture (or a missing alt text) is refused with its row
// named, and nothing is written.
func TestImportPictures(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, s := importDB(t, d)
			dir := t.TempDir()
			put := func(name string, b []byte) {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			put("photos/bag.jpg", picturetest.WithExif(picturetest.JPEG(600, 300), picture.OrientRotate90CW))
			put("photos/ball.png", picturetest.PNG(200, 200, 0))
			put("photos/notes.jpg", []byte("not a picture at all\n"))

			bad := filepath.Join(dir, "bad.csv")
			os.WriteFile(bad, []byte("name,picture,picture_alt\n"+
				"Bag,photos/bag.jpg,A purple bag\n"+
				"Notes,photos/notes.jpg,Some notes\n"+
				"Ghost,photos/none.jpg,Nothing\n"+
				"Ball,photos/ball.png,\n"), 0o600)
			code, out, errOut := runCmd(t, ctx, nil, "import", bad, "--line", "toys", "--create-line", "Toys", "--db", db)
			for _, want := range []string{`line 3, column "picture": photos/notes.jpg: This file is text`,
				`line 4, column "picture": photos/none.jpg: no such file`, `line 5, column "picture_alt": is required with a picture`,
				"nothing was imported"} {
				if !strings.Contains(errOut, want) {
					t.Errorf("bad import: %d %q\n%s\nwant %q", code, out, errOut, want)
				}
			}
			if code != 2 {
				t.Errorf("bad import exit %d, want 2", code)
			}
			if _, err := s.CategoryBySlug(ctx, "toys"); err == nil {
				t.Error("a refused import created the line")
			}

			good := filepath.Join(dir, "toys.csv")
			os.WriteFile(good, []byte("name,picture,picture_alt,colour\n"+
				"Bag,photos/bag.jpg,A purple bag,Purple\n"+
				"Ball,photos/ball.png,A yellow ball,Yellow\n"+
				"Hat,,,Green\n"), 0o600)
			code, out, errOut = runCmd(t, ctx, nil, "import", good, "--line", "toys", "--create-line", "Toys", "--db", db)
			if code != 0 || !strings.Contains(out, "imported 3 items (2 with a picture)") {
				t.Fatalf("import: %d %q %q", code, out, errOut)
			}
			items := lineItems(t, s, "toys")
			bag, err := s.ItemPictures(ctx, items["bag"].ID)
			if err != nil || len(bag) != 1 || bag[0].Alt != "A purple bag" || bag[0].Width != 300 || bag[0].Height != 600 {
				t.Fatalf("bag's pictures %+v, %v", bag, err)
			}
			f, err := s.PictureFile(ctx, bag[0].ID, bag[0].Files[0].Width)
			if err != nil || bytes.Contains(f.Bytes, []byte("Exif")) || bytes.Contains(f.Bytes, []byte("SERIAL")) {
				t.Errorf("bag's file keeps its metadata: %v", err)
			}
			if ball, _ := s.ItemPictures(ctx, items["ball"].ID); len(ball) != 1 || ball[0].Files[0].ContentType != "image/png" {
				t.Errorf("ball's pictures %+v", ball)
			}
			if hat, _ := s.ItemPictures(ctx, items["hat"].ID); len(hat) != 0 || items["hat"].Attributes["colour"] != "Green" {
				t.Errorf("hat %+v, pictures %d", items["hat"], len(hat))
			}

			// JSON, the picture beside the file.
			put("more/cap.jpg", picturetest.JPEG(400, 300))
			jsonFile := filepath.Join(dir, "more", "caps.json")
			os.WriteFile(jsonFile, []byte(`[{"name": "Cap", "picture": "cap.jpg", "picture_alt": "A red cap"}, {"name": "Scarf"}]`), 0o600)
			code, out, errOut = runCmd(t, ctx, nil, "import", jsonFile, "--line", "toys", "--db", db)
			if code != 0 || !strings.Contains(out, "imported 2 items (1 with a picture)") {
				t.Fatalf("json import: %d %q %q", code, out, errOut)
			}
			if cap, _ := s.ItemPictures(ctx, lineItems(t, s, "toys")["cap"].ID); len(cap) != 1 || cap[0].Alt != "A red cap" {
				t.Errorf("cap's pictures %+v", cap)
			}
		})
	}
}
