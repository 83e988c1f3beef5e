package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// ackedReview is a review the server answered 201 to.
type ackedReview struct {
	ID      int64  `json:"id"`
	ItemID  int64  `json:"item_id"`
	Rating  int    `json:"rating"`
	Summary string `json:"summary"`
}

// TestBackupRestoreDuringWrites follows docs/deploy.md's backup and restore end to end, on each
// database as the source: a served site takes review POSTs from two writers while starboard
// backup runs; the backup's stars agree with its reviews (one snapshot); it is restored as the
// docs say (SQLite: stop, put the file in place, serve; PostgreSQL: starboard copy into a fresh
// database, serve), copy's verification of the restored database matches the backup's, and every
// review acknowledged before the backup began is served by the restored site.
func TestBackupRestoreDuringWrites(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dir := t.TempDir()
			opt := storetest.Options(t, d)
			site := opt.DSN
			if d == store.SQLite {
				site = "sqlite:" + site
			}
			if code, out, errOut := runCmd(t, ctx, nil, "demo", "--db", site); code != 0 {
				t.Fatalf("demo: %d %s %s", code, out, errOut)
			}
			tokens, items := reviewers(t, opt, 16)

			origin, stopSite := serveDB(t, site)
			w := &reviewWriters{origin: origin, stop: make(chan struct{})}
			w.start(tokens, items)
			w.waitFor(t, 10)
			before := w.acknowledged()

			backup := filepath.Join(dir, "backup.db")
			code, out, errOut := runCmd(t, ctx, nil, "backup", "--db", site, "--to", backup)
			during := len(w.acknowledged()) - len(before)
			w.finish()
			if code != 0 {
				t.Fatalf("backup: exit %d\n%s\n%s", code, out, errOut)
			}
			backedUp := checks(t, out)
			for _, want := range []string{"verified: the file, opened again, passed", "not backed up: rate_limits",
				"backed up 13 tables, "} {
				if !strings.Contains(out, want) {
					t.Errorf("backup output lacks %q:\n%s", want, out)
				}
			}
			if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("backup file: %v, %v; want mode 0600 (it holds password hashes)", fi, err)
			}
			reviews := starsAgree(t, backup)
			t.Logf("%s: %d reviews acknowledged before the backup, %d while it ran, %d in all; the backup holds %d reviews",
				d, len(before), during, len(w.acknowledged()), reviews)

			// Restore, as docs/deploy.md says.
			var restored []string
			if d == store.SQLite {
				// Stop, put the backup in the database's place, start again.
				stopSite()
				for _, suffix := range []string{"", "-wal", "-shm"} {
					if err := os.Remove(opt.DSN + suffix); err != nil && !os.IsNotExist(err) {
						t.Fatal(err)
					}
				}
				copyFile(t, backup, opt.DSN)
				restored = append(restored, site)
			} else {
				// Serve a copy of the backup file directly.
				file := filepath.Join(dir, "restored.db")
				copyFile(t, backup, file)
				restored = append(restored, "sqlite:"+file)
			}
			if os.Getenv(storetest.EnvPostgres) != "" {
				// Into a fresh PostgreSQL database with starboard copy.
				pg := storetest.PostgresURL(t)
				code, out, errOut := runCmd(t, ctx, nil, "copy", "--from", "sqlite:"+backup, "--to", pg, "--sessions")
				if code != 0 {
					t.Fatalf("restore to postgres: exit %d\n%s\n%s", code, out, errOut)
				}
				if got := checks(t, out); !maps.Equal(got, backedUp) {
					t.Errorf("restored to postgres: copy's checksums differ from the backup's:\n%v\n%v", got, backedUp)
				}
				restored = append(restored, pg)
			}
			for i, db := range restored {
				if strings.HasPrefix(db, "sqlite:") {
					// Copy's verification of the restored file, into a scratch database.
					scratch := filepath.Join(dir, fmt.Sprintf("verify%d.db", i))
					code, out, errOut := runCmd(t, ctx, nil, "copy", "--from", db, "--to", scratch, "--sessions")
					if code != 0 {
						t.Fatalf("copy from the restored file: exit %d\n%s\n%s", code, out, errOut)
					}
					if got := checks(t, out); !maps.Equal(got, backedUp) {
						t.Errorf("restored file: copy's checksums differ from the backup's:\n%v\n%v", got, backedUp)
					}
				}
				origin, stop := serveDB(t, db)
				for _, a := range before {
					var got ackedReview
					if status := getJSON(t, fmt.Sprintf("%s/api/v1/reviews/%d", origin, a.ID), &got); status != 200 || got != a {
						t.Errorf("restored %s: review %d: status %d, %+v; want 200, %+v", db, a.ID, status, got, a)
					}
				}
				stop()
			}
		})
	}
}

func TestBackupCommandRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "site.db")
	if code, _, errOut := runCmd(t, ctx, nil, "migrate", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	taken := filepath.Join(dir, "taken.db")
	if err := os.WriteFile(taken, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"backup", "--db", db, "--to", taken}, "already exists"},
		{[]string{"backup", "--db", db, "--to", db}, "the site's own database"},
		{[]string{"backup", "--db", filepath.Join(dir, "typo.db"), "--to", filepath.Join(dir, "b.db")}, "no SQLite database at"},
		{[]string{"backup", "--db", db, "extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		code, out, errOut := runCmd(t, ctx, nil, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
		if strings.Contains(out, "backed up") {
			t.Errorf("%v: a refused backup reported one:\n%s", tt.args, out)
		}
	}
	if b, err := os.ReadFile(taken); err != nil || string(b) != "keep me" {
		t.Errorf("the existing file was touched: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "b.db")); !os.IsNotExist(err) {
		t.Errorf("a refused backup left a file: %v", err)
	}
}

// TestBackupDefaultName writes the backup under its default name in the current folder.
func TestBackupDefaultName(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	ctx := context.Background()
	if code, _, errOut := runCmd(t, ctx, nil, "demo", "--db", "site.db"); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := runCmd(t, ctx, nil, "backup", "--db", "site.db")
	if code != 0 {
		t.Fatalf("backup: exit %d\n%s\n%s", code, out, errOut)
	}
	files, _ := filepath.Glob("starboard-backup-*.db*")
	if len(files) != 1 || len(files[0]) != len("starboard-backup-20060102T150405Z.db") ||
		!strings.Contains(out, "to "+files[0]+" in ") {
		t.Errorf("files %v; output:\n%s", files, out)
	}
	if all, _ := filepath.Glob(".*partial*"); len(all) > 0 {
		t.Errorf("temporary files left: %v", all)
	}
}

// reviewers makes n members with API tokens in the database opt names, and returns their tokens
// and every item's id.
func reviewers(t *testing.T, opt store.Options, n int) (tokens []string, items []int64) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range n {
		u := &store.User{Email: fmt.Sprintf("writer%d@example.com", i), DisplayName: fmt.Sprintf("Writer %d", i),
			PasswordHash: "not a hash: these members only use tokens"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		token, hash := auth.NewToken()
		if err := s.CreateAPIToken(ctx, &store.APIToken{UserID: u.ID, Name: "writer", Hash: hash}); err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, token)
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		its, err := s.ItemsByCategory(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range its {
			items = append(items, it.ID)
		}
	}
	return tokens, items
}

// reviewWriters POST reviews through the API, each member once per item, and keep what was
// acknowledged in the order the answers came.
type reviewWriters struct {
	origin string
	stop   chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	acked  []ackedReview
	errs   []string
	more   chan struct{} // signalled at every acknowledgement
}

// start runs two writers, each with half the tokens, until every member has reviewed every item
// or stop is closed.
func (w *reviewWriters) start(tokens []string, items []int64) {
	w.more = make(chan struct{}, 1)
	half := len(tokens) / 2
	for _, mine := range [][]string{tokens[:half], tokens[half:]} {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for i, item := range items {
				for j, token := range mine {
					select {
					case <-w.stop:
						return
					default:
					}
					w.post(token, item, 1+(i+j)%5)
				}
			}
		}()
	}
}

