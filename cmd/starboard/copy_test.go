package main

import (
	"bytes"
	"context"
	"maps"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

var copiedRows = regexp.MustCompile(`(?m)^copied (\d+) rows from`)

var checkLine = regexp.MustCompile(`(?m)^(\w+)\s+(\d+)\s+(\d+)\s+([0-9a-f]{16})\s+([0-9a-f]{16})\s+(ok|DIFFERS)$`)

// checks parses the verification table of copy's output into table → "rows checksum".
func checks(t *testing.T, out string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, m := range checkLine.FindAllStringSubmatch(out, -1) {
		if m[2] != m[3] || m[4] != m[5] || m[6] != "ok" {
			t.Errorf("verification line differs: %q", m[0])
		}
		got[m[1]] = m[2] + " " + m[4]
	}
	if !strings.Contains(out, "table  ") || len(got) < 8 {
		t.Errorf("no verification table in:\n%s", out)
	}
	return got
}

func TestCopyCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	lite := "sqlite:" + filepath.Join(dir, "proto.db")
	if code, out, errOut := runCmd(t, ctx, nil, "demo", "--db", lite); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errOut)
	}
	pg := storetest.PostgresURL(t)

	code, out, errOut := runCmd(t, ctx, nil, "copy", "--from", lite, "--to", pg)
	if code != 0 {
		t.Fatalf("copy to postgres: exit %d\n%s\n%s", code, out, errOut)
	}
	there := checks(t, out)
	for _, want := range []string{"copy reviews: 668/668 rows", "verifying", "copied 896 rows from", "copy picture_files: 45/45 rows",
		"not copied: sessions: members will sign in again; --sessions copies them", "not copied: rate_limits"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if there["reviews"] == "" || !strings.HasPrefix(there["reviews"], "668 ") {
		t.Errorf("reviews check %q", there["reviews"])
	}

	back := filepath.Join(dir, "back.db")
	code, out, errOut = runCmd(t, ctx, nil, "copy", "--from", pg, "--to", back)
	if code != 0 {
		t.Fatalf("copy back: exit %d\n%s\n%s", code, out, errOut)
	}
	if again := checks(t, out); !maps.Equal(there, again) {
		t.Errorf("round trip changed the checksums:\n%v\n%v", there, again)
	}

	// The target now holds data: refused without --force, replaced with it.
	code, out, errOut = runCmd(t, ctx, nil, "copy", "--from", lite, "--to", pg)
	if code != exitUsage || !strings.Contains(errOut, "--force") || !strings.Contains(errOut, "reviews") {
		t.Errorf("copy onto a full target: exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(out, "table  ") {
		t.Errorf("a refused copy printed a verification:\n%s", out)
	}
	if code, out, errOut := runCmd(t, ctx, nil, "copy", "--from", lite, "--to", pg, "--force"); code != 0 {
		t.Errorf("copy --force: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestCopyCommandUsage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	if code, _, errOut := runCmd(t, ctx, nil, "migrate", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"copy", "--to", db}, "both --from and --to"},
		{[]string{"copy", "--from", db, "--to", "sqlite:" + db}, "same database"},
		{[]string{"copy", "--from", filepath.Join(dir, "typo.db"), "--to", filepath.Join(dir, "b.db")}, "no SQLite database at"},
		{[]string{"copy", "--from", db, "--to", "mysql://x"}, `--to: DATABASE_URL has an unsupported scheme "mysql"`},
	}
	for _, tt := range tests {
		code, _, errOut := runCmd(t, ctx, nil, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}

// TestCopy100kReviews copies the generated set of 1,000 items and 100,000 reviews from SQLite to
// PostgreSQL and back, and logs how long each copy took (the goal is under 30 s each). Under the
// race detector, which slows SQLite about tenfold, it copies a tenth of that.
func TestCopy100kReviews(t *testing.T) {
	if testing.Short() {
		t.Skip("a large copy; skipped with -short")
	}
	t.Parallel()
	items, reviews := 1000, 100000
	if raceDetector {
		items, reviews = 100, 10000
	}
	ctx := context.Background()
	dir := t.TempDir()
	lite := filepath.Join(dir, "big.db")
	start := time.Now()
	if code, out, errOut := runCmd(t, ctx, nil, "demo", "--db", lite, "--items", strconv.Itoa(items),
		"--reviews", strconv.Itoa(reviews)); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errOut)
	}
	t.Logf("demo data generated in %s", time.Since(start).Round(time.Millisecond))
	pg := storetest.PostgresURL(t)
	for _, step := range []struct{ name, from, to string }{
		{"sqlite → postgres", lite, pg},
		{"postgres → sqlite", pg, filepath.Join(dir, "back.db")},
	} {
		start := time.Now()
		code, out, errOut := runCmd(t, ctx, nil, "copy", "--from", step.from, "--to", step.to)
		took := time.Since(start)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", step.name, code, out, errOut)
		}
		c := checks(t, out)
		if !strings.HasPrefix(c["reviews"], strconv.Itoa(reviews)+" ") {
			t.Errorf("%s: reviews %q", step.name, c["reviews"])
		}
		rows := ""
		if m := copiedRows.FindStringSubmatch(out); m != nil {
			rows = m[1]
		}
		t.Logf("%s: %d reviews, %s rows in all, copied and verified in %s (race detector: %v)", step.name, reviews,
			rows, took.Round(time.Millisecond), raceDetector)
	}
}

func TestCopyProgressBar(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	p := &copyProgress{w: &b, tty: true}
	for _, done := range []int64{0, 500, 1000} {
		p.update(store.CopyProgress{Table: "reviews", Step: "copy", Done: done, Total: 1000})
	}
	p.update(store.CopyProgress{Table: "sessions", Step: "copy", Done: 0, Total: 0})
	p.update(store.CopyProgress{Table: "reviews", Step: "verify", Done: 400, Total: 1000})
	p.finish()
	out := b.String()
	for _, want := range []string{
		"\rcopy   reviews          [..............................]   0% 0/1000",
		"\rcopy   reviews          [###############...............]  50% 500/1000",
		"\rcopy   reviews          [##############################] 100% 1000/1000\n",
		"\rcopy   sessions         [##############################] 100% 0/0\n",
		"\rverify reviews          [############..................]  40% 400/1000\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("bar output lacks %q:\n%q", want, out)
		}
	}
	if n := strings.Count(out, "\n"); n != 3 {
		t.Errorf("%d line ends, want one per finished bar (3): %q", n, out)
	}
}
