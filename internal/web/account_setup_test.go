package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// newSetupToken stores a fresh setup token, as serve does at start, and returns it.
func newSetupToken(t *testing.T, s *store.Store) string {
	t.Helper()
	token, hash := auth.NewSetupToken()
	now := time.Now()
	if _, err := s.CreateSetupToken(context.Background(), hash, now, now.Add(-auth.SetupTokenLifetime)); err != nil {
		t.Fatal(err)
	}
	return token
}

// TestFirstStart: on a fresh site a sign-up makes a member; the setup address makes the admin
// once; a wrong or used token, and any token once an admin exists, gets 404.
func TestFirstStart(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ts := newTestServer(t, s)
		ts.signUp(t, ts.client, "first@example.com", "First")
		if u, err := s.UserByEmail(ctx, "first@example.com"); err != nil || u.IsAdmin {
			t.Fatalf("the first sign-up on a fresh site: %+v, %v; want a member", u, err)
		}
		if code, _, _ := ts.get(t, "/admin"); code != http.StatusNotFound {
			t.Errorf("the first sign-up sees /admin: %d", code)
		}

		token := newSetupToken(t, s)
		other := newSetupToken(t, s) // another instance's, started meanwhile
		for _, bad := range []string{"", "nope", token + "x", strings.Repeat("a", 5000)} {
			if code, _, _ := ts.get(t, "/setup?token="+url.QueryEscape(bad)); code != http.StatusNotFound {
				t.Errorf("GET /setup with token %.20q = %d, want 404", bad, code)
			}
		}
		boss := signupValues("boss@example.com", "Boss", goodPassword)
		boss.Set("token", "wrong")
		if code, _, _ := ts.post(t, "/setup", boss); code != http.StatusNotFound {
			t.Errorf("POST /setup with a wrong token = %d, want 404", code)
		}
		if _, err := s.UserByEmail(ctx, "boss@example.com"); err == nil {
			t.Fatal("a wrong token made an account")
		}

		browser := ts.newClient()
		code, h, body := ts.send(t, browser, http.MethodGet, SetupPath(token), nil)
		if code != 200 || !strings.Contains(body, `action="/setup"`) || !strings.Contains(body, `name="token" value="`+token+`"`) ||
			h.Get("Cache-Control") != "no-store" {
			t.Fatalf("GET the setup address = %d %q\n%s", code, h.Get("Cache-Control"), body)
		}
		// Errors are shown beside the fields, and the token is kept for the next try.
		weak := signupValues("boss@example.com", "Boss", "password1")
		weak.Set("token", token)
		code, _, body = ts.send(t, browser, http.MethodPost, "/setup", weak)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="password-error"`) || !strings.Contains(body, `value="`+token+`"`) {
			t.Errorf("setup with a common password = %d\n%s", code, body)
		}
		taken := signupValues("FIRST@example.com", "Boss", goodPassword)
		taken.Set("token", token)
		if code, _, body := ts.send(t, browser, http.MethodPost, "/setup", taken); code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="email-error"`) {
			t.Errorf("setup with a member's email = %d\n%s", code, body)
		}

		boss.Set("token", token)
		code, h, _ = ts.send(t, browser, http.MethodPost, "/setup", boss)
		if code != http.StatusSeeOther || h.Get("Location") != "/admin" {
			t.Fatalf("setup = %d to %q, want 303 to /admin", code, h.Get("Location"))
		}
		if u, err := s.UserByEmail(ctx, "boss@example.com"); err != nil || !u.IsAdmin {
			t.Errorf("the setup made %+v, %v; want an admin", u, err)
		}
		if code, _, body := ts.send(t, browser, http.MethodGet, "/admin", nil); code != 200 || !strings.Contains(body, "You are the site") {
			t.Errorf("the new admin's /admin = %d", code)
		}

		// Used: the token, the other instance's token, and the page itself are gone.
		for _, tok := range []string{token, other} {
			if code, _, _ := ts.get(t, SetupPath(tok)); code != http.StatusNotFound {
				t.Errorf("GET the setup address after the admin = %d, want 404", code)
			}
			again := signupValues("again@example.com", "Again", goodPassword)
			again.Set("token", tok)
			if code, _, _ := ts.send(t, ts.newClient(), http.MethodPost, "/setup", again); code != http.StatusNotFound {
				t.Errorf("POST /setup with a used token = %d, want 404", code)
			}
		}
		if _, err := s.UserByEmail(ctx, "again@example.com"); err == nil {
			t.Error("a used token made an account")
		}
	})
}
