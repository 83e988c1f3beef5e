package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/starboard/starboard/internal/store"
)

// copyData moves every table from one database to another, verified, in one transaction on the
// target: starboard copy --from URL --to URL [--force] [--sessions].
func (e env) copyData(ctx context.Context, args []string) error {
	fs := e.flags("copy")
	var fromURL, toURL string
	var opt store.CopyOptions
	fs.StringVar(&fromURL, "from", "", "database to copy from: sqlite:PATH, a path, or postgres://... (only read)")
	fs.StringVar(&toURL, "to", "", "database to copy into: migrated first, and it must be empty unless --force")
	fs.BoolVar(&opt.Force, "force", false, "replace everything the target holds")
	fs.BoolVar(&opt.Sessions, "sessions", false, "copy sign-in sessions too, so members stay signed in")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fromURL == "" || toURL == "" {
		return usageError{errors.New("both --from and --to are required, e.g. " +
			"starboard copy --from sqlite:starboard.db --to postgres://USER:PASSWORD@HOST/DB")}
	}
	fromOpt, err := store.ParseURL(fromURL)
	if err != nil {
		return usageError{fmt.Errorf("--from: %w", err)}
	}
	toOpt, err := store.ParseURL(toURL)
	if err != nil {
		return usageError{fmt.Errorf("--to: %w", err)}
	}
	if sameDatabase(fromOpt, toOpt) {
		return usageError{errors.New("--from and --to name the same database")}
	}
	if fromOpt.Dialect == store.SQLite {
		// Opening a missing SQLite file would create an empty one.
		if _, err := os.Stat(fromOpt.DSN); err != nil {
			return usageError{fmt.Errorf("--from: no SQLite database at %s", fromOpt.DSN)}
		}
	}
	from, err := open(ctx, fromOpt)
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := open(ctx, toOpt)
	if err != nil {
		return err
	}
	defer to.Close()
	if err := to.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		return err
	}

	bar := &copyProgress{w: e.stdout, tty: isTerminal(e.stdout)}
	opt.Progress = bar.update
	start := time.Now()
	rep, err := store.Copy(ctx, from, to, opt)
	bar.finish()
	if len(rep.Tables) > 0 {
		printChecks(e.stdout, rep)
	}
	switch {
	case errors.Is(err, store.ErrNotEmpty):
		return usageError{fmt.Errorf("%w; --force replaces them", err)}
	case errors.Is(err, store.ErrSchemaMismatch):
		return usageError{fmt.Errorf("%w. Run starboard migrate on that database with this version first "+
			"(or copy with the version of starboard that made it)", err)}
	case err != nil:
		return err
	}
	fmt.Fprintf(e.stdout, "copied %d rows from %s to %s in %s\n", rep.Rows, store.Redact(fromOpt.DSN),
		store.Redact(toOpt.DSN), time.Since(start).Round(time.Millisecond))
	for _, s := range rep.Skipped {
		fmt.Fprintf(e.stdout, "not copied: %s: %s\n", s.Table, s.Reason)
	}
	return nil
}

// sameDatabase reports whether two options name one database, as far as their text tells.
func sameDatabase(a, b store.Options) bool {
	if a.Dialect != b.Dialect {
		return false
	}
	if a.Dialect == store.SQLite {
		pa, errA := filepath.Abs(a.DSN)
		pb, errB := filepath.Abs(b.DSN)
		return errA == nil && errB == nil && pa == pb
	}
	return a.DSN == b.DSN
}

// isTerminal reports whether v (standard input or output) is a terminal: where a progress bar
// can be redrawn, or a password asked for without echo.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// copyProgress shows a copy's progress: on a terminal one bar per table, redrawn in place; else
// plain lines, at each tenth of a large table and at the end of every table.
type copyProgress struct {
	w     io.Writer
	tty   bool
	cur   store.CopyProgress
	tenth int64
	open  bool  // a bar is drawn and its line not yet ended
	drawn int64 // the percentage the open bar shows
	// verifying: the plain "verifying" line is written.
	verifying bool
}

const barWidth = 30

func (p *copyProgress) update(cp store.CopyProgress) {
	if cp.Table != p.cur.Table || cp.Step != p.cur.Step {
		p.finish()
		p.tenth = 0
	}
	p.cur = cp
	done := cp.Done >= cp.Total
	pct := int64(100)
	if cp.Total > 0 {
		pct = min(100, cp.Done*100/cp.Total)
	}
	if p.tty {
		if p.open && pct == p.drawn && !done {
			return // nothing visible changed
		}
		p.drawn = pct
		filled := int(pct) * barWidth / 100
		fmt.Fprintf(p.w, "\r%-6s %-16s [%s%s] %3d%% %d/%d", cp.Step, cp.Table,
			strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), pct, cp.Done, cp.Total)
		p.open = true
		if done {
			p.finish()
		}
		return
	}
	if cp.Step == "verify" {
		if !p.verifying {
			p.verifying = true
			fmt.Fprintln(p.w, "verifying: reading every table back from the target")
		}
		return
	}
	if done {
		fmt.Fprintf(p.w, "%s %s: %d/%d rows\n", cp.Step, cp.Table, cp.Done, cp.Total)
		return
	}
	if cp.Step == "copy" && cp.Total >= 10000 && pct/10 > p.tenth {
		p.tenth = pct / 10
		fmt.Fprintf(p.w, "%s %s: %d/%d rows (%d%%)\n", cp.Step, cp.Table, cp.Done, cp.Total, pct)
	}
}

// finish ends a bar's line.
func (p *copyProgress) finish() {
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}

// printChecks writes the verification: rows and checksum per table on both sides.
func printChecks(w io.Writer, rep store.CopyReport) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "table\tsource rows\ttarget rows\tsource checksum\ttarget checksum\tresult")
	short := func(s string) string { return s[:min(16, len(s))] }
	for _, c := range rep.Tables {
		result := "ok"
		if !c.OK() {
			result = "DIFFERS"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", c.Table, c.SourceRows, c.TargetRows, short(c.SourceSum),
			short(c.TargetSum), result)
	}
	tw.Flush()
}
