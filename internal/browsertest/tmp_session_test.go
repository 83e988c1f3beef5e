package browsertest

// TEMPORARY until the accounts branch (/signup) is merged: signs the browser in by writing a
// session row. Remove after merging main.

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/starboard/starboard/internal/store"
)

func tmpSignIn(t *testing.T, ctx context.Context, s *site, m member) {
	t.Helper()
	u := store.User{Email: m.Email, DisplayName: m.Name, PasswordHash: "!"}
	if err := s.store.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour)
	data, err := scs.GobCodec{}.Encode(exp, map[string]any{"user_id": u.ID, "session_version": u.SessionVersion})
	if err != nil {
		t.Fatal(err)
	}
	token := "tmp" + m.Email
	if err := s.store.SessionCommit(context.Background(), token, data, exp); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "starboard_session", Value: token, URL: s.URL}); err != nil {
		t.Fatal(err)
	}
}
