package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/mail"
	"github.com/starboard/starboard/internal/mail/mailtest"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// newMailTestServer returns a test server that sends its mail through a real SMTP server on
// 127.0.0.1, and that server. BASE_URL is the test server's own address.
func newMailTestServer(t *testing.T, s *store.Store, opt Options) (*testServer, *mailtest.Server) {
	t.Helper()
	smtpd := mailtest.Start(t)
	sender, err := mail.New(mail.Options{URL: smtpd.URL, From: "Starboard <reviews@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sender.Close)
	var h http.Handler
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(hs.Close)
	opt.Mail, opt.BaseURL = sender, hs.URL
	srv, err := New(s, opt)
	if err != nil {
		t.Fatal(err)
	}
	h = srv
	ts := &testServer{Server: hs, srv: srv, store: s}
	ts.client = ts.newClient()
	return ts, smtpd
}

// pathOf returns a link's path, checking that it points at the test server.
func (ts *testServer) pathOf(t *testing.T, link string) string {
	t.Helper()
	if !strings.HasPrefix(link, ts.URL+"/") {
		t.Fatalf("link %q is not on the site %s", link, ts.URL)
	}
	return strings.TrimPrefix(link, ts.URL)
}

// sameAnswer fails unless two answers match in status, cookies and body, once each's own
// email address is taken out of its body.
func sameAnswer(t *testing.T, what string, codeA int, hA http.Header, bodyA, emailA string, codeB int, hB http.Header, bodyB, emailB string) {
	t.Helper()
	if codeA != codeB || hA.Get("Set-Cookie") != hB.Get("Set-Cookie") || hA.Get("Cache-Control") != hB.Get("Cache-Control") {
		t.Errorf("%s: answers differ: %d %q %q / %d %q %q", what, codeA, hA.Get("Set-Cookie"), hA.Get("Cache-Control"),
			codeB, hB.Get("Set-Cookie"), hB.Get("Cache-Control"))
	}
	if a, b := strings.ReplaceAll(bodyA, emailA, "EMAIL"), strings.ReplaceAll(bodyB, emailB, "EMAIL"); a != b {
		t.Errorf("%s: bodies differ:\n%s\n---\n%s", what, a, b)
	}
}

func TestForgotPasswordByMail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ts, smtpd := newMailTestServer(t, s, manyAttempts)
		ann := store.User{Email: "ann@example.com", DisplayName: "Ann", PasswordHash: auth.HashPassword(goodPassword)}
		if err := s.CreateUser(ctx, &ann); err != nil {
			t.Fatal(err)
		}
		laptop := ts.newClient()
		ts.logIn(t, laptop, "ann@example.com", goodPassword)

		code, _, body := ts.get(t, "/password/forgot")
		if code != 200 || !strings.Contains(body, `action="/password/forgot"`) || !strings.Contains(body, `name="email"`) {
			t.Fatalf("GET /password/forgot = %d\n%s", code, body)
		}
		if _, _, body := ts.get(t, "/login"); !strings.Contains(body, `href="/password/forgot"`) {
			t.Error("the sign-in page has no link to /password/forgot")
		}

		// An address without an account first, then Ann's: the same answer, and the first (and
		// so, the queue being in order, the only) message is Ann's.
		codeG, hG, bodyG := ts.send(t, ts.newClient(), http.MethodPost, "/password/forgot", url.Values{"email": {"ghost@example.com"}})
		codeA, hA, bodyA := ts.send(t, ts.newClient(), http.MethodPost, "/password/forgot", url.Values{"email": {"Ann@Example.com"}})
		if codeA != 200 || !strings.Contains(bodyA, "Check your e-mail") || !strings.Contains(bodyA, "ann@example.com") {
			t.Fatalf("forgot = %d\n%s", codeA, bodyA)
		}
		sameAnswer(t, "forgot", codeG, hG, bodyG, "ghost@example.com", codeA, hA, bodyA, "ann@example.com")
		m := smtpd.Next(t)
		if len(m.To) != 1 || m.To[0] != "ann@example.com" || !strings.Contains(m.Subject, "new password") {
			t.Fatalf("first message to %v, %q; want Ann's reset link", m.To, m.Subject)
		}
		reset := ts.pathOf(t, m.Link(t, "/password/reset/"))

		// Opening the link uses nothing up; the page keeps its address to itself.
		for range 2 {
			code, h, body := ts.get(t, reset)
			if code != 200 || !strings.Contains(body, "ann@example.com") || !strings.Contains(body, `name="password_confirm"`) {
				t.Fatalf("GET reset link = %d\n%s", code, body)
			}
			if h.Get("Cache-Control") != "no-store" || h.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("reset page headers: Cache-Control %q, Referrer-Policy %q", h.Get("Cache-Control"), h.Get("Referrer-Policy"))
			}
		}
		const newPassword = "a brand new passphrase"
		phone := ts.newClient()
		code, _, body = ts.send(t, phone, http.MethodPost, reset, url.Values{"password": {newPassword}, "password_confirm": {"something else"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="password_confirm-error"`) || strings.Contains(body, newPassword) {
			t.Errorf("mismatched passwords = %d\n%s", code, body)
		}
		code, h, body := ts.send(t, phone, http.MethodPost, reset, url.Values{"password": {newPassword}, "password_confirm": {newPassword}})
		if code != http.StatusSeeOther || h.Get("Location") != "/account" {
			t.Fatalf("set password = %d\n%s", code, body)
		}
		if got := ts.signedInAs(t, phone); got != "Ann" {
			t.Errorf("after the reset the browser is signed in as %q, want Ann", got)
		}
		if code, _, _ := ts.send(t, laptop, http.MethodGet, "/account", nil); code != http.StatusSeeOther {
			t.Errorf("a session from before the reset: GET /account = %d, want a redirect to sign in", code)
		}
		if code, _, _ := ts.send(t, ts.newClient(), http.MethodPost, "/login", url.Values{"email": {"ann@example.com"}, "password": {goodPassword}}); code != 422 {
			t.Errorf("the old password still signs in: %d", code)
		}
		ts.logIn(t, ts.newClient(), "ann@example.com", newPassword)
		if ok, err := s.EmailVerified(ctx, ann.ID); err != nil || !ok {
			t.Errorf("a used reset link verifies the address: %v %v", ok, err)
		}

		// Used once, the link is gone, for opening and for posting.
		if code, _, body := ts.get(t, reset); code != http.StatusNotFound || !strings.Contains(body, "does not work") || !strings.Contains(body, `href="/password/forgot"`) {
			t.Errorf("GET a used link = %d\n%s", code, body)
		}
		if code, _, _ := ts.send(t, ts.newClient(), http.MethodPost, reset, url.Values{"password": {"third passphrase here"}, "password_confirm": {"third passphrase here"}}); code != http.StatusNotFound {
			t.Errorf("POST a used link = %d", code)
		}
		ts.logIn(t, ts.newClient(), "ann@example.com", newPassword)

		// A link is good for an hour: one that expired a second ago is refused, one with a
		// minute left works, and the store refuses a link at a time past its expiry.
		token, hash := newLinkToken()
		if err := s.CreateEmailLink(ctx, hash, store.EmailLink{Purpose: store.LinkReset, UserID: ann.ID, Email: ann.Email, ExpiresAt: time.Now().Add(-time.Second)}); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := ts.get(t, "/password/reset/"+token); code != http.StatusNotFound {
			t.Errorf("GET an expired link = %d", code)
		}
		if code, _, _ := ts.post(t, "/password/reset/"+token, url.Values{"password": {"expired passphrase"}, "password_confirm": {"expired passphrase"}}); code != http.StatusNotFound {
			t.Errorf("POST an expired link = %d", code)
		}
		_, hash = newLinkToken()
		if err := s.CreateEmailLink(ctx, hash, store.EmailLink{Purpose: store.LinkReset, UserID: ann.ID, Email: ann.Email, ExpiresAt: time.Now().Add(resetLinkValid)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResetPassword(ctx, hash, time.Now().Add(resetLinkValid+time.Second), "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a reset link an hour and a second later: %v, want ErrNotFound", err)
		}
		if _, err := s.ResetPassword(ctx, hash, time.Now().Add(resetLinkValid-time.Minute), auth.HashPassword(newPassword)); err != nil {
			t.Errorf("a reset link with a minute left: %v", err)
		}
		// A made-up token is the same 404.
		if code, _, _ := ts.get(t, "/password/reset/not-a-token"); code != http.StatusNotFound {
			t.Errorf("GET a made-up link = %d", code)
		}

		// A disabled account gets no mail, and the same answer.
		if err := s.SetDisabled(ctx, ann.ID, true); err != nil {
			t.Fatal(err)
		}
		codeD, hD, bodyD := ts.send(t, ts.newClient(), http.MethodPost, "/password/forgot", url.Values{"email": {"ann@example.com"}})
		sameAnswer(t, "forgot for a disabled account", codeG, hG, bodyG, "ghost@example.com", codeD, hD, bodyD, "ann@example.com")
		if err := s.SetDisabled(ctx, ann.ID, false); err != nil {
			t.Fatal(err)
		}
		ts.send(t, ts.newClient(), http.MethodPost, "/password/forgot", url.Values{"email": {"ann@example.com"}})
		if m := smtpd.Next(t); !strings.Contains(m.Text, "/password/reset/") {
			t.Errorf("after the disabled one, the next message is not a reset link:\n%s", m.Text)
		}
	})
}

func TestForgotPasswordRateLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts, smtpd := newMailTestServer(t, s, Options{TrustProxy: true, SignInLimit: auth.Limit{Attempts: 2, Window: time.Hour}})
		newMember(t, s, "ann@example.com")
		for i := range 2 {
			if code, _, _ := ts.post(t, "/password/forgot", url.Values{"email": {"ann@example.com"}}); code != 200 {
				t.Fatalf("forgot %d = %d", i+1, code)
			}
		}
		// The third for Ann from another address, and the third from this address for anyone,
		// wait alike, whether the address has an account or not.
		codeA, hA, bodyA := ts.post(t, "/password/forgot", url.Values{"email": {"ann@example.com"}}, "X-Forwarded-For", "203.0.113.9")
		codeG, hG, _ := ts.post(t, "/password/forgot", url.Values{"email": {"ghost@example.com"}})
		if codeA != http.StatusTooManyRequests || hA.Get("Retry-After") == "" || !strings.Contains(bodyA, "Too many attempts") {
			t.Errorf("third forgot for Ann = %d\n%s", codeA, bodyA)
		}
		if codeG != http.StatusTooManyRequests || hG.Get("Retry-After") == "" {
			t.Errorf("third forgot from one address = %d", codeG)
		}
		smtpd.Next(t)
		smtpd.Next(t)
		// The two refused ones sent nothing: the next message is the one sent after them.
		ts.srv.opt.Mail.Post(mail.Letter{Kind: mail.Verify, To: "marker@example.com", Site: "x", Link: "http://x/"})
		if m := smtpd.Next(t); m.To[0] != "marker@example.com" {
			t.Errorf("a refused request sent mail to %v", m.To)
		}
	})
}

func TestForgotPasswordWithoutMail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		newMember(t, s, "ann@example.com")
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			code, _, body := ts.send(t, ts.client, method, "/password/forgot", url.Values{"email": {"ann@example.com"}})
			if code != 200 || !strings.Contains(body, "Ask one of its admins") || strings.Contains(body, `name="email"`) {
				t.Errorf("%s /password/forgot without mail = %d\n%s", method, code, body)
			}
		}
		// Links still work (they come from admins); a used or unknown one says to ask an admin.
		if code, _, body := ts.get(t, "/password/reset/unknown"); code != http.StatusNotFound || !strings.Contains(body, "Ask one of the site") {
			t.Errorf("GET an unknown link without mail = %d\n%s", code, body)
		}
		// Sign-up without mail is as before: signed in at once.
		ts.signUp(t, ts.client, "bob@example.com", "Bob")
		if got := ts.signedInAs(t, ts.client); got != "Bob" {
			t.Errorf("signed in as %q after sign-up without mail", got)
		}
		if _, _, body := ts.get(t, "/account"); strings.Contains(body, "Verify your e-mail") {
			t.Error("the account page offers verification on a site without mail")
		}
	})
}

func TestAdminResetLink(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ts := newTestServer(t, s)
		admin := store.User{Email: "root@example.com", DisplayName: "Root", PasswordHash: "!", IsAdmin: true}
		if err := s.CreateUser(ctx, &admin); err != nil {
			t.Fatal(err)
		}
		ann := newMember(t, s, "ann@example.com")
		bob := newMember(t, s, "bob@example.com")
		adminC, annC := ts.clientFor(t, admin), ts.clientFor(t, ann)

		_, _, body := ts.send(t, adminC, http.MethodGet, "/admin/members", nil)
		if !strings.Contains(body, `action="/admin/members/`+itoa(ann.ID)+`/reset-link"`) {
			t.Errorf("the member list has no reset-link button for Ann:\n%s", body)
		}
		path := "/admin/members/" + itoa(ann.ID) + "/reset-link"
		if code, _, _ := ts.send(t, annC, http.MethodPost, path, url.Values{}); code != http.StatusNotFound {
			t.Errorf("a member asking for a reset link = %d, want 404", code)
		}
		if code, h, _ := ts.send(t, ts.newClient(), http.MethodPost, path, url.Values{}); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Errorf("a visitor asking for a reset link = %d", code)
		}
		aw := &auditWatch{s: s, seen: len((&auditWatch{s: s}).all(t))}
		code, h, body := ts.send(t, adminC, http.MethodPost, path, url.Values{})
		if code != 200 || h.Get("Cache-Control") != "no-store" {
			t.Fatalf("admin reset link = %d, Cache-Control %q\n%s", code, h.Get("Cache-Control"), body)
		}
		if e := aw.one(t, "admin reset link", admin, store.ActionResetLinkCreate, ann.DisplayName+" <"+ann.Email+">", "valid one hour"); strings.Contains(e.Detail, "/password/reset/") {
			t.Errorf("the audit entry holds the link: %+v", e)
		}
		i := strings.Index(body, ts.URL+"/password/reset/")
		if i < 0 {
			t.Fatalf("no link on the page:\n%s", body)
		}
		link := body[i:]
		link = link[:strings.IndexByte(link, '"')]
		const pw = "admin given passphrase"
		if code, _, _ := ts.send(t, annC, http.MethodPost, ts.pathOf(t, link), url.Values{"password": {pw}, "password_confirm": {pw}}); code != http.StatusSeeOther {
			t.Fatalf("using the admin's link = %d", code)
		}
		ts.logIn(t, ts.newClient(), "ann@example.com", pw)

		if err := s.SetDisabled(ctx, bob.ID, true); err != nil {
			t.Fatal(err)
		}
		if code, _, body := ts.send(t, adminC, http.MethodPost, "/admin/members/"+itoa(bob.ID)+"/reset-link", url.Values{}); code != http.StatusConflict || !strings.Contains(body, "Enable the account first") {
			t.Errorf("reset link for a disabled account = %d\n%s", code, body)
		}
	})
}
