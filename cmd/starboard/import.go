package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/starboard/starboard/internal/catalog"
	"github.com/starboard/starboard/internal/config"
	"github.com/starboard/starboard/internal/store"
)

// importItems loads a catalog of items into a product line: starboard import FILE --line SLUG.
// Every row is checked first; when any is invalid nothing is written and each problem is
// reported with its row and column (exit 2). Otherwise all items go in one transaction.
func (e env) importItems(ctx context.Context, args []string) error {
	fs := e.flags("import")
	var f config.Flags
	var lineSlug, createName string
	var dryRun bool
	fs.StringVar(&lineSlug, "line", "", "slug of the product line the items join")
	fs.StringVar(&createName, "create-line", "", "create the product line --line with this name first")
	fs.StringVar(&f.Database, "db", "", "SQLite path or database URL (default $DATABASE_URL or ./starboard.db)")
	fs.BoolVar(&dryRun, "dry-run", false, "check the file and report, writing nothing")
	// Flags may come before or after the file name.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError{err}
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		return usageError{errors.New("want one file: starboard import items.csv|items.json --line SLUG")}
	}
	if lineSlug == "" {
		return usageError{errors.New("--line SLUG is required: the product line the items join")}
	}
	lineSlug, p := catalog.Slug(lineSlug)
	if p != nil {
		return usageError{fmt.Errorf("--line %s", catalog.SlugMessage(lineSlug, p))}
	}
	path := files[0]
	var read func([]byte) ([]catalog.Entry, []catalog.RowProblem)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		read = catalog.ReadCSV
	case ".json":
		read = catalog.ReadJSON
	default:
		return usageError{fmt.Errorf("%s: want a .csv or .json file", path)}
	}
	data, err := readLimited(path)
	if err != nil {
		return usageError{err}
	}
	line := store.Category{Slug: lineSlug}
	if createName != "" {
		if line.Name, p = catalog.Name(createName); p != nil {
			return usageError{fmt.Errorf("--create-line: the name %s", p)}
		}
	}

	entries, problems := read(data)
	if len(entries) == 0 {
		// The file as a whole is unreadable (not UTF-8, no header, not a JSON array).
		return usageError{catalog.ImportReport(path, 0, problems)}
	}
	s, _, err := e.openMigrated(ctx, f, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	existing := map[string]string{}
	cat, err := s.CategoryBySlug(ctx, lineSlug)
	switch {
	case errors.Is(err, store.ErrNotFound) && createName == "":
		return usageError{fmt.Errorf("there is no product line %q (%s); add --create-line NAME to create it",
			lineSlug, lineList(ctx, s))}
	case err == nil && createName != "":
		return usageError{fmt.Errorf("the product line %q already exists; drop --create-line to add items to it", lineSlug)}
	case err == nil:
		line = cat
		items, err := s.ItemsByCategory(ctx, cat.ID)
		if err != nil {
			return err
		}
		for _, it := range items {
			existing[it.Slug] = it.Name
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	items, invalid := catalog.CheckEntries(entries, existing)
	if problems = append(problems, invalid...); len(problems) > 0 {
		return usageError{catalog.ImportReport(path, len(entries), problems)}
	}
	if dryRun {
		fmt.Fprintf(e.stdout, "%s: all %d items are valid; nothing was written (--dry-run)\n", path, len(items))
		return nil
	}
	if err := s.ImportItems(ctx, &line, createName != "", storeItems(items)); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("nothing was imported: %w (did someone add items to the line meanwhile?)", err)
		}
		return fmt.Errorf("nothing was imported: %w", err)
	}
	verb := "into"
	if createName != "" {
		verb = "into the new"
	}
	fmt.Fprintf(e.stdout, "imported %d items %s product line %q (%s)\n", len(items), verb, line.Slug, line.Name)
	return nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, catalog.MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > catalog.MaxImportBytes {
		return nil, fmt.Errorf("%s is larger than %d MiB; split it", path, catalog.MaxImportBytes>>20)
	}
	return data, nil
}

// lineList names the existing product lines, for an error message.
func lineList(ctx context.Context, s *store.Store) string {
	cats, err := s.Categories(ctx)
	if err != nil || len(cats) == 0 {
		return "there are none yet"
	}
	var slugs []string
	for _, c := range cats {
		slugs = append(slugs, c.Slug)
	}
	return "the lines are " + strings.Join(slugs, ", ")
}

// storeItems returns checked items as the store takes them.
func storeItems(items []catalog.Item) []store.Item {
	out := make([]store.Item, len(items))
	for i, it := range items {
		out[i] = store.Item{Slug: it.Slug, Name: it.Name, Description: it.Description, Attributes: it.AttributeMap()}
	}
	return out
}