func (w *reviewWriters) post(token string, item int64, rating int) {
	body, _ := json.Marshal(map[string]any{"rating": rating, "summary": fmt.Sprintf("Written under backup, %d stars", rating)})
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/items/%d/reviews", w.origin, item), bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.errs = append(w.errs, err.Error())
		return
	}
	defer res.Body.Close()
	var a ackedReview
	if err := json.NewDecoder(res.Body).Decode(&a); res.StatusCode != http.StatusCreated || err != nil {
		w.errs = append(w.errs, fmt.Sprintf("POST item %d: %d %v", item, res.StatusCode, err))
		return
	}
	w.acked = append(w.acked, a)
	select {
	case w.more <- struct{}{}:
	default:
	}
}

// waitFor returns once n reviews are acknowledged, failing if the writers end first.
func (w *reviewWriters) waitFor(t *testing.T, n int) {
	t.Helper()
	done := make(chan struct{})
	go func() { w.wg.Wait(); close(done) }()
	for len(w.acknowledged()) < n {
		select {
		case <-w.more:
		case <-done:
			if len(w.acknowledged()) < n {
				w.mu.Lock()
				defer w.mu.Unlock()
				t.Fatalf("the writers stopped after %d reviews: %v", len(w.acked), w.errs)
			}
		}
	}
}

// acknowledged returns the reviews acknowledged so far.
func (w *reviewWriters) acknowledged() []ackedReview {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.acked)
}

// finish stops the writers and waits for them.
func (w *reviewWriters) finish() {
	close(w.stop)
	w.wg.Wait()
}

// serveDB runs starboard serve on db in this process and returns its origin and a stop that ends
// it (also at cleanup) and checks it exited 0.
func serveDB(t *testing.T, db string) (string, func()) {
	t.Helper()
	addr := "127.0.0.1:" + freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan error, 1)
	go func() {
		var stdout, stderr bytes.Buffer
		code := run(ctx, []string{"starboard", "serve", "--db", db, "--addr", addr}, strings.NewReader(""), &stdout,
			&stderr, func(string) string { return "" })
		if code != 0 {
			exited <- fmt.Errorf("exit %d: %s", code, stderr.String())
			return
		}
		exited <- nil
	}()
	waitReady(t, "http://"+addr+"/readyz", exited)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-exited; err != nil {
				t.Errorf("serve %s: %v", db, err)
			}
		})
	}
	t.Cleanup(stop)
	return "http://" + addr, stop
}

// getJSON GETs url into v and returns the status.
func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode == 200 {
		if err := json.Unmarshal(body, v); err != nil {
			t.Errorf("%s: %v", url, err)
		}
	}
	return res.StatusCode
}

// starsAgree checks that every item's star counts in the backup file match its reviews, which
// holds only if every table was read in one snapshot, and returns the number of reviews.
func starsAgree(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var bad, items, reviews int
	err = db.QueryRow(`SELECT
		(SELECT COUNT(*) FROM item_stats s WHERE
			n1 != (SELECT COUNT(*) FROM reviews r WHERE r.item_id = s.item_id AND r.rating = 1) OR
			n2 != (SELECT COUNT(*) FROM reviews r WHERE r.item_id = s.item_id AND r.rating = 2) OR
			n3 != (SELECT COUNT(*) FROM reviews r WHERE r.item_id = s.item_id AND r.rating = 3) OR
			n4 != (SELECT COUNT(*) FROM reviews r WHERE r.item_id = s.item_id AND r.rating = 4) OR
			n5 != (SELECT COUNT(*) FROM reviews r WHERE r.item_id = s.item_id AND r.rating = 5)),
		(SELECT COUNT(*) FROM items),
		(SELECT COUNT(*) FROM reviews)`).Scan(&bad, &items, &reviews)
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 || items == 0 {
		t.Errorf("backup: %d of %d items have star counts that differ from their reviews", bad, items)
	}
	return reviews
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
