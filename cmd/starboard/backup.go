package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/starboard/starboard/internal/config"
	"github.com/starboard/starboard/internal/store"
)

// backup writes a verified SQLite copy of the site's database, on either database, while the site
// goes on serving: starboard backup [--db PATH|URL] [--to FILE].
func (e env) backup(ctx context.Context, args []string) error {
	flags := e.flags("backup")
	var f config.Flags
	var to string
	flags.StringVar(&f.Database, "db", "", "the site's database: SQLite path or URL (default $DATABASE_URL or ./starboard.db); only read")
	flags.StringVar(&to, "to", "", "the SQLite file to write; it must not exist (default starboard-backup-YYYYMMDDTHHMMSSZ.db here)")
	if err := e.parse(flags, args); err != nil {
		return err
	}
	start := time.Now()
	if to == "" {
		to = "starboard-backup-" + start.UTC().Format("20060102T150405Z") + ".db"
	}
	_, opt, err := e.load(f)
	if err != nil {
		return err
	}
	if opt.Dialect == store.SQLite {
		// Opening a missing SQLite file would create an empty one.
		if _, err := os.Stat(opt.DSN); err != nil {
			return usageError{fmt.Errorf("no SQLite database at %s", opt.DSN)}
		}
		if sameDatabase(opt, store.Options{Dialect: store.SQLite, DSN: to}) {
			return usageError{errors.New("--to names the site's own database")}
		}
	}
	if _, err := os.Lstat(to); err == nil {
		return usageError{fmt.Errorf("%s already exists; a backup never overwrites a file: name another with --to", to)}
	}
	from, err := open(ctx, opt)
	if err != nil {
		return err
	}
	defer from.Close()

	fmt.Fprintf(e.stdout, "backing up %s to %s\n", store.Redact(opt.DSN), to)
	bar := &copyProgress{w: e.stdout, tty: isTerminal(e.stdout)}
	rep, err := store.Backup(ctx, from, to, store.BackupOptions{Progress: bar.update})
	bar.finish()
	if len(rep.Tables) > 0 {
		printChecks(e.stdout, rep.CopyReport)
	}
	switch {
	case errors.Is(err, fs.ErrExist):
		return usageError{fmt.Errorf("%w; a backup never overwrites a file: name another with --to", err)}
	case errors.Is(err, store.ErrSchemaMismatch):
		return usageError{fmt.Errorf("%w. Back up with the version of starboard that serves the site", err)}
	case err != nil:
		return err
	}
	fmt.Fprintf(e.stdout, "verified: the file, opened again, passed SQLite's integrity and foreign-key checks and "+
		"gave every table's checksum the source gave in the snapshot\n")
	for _, s := range rep.Skipped {
		fmt.Fprintf(e.stdout, "not backed up: %s: %s\n", s.Table, s.Reason)
	}
	fmt.Fprintf(e.stdout, "backed up %d tables, %d rows, %s (schema version %d) to %s in %s\n", len(rep.Tables), rep.Rows,
		byteSize(rep.Bytes), rep.SchemaVersion, rep.Path, time.Since(start).Round(time.Millisecond))
	return nil
}

// byteSize returns n in bytes, KiB, MiB or GiB, whichever reads best.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	v, units := float64(n)/unit, []string{"KiB", "MiB", "GiB", "TiB"}
	i := 0
	for v >= unit && i < len(units)-1 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s (%d bytes)", v, units[i], n)
}
