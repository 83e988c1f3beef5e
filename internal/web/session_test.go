package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/session"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// sessionData returns the stored bytes of the test client's session.
func (ts *testServer) sessionData(t *testing.T) []byte {
	t.Helper()
	data, ok, err := ts.store.SessionFind(context.Background(), ts.sessionCookie(ts.client))
	if err != nil || !ok {
		t.Fatalf("session not found: %v", err)
	}
	return data
}

// TestSessionNotSavedOnEveryRequest checks that a member's page views do not each write the
// session, and that a session idle for longer than sessionIdle ends.
func TestSessionNotSavedOnEveryRequest(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	withDemo(t, s)
	ts := newTestServer(t, s)
	ts.signInAs(t, newMember(t, s, "seen@example.com"))
	ts.get(t, "/account") // records the first use
	first := string(ts.sessionData(t))
	for range 3 {
		if code, _, _ := ts.get(t, "/c/tellytubbies/po"); code != 200 {
			t.Fatalf("item page = %d", code)
		}
	}
	if got := string(ts.sessionData(t)); got != first {
		t.Errorf("the session was saved again within the hour: %q, then %q", first, got)
	}

	// Pretend the last use was eight days ago: the next request ends the session.
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: ts.srv.sessions.Cookie.Name, Value: ts.sessionCookie(ts.client)})
	ts.srv.loadSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.srv.sessions.Put(r.Context(), session.Seen, time.Now().Add(-8*24*time.Hour).Unix())
	})).ServeHTTP(httptest.NewRecorder(), req)
	if got := ts.signedInAs(t, ts.client); got != "" {
		t.Errorf("a session idle for eight days is still signed in as %q", got)
	}
}

// TestPostedNoticeOnce checks the thanks after a new review: on that item's page, once, and
// never on another item's page.
func TestPostedNoticeOnce(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	withDemo(t, s)
	ts := newTestServer(t, s)
	ts.signInAs(t, newMember(t, s, "thanks@example.com"))
	ts.get(t, "/account") // records the first use
	before := string(ts.sessionData(t))
	if code, _, _ := ts.postForm(t, "/c/tellytubbies/po/reviews", reviewValues("4", "Nice and red", "")); code != http.StatusSeeOther {
		t.Fatalf("post = %d", code)
	}
	if got := string(ts.sessionData(t)); got != before {
		t.Error("posting a review saved the session")
	}
	const thanks = "Thank you! Your review of Po is up."
	if _, _, body := ts.get(t, "/c/tellytubbies/dipsy"); strings.Contains(body, "Thank you!") {
		t.Error("another item's page thanked for the review of Po")
	}
	if _, _, body := ts.get(t, "/c/tellytubbies/po"); !strings.Contains(body, thanks) {
		t.Error("Po's page did not thank for the review")
	}
	if _, _, body := ts.get(t, "/c/tellytubbies/po"); strings.Contains(body, thanks) {
		t.Error("the thanks showed twice")
	}
	// A planted cookie can only ever say the fixed sentence about the page's own item.
	u, _ := url.Parse(ts.URL)
	ts.client.Jar.SetCookies(u, []*http.Cookie{{Name: postedCookie, Value: "<b>Call 555</b>", Path: "/"}})
	if _, _, body := ts.get(t, "/c/tellytubbies/po"); strings.Contains(body, "555") || strings.Contains(body, "Thank you!") {
		t.Error("a planted cookie put text on the page")
	}
}

// TestSessionReadWithMember: signing in records the member with the session, so a signed-in
// request reads both in one query; the session's own bytes still decide who is signed in, and a
// session without a recorded member (saved before it was recorded) still signs its member in.
func TestSessionReadWithMember(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		withDemo(t, s)
		ts := newTestServer(t, s)
		ann, bea := newMember(t, s, "ann@example.com"), newMember(t, s, "bea@example.com")
		ts.signInAs(t, ann)
		token := ts.sessionCookie(ts.client)
		data, u, ok, err := s.SessionAndUser(ctx, token)
		if err != nil || !ok || u == nil || u.ID != ann.ID {
			t.Fatalf("session after sign-in: member %+v, %v %v; want %d", u, ok, err, ann.ID)
		}
		if got := ts.signedInAs(t, ts.client); got != "ann" {
			t.Fatalf("signed in as %q, want ann", got)
		}
		for _, rec := range []struct {
			name   string
			member int64
		}{{"no member recorded", 0}, {"another member recorded", bea.ID}} {
			if err := s.SessionCommit(ctx, token, data, time.Now().Add(time.Hour), rec.member); err != nil {
				t.Fatal(err)
			}
			if got := ts.signedInAs(t, ts.client); got != "ann" {
				t.Errorf("%s: signed in as %q, want ann", rec.name, got)
			}
		}
		ts.postForm(t, "/logout", url.Values{})
		if _, u, ok, err := s.SessionAndUser(ctx, token); err != nil || ok || u != nil {
			t.Errorf("after sign-out: member %+v, session %v, %v", u, ok, err)
		}
	})
}
