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
	"github.com/starboard/starboard/internal/picture"
	"github.com/starboard/starboard/internal/store"
)

// importItems loads a catalog of items into a product line: starboard import FILE --line SLUG.
// Every row is checked first; when any is invalid nothing is written and each problem is
// reported with its row and column (exit 2). Otherwise all items go in one transaction.
func (e env) importItems(ctx context.Context, args []string) error {
	opt, err := e.importArgs(args)
	if err != nil {
		return err
	}
	data, err := readLimited(opt.path)
	if err != nil {
		return usageError{err}
	}
	line := store.Category{Slug: opt.lineSlug}
	if opt.createName != "" {
		var p *catalog.Problem
		if line.Name, p = catalog.Name(opt.createName); p != nil {
			return usageError{fmt.Errorf("--create-line: the name %s", p)}
		}
	}

	entries, problems := opt.read(data)
	if len(entries) == 0 {
		// The file as a whole is unreadable (not UTF-8, no header, not a JSON array).
		return usageError{catalog.ImportReport(opt.path, 0, problems)}
	}
	s, _, err := e.openMigrated(ctx, opt.flags)
	if err != nil {
		return err
	}
	defer s.Close()
	existing, err := importTarget(ctx, s, &line, opt.createName != "")
	if err != nil {
		return err
	}
	pictures := importPictures{dir: filepath.Dir(opt.path), made: map[string]picture.Picture{}}
	items, invalid := catalog.CheckEntries(entries, existing, pictures.check)
	if problems = append(problems, invalid...); len(problems) > 0 {
		return usageError{catalog.ImportReport(opt.path, len(entries), problems)}
	}
	if opt.dryRun {
		fmt.Fprintf(e.stdout, "%s: all %d items are valid; nothing was written (--dry-run)\n", opt.path, len(items))
		return nil
	}
	if err := s.ImportItemsWithPictures(ctx, &line, opt.createName != "", storeItems(items), pictures.of(items)); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("nothing was imported: %w (did someone add items to the line meanwhile?)", err)
		}
		return fmt.Errorf("nothing was imported: %w", err)
	}
	verb := "into"
	if opt.createName != "" {
		verb = "into the new"
	}
	with := ""
	if n := len(pictures.of(items)); n > 0 {
		with = fmt.Sprintf(" (%d with a picture)", n)
	}
	fmt.Fprintf(e.stdout, "imported %d items%s %s product line %q (%s)\n", len(items), with, verb, line.Slug, line.Name)
	return nil
}

// importPictures reads, checks and re-encodes the pictures an import file names, by their path
// relative to the file (or absolute), while its rows are checked, and keeps them for the write.
type importPictures struct {
	dir  string
	made map[string]picture.Picture // by path as written in the file
}

// check reads and processes the picture at path, as the upload form does, and says in words
// why it cannot be used.
func (p importPictures) check(path string) error {
	if _, ok := p.made[path]; ok {
		return nil
	}
	full := path
	if !filepath.IsAbs(full) {
		full = filepath.Join(p.dir, full)
	}
	f, err := os.Open(full)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return errors.New("no such file (paths are relative to the import file)")
		}
		return errors.New("cannot be read: " + err.Error())
	}
	defer f.Close()
	b, err := picture.Read(f)
	if err == nil {
		var pic picture.Picture
		if pic, err = picture.Process(b); err == nil {
			p.made[path] = pic
			return nil
		}
	}
	var ref *picture.Refusal
	if errors.As(err, &ref) {
		return errors.New(strings.TrimSuffix(ref.Msg, "."))
	}
	return errors.New("cannot be read: " + err.Error())
}

// of returns the pictures of the checked items, by their index.
func (p importPictures) of(items []catalog.Item) map[int]store.Picture {
	out := map[int]store.Picture{}
	for i, it := range items {
		pic, ok := p.made[it.Picture]
		if it.Picture == "" || !ok {
			continue
		}
		sp := store.Picture{Alt: it.PictureAlt, Width: pic.Width, Height: pic.Height}
		for _, r := range pic.Renditions {
			sp.Files = append(sp.Files, store.PictureFile{Width: r.Width, Height: r.Height, ContentType: r.ContentType, SHA256: r.SHA256, Bytes: r.Bytes})
		}
		out[i] = sp
	}
	return out
}

// importOptions is what the import command was asked to do.
type importOptions struct {
	path                 string
	read                 func([]byte) ([]catalog.Entry, []catalog.RowProblem) // the reader for path's format
	lineSlug, createName string
	dryRun               bool
	flags                config.Flags
}

// importArgs reads the import command's flags and file name; flags may come before or after it.
func (e env) importArgs(args []string) (importOptions, error) {
	var opt importOptions
	fs := e.flags("import")
	fs.StringVar(&opt.lineSlug, "line", "", "slug of the product line the items join")
	fs.StringVar(&opt.createName, "create-line", "", "create the product line --line with this name first")
	fs.StringVar(&opt.flags.Database, "db", "", "SQLite path or database URL (default $DATABASE_URL or ./starboard.db)")
	fs.BoolVar(&opt.dryRun, "dry-run", false, "check the file and report, writing nothing")
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return opt, err
			}
			return opt, usageError{err}
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		return opt, usageError{errors.New("want one file: starboard import items.csv|items.json --line SLUG")}
	}
	if opt.lineSlug == "" {
		return opt, usageError{errors.New("--line SLUG is required: the product line the items join")}
	}
	var p *catalog.Problem
	if opt.lineSlug, p = catalog.Slug(opt.lineSlug); p != nil {
		return opt, usageError{fmt.Errorf("--line %s", catalog.SlugMessage(opt.lineSlug, p))}
	}
	opt.path = files[0]
	switch strings.ToLower(filepath.Ext(opt.path)) {
	case ".csv":
		opt.read = catalog.ReadCSV
	case ".json":
		opt.read = catalog.ReadJSON
	default:
		return opt, usageError{fmt.Errorf("%s: want a .csv or .json file", opt.path)}
	}
	return opt, nil
}

// importTarget checks that the product line line.Slug exists, or with create that it does not,
// and returns the slugs of its items with their names. An existing line is loaded into line.
func importTarget(ctx context.Context, s *store.Store, line *store.Category, create bool) (map[string]string, error) {
	existing := map[string]string{}
	cat, err := s.CategoryBySlug(ctx, line.Slug)
	switch {
	case errors.Is(err, store.ErrNotFound) && !create:
		return nil, usageError{fmt.Errorf("there is no product line %q (%s); add --create-line NAME to create it",
			line.Slug, lineList(ctx, s))}
	case errors.Is(err, store.ErrNotFound):
		return existing, nil
	case err == nil && create:
		return nil, usageError{fmt.Errorf("the product line %q already exists; drop --create-line to add items to it", line.Slug)}
	case err != nil:
		return nil, err
	}
	*line = cat
	items, err := s.ItemsByCategory(ctx, cat.ID)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		existing[it.Slug] = it.Name
	}
	return existing, nil
}

// readLimited returns the file's contents, refusing one larger than an import may be.
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
