package session

import (
	"context"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// TestStoreKeepsMember drives the scs store adapter directly: a committed session is found
// again, with the account its own bytes name when the context asks for it, and is gone after
// Delete.
func TestStoreKeepsMember(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := store.User{Email: "ann@example.com", DisplayName: "ann", PasswordHash: "!"}
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		st := dbStore{s}
		b, err := codec{}.Encode(time.Now().Add(time.Hour), map[string]any{UserID: u.ID, Version: u.SessionVersion})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CommitCtx(ctx, "tok", b, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}

		data, ok, err := st.FindCtx(ctx, "tok")
		if err != nil || !ok || string(data) != string(b) {
			t.Fatalf("Find = %q, %v, %v; want the committed bytes", data, ok, err)
		}
		if Member(ctx, u.ID) != nil {
			t.Error("Member without WithMember returned an account")
		}
		mctx := WithMember(ctx)
		if _, ok, err := st.FindCtx(mctx, "tok"); err != nil || !ok {
			t.Fatalf("Find with member = %v, %v", ok, err)
		}
		if m := Member(mctx, u.ID); m == nil || m.Email != u.Email {
			t.Errorf("Member = %+v, want %s", m, u.Email)
		}
		if m := Member(mctx, u.ID+1); m != nil {
			t.Errorf("Member for another id = %+v, want nil", m)
		}

		if err := st.DeleteCtx(ctx, "tok"); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := st.FindCtx(ctx, "tok"); err != nil || ok {
			t.Errorf("Find after Delete = %v, %v; want not found", ok, err)
		}
	})
}
