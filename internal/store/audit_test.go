package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// auditLog returns the whole log, newest first.
func auditLog(t *testing.T, s *store.Store, q store.AuditQuery) ([]store.AuditEntry, int) {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 100
	}
	entries, total, err := s.AuditLog(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return entries, total
}

func TestAuditInTheActionsTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		admin := store.ActorOf(f.alice)
		entry := func(action string, target store.AuditTarget, detail string) *store.AuditEntry {
			return &store.AuditEntry{Actor: admin, Action: action, Target: target, Detail: detail}
		}

		// A rename commits with its entry.
		c := f.cat
		c.Slug = "teletubbies"
		e := entry(store.ActionLineUpdate, store.AuditTarget{ID: c.ID, Label: "Tellytubbies (tubbies)"}, "slug tubbies → teletubbies")
		if err := s.Audited(ctx, e, func(tx *store.Tx) error { return tx.UpdateCategory(&c) }); err != nil {
			t.Fatal(err)
		}
		if e.ID == 0 || e.At.IsZero() || e.Target.Kind != store.TargetLine {
			t.Errorf("recorded entry %+v", e)
		}
		// A failed action leaves no entry: a taken slug, an unknown id.
		other := store.Category{Slug: "books", Name: "Books"}
		if err := s.CreateCategory(ctx, &other); err != nil {
			t.Fatal(err)
		}
		other.Slug = "teletubbies"
		err := s.Audited(ctx, entry(store.ActionLineUpdate, store.AuditTarget{ID: other.ID}, "slug books → teletubbies"),
			func(tx *store.Tx) error { return tx.UpdateCategory(&other) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("taken slug: %v, want ErrConflict", err)
		}
		err = s.Audited(ctx, entry(store.ActionItemDelete, store.AuditTarget{ID: 424242}, ""),
			func(tx *store.Tx) error { return tx.DeleteItem(424242) })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown item: %v, want ErrNotFound", err)
		}
		// An entry without an actor is refused, and takes its action with it.
		err = s.Audited(ctx, &store.AuditEntry{Action: store.ActionLineDelete}, func(tx *store.Tx) error { return tx.DeleteCategory(other.ID) })
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("entry without actor: %v, want ErrInvalid", err)
		}
		if _, err := s.Category(ctx, other.ID); err != nil {
			t.Errorf("the line went though its entry was refused: %v", err)
		}
		// A promotion that changes nothing is not recorded; one that does is.
		for _, want := range []bool{false, true} {
			err := s.Write(ctx, func(tx *store.Tx) error {
				changed, err := tx.SetAdmin(f.bob.ID, want)
				if err != nil || !changed {
					return err
				}
				return tx.Audit(entry(store.ActionMemberPromote, store.AuditTarget{ID: f.bob.ID, Label: "Bob"}, ""))
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// Revoking the last admin fails, with no entry.
		err = s.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.SetDisabled(f.bob.ID, true); err != nil {
				return err
			}
			return tx.Audit(entry(store.ActionMemberDisable, store.AuditTarget{ID: f.bob.ID}, ""))
		})
		if !errors.Is(err, store.ErrLastAdmin) {
			t.Errorf("disabling the last admin: %v", err)
		}

		entries, total := auditLog(t, s, store.AuditQuery{})
		if total != 2 || len(entries) != 2 || entries[0].Action != store.ActionMemberPromote || entries[1].ID != e.ID {
			t.Fatalf("log %+v (%d)", entries, total)
		}
		got := entries[1]
		if got.Actor != admin || got.Detail != "slug tubbies → teletubbies" || !got.At.Equal(e.At) ||
			got.Target != e.Target || !got.Now.Exists || got.Now.Slug != "teletubbies" {
			t.Errorf("entry read back %+v, want %+v", got, e)
		}
		if now := entries[0].Now; !now.Exists || now.Email != "bob@example.com" {
			t.Errorf("member target now %+v", now)
		}
	})
}

func TestAuditOutlivesActorAndTarget(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		r := store.Review{ItemID: f.item.ID, UserID: f.bob.ID, Rating: 2, Summary: "Too red"}
		if err := s.CreateReview(ctx, &r); err != nil {
			t.Fatal(err)
		}
		alice := store.ActorOf(f.alice)
		for _, a := range []struct {
			action string
			target store.AuditTarget
			do     func(tx *store.Tx) error
		}{
			{store.ActionReviewRemove, store.AuditTarget{ID: r.ID, Label: "Bob's review of Po"}, func(tx *store.Tx) error { return tx.RemoveReview(r.ID) }},
			{store.ActionItemDelete, store.AuditTarget{ID: f.other.ID, Label: "Dipsy"}, func(tx *store.Tx) error { return tx.DeleteItem(f.other.ID) }},
		} {
			if err := s.Audited(ctx, &store.AuditEntry{Actor: alice, Action: a.action, Target: a.target}, a.do); err != nil {
				t.Fatal(err)
			}
		}
		cli := store.AuditEntry{Actor: store.CommandLine, Action: store.ActionMemberCreate}
		u := store.User{Email: "carol@example.com", DisplayName: "Carol", PasswordHash: "x", IsAdmin: true}
		if err := s.Audited(ctx, &cli, func(tx *store.Tx) error {
			if err := tx.CreateUser(&u); err != nil {
				return err
			}
			cli.Target = store.AuditTarget{ID: u.ID, Label: "Carol <carol@example.com>"}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUser(ctx, f.alice.ID); err != nil {
			t.Fatal(err)
		}
		entries, total := auditLog(t, s, store.AuditQuery{})
		if total != 3 {
			t.Fatalf("%d entries, want 3", total)
		}
		if e := entries[0]; e.Actor != store.CommandLine || e.Target.Label != "Carol <carol@example.com>" || !e.Now.Exists {
			t.Errorf("command-line entry %+v", e)
		}
		for _, e := range entries[1:] {
			if e.Actor.ID != 0 || e.Actor.Name != "Alice" || e.Actor.Email != "alice@example.com" || e.Now.Exists {
				t.Errorf("entry after its actor and target went: %+v", e)
			}
		}
		// Filters: by action, by actor as captured (the command line's email is "").
		if got, n := auditLog(t, s, store.AuditQuery{Action: store.ActionItemDelete}); n != 1 || got[0].Target.Label != "Dipsy" {
			t.Errorf("by action: %+v", got)
		}
		if got, n := auditLog(t, s, store.AuditQuery{ByActor: true, ActorEmail: "alice@example.com"}); n != 2 || len(got) != 2 {
			t.Errorf("by actor: %d %+v", n, got)
		}
		if got, n := auditLog(t, s, store.AuditQuery{ByActor: true}); n != 1 || got[0].Actor != store.CommandLine {
			t.Errorf("by the command line: %+v", got)
		}
		// Paging: newest first.
		page2, n := auditLog(t, s, store.AuditQuery{Limit: 2, Offset: 2})
		if n != 3 || len(page2) != 1 || page2[0].Action != store.ActionReviewRemove {
			t.Errorf("page 2: %+v", page2)
		}
		actions, actors, err := s.AuditFilters(ctx)
		if err != nil || len(actions) != 3 || actions[0] != store.ActionItemDelete || len(actors) != 2 ||
			actors[0] != store.CommandLine || actors[1].Email != "alice@example.com" {
			t.Errorf("filters %v %+v %v", actions, actors, err)
		}
	})
}
