package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

func TestMembers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		odd := store.User{Email: "under_score%@example.com", DisplayName: "Zoë", PasswordHash: "x"}
		if err := s.CreateUser(ctx, &odd); err != nil {
			t.Fatal(err)
		}
		for _, r := range []store.Review{{ItemID: f.item.ID, UserID: f.bob.ID, Rating: 4, Summary: "Good"},
			{ItemID: f.other.ID, UserID: f.bob.ID, Rating: 2, Summary: "Meh"}} {
			if err := s.CreateReview(ctx, &r); err != nil {
				t.Fatal(err)
			}
		}
		all, total, err := s.Members(ctx, store.MemberQuery{Limit: 10})
		if err != nil || total != 3 || len(all) != 3 {
			t.Fatalf("Members = %d of %d, %v", len(all), total, err)
		}
		if all[0].ID != f.alice.ID || all[1].ReviewCount != 2 || all[0].ReviewCount != 0 || all[1].Email != "bob@example.com" {
			t.Errorf("Members = %+v", all)
		}
		page2, total, _ := s.Members(ctx, store.MemberQuery{Limit: 2, Offset: 2})
		if total != 3 || len(page2) != 1 || page2[0].ID != odd.ID {
			t.Errorf("page 2 = %+v of %d", page2, total)
		}
		for search, want := range map[string][]int64{
			"ALICE":         {f.alice.ID},
			"bob":           {f.bob.ID},
			"example.com":   {f.alice.ID, f.bob.ID, odd.ID},
			"_":             {odd.ID}, // a literal underscore, not LIKE's any-character
			"%":             {odd.ID},
			"nobody":        nil,
			"  alice  ":     {f.alice.ID},
			"Zoë":           {odd.ID},
			`\`:             nil,
			"score%@":       {odd.ID},
			"alice@example": {f.alice.ID},
		} {
			got, n, err := s.Members(ctx, store.MemberQuery{Search: search, Limit: 10})
			if err != nil || n != len(want) || len(got) != len(want) {
				t.Errorf("search %q = %d rows of %d, %v; want %v", search, len(got), n, err, want)
				continue
			}
			for i := range want {
				if got[i].ID != want[i] {
					t.Errorf("search %q row %d = %d, want %d", search, i, got[i].ID, want[i])
				}
			}
		}
	})
}

func TestSetAdminAndDisabled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		user := func(id int64) store.User {
			t.Helper()
			u, err := s.User(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		// Alice is the only admin: she cannot be revoked or disabled.
		if err := s.SetAdmin(ctx, f.alice.ID, true); err != nil {
			t.Fatal(err)
		}
		v := user(f.alice.ID).SessionVersion
		if err := s.SetAdmin(ctx, f.alice.ID, true); err != nil || user(f.alice.ID).SessionVersion != v {
			t.Errorf("granting what is held: %v, sessions ended %v", err, user(f.alice.ID).SessionVersion != v)
		}
		if err := s.SetAdmin(ctx, f.alice.ID, false); !errors.Is(err, store.ErrLastAdmin) {
			t.Errorf("revoking the last admin = %v, want ErrLastAdmin", err)
		}
		if err := s.SetDisabled(ctx, f.alice.ID, true); !errors.Is(err, store.ErrLastAdmin) {
			t.Errorf("disabling the last admin = %v, want ErrLastAdmin", err)
		}
		if u := user(f.alice.ID); !u.IsAdmin || u.Disabled || u.SessionVersion != v {
			t.Errorf("a refused change changed %+v", u)
		}

		// Granting Bob ends his sessions; then Alice may go.
		bv := user(f.bob.ID).SessionVersion
		if err := s.SetAdmin(ctx, f.bob.ID, true); err != nil {
			t.Fatal(err)
		}
		if u := user(f.bob.ID); !u.IsAdmin || u.SessionVersion != bv+1 {
			t.Errorf("after grant: %+v, want admin with session version %d", u, bv+1)
		}
		if err := s.SetAdmin(ctx, f.alice.ID, false); err != nil {
			t.Fatal(err)
		}
		if u := user(f.alice.ID); u.IsAdmin || u.SessionVersion != v+1 {
			t.Errorf("after revoke: %+v", u)
		}
		// Disabling ends sessions; enabling keeps the account's flags otherwise.
		if err := s.SetDisabled(ctx, f.alice.ID, true); err != nil {
			t.Fatal(err)
		}
		if u := user(f.alice.ID); !u.Disabled || u.SessionVersion != v+2 {
			t.Errorf("after disable: %+v", u)
		}
		if err := s.SetDisabled(ctx, f.alice.ID, false); err != nil || user(f.alice.ID).Disabled {
			t.Errorf("enable: %v", err)
		}
		// A disabled admin does not count as the other admin.
		if err := s.SetAdmin(ctx, f.alice.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetDisabled(ctx, f.alice.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAdmin(ctx, f.bob.ID, false); !errors.Is(err, store.ErrLastAdmin) {
			t.Errorf("revoking the last active admin beside a disabled one = %v", err)
		}
		if err := s.SetAdmin(ctx, 999999, true); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown account = %v", err)
		}
		if err := s.SetDisabled(ctx, 999999, true); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown account = %v", err)
		}
	})
}

// Two admins revoking each other at once leave one admin, never none.
func TestAdminsRevokingEachOther(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		for range 5 {
			for _, id := range []int64{f.alice.ID, f.bob.ID} {
				if err := s.SetAdmin(ctx, id, true); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, id := range []int64{f.alice.ID, f.bob.ID} {
				wg.Go(func() {
					if i == 0 {
						errs[i] = s.SetAdmin(ctx, id, false)
					} else {
						errs[i] = s.SetDisabled(ctx, id, true)
					}
				})
			}
			wg.Wait()
			refused := 0
			for _, err := range errs {
				if errors.Is(err, store.ErrLastAdmin) {
					refused++
				} else if err != nil {
					t.Fatal(err)
				}
			}
			a, b := mustUser(t, s, f.alice.ID), mustUser(t, s, f.bob.ID)
			active := 0
			for _, u := range []store.User{a, b} {
				if u.IsAdmin && !u.Disabled {
					active++
				}
			}
			if refused != 1 || active != 1 {
				t.Fatalf("refused %d, active admins %d; want 1 and 1", refused, active)
			}
			if err := s.SetDisabled(ctx, f.bob.ID, false); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func mustUser(t *testing.T, s *store.Store, id int64) store.User {
	t.Helper()
	u, err := s.User(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
