package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// importDB returns a migrated database holding the demo set, as a --db value, and a store on it.
func importDB(t *testing.T, d store.Dialect) (string, *store.Store) {
	t.Helper()
	opt := storetest.Options(t, d)
	db := opt.DSN
	if d == store.SQLite {
		db = "sqlite:" + db
	}
	if code, out, errOut := runCmd(t, context.Background(), nil, "demo", "--db", db); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errOut)
	}
	s, err := store.Open(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return db, s
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func lineItems(t *testing.T, s *store.Store, slug string) map[string]store.Item {
	t.Helper()
	ctx := context.Background()
	c, err := s.CategoryBySlug(ctx, slug)
	if err != nil {
		t.Fatalf("line %s: %v", slug, err)
	}
	items, err := s.ItemsByCategory(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Item{}
	for _, it := range items {
		out[it.Slug] = it
	}
	return out
}

func TestImportCSVAndJSON(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, s := importDB(t, d)

			csvFile := writeFile(t, "snacks.csv", "\uFEFFName, Description ,slug,colour,price\r\n"+
				"Tinky Winky,\"The big purple one, with the bag\",,Purple,12\r\n"+
				"Laa-Laa,  Yellow one  ,laa-laa-2,Yellow,\r\n"+
				"\r\n"+
				"Crème Brûlée,\"Two lines:\nburnt sugar\",,,\r\n")
			code, out, errOut := runCmd(t, ctx, nil, "import", csvFile, "--line", "snacks", "--create-line", "Snacks", "--db", db)
			if code != 0 || !strings.Contains(out, `imported 3 items into the new product line "snacks" (Snacks)`) {
				t.Fatalf("csv import: %d %q %q", code, out, errOut)
			}
			got := lineItems(t, s, "snacks")
			want := map[string]store.Item{
				"tinky-winky":  {Name: "Tinky Winky", Description: "The big purple one, with the bag", Attributes: store.Attributes{"colour": "Purple", "price": "12"}},
				"laa-laa-2":    {Name: "Laa-Laa", Description: "Yellow one", Attributes: store.Attributes{"colour": "Yellow"}}, // an empty cell is no attribute
				"creme-brulee": {Name: "Crème Brûlée", Description: "Two lines:\nburnt sugar", Attributes: store.Attributes{}},
			}
			if len(got) != len(want) {
				t.Fatalf("items %v", got)
			}
			for slug, w := range want {
				g := got[slug]
				if g.Name != w.Name || g.Description != w.Description || !reflect.DeepEqual(g.Attributes, w.Attributes) ||
					g.Stats.Total() != 0 || g.CreatedAt.IsZero() {
					t.Errorf("%s = %+v, want %+v", slug, g, w)
				}
			}

			// JSON, flags before the file, into an existing line; numbers become text.
			jsonFile := writeFile(t, "books.json", `[
				{"name": "Middlemarch", "description": "A study of provincial life.", "attributes": {"author": "George Eliot", "year": 1871}},
				{"name": "Emma", "slug": "emma-austen", "attributes": {"author": "Jane Austen", "price": 9.99, "year": " "}},
				{"name": "Ulysses", "description": null, "attributes": null}
			]`)
			code, out, errOut = runCmd(t, ctx, nil, "import", "--db", db, "--line", "books", jsonFile)
			if code != 0 || !strings.Contains(out, `imported 3 items into product line "books" (Books)`) {
				t.Fatalf("json import: %d %q %q", code, out, errOut)
			}
			books := lineItems(t, s, "books")
			if len(books) != 8 {
				t.Errorf("books has %d items, want 5 + 3", len(books))
			}
			if b := books["middlemarch"]; b.Attributes["year"] != "1871" || b.Attributes["author"] != "George Eliot" {
				t.Errorf("middlemarch = %+v", b)
			}
			if b := books["emma-austen"]; b.Name != "Emma" || b.Attributes["price"] != "9.99" || len(b.Attributes) != 2 {
				t.Errorf("emma = %+v", b)
			}
			if b := books["ulysses"]; b.Name != "Ulysses" || len(b.Attributes) != 0 {
				t.Errorf("ulysses = %+v", b)
			}

			// --dry-run checks and writes nothing.
			more := writeFile(t, "more.csv", "name\nThe Trial\n")
			code, out, _ = runCmd(t, ctx, nil, "import", more, "--line", "books", "--db", db, "--dry-run")
			if code != 0 || !strings.Contains(out, "all 1 items are valid; nothing was written") {
				t.Errorf("dry run: %d %q", code, out)
			}
			if _, ok := lineItems(t, s, "books")["the-trial"]; ok {
				t.Error("--dry-run wrote the item")
			}
		})
	}
}

func TestImportRefusesBadFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, s := importDB(t, store.SQLite)
	before := len(lineItems(t, s, "tellytubbies"))
	long := strings.Repeat("n", 121)
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"csv rows", "bad.csv", "name,description,slug,colour\n" +
			"Noo-Noo,fine,,Blue\n" + // valid: the others still stop the import
			",no name,,Red\n" +
			long + ",,,\n" +
			"Dipsy Two,,dipsy,Green\n" + // the slug is taken in the line
			"Po Po,,Not A Slug,Red\n" +
			"Noo  Noo!,dup,,\n" + // derives noo-noo again
			"Bell\x07,,,\n" +
			"Short,row\n" +
			"Ok,,ok-item," + strings.Repeat("x", 201) + "\n" +
			"日本,,,\n",
			[]string{
				`bad.csv: 9 problems in 9 of 10 items; nothing was imported:`,
				`line 3, column "name": is required`,
				`line 4, column "name": is 121 characters long; at most 120`,
				`line 5, column "slug": the line already has an item with the slug "dipsy" (Dipsy)`,
				`line 6, column "slug": "Not A Slug" is not a slug: use lower-case letters, digits and single hyphens, up to 80 characters, such as "not-a-slug"`,
				`line 7, column "name": the slug "noo-noo" is also used by line 2; give one of them another slug`,
				`line 8, column "name": contains the invisible character U+0007`,
				`line 9: has 2 fields but the header has 4 (quote values that contain commas)`,
				`line 10, column "colour": is 201 characters long; at most 200`,
				`line 11, column "name": no slug can be made from this name; add a slug for it`,
			}},
		{"csv reserved slugs", "reserved.csv", "name,slug\nCompare,\nPo,compare\nLaa-Laa, new \nFeed,feed-2\n", []string{
			`reserved.csv: 3 problems in 3 of 4 items; nothing was imported:`,
			`line 2, column "name": makes the slug "compare", which is reserved for the site's own pages; add another slug for it`,
			`line 3, column "slug": "compare" is reserved for the site's own pages; choose another slug`,
			`line 4, column "slug": "new" is reserved for the site's own pages; choose another slug`,
		}},
		{"csv header", "head.csv", "title,colour,Colour,,slug\nx,y,z,w,v\n", []string{
			`line 1, column 3: "Colour" repeats the header of column 2`,
			`line 1, column 4: the attribute name is empty`,
			`line 1: the header has no name column`,
		}},
		{"csv quoting", "quote.csv", "name,description\nA,\"fine\"\nB,\"broken\"x\nC,after\n", []string{
			`line 3, column 10: cannot be read as CSV: extraneous or missing " in quoted-field; the lines after it were not checked`,
		}},
		{"csv empty", "empty.csv", "", []string{`line 1: the file is empty`}},
		{"csv header only", "head-only.csv", "name,colour\n", []string{`line 2: the file has a header but no items`}},
		{"not utf-8", "latin1.csv", "name\nCr\xe8me\nok\n\xff\n", []string{
			`line 2: is not valid UTF-8 text; save the file as UTF-8`, `line 4: is not valid UTF-8`}},
		{"json items", "bad.json", `[
			{"name": "Fine"},
			{"name": 12},
			{"name": "Colours", "attributes": {"colour": {"r": 1}, "slug": "x", "size": true}},
			{"name": "Extra", "price": 3},
			"just text",
			{"name": "Fine"}
		]`, []string{
			`bad.json: 7 problems in 5 of 6 items; nothing was imported:`,
			`item 2, field "name": want text in quotes`,
			`item 3, field "attributes.colour": want text or a number`,
			`item 3, field "attributes.size": want text or a number`,
			`item 3, field "attributes.slug": the attribute name "slug" is kept for the item itself`,
			`item 4, field "price": unknown; an item has name, description, slug, picture, picture_alt and attributes`,
			`item 5: want an object such as {"name": "...", "attributes": {...}}`,
			`item 6, field "name": the slug "fine" is also used by item 1`,
		}},
		{"json reserved slugs", "reserved.json", `[{"name": "Admin"}, {"name": "Po", "slug": "api"}, {"name": "Feed", "slug": "feed-2"}]`, []string{
			`reserved.json: 2 problems in 2 of 3 items; nothing was imported:`,
			`item 1, field "name": makes the slug "admin", which is reserved for the site's own pages; add another slug for it`,
			`item 2, field "slug": "api" is reserved for the site's own pages; choose another slug`,
		}},
		{"json syntax", "syntax.json", "[\n{\"name\": \"A\"},\n{\"name\": \"B\",}\n]", []string{
			`line 3: is not valid JSON: invalid character '}'`}},
		{"json shape", "shape.json", `{"name": "A"}`, []string{`file: want a JSON array of items`}},
	}
	for _, tt := range tests {
		path := writeFile(t, tt.file, tt.content)
		code, out, errOut := runCmd(t, ctx, nil, "import", path, "--line", "tellytubbies", "--db", db)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want 2; stdout %q", tt.name, code, out)
		}
		for _, want := range tt.want {
			if !strings.Contains(errOut, want) {
				t.Errorf("%s: report lacks %q:\n%s", tt.name, want, errOut)
			}
		}
		if !strings.Contains(errOut, "nothing was imported") {
			t.Errorf("%s: report does not say nothing was imported:\n%s", tt.name, errOut)
		}
	}
	if after := len(lineItems(t, s, "tellytubbies")); after != before {
		t.Errorf("items in the line went from %d to %d", before, after)
	}

	good := writeFile(t, "good.csv", "name\nNoo-Noo\n")
	usage := []struct {
		args []string
		want string
	}{
		{[]string{"import", good, "--line", "snacks", "--db", db}, `there is no product line "snacks" (the lines are books, tellytubbies, ipads); add --create-line NAME`},
		{[]string{"import", good, "--line", "books", "--create-line", "Books", "--db", db}, `the product line "books" already exists`},
		{[]string{"import", good, "--db", db}, "--line SLUG is required"},
		{[]string{"import", good, "--line", "Bad Slug"}, `--line "Bad Slug" is not a slug`},
		{[]string{"import", "--line", "books"}, "want one file"},
		{[]string{"import", good, good, "--line", "books"}, "want one file"},
		{[]string{"import", writeFile(t, "items.txt", "x"), "--line", "books"}, "want a .csv or .json file"},
		{[]string{"import", good, "--line", "snacks", "--create-line", " ", "--db", db}, "--create-line: the name is required"},
		{[]string{"import", good, "--line", "compare", "--create-line", "Compare", "--db", db}, `--line "compare" is reserved for the site's own pages; choose another slug`},
	}
	for _, u := range usage {
		code, _, errOut := runCmd(t, ctx, nil, u.args...)
		if code != exitUsage || !strings.Contains(errOut, u.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", u.args[1:], code, errOut, u.want)
		}
	}
}
