package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

func TestSignupByMail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ts, smtpd := newMailTestServer(t, s, manyAttempts)
		ann := store.User{Email: "ann@example.com", DisplayName: "Ann", PasswordHash: auth.HashPassword(goodPassword), IsAdmin: true}
		if err := s.CreateUser(ctx, &ann); err != nil {
			t.Fatal(err)
		}

		// A new address and a taken one get the same answer, and no one is signed in.
		newC, takenC := ts.newClient(), ts.newClient()
		codeN, hN, bodyN := ts.send(t, newC, http.MethodPost, "/signup", signupValues("bob@example.com", "Bob", goodPassword))
		codeT, hT, bodyT := ts.send(t, takenC, http.MethodPost, "/signup", signupValues("ann@example.com", "Bob", goodPassword))
		if codeN != 200 || !strings.Contains(bodyN, "Check your e-mail") || hN.Get("Set-Cookie") != "" {
			t.Fatalf("sign-up by mail = %d, Set-Cookie %q\n%s", codeN, hN.Get("Set-Cookie"), bodyN)
		}
		sameAnswer(t, "sign-up", codeN, hN, bodyN, "bob@example.com", codeT, hT, bodyT, "ann@example.com")
		if ts.signedInAs(t, newC) != "" || ts.signedInAs(t, takenC) != "" {
			t.Error("a sign-up by mail signed a browser in")
		}
		// Until the link is opened there is no account: signing in fails like a wrong password.
		if _, err := s.UserByEmail(ctx, "bob@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the account exists before its link is opened: %v", err)
		}
		if code, _, body := ts.send(t, ts.newClient(), http.MethodPost, "/login", url.Values{"email": {"bob@example.com"}, "password": {goodPassword}}); code != 422 || !strings.Contains(body, wrongCredentials) {
			t.Errorf("sign-in before the link = %d", code)
		}

		// Each address gets the right message, in the order asked.
		toBob, toAnn := smtpd.Next(t), smtpd.Next(t)
		if toBob.To[0] != "bob@example.com" || !strings.Contains(toBob.Subject, "Confirm your new account") || !strings.Contains(toBob.Text, "Hello Bob,") {
			t.Errorf("message to the new address: to %v, %q\n%s", toBob.To, toBob.Subject, toBob.Text)
		}
		if toAnn.To[0] != "ann@example.com" || !strings.Contains(toAnn.Text, "you already have one") || !strings.Contains(toAnn.Text, "Hello Ann,") {
			t.Errorf("message to the taken address: to %v, %q\n%s", toAnn.To, toAnn.Subject, toAnn.Text)
		}
		if toAnn.Link(t, "/login") != ts.URL+"/login" || toAnn.Link(t, "/password/forgot") != ts.URL+"/password/forgot" {
			t.Errorf("links in the taken-address message: %v", toAnn.Links())
		}

		// Opening Bob's link shows a button; pressing it makes the account and signs in, in any
		// browser.
		verify := ts.pathOf(t, toBob.Link(t, "/email/verify/"))
		code, h, body := ts.get(t, verify)
		if code != 200 || !strings.Contains(body, "Create my account") || h.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("GET sign-up link = %d\n%s", code, body)
		}
		if _, err := s.UserByEmail(ctx, "bob@example.com"); err == nil {
			t.Error("opening the link made the account: mail scanners open links too")
		}
		code, h, _ = ts.post(t, verify, url.Values{})
		if code != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Fatalf("POST sign-up link = %d to %q", code, h.Get("Location"))
		}
		if got := ts.signedInAs(t, ts.client); got != "Bob" {
			t.Errorf("after the sign-up link the browser is %q, want Bob", got)
		}
		bob, err := s.UserByEmail(ctx, "bob@example.com")
		if err != nil || bob.IsAdmin {
			t.Fatalf("Bob's account: %+v %v", bob, err)
		}
		if ok, _ := s.EmailVerified(ctx, bob.ID); !ok {
			t.Error("Bob's address is not verified")
		}
		if _, _, body := ts.get(t, "/account"); strings.Contains(body, "Verify your e-mail") {
			t.Error("Bob's account page asks him to verify")
		}
		ts.logIn(t, ts.newClient(), "bob@example.com", goodPassword)
		if code, _, body := ts.send(t, ts.newClient(), http.MethodPost, verify, url.Values{}); code != http.StatusNotFound || !strings.Contains(body, "does not work") {
			t.Errorf("sign-up link used twice = %d", code)
		}

		// Ann's account predates mail: her account page offers a verification link.
		annC := ts.clientFor(t, ann)
		_, _, body = ts.send(t, annC, http.MethodGet, "/account", nil)
		if !strings.Contains(body, "Verify your e-mail") || !strings.Contains(body, `action="/account/verify"`) {
			t.Fatalf("Ann's account page offers no verification:\n%s", body)
		}
		if code, h, _ := ts.send(t, annC, http.MethodPost, "/account/verify", url.Values{}); code != http.StatusSeeOther || h.Get("Location") != "/account" {
			t.Fatalf("resend = %d", code)
		}
		m := smtpd.Next(t)
		if m.To[0] != "ann@example.com" || !strings.Contains(m.Subject, "Verify your e-mail") {
			t.Fatalf("verification message: to %v, %q", m.To, m.Subject)
		}
		link := ts.pathOf(t, m.Link(t, "/email/verify/"))
		if code, _, body := ts.send(t, annC, http.MethodGet, link, nil); code != 200 || !strings.Contains(body, "Verify my address") {
			t.Fatalf("GET verification link = %d\n%s", code, body)
		}
		if code, h, _ := ts.send(t, annC, http.MethodPost, link, url.Values{}); code != http.StatusSeeOther || h.Get("Location") != "/account" {
			t.Fatalf("POST verification link = %d to %q", code, h.Get("Location"))
		}
		if _, _, body := ts.send(t, annC, http.MethodGet, "/account", nil); strings.Contains(body, "Verify your e-mail") || !strings.Contains(body, "is verified") {
			t.Errorf("after verifying, Ann's account page:\n%s", body)
		}
		if code, _, _ := ts.send(t, annC, http.MethodGet, link, nil); code != http.StatusNotFound {
			t.Errorf("verification link used twice = %d", code)
		}

		// A second sign-up link to an address that has an account by now sends to sign in.
		ts.send(t, ts.newClient(), http.MethodPost, "/signup", signupValues("cy@example.com", "Cy", goodPassword))
		ts.send(t, ts.newClient(), http.MethodPost, "/signup", signupValues("cy@example.com", "Cy Two", goodPassword))
		first, second := smtpd.Next(t), smtpd.Next(t)
		ts.post(t, ts.pathOf(t, first.Link(t, "/email/verify/")), url.Values{})
		code, h, _ = ts.send(t, ts.newClient(), http.MethodPost, ts.pathOf(t, second.Link(t, "/email/verify/")), url.Values{})
		if code != http.StatusNotFound && !(code == http.StatusSeeOther && h.Get("Location") == "/login") {
			t.Errorf("a second sign-up link after the account was made = %d to %q", code, h.Get("Location"))
		}
	})
}
