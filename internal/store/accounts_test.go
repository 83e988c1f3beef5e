package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// TestSetupTokens: a setup token works only while the site has no admin and only while fresh;
// the first admin made with one uses up every one; a taken email is a conflict and uses up
// nothing.
func TestSetupTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Now().UTC()
		since := t0.Add(-time.Hour)
		newFixture(t, s) // alice and bob, members
		if has, err := s.HasAdmin(ctx); err != nil || has {
			t.Fatalf("HasAdmin on a site of members = %v, %v", has, err)
		}
		for _, tok := range []struct {
			hash string
			at   time.Time
		}{{"old", t0.Add(-2 * time.Hour)}, {"one", t0}, {"two", t0}} {
			if made, err := s.CreateSetupToken(ctx, tok.hash, tok.at, since); err != nil || !made {
				t.Fatalf("CreateSetupToken(%s) = %v, %v", tok.hash, made, err)
			}
		}
		for hash, want := range map[string]bool{"old": false, "one": true, "two": true, "none": false, "bad\x00": false} {
			if ok, err := s.SetupTokenValid(ctx, hash, since); err != nil || ok != want {
				t.Errorf("SetupTokenValid(%q) = %v, %v; want %v", hash, ok, err, want)
			}
		}
		taken := store.User{Email: "ALICE@example.com", DisplayName: "Alice", PasswordHash: "x"}
		if err := s.CreateFirstAdmin(ctx, "one", since, &taken); !errors.Is(err, store.ErrConflict) {
			t.Errorf("first admin with a taken email: %v, want ErrConflict", err)
		}
		stale := store.User{Email: "stale@example.com", DisplayName: "Stale", PasswordHash: "x"}
		if err := s.CreateFirstAdmin(ctx, "old", since, &stale); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("first admin with a stale token: %v, want ErrNotFound", err)
		}
		boss := store.User{Email: "Boss@example.com", DisplayName: "Boss", PasswordHash: "x"}
		if err := s.CreateFirstAdmin(ctx, "one", since, &boss); err != nil {
			t.Fatal(err)
		}
		if u, err := s.User(ctx, boss.ID); err != nil || !u.IsAdmin || u.Email != "boss@example.com" || u.SessionVersion != 1 {
			t.Errorf("first admin stored as %+v, %v", u, err)
		}
		again := store.User{Email: "again@example.com", DisplayName: "Again", PasswordHash: "x"}
		for _, hash := range []string{"one", "two"} {
			if err := s.CreateFirstAdmin(ctx, hash, since, &again); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("token %s after the first admin: %v, want ErrNotFound", hash, err)
			}
			if ok, _ := s.SetupTokenValid(ctx, hash, since); ok {
				t.Errorf("token %s still valid after the first admin", hash)
			}
		}
		if made, err := s.CreateSetupToken(ctx, "three", t0, since); err != nil || made {
			t.Errorf("CreateSetupToken with an admin = %v, %v; want none made", made, err)
		}
		if has, _ := s.HasAdmin(ctx); !has {
			t.Error("HasAdmin false after the first admin")
		}
	})
}

// Two setups at once, with two tokens, make one admin.
func TestCreateFirstAdminRace(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now()
		const n = 6
		for i := range n {
			if _, err := s.CreateSetupToken(ctx, fmt.Sprint("token", i), now, now.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				u := store.User{Email: fmt.Sprintf("racer%d@example.com", i), DisplayName: "Racer", PasswordHash: "x"}
				errs <- s.CreateFirstAdmin(ctx, fmt.Sprint("token", i), now.Add(-time.Hour), &u)
			})
		}
		wg.Wait()
		close(errs)
		made := 0
		for err := range errs {
			switch {
			case err == nil:
				made++
			case !errors.Is(err, store.ErrNotFound):
				t.Error(err)
			}
		}
		users, err := s.Users(ctx)
		if err != nil || made != 1 || len(users) != 1 || !users[0].IsAdmin {
			t.Errorf("%d setups succeeded, %d accounts (%v); want one admin", made, len(users), err)
		}
	})
}

// SiteKey stores the first secret offered and returns it ever after.
func TestSiteKey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		first, err := s.SiteKey(ctx, "device-cookie", "first")
		if err != nil || first != "first" {
			t.Fatalf("SiteKey = %q, %v", first, err)
		}
		if again, err := s.SiteKey(ctx, "device-cookie", "second"); err != nil || again != "first" {
			t.Errorf("SiteKey again = %q, %v; want the first", again, err)
		}
		if other, _ := s.SiteKey(ctx, "other", "second"); other != "second" {
			t.Errorf("another name = %q", other)
		}
	})
}

