package store_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/demo"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// demoRows returns the demo's members, its first line's items and three reviews of the first.
func demoRows(t *testing.T, s *store.Store) ([]store.User, []store.Item, []store.Review) {
	t.Helper()
	ctx := context.Background()
	users, err := s.Users(ctx)
	if err != nil || len(users) < 3 {
		t.Fatalf("users: %d, %v", len(users), err)
	}
	// By the line's stamp, which reads only columns every schema since migration 00009 has: the
	// migration tests seed older schemas.
	books, err := s.CategoryVersion(ctx, "books")
	if err != nil {
		t.Fatal(err)
	}
	items, _ := s.ItemsByCategory(ctx, books.ID)
	reviews, err := s.Reviews(ctx, store.ReviewQuery{ItemID: items[0].ID, Limit: 3})
	if err != nil || len(reviews) < 2 {
		t.Fatalf("reviews: %d, %v", len(reviews), err)
	}
	return users, items, reviews
}

// seedExtras adds what the demo lacks: helpful votes, API tokens (one never used, so a NULL
// time), stored idempotent answers, and sessions with nanosecond expiries and text keys whose
// byte order differs from a locale's.
func seedExtras(t *testing.T, s *store.Store, opt store.Options) {
	t.Helper()
	ctx := context.Background()
	users, _, reviews := demoRows(t, s)
	for _, r := range reviews {
		if err := s.MarkHelpful(ctx, r.ID, users[2].ID); err != nil {
			t.Fatal(err)
		}
	}
	expiry := time.Date(2031, 5, 6, 7, 8, 9, 123456789, time.UTC)
	for _, token := range []string{"b-token", "B-token", "a_token", "Ä-token"} {
		if err := s.SessionCommit(ctx, token, []byte("data of "+token), expiry, users[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SessionCommit(ctx, "empty", []byte{}, expiry, 0); err != nil {
		t.Fatal(err)
	}
	// No store method writes these two tables yet, so the test writes them itself.
	driver, dsn := "pgx", opt.DSN
	if opt.Dialect == store.SQLite {
		driver, dsn = "sqlite", opt.DSN+"?_pragma=foreign_keys(1)&_time_format=sqlite"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 1, 2, 3, 4, 5, 678901000, time.UTC)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO api_tokens (user_id, name, token_hash, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5)`,
			[]any{users[0].ID, "laptop", "hash-1", at, at.Add(time.Hour)}},
		{`INSERT INTO api_tokens (user_id, name, token_hash, created_at, last_used_at) VALUES ($1, $2, $3, $4, NULL)`,
			[]any{users[1].ID, "never used", "hash-2", at}},
		{`INSERT INTO idempotency_keys (user_id, key, request, status, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			[]any{users[0].ID, "k-1", "POST /api/v1/items/1/reviews", 201, `{"id":1}`, at}},
	} {
		if _, err := db.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
}

// seedReports reports two of the first line's first item's reviews, and dismisses the reports of
// one (so dismissed_at is both NULL and set).
func seedReports(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	users, items, reviews := demoRows(t, s)
	for _, u := range users[:2] {
		if u.ID == reviews[0].UserID {
			continue
		}
		rep := store.Report{ReviewID: reviews[0].ID, UserID: u.ID, Reason: store.ReasonOffTopic, Note: "Not about " + items[0].Name}
		if err := s.ReportReview(ctx, &rep); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.DismissReports(ctx, reviews[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, u := range users[:3] {
		if u.ID != reviews[1].UserID {
			if err := s.ReportReview(ctx, &store.Report{ReviewID: reviews[1].ID, UserID: u.ID, Reason: store.ReasonSpam}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// seedAudit adds two audit entries: one by an account (actor_id set), one from the command line
// (NULL).
func seedAudit(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	users, err := s.Users(ctx)
	if err != nil || len(users) < 2 {
		t.Fatalf("users: %d, %v", len(users), err)
	}
	for _, e := range []store.AuditEntry{
		{Actor: store.ActorOf(users[0]), Action: store.ActionReviewRemove, Target: store.AuditTarget{ID: 424242, Label: "a review"},
			Detail: "2 stars, “Ça va” → ✗"},
		{Actor: store.CommandLine, Action: store.ActionMemberCreate, Target: store.AuditTarget{ID: users[1].ID, Label: users[1].Email}},
	} {
		if err := s.Audit(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
}

// seedPicture adds a picture to the first line's first item, its bytes every byte value.
func seedPicture(t *testing.T, s *store.Store) {
	t.Helper()
	_, items, _ := demoRows(t, s)
	p := testPicture(items[0].ID, "Ça, from the front")
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	p.Files[0].Bytes = all
	addPicture(t, s, &p)
}

func copyOK(t *testing.T, from, to *store.Store, opt store.CopyOptions) store.CopyReport {
	t.Helper()
	rep, err := store.Copy(context.Background(), from, to, opt)
	if err != nil {
		t.Fatalf("copy %s → %s: %v\n%+v", from.Dialect(), to.Dialect(), err, rep.Tables)
	}
	for _, c := range rep.Tables {
		if !c.OK() || len(c.SourceSum) != 64 {
			t.Errorf("%s: %+v", c.Table, c)
		}
	}
	return rep
}

func sums(rep store.CopyReport) map[string]string {
	out := map[string]string{}
	for _, c := range rep.Tables {
		out[c.Table] = c.SourceSum
	}
	return out
}

// TestCopyRoundTrip copies SQLite → PostgreSQL → SQLite and wants every table identical at each
// step, ids and times kept, and the target's id sequences past the copied ids.
func TestCopyRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	liteOpt := storetest.Options(t, store.SQLite)
	lite := openMigrated(t, liteOpt)
	if _, err := demo.Load(ctx, lite, demo.Size{}, false, nil); err != nil {
		t.Fatal(err)
	}
	seedExtras(t, lite, liteOpt)
	seedReports(t, lite)
	seedAudit(t, lite)
	seedPicture(t, lite)
	renamed := renameFirst(t, lite)
	pg := storetest.Open(t, store.Postgres)
	back := storetest.Open(t, store.SQLite)

	var steps []store.CopyProgress
	first := copyOK(t, lite, pg, store.CopyOptions{Sessions: true, Progress: func(p store.CopyProgress) { steps = append(steps, p) }})
	second := copyOK(t, pg, back, store.CopyOptions{Sessions: true})

	want := []string{"categories", "category_versions", "items", "item_stats", "item_pictures", "picture_files", "category_redirects", "item_redirects", "users", "reviews", "helpful_votes", "review_reports",
		"api_tokens", "idempotency_keys", "admin_log", "sessions"}
	var got []string
	for _, c := range first.Tables {
		got = append(got, c.Table)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tables copied %v, want %v", got, want)
	}
	if !reflect.DeepEqual(sums(first), sums(second)) {
		t.Errorf("checksums changed on the way back:\n%v\n%v", sums(first), sums(second))
	}
	counts := map[string]int64{}
	for _, c := range first.Tables {
		counts[c.Table] = c.SourceRows
	}
	if counts["reviews"] < 300 || counts["sessions"] != 5 || counts["api_tokens"] != 2 || counts["helpful_votes"] < 2 ||
		counts["idempotency_keys"] != 1 || counts["item_stats"] != 15 || counts["review_reports"] < 3 || counts["admin_log"] != 2 ||
		counts["item_pictures"] < 1 || counts["picture_files"] < 2 {
		t.Errorf("row counts %v", counts)
	}
	var skipped []string
	for _, sk := range first.Skipped {
		skipped = append(skipped, sk.Table)
	}
	if !reflect.DeepEqual(skipped, []string{"email_links", "rate_limits", "setup_tokens", "site_keys"}) {
		t.Errorf("skipped %+v, want only the transient tables", first.Skipped)
	}
	if last := steps[len(steps)-1]; last.Step != "verify" || last.Table != "sessions" || last.Done != 5 || last.Total != 5 {
		t.Errorf("last progress %+v", last)
	}

	// A few rows, field by field, through the store's own reads.
	for _, s := range []*store.Store{pg, back} {
		cats, err := s.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantCats, _ := lite.Categories(ctx)
		if !reflect.DeepEqual(cats, wantCats) {
			t.Errorf("%s categories:\n%+v\nwant\n%+v", s.Dialect(), cats, wantCats)
		}
		for _, c := range wantCats {
			items, _ := s.ItemsByCategory(ctx, c.ID)
			wantItems, _ := lite.ItemsByCategory(ctx, c.ID)
			if !reflect.DeepEqual(items, wantItems) {
				t.Errorf("%s items of %s:\n%+v\nwant\n%+v", s.Dialect(), c.Slug, items, wantItems)
			}
			q := store.ReviewQuery{ItemID: wantItems[0].ID, Sort: store.SortHelpful, Limit: 100}
			reviews, _ := s.Reviews(ctx, q)
			wantReviews, _ := lite.Reviews(ctx, q)
			if len(reviews) == 0 || !reflect.DeepEqual(reviews, wantReviews) {
				t.Errorf("%s reviews of %s:\n%+v\nwant\n%+v", s.Dialect(), wantItems[0].Slug, reviews, wantReviews)
			}
		}
		users, _ := s.Users(ctx)
		wantUsers, _ := lite.Users(ctx)
		if !reflect.DeepEqual(users, wantUsers) {
			t.Errorf("%s users differ", s.Dialect())
		}
		if data, u, ok, err := s.SessionAndUser(ctx, "Ä-token"); err != nil || !ok || string(data) != "data of Ä-token" ||
			u == nil || !reflect.DeepEqual(*u, wantUsers[0]) {
			t.Errorf("%s session: %q %+v %v %v", s.Dialect(), data, u, ok, err)
		}
		if data, ok, err := s.SessionFind(ctx, "empty"); err != nil || !ok || len(data) != 0 {
			t.Errorf("%s empty session: %q %v %v", s.Dialect(), data, ok, err)
		}
		queue, n, err := s.ReportQueue(ctx, 10, 0)
		wantQueue, wantN, _ := lite.ReportQueue(ctx, 10, 0)
		if err != nil || n != 1 || n != wantN || !reflect.DeepEqual(queue, wantQueue) {
			t.Errorf("%s report queue (%d, %v):\n%+v\nwant (%d)\n%+v", s.Dialect(), n, err, queue, wantN, wantQueue)
		}
		wantMoved(t, s, renamed[0], renamed[1], renamed[2], renamed[3])
		logQ := store.AuditQuery{Limit: 10}
		log, n, err := s.AuditLog(ctx, logQ)
		wantLog, _, _ := lite.AuditLog(ctx, logQ)
		if err != nil || n != 2 || !reflect.DeepEqual(log, wantLog) {
			t.Errorf("%s audit log (%d, %v):\n%+v\nwant\n%+v", s.Dialect(), n, err, log, wantLog)
		}
		if drift, err := s.StatsDrift(ctx); err != nil || len(drift) > 0 {
			t.Errorf("%s stats drift %v %v", s.Dialect(), drift, err)
		}

		// New rows get ids past the copied ones.
		c := store.Category{Slug: "new-line", Name: "New"}
		if err := s.CreateCategory(ctx, &c); err != nil || c.ID <= wantCats[len(wantCats)-1].ID {
			t.Errorf("%s: new category id %d after copy: %v", s.Dialect(), c.ID, err)
		}
		it := store.Item{CategoryID: c.ID, Slug: "thing", Name: "Thing"}
		if err := s.CreateItem(ctx, &it); err != nil {
			t.Errorf("%s: new item after copy: %v", s.Dialect(), err)
		}
		u := store.User{Email: "new@example.com", DisplayName: "New", PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u); err != nil || u.ID <= wantUsers[len(wantUsers)-1].ID {
			t.Errorf("%s: new user id %d after copy: %v", s.Dialect(), u.ID, err)
		}
		e := store.AuditEntry{Actor: store.CommandLine, Action: store.ActionLineCreate, Target: store.AuditTarget{ID: c.ID}}
		if err := s.Audit(ctx, &e); err != nil || e.ID <= wantLog[0].ID {
			t.Errorf("%s: new audit entry id %d after copy: %v", s.Dialect(), e.ID, err)
		}
		r := store.Review{ItemID: it.ID, UserID: u.ID, Rating: 4, Summary: "Fine thing"}
		if err := s.CreateReview(ctx, &r); err != nil || r.ID <= int64(counts["reviews"]) {
			t.Errorf("%s: new review id %d after copy: %v", s.Dialect(), r.ID, err)
		}
	}
}

// TestCopyRefusesNonEmptyTarget wants a target with any row left alone without Force, and
// replaced with it.
func TestCopyRefusesNonEmptyTarget(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := storetest.Open(t, store.SQLite)
	if _, err := demo.Load(ctx, src, demo.Size{}, false, nil); err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, dst *store.Store) {
		// Only a session: every table counts, not just the catalog.
		if err := dst.SessionCommit(ctx, "old", []byte("x"), time.Now().Add(time.Hour), 0); err != nil {
			t.Fatal(err)
		}
		_, err := store.Copy(ctx, src, dst, store.CopyOptions{})
		if !errors.Is(err, store.ErrNotEmpty) {
			t.Fatalf("copy onto a target with a session: %v, want ErrNotEmpty", err)
		}
		if empty, _ := dst.IsEmpty(ctx); !empty {
			t.Error("refused copy wrote rows")
		}
		dup := store.Category{Slug: "ipads", Name: "Clash"}
		if err := dst.CreateCategory(ctx, &dup); err != nil {
			t.Fatal(err)
		}
		_, err = store.Copy(ctx, src, dst, store.CopyOptions{})
		if !errors.Is(err, store.ErrNotEmpty) {
			t.Fatalf("second copy: %v, want ErrNotEmpty", err)
		}
		if c, err := dst.CategoryBySlug(ctx, "ipads"); err != nil || c.Name != "Clash" {
			t.Errorf("target changed: %+v %v", c, err)
		}

		rep := copyOK(t, src, dst, store.CopyOptions{Force: true})
		if c, err := dst.CategoryBySlug(ctx, "ipads"); err != nil || c.Name != "iPads" {
			t.Errorf("after --force: %+v %v", c, err)
		}
		if _, ok, _ := dst.SessionFind(ctx, "old"); ok {
			t.Error("after --force the old session is still there")
		}
		if rep.Rows < 300 {
			t.Errorf("rows copied %d", rep.Rows)
		}
	})
}

// TestCopyEmptyDatabases proves Copy knows every table and column the migrations make: a new
// migration must add its columns to the copy's list, or this fails naming them.
func TestCopyEmptyDatabases(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, dst *store.Store) {
		rep := copyOK(t, storetest.Open(t, store.SQLite), dst, store.CopyOptions{})
		if rep.Rows != 0 || len(rep.Tables) != 15 {
			t.Errorf("report %+v", rep)
		}
	})
}

// TestCopyRefusesOtherSchema wants a database that was never migrated refused, naming tables.
func TestCopyRefusesOtherSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opt := storetest.Options(t, store.SQLite)
	bare, err := store.Open(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	_, err = store.Copy(ctx, bare, storetest.Open(t, store.SQLite), store.CopyOptions{})
	if !errors.Is(err, store.ErrSchemaMismatch) || !strings.Contains(err.Error(), "table reviews is missing") {
		t.Errorf("copy from an unmigrated database: %v", err)
	}
}

func openMigrated(t *testing.T, opt store.Options) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background(), discard); err != nil {
		t.Fatal(err)
	}
	return s
}

// renameFirst renames the first line and its first item, and returns their old and new slugs.
func renameFirst(t *testing.T, s *store.Store) [4]string {
	t.Helper()
	ctx := context.Background()
	cats, err := s.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	items, err := s.ItemsByCategory(ctx, cats[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	c, it := cats[0], items[0]
	out := [4]string{c.Slug, it.Slug, c.Slug + "-renamed", it.Slug + "-renamed"}
	c.Slug, it.Slug = out[2], out[3]
	if err := s.UpdateCategory(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateItem(ctx, &it); err != nil {
		t.Fatal(err)
	}
	return out
}

// A target that only made its setup address and counted a sign-in (serve ran on it before the
// copy) holds no data: the copy goes ahead without Force.
func TestCopyOntoTargetWithOnlyTransientRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := storetest.Open(t, store.SQLite)
	if _, err := demo.Load(ctx, src, demo.Size{}, false, nil); err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, dst *store.Store) {
		now := time.Now()
		if _, err := dst.CreateSetupToken(ctx, "hash", now, now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := dst.HitRateLimits(ctx, now, time.Minute, "login:ip:192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		copyOK(t, src, dst, store.CopyOptions{})
	})
}
