package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

func TestEmailLinks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann := store.User{Email: "ann@example.com", DisplayName: "Ann", PasswordHash: "old"}
		if err := s.CreateUser(ctx, &ann); err != nil {
			t.Fatal(err)
		}
		at := time.Now()
		if ok, err := s.EmailVerified(ctx, ann.ID); err != nil || ok {
			t.Fatalf("a new account is verified: %v %v", ok, err)
		}
		reset := store.EmailLink{Purpose: store.LinkReset, UserID: ann.ID, Email: ann.Email, ExpiresAt: at.Add(time.Hour)}
		for _, h := range []string{"r1", "r2"} {
			if err := s.CreateEmailLink(ctx, h, reset); err != nil {
				t.Fatal(err)
			}
		}
		if l, err := s.FindEmailLink(ctx, "r1", store.LinkReset, at); err != nil || l.UserID != ann.ID || l.Email != ann.Email {
			t.Errorf("FindEmailLink = %+v, %v", l, err)
		}
		for _, tt := range []struct{ hash, purpose string }{{"r1", store.LinkVerify}, {"nope", store.LinkReset}, {"r1\x00", store.LinkReset}} {
			if _, err := s.FindEmailLink(ctx, tt.hash, tt.purpose, at); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("FindEmailLink(%q, %s) = %v, want ErrNotFound", tt.hash, tt.purpose, err)
			}
		}
		if _, err := s.ResetPassword(ctx, "r1", at.Add(time.Hour+time.Second), "new"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ResetPassword after expiry = %v", err)
		}
		u, err := s.ResetPassword(ctx, "r1", at, "new")
		if err != nil || u.PasswordHash != "new" || u.SessionVersion != ann.SessionVersion+1 {
			t.Fatalf("ResetPassword = %+v, %v", u, err)
		}
		if ok, _ := s.EmailVerified(ctx, ann.ID); !ok {
			t.Error("a used reset link leaves the address unverified")
		}
		// Single use, and the account's other reset links went with it.
		for _, h := range []string{"r1", "r2"} {
			if _, err := s.ResetPassword(ctx, h, at, "again"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("ResetPassword(%s) after a reset = %v", h, err)
			}
		}
		// A disabled account cannot be reset.
		if err := s.CreateEmailLink(ctx, "r3", reset); err != nil {
			t.Fatal(err)
		}
		if err := s.SetDisabled(ctx, ann.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResetPassword(ctx, "r3", at, "again"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ResetPassword of a disabled account = %v", err)
		}

		// A sign-up link creates the account, verified; twice is not found; a second sign-up link
		// to the same address is void once the first made the account.
		signup := store.EmailLink{Purpose: store.LinkSignup, Email: "Bob@Example.com", DisplayName: "Bob", PasswordHash: "bh", ExpiresAt: at.Add(time.Hour)}
		for _, h := range []string{"s1", "s2"} {
			if err := s.CreateEmailLink(ctx, h, signup); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.UserByEmail(ctx, "bob@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a sign-up link made an account before use: %v", err)
		}
		bob, err := s.CompleteSignup(ctx, "s1", at)
		if err != nil || bob.Email != "bob@example.com" || bob.DisplayName != "Bob" || bob.PasswordHash != "bh" {
			t.Fatalf("CompleteSignup = %+v, %v", bob, err)
		}
		if ok, _ := s.EmailVerified(ctx, bob.ID); !ok {
			t.Error("an account made by a sign-up link is unverified")
		}
		for _, h := range []string{"s1", "s2"} {
			if _, err := s.CompleteSignup(ctx, h, at); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("CompleteSignup(%s) again = %v", h, err)
			}
		}
		// A sign-up link for an address taken meanwhile is a conflict, and used up.
		if err := s.CreateEmailLink(ctx, "s3", store.EmailLink{Purpose: store.LinkSignup, Email: "cy@example.com", DisplayName: "Cy", PasswordHash: "c", ExpiresAt: at.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		cy := store.User{Email: "cy@example.com", DisplayName: "Cy", PasswordHash: "c"}
		if err := s.CreateUser(ctx, &cy); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CompleteSignup(ctx, "s3", at); !errors.Is(err, store.ErrConflict) {
			t.Errorf("CompleteSignup for a taken address = %v, want ErrConflict", err)
		}

		// A verification link verifies, once, while the address is the one it was sent to.
		if err := s.CreateEmailLink(ctx, "v1", store.EmailLink{Purpose: store.LinkVerify, UserID: cy.ID, Email: cy.Email, ExpiresAt: at.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyEmail(ctx, "v1", at.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("VerifyEmail after expiry = %v", err)
		}
		if u, err := s.VerifyEmail(ctx, "v1", at); err != nil || u.ID != cy.ID {
			t.Errorf("VerifyEmail = %+v, %v", u, err)
		}
		if ok, _ := s.EmailVerified(ctx, cy.ID); !ok {
			t.Error("VerifyEmail left the address unverified")
		}
		if _, err := s.VerifyEmail(ctx, "v1", at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("VerifyEmail twice = %v", err)
		}
		// Creating a link sweeps the expired ones; a link for no account is refused.
		if err := s.CreateEmailLink(ctx, "old", store.EmailLink{Purpose: store.LinkVerify, UserID: cy.ID, Email: cy.Email, ExpiresAt: at.Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateEmailLink(ctx, "new", store.EmailLink{Purpose: store.LinkVerify, UserID: cy.ID, Email: cy.Email, ExpiresAt: at.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FindEmailLink(ctx, "old", store.LinkVerify, at.Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an expired link outlived the next CreateEmailLink: %v", err)
		}
		if err := s.CreateEmailLink(ctx, "x", store.EmailLink{Purpose: store.LinkReset, UserID: 99999, Email: "x@example.com", ExpiresAt: at}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a link for no account = %v, want ErrNotFound", err)
		}
	})
}