func TestSetDisplayNameAndPassword(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		if err := s.SetDisplayName(ctx, f.alice.ID, "Alice B."); err != nil {
			t.Fatal(err)
		}
		if err := s.SetDisplayName(ctx, 999999, "Nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetDisplayName of nobody: %v", err)
		}
		v, err := s.SetPassword(ctx, f.alice.ID, "new-hash", false)
		if err != nil || v != 2 {
			t.Fatalf("SetPassword = %d, %v; want version 2", v, err)
		}
		u, _ := s.User(ctx, f.alice.ID)
		if u.DisplayName != "Alice B." || u.PasswordHash != "new-hash" || u.SessionVersion != 2 {
			t.Errorf("after changes: %+v", u)
		}
		if _, err := s.SetPassword(ctx, 999999, "h", true); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetPassword of nobody: %v", err)
		}
		// A rehash replaces only the hash it was computed from, and keeps sessions.
		if err := s.RehashPassword(ctx, f.alice.ID, "stale-hash", "rehashed"); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.User(ctx, f.alice.ID); u.PasswordHash != "new-hash" {
			t.Errorf("rehash from a stale hash replaced it: %q", u.PasswordHash)
		}
		if err := s.RehashPassword(ctx, f.alice.ID, "new-hash", "rehashed"); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.User(ctx, f.alice.ID); u.PasswordHash != "rehashed" || u.SessionVersion != 2 {
			t.Errorf("after rehash: %q, version %d", u.PasswordHash, u.SessionVersion)
		}
	})
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a1 := store.APIToken{UserID: f.alice.ID, Name: "laptop", Hash: "hash-a1"}
		a2 := store.APIToken{UserID: f.alice.ID, Name: "ci", Hash: "hash-a2"}
		b1 := store.APIToken{UserID: f.bob.ID, Name: "bob's", Hash: "hash-b1"}
		for _, tok := range []*store.APIToken{&a1, &a2, &b1} {
			if err := s.CreateAPIToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		dup := store.APIToken{UserID: f.bob.ID, Name: "dup", Hash: "hash-a1"}
		if err := s.CreateAPIToken(ctx, &dup); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate hash: %v, want ErrConflict", err)
		}
		ghost := store.APIToken{UserID: 999999, Name: "ghost", Hash: "hash-ghost"}
		if err := s.CreateAPIToken(ctx, &ghost); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token of nobody: %v, want ErrNotFound", err)
		}
		list, err := s.APITokens(ctx, f.alice.ID)
		if err != nil || len(list) != 2 || list[0].ID != a2.ID || list[1].Name != "laptop" || list[0].LastUsedAt != nil {
			t.Errorf("APITokens(alice) = %+v, %v", list, err)
		}

		u, tok, err := s.UserByAPIToken(ctx, "hash-b1")
		if err != nil || u.ID != f.bob.ID || u.Email != "bob@example.com" || tok.ID != b1.ID || tok.Name != "bob's" {
			t.Errorf("UserByAPIToken = %+v, %+v, %v", u, tok, err)
		}
		if _, _, err := s.UserByAPIToken(ctx, "no-such-hash"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown hash: %v", err)
		}

		// Touching records the time, at most once per interval.
		t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		for _, at := range []time.Time{t0, t0.Add(30 * time.Second)} {
			if err := s.TouchAPIToken(ctx, b1.ID, at); err != nil {
				t.Fatal(err)
			}
		}
		if _, tok, _ := s.UserByAPIToken(ctx, "hash-b1"); tok.LastUsedAt == nil || !tok.LastUsedAt.Equal(t0) {
			t.Errorf("last used %v, want %v (the second touch within a minute skipped)", tok.LastUsedAt, t0)
		}
		if err := s.TouchAPIToken(ctx, b1.ID, t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, tok, _ := s.UserByAPIToken(ctx, "hash-b1"); tok.LastUsedAt == nil || !tok.LastUsedAt.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("last used %v, want %v", tok.LastUsedAt, t0.Add(2*time.Minute))
		}

		// Only the owner can revoke, and another member's token looks missing.
		if err := s.DeleteAPIToken(ctx, b1.ID, f.alice.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("alice revoking bob's token: %v, want ErrNotFound", err)
		}
		if _, _, err := s.UserByAPIToken(ctx, "hash-b1"); err != nil {
			t.Errorf("bob's token gone after alice's attempt: %v", err)
		}
		if err := s.DeleteAPIToken(ctx, b1.ID, f.bob.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UserByAPIToken(ctx, "hash-b1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoked token still found: %v", err)
		}
		if err := s.DeleteAPIToken(ctx, b1.ID, f.bob.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoking twice: %v", err)
		}
	})
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		window := 5 * time.Minute
		for i := int64(1); i <= 3; i++ {
			got, err := s.HitRateLimits(ctx, t0.Add(time.Duration(i)*time.Second), window, "login:ip:1", "login:account:a")
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range got {
				if w.Hits != i || !w.Start.Equal(t0.Add(time.Second)) {
					t.Errorf("hit %d: %+v, want %d hits since %v", i, w, i, t0.Add(time.Second))
				}
			}
		}
		// Another key counts apart.
		if got, _ := s.HitRateLimits(ctx, t0, window, "signup:ip:1"); len(got) != 1 || got[0].Hits != 1 || got[0].Key != "signup:ip:1" {
			t.Errorf("other key: %+v", got)
		}
		// After the window a new one starts.
		later := t0.Add(time.Second + window)
		got, err := s.HitRateLimits(ctx, later, window, "login:ip:1")
		if err != nil || got[0].Hits != 1 || !got[0].Start.Equal(later) {
			t.Errorf("after the window: %+v, %v; want 1 hit since %v", got, err, later)
		}
		if err := s.UndoRateLimitHit(ctx, "login:ip:1"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.HitRateLimits(ctx, later, window, "login:ip:1"); got[0].Hits != 1 {
			t.Errorf("hit, undo, hit: %d hits, want 1", got[0].Hits)
		}
		if err := s.UndoRateLimitHit(ctx, "no-such-key"); err != nil {
			t.Errorf("undo on a missing key: %v", err)
		}
		if err := s.ClearRateLimit(ctx, "login:account:a"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.HitRateLimits(ctx, t0.Add(4*time.Second), window, "login:account:a"); got[0].Hits != 1 {
			t.Errorf("after clearing: %+v", got)
		}
		n, err := s.DeleteStaleRateLimits(ctx, t0.Add(time.Minute))
		if err != nil || n != 2 { // signup:ip:1 and login:account:a began before; login:ip:1 after
			t.Errorf("DeleteStaleRateLimits = %d, %v; want 2", n, err)
		}
	})
}

// Concurrent hits on one key all count: the upsert is atomic.
func TestRateLimitsConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		at := time.Now()
		const n = 20
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				if _, err := s.HitRateLimits(ctx, at, time.Minute, "k"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := s.HitRateLimits(ctx, at, time.Minute, "k")
		if err != nil || got[0].Hits != n+1 {
			t.Errorf("after %d concurrent hits: %+v, %v", n, got, err)
		}
	})
}

// TestSessionAndUser: a session is read with the account it was saved for, as that account is
// now (a disabled account shows disabled); a signed-out, expired, unknown or ended session has no
// account.
func TestSessionAndUser(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		later := time.Now().Add(time.Hour)
		if err := s.SessionCommit(ctx, "signed-in", []byte("alice's"), later, f.alice.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.SessionCommit(ctx, "signed-out", []byte("nobody's"), later, 0); err != nil {
			t.Fatal(err)
		}
		if err := s.SessionCommit(ctx, "expired", []byte("bob's"), time.Now().Add(-time.Second), f.bob.ID); err != nil {
			t.Fatal(err)
		}
		want, err := s.User(ctx, f.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		data, u, ok, err := s.SessionAndUser(ctx, "signed-in")
		if err != nil || !ok || string(data) != "alice's" || u == nil || *u != want {
			t.Fatalf("signed-in session: %q %+v %v %v, want %+v", data, u, ok, err, want)
		}
		if data, u, ok, err := s.SessionAndUser(ctx, "signed-out"); err != nil || !ok || string(data) != "nobody's" || u != nil {
			t.Errorf("signed-out session: %q %+v %v %v", data, u, ok, err)
		}
		for _, token := range []string{"expired", "unknown", ""} {
			if _, u, ok, err := s.SessionAndUser(ctx, token); err != nil || ok || u != nil {
				t.Errorf("session %q: %+v %v %v, want none", token, u, ok, err)
			}
		}

		// The account is read as it is now, not as it was when the session was saved.
		if err := s.SetDisabled(ctx, f.alice.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, u, ok, err := s.SessionAndUser(ctx, "signed-in"); ok && (err != nil || u == nil || !u.Disabled) {
			t.Errorf("after disabling: %+v %v %v", u, ok, err)
		}

		// Saving it again signed out forgets the account.
		if err := s.SessionCommit(ctx, "signed-in", []byte("signed out now"), later, 0); err != nil {
			t.Fatal(err)
		}
		if data, u, ok, err := s.SessionAndUser(ctx, "signed-in"); err != nil || !ok || string(data) != "signed out now" || u != nil {
			t.Errorf("saved signed out: %q %+v %v %v", data, u, ok, err)
		}
	})
}
