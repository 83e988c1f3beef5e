package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// A password that passes every rule, for tests.
const goodPassword = "tubby custard machine"

// newTestServerWith is newTestServer with options.
func newTestServerWith(t *testing.T, s *store.Store, opt Options) *testServer {
	t.Helper()
	srv, err := New(s, opt)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{srv: srv, store: s}
	ts.Server = httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	ts.client = ts.newClient()
	return ts
}

// manyAttempts lifts the sign-in rate limit for tests that sign in often from one address.
var manyAttempts = Options{SignInLimit: auth.Limit{Attempts: 1000, Window: time.Minute}}

// send makes a request with the given client and extra headers, and returns status, headers and
// body.
func (ts *testServer) send(t *testing.T, c *http.Client, method, path string, form url.Values, header ...string) (int, http.Header, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

// post submits a form with the test server's own client.
func (ts *testServer) post(t *testing.T, path string, form url.Values, header ...string) (int, http.Header, string) {
	t.Helper()
	return ts.send(t, ts.client, http.MethodPost, path, form, header...)
}

func signupValues(email, name, pw string) url.Values {
	return url.Values{"email": {email}, "display_name": {name}, "password": {pw}, "password_confirm": {pw}}
}

// signUp creates an account through the sign-up form, which signs the client in.
func (ts *testServer) signUp(t *testing.T, c *http.Client, email, name string) {
	t.Helper()
	if code, _, body := ts.send(t, c, http.MethodPost, "/signup", signupValues(email, name, goodPassword)); code != http.StatusSeeOther {
		t.Fatalf("sign up %s: %d\n%s", email, code, body)
	}
}

// logIn signs the client in through the sign-in form.
func (ts *testServer) logIn(t *testing.T, c *http.Client, email, pw string) {
	t.Helper()
	code, _, body := ts.send(t, c, http.MethodPost, "/login", url.Values{"email": {email}, "password": {pw}})
	if code != http.StatusSeeOther {
		t.Fatalf("log in %s: %d\n%s", email, code, body)
	}
}

// setCookie returns the Set-Cookie header of an answer that sets the cookie name, or "".
func setCookie(h http.Header, name string) string {
	for _, v := range h.Values("Set-Cookie") {
		if strings.HasPrefix(v, name+"=") {
			return v
		}
	}
	return ""
}

// signedInAs returns the display name the layout shows for the client, or "".
func (ts *testServer) signedInAs(t *testing.T, c *http.Client) string {
	t.Helper()
	_, _, body := ts.send(t, c, http.MethodGet, "/", nil)
	m := regexp.MustCompile(`<a href="/account">([^<]*)</a>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// sessionCookie returns the client's session cookie value for the server, or "".
func (ts *testServer) sessionCookie(c *http.Client) string {
	u, _ := url.Parse(ts.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if strings.HasSuffix(ck.Name, "starboard_session") {
			return ck.Value
		}
	}
	return ""
}

func TestSignup(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		code, _, body := ts.get(t, "/signup?next=/c/ipads")
		if code != 200 {
			t.Fatalf("GET /signup = %d", code)
		}
		for _, want := range []string{`name="email"`, `name="display_name"`, `name="password"`, `name="password_confirm"`,
			`autocomplete="email"`, `autocomplete="new-password"`, `<label for="password_confirm">`, `name="next" value="/c/ipads"`} {
			if !strings.Contains(body, want) {
				t.Errorf("sign-up form lacks %s", want)
			}
		}
		form := signupValues("Ann@Example.com", "Ann", goodPassword)
		form.Set("next", "/c/ipads")
		code, h, body := ts.post(t, "/signup", form)
		if code != http.StatusSeeOther || h.Get("Location") != "/c/ipads" {
			t.Fatalf("sign up = %d to %q, want 303 to /c/ipads\n%s", code, h.Get("Location"), body)
		}
		ck := setCookie(h, "starboard_session")
		for _, want := range []string{"starboard_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(ck, want) {
				t.Errorf("session cookie %q lacks %s", ck, want)
			}
		}
		_, _, body = ts.get(t, "/")
		if !strings.Contains(body, ">Ann</a>") || strings.Contains(body, `href="/admin"`) {
			t.Errorf("after sign-up the page does not name Ann, or names her an admin:\n%s", body)
		}
		// The first account of a site is a member like any other: the setup address makes the
		// admin (TestFirstStart).
		u, err := s.UserByEmail(context.Background(), "ann@example.com")
		if err != nil || u.IsAdmin || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
			t.Errorf("stored account %+v, %v", u, err)
		}

		// So is the second, and next defaults to /.
		other := ts.newClient()
		code, h, _ = ts.send(t, other, http.MethodPost, "/signup", signupValues("bob@example.com", "Bob", goodPassword))
		if code != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Errorf("second sign-up = %d to %q", code, h.Get("Location"))
		}
		if u, _ := s.UserByEmail(context.Background(), "bob@example.com"); u.IsAdmin {
			t.Error("the second account is an admin")
		}
		// A next pointing off-site is ignored.
		form = signupValues("cy@example.com", "Cy", goodPassword)
		form.Set("next", "//evil.example/")
		if _, h, _ := ts.send(t, ts.newClient(), http.MethodPost, "/signup", form); h.Get("Location") != "/" {
			t.Errorf("off-site next: redirected to %q", h.Get("Location"))
		}
	})
}

func TestSignupValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServerWith(t, s, manyAttempts)
		tests := []struct {
			name                    string
			email, display, pw, pw2 string
			field                   string
		}{
			{"no email", "", "Ann", goodPassword, goodPassword, "email"},
			{"bad email", "ann-at-example.com", "Ann", goodPassword, goodPassword, "email"},
			{"no name", "ann@example.com", "  ", goodPassword, goodPassword, "display_name"},
			{"long name", "ann@example.com", strings.Repeat("n", 51), goodPassword, goodPassword, "display_name"},
			{"bad UTF-8 name", "ann@example.com", "An\xffn", goodPassword, goodPassword, "display_name"},
			{"short password", "ann@example.com", "Ann", "short", "short", "password"},
			{"long password", "ann@example.com", "Ann", strings.Repeat("ab", 129), strings.Repeat("ab", 129), "password"},
			{"common password", "ann@example.com", "Ann", "password1", "password1", "password"},
			{"common password, other case", "ann@example.com", "Ann", "Sunshine", "Sunshine", "password"},
			{"password is the email", "ann@example.com", "Ann", "ann@example.com", "ann@example.com", "password"},
			{"passwords differ", "ann@example.com", "Ann", goodPassword, goodPassword + "!", "password_confirm"},
		}
		for _, tt := range tests {
			form := url.Values{"email": {tt.email}, "display_name": {tt.display}, "password": {tt.pw}, "password_confirm": {tt.pw2}}
			code, _, body := ts.post(t, "/signup", form)
			if code != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", tt.name, code)
				continue
			}
			for _, want := range []string{`id="` + tt.field + `-error"`, `aria-invalid="true"`, tt.field + `-error"`} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the form lacks %s:\n%s", tt.name, want, body)
				}
			}
			if tt.email != "" && !strings.Contains(body, `value="`+tt.email+`"`) {
				t.Errorf("%s: the email was not kept", tt.name)
			}
			if len(tt.pw) >= 4 && strings.Contains(body, tt.pw) && tt.pw != tt.email {
				t.Errorf("%s: the password was rendered back", tt.name)
			}
		}
		if users, _ := s.Users(context.Background()); len(users) != 0 {
			t.Errorf("invalid sign-ups created %d accounts", len(users))
		}
		// Not a form at all: no 500.
		code, _, _ := ts.do(t, http.MethodPost, "/signup", "application/json", strings.NewReader(`{"email":"x"}`))
		if code != http.StatusUnprocessableEntity {
			t.Errorf("JSON body to /signup = %d, want 422", code)
		}
		code, _, body := ts.do(t, http.MethodPost, "/signup", "application/x-www-form-urlencoded", strings.NewReader("email=%zz"))
		if code != http.StatusBadRequest || !strings.Contains(body, "could not be read") {
			t.Errorf("malformed form = %d %s", code, body)
		}
		big := "email=" + strings.Repeat("a", MaxBodyBytes)
		code, h, _ := ts.do(t, http.MethodPost, "/signup", "application/x-www-form-urlencoded", strings.NewReader(big))
		if code != http.StatusRequestEntityTooLarge || h.Get("Content-Security-Policy") == "" {
			t.Errorf("oversized form = %d", code)
		}
	})
}

// A sign-up with a taken email fails with a message that does not say the address is taken,
// and leaves the account alone.
func TestSignupTakenEmail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		ts.signUp(t, ts.newClient(), "ann@example.com", "Ann")
		code, _, body := ts.post(t, "/signup", signupValues("ANN@example.com", "Impostor", "another fine passphrase"))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "could not create an account") {
			t.Fatalf("taken email: %d\n%s", code, body)
		}
		low := strings.ToLower(body)
		for _, leak := range []string{"taken", "already registered", "already exists", "in use"} {
			if strings.Contains(low, leak) {
				t.Errorf("taken-email message says %q", leak)
			}
		}
		if ts.signedInAs(t, ts.client) != "" {
			t.Error("signed in after a refused sign-up")
		}
		ts.logIn(t, ts.newClient(), "ann@example.com", goodPassword)
	})
}

func TestLogin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		ctx := context.Background()
		ann := store.User{Email: "ann@example.com", DisplayName: "Ann", PasswordHash: auth.HashPassword(goodPassword)}
		gone := store.User{Email: "gone@example.com", DisplayName: "Gone", PasswordHash: auth.HashPassword(goodPassword), Disabled: true}
		for _, u := range []*store.User{&ann, &gone} {
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		code, _, body := ts.get(t, "/login?next=/c/books")
		for _, want := range []string{`name="email"`, `name="password"`, `autocomplete="current-password"`, `name="next" value="/c/books"`} {
			if !strings.Contains(body, want) {
				t.Errorf("login form (%d) lacks %s", code, want)
			}
		}
		// Wrong password, unknown email and disabled account get the same answer.
		var answers []string
		for _, f := range []url.Values{
			{"email": {"ann@example.com"}, "password": {"wrong password"}},
			{"email": {"nobody@example.com"}, "password": {"wrong password"}},
			{"email": {"gone@example.com"}, "password": {goodPassword}},
		} {
			code, _, body := ts.post(t, "/login", f)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, wrongCredentials) {
				t.Errorf("login %v = %d\n%s", f, code, body)
			}
			if strings.Contains(body, f.Get("password")) {
				t.Error("the password was rendered back")
			}
			answers = append(answers, strings.ReplaceAll(body, f.Get("email"), "EMAIL"))
		}
		if answers[0] != answers[1] || answers[1] != answers[2] {
			t.Error("failed sign-ins differ between a wrong password, an unknown email and a disabled account")
		}
		if code, _, body := ts.post(t, "/login", url.Values{"email": {"ann@example.com"}}); code != 422 || !strings.Contains(body, `id="password-error"`) {
			t.Errorf("no password: %d", code)
		}
		// Success: a new session id, to next, and in any case of the email.
		before := ts.sessionCookie(ts.client)
		code, h, _ := ts.post(t, "/login", url.Values{"email": {" ANN@example.com"}, "password": {goodPassword}, "next": {"/c/books"}})
		if code != http.StatusSeeOther || h.Get("Location") != "/c/books" {
			t.Fatalf("login = %d to %q", code, h.Get("Location"))
		}
		after := ts.sessionCookie(ts.client)
		if after == "" || after == before {
			t.Errorf("session id not renewed at sign-in: %q → %q", before, after)
		}
		if got := ts.signedInAs(t, ts.client); got != "Ann" {
			t.Errorf("signed in as %q, want Ann", got)
		}
		// Signed in, the forms send you on.
		if code, h, _ := ts.get(t, "/login?next=/c/books"); code != http.StatusSeeOther || h.Get("Location") != "/c/books" {
			t.Errorf("GET /login signed in = %d %q", code, h.Get("Location"))
		}
	})
}

func TestLogout(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		ts.signUp(t, ts.client, "ann@example.com", "Ann")
		old := ts.sessionCookie(ts.client)
		// GET changes nothing.
		if code, _, _ := ts.get(t, "/logout"); code != http.StatusMethodNotAllowed {
			t.Errorf("GET /logout = %d, want 405", code)
		}
		if ts.signedInAs(t, ts.client) != "Ann" {
			t.Fatal("GET /logout signed out")
		}
		code, h, _ := ts.post(t, "/logout", url.Values{})
		if code != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Errorf("logout = %d to %q", code, h.Get("Location"))
		}
		if _, _, body := ts.get(t, "/"); !strings.Contains(body, "You have signed out.") || strings.Contains(body, ">Ann</a>") {
			t.Errorf("after logout:\n%s", body)
		}
		// The old session is gone from the database, not just from this browser.
		replay := ts.newClient()
		u, _ := url.Parse(ts.URL)
		replay.Jar.SetCookies(u, []*http.Cookie{{Name: "starboard_session", Value: old}})
		if ts.signedInAs(t, replay) != "" {
			t.Error("the session cookie still works after logout")
		}
	})
}

func TestAccountNeedsSignIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		for _, tt := range []struct{ method, path string }{
			{"GET", "/account"}, {"POST", "/account/name"}, {"POST", "/account/password"},
			{"POST", "/account/tokens"}, {"POST", "/account/tokens/1/revoke"},
		} {
			code, h, _ := ts.send(t, ts.client, tt.method, tt.path, url.Values{"name": {"x"}})
			if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login?next=") {
				t.Errorf("anonymous %s %s = %d to %q, want 303 to /login", tt.method, tt.path, code, h.Get("Location"))
			}
		}
		if _, h, _ := ts.get(t, "/account"); h.Get("Location") != "/login?next=%2Faccount" {
			t.Errorf("GET /account redirects to %q", h.Get("Location"))
		}
		code, h, body := ts.get(t, "/api/v1/me")
		if code != http.StatusUnauthorized || h.Get("Content-Type") != "application/problem+json" || !strings.Contains(h.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("anonymous GET /api/v1/me = %d %s %s", code, h.Get("Content-Type"), body)
		}
	})
}

func TestChangeDisplayName(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		ts.signUp(t, ts.client, "ann@example.com", "Ann")
		code, _, body := ts.get(t, "/account")
		if code != 200 || !strings.Contains(body, "ann@example.com") || !strings.Contains(body, `value="Ann"`) {
			t.Fatalf("GET /account = %d\n%s", code, body)
		}
		code, _, body = ts.post(t, "/account/name", url.Values{"display_name": {" "}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="display_name-error"`) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("empty name = %d\n%s", code, body)
		}
		code, h, _ := ts.post(t, "/account/name", url.Values{"display_name": {"  Ann B.  "}})
		if code != http.StatusSeeOther || h.Get("Location") != "/account" {
			t.Errorf("change name = %d to %q", code, h.Get("Location"))
		}
		if _, _, body := ts.get(t, "/account"); !strings.Contains(body, "Your display name is now Ann B.") || !strings.Contains(body, `value="Ann B."`) {
			t.Errorf("after the change:\n%s", body)
		}
	})
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		ts.signUp(t, ts.client, "ann@example.com", "Ann")
		laptop := ts.newClient()
		ts.logIn(t, laptop, "ann@example.com", goodPassword)

		const newPassword = "a brand new passphrase"
		bad := []struct {
			name   string
			form   url.Values
			fields []string
		}{
			{"wrong current", url.Values{"current_password": {"not it at all"}, "password": {newPassword}, "password_confirm": {newPassword}}, []string{"current_password"}},
			{"no current", url.Values{"password": {newPassword}, "password_confirm": {newPassword}}, []string{"current_password"}},
			{"common new", url.Values{"current_password": {goodPassword}, "password": {"iloveyou"}, "password_confirm": {"iloveyou"}}, []string{"new_password"}},
			{"mismatch", url.Values{"current_password": {goodPassword}, "password": {newPassword}, "password_confirm": {"other"}}, []string{"password_confirm"}},
			{"all wrong at once", url.Values{"current_password": {"nope nope"}, "password": {"short"}}, []string{"current_password", "new_password"}},
		}
		for _, tt := range bad {
			code, _, body := ts.post(t, "/account/password", tt.form)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Your password was not changed") {
				t.Errorf("%s: %d\n%s", tt.name, code, body)
			}
			for _, field := range tt.fields {
				if !strings.Contains(body, `id="`+field+`-error"`) {
					t.Errorf("%s: no error beside %s", tt.name, field)
				}
			}
			if strings.Contains(body, newPassword) || strings.Contains(body, goodPassword) {
				t.Errorf("%s: a password was rendered back", tt.name)
			}
		}
		before := ts.sessionCookie(ts.client)
		code, h, body := ts.post(t, "/account/password",
			url.Values{"current_password": {goodPassword}, "password": {newPassword}, "password_confirm": {newPassword}})
		if code != http.StatusSeeOther || h.Get("Location") != "/account" {
			t.Fatalf("change password = %d\n%s", code, body)
		}
		if after := ts.sessionCookie(ts.client); after == before {
			t.Error("the session id did not change with the password")
		}
		if code, _, body := ts.get(t, "/account"); code != 200 || !strings.Contains(body, "signed out") {
			t.Errorf("the session that changed the password: %d", code)
		}
		if code, _, _ := ts.send(t, laptop, http.MethodGet, "/account", nil); code != http.StatusSeeOther {
			t.Errorf("another session after the change: %d, want a redirect to sign in", code)
		}
		if code, _, _ := ts.send(t, ts.newClient(), http.MethodPost, "/login", url.Values{"email": {"ann@example.com"}, "password": {goodPassword}}); code != 422 {
			t.Errorf("the old password still signs in: %d", code)
		}
		ts.logIn(t, laptop, "ann@example.com", newPassword)
	})
}

func TestAPITokenLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ts := newTestServer(t, s)
		ts.signUp(t, ts.client, "ann@example.com", "Ann")
		ann, _ := s.UserByEmail(ctx, "ann@example.com")

		if code, _, body := ts.post(t, "/account/tokens", url.Values{"name": {""}}); code != 422 || !strings.Contains(body, `id="token_name-error"`) {
			t.Errorf("nameless token = %d", code)
		}
		// The answer to the POST shows the token; nothing else ever does.
		code, h, body := ts.post(t, "/account/tokens", url.Values{"name": {"laptop script"}})
		token := regexp.MustCompile(`sb_[A-Za-z0-9_-]{43}`).FindString(body)
		if code != 200 || token == "" || !strings.Contains(body, "laptop script") || !strings.Contains(body, "Copy it now") ||
			h.Get("Cache-Control") != "no-store" {
			t.Fatalf("create token = %d, token %q, Cache-Control %q", code, token, h.Get("Cache-Control"))
		}
		if _, _, body := ts.get(t, "/account"); strings.Contains(body, token) {
			t.Error("the token is shown a second time")
		}
		tokens, _ := s.APITokens(ctx, ann.ID)
		if len(tokens) != 1 || tokens[0].Hash != auth.HashToken(token) || strings.Contains(tokens[0].Hash, token) {
			t.Fatalf("stored tokens %+v: want one, hashed", tokens)
		}

		api := ts.newClient() // no cookies
		bearer := func(tok string) (int, http.Header, string) {
			return ts.send(t, api, http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+tok)
		}
		code, _, body = bearer(token)
		if code != 200 || !strings.Contains(body, `"email":"ann@example.com"`) || !strings.Contains(body, `"is_admin":false`) {
			t.Errorf("GET /api/v1/me with the token = %d %s", code, body)
		}
		if tokens, _ := s.APITokens(ctx, ann.ID); tokens[0].LastUsedAt == nil {
			t.Error("last used time not recorded")
		}
		// A session cookie does not authenticate the API.
		if code, _, _ := ts.get(t, "/api/v1/me"); code != http.StatusUnauthorized {
			t.Errorf("API with only a session cookie = %d, want 401", code)
		}
		for _, h := range []string{"Bearer sb_nope", "Basic YW5uOnB3", "Bearer", "Bearer  "} {
			code, hdr, body := ts.send(t, api, http.MethodGet, "/api/v1/categories", nil, "Authorization", h)
			if code != http.StatusUnauthorized || hdr.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"field":"Authorization"`) {
				t.Errorf("Authorization %q = %d %s", h, code, body)
			}
		}
		if code, _, _ := ts.send(t, api, http.MethodGet, "/api/v1/categories", nil); code != 200 {
			t.Errorf("no token on a public route = %d", code)
		}

		// Another member cannot revoke it: 404, and it keeps working.
		bob := ts.newClient()
		ts.signUp(t, bob, "bob@example.com", "Bob")
		path := "/account/tokens/" + itoa(tokens[0].ID) + "/revoke"
		if code, _, _ := ts.send(t, bob, http.MethodPost, path, url.Values{}); code != http.StatusNotFound {
			t.Errorf("bob revoking ann's token = %d, want 404", code)
		}
		if code, _, _ := bearer(token); code != 200 {
			t.Errorf("ann's token after bob's attempt = %d", code)
		}
		// GET never revokes.
		if code, _, _ := ts.get(t, path); code != http.StatusMethodNotAllowed {
			t.Errorf("GET %s = %d, want 405", path, code)
		}
		if code, _, _ := bearer(token); code != 200 {
			t.Error("a GET revoked the token")
		}
		if code, _, _ := ts.post(t, "/account/tokens/abc/revoke", url.Values{}); code != http.StatusNotFound {
			t.Errorf("malformed token id = %d", code)
		}
		if code, _, _ := ts.post(t, path, url.Values{}); code != http.StatusSeeOther {
			t.Errorf("revoke = %d", code)
		}
		if code, _, _ := bearer(token); code != http.StatusUnauthorized {
			t.Errorf("revoked token = %d, want 401", code)
		}
	})
}

// TestSignInStartsAfresh: Alice creates an API token and leaves a message in her session; Bob
// signs in on the same browser. Bob sees neither, and no session ever holds a plaintext token.
func TestSignInStartsAfresh(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServerWith(t, s, manyAttempts)
		bob := store.User{Email: "bob@example.com", DisplayName: "Bob", PasswordHash: auth.HashPassword(goodPassword)}
		if err := s.CreateUser(context.Background(), &bob); err != nil {
			t.Fatal(err)
		}
		ts.signUp(t, ts.client, "alice@example.com", "Alice")
		ts.get(t, "/") // the welcome is shown and gone
		code, _, body := ts.post(t, "/account/tokens", url.Values{"name": {"alice's script"}})
		token := regexp.MustCompile(`sb_[A-Za-z0-9_-]{43}`).FindString(body)
		if code != 200 || token == "" {
			t.Fatalf("create token = %d", code)
		}
		if data := ts.sessionData(t); strings.Contains(string(data), "sb_") || strings.Contains(string(data), token[3:]) {
			t.Errorf("Alice's session holds her token: %q", data)
		}
		// Alice leaves a one-time message unread, and Bob signs in before any page shows it.
		if code, _, _ := ts.post(t, "/account/name", url.Values{"display_name": {"Alice A."}}); code != http.StatusSeeOther {
			t.Fatalf("change name = %d", code)
		}
		aliceSession := ts.sessionCookie(ts.client)
		ts.logIn(t, ts.client, "bob@example.com", goodPassword)
		if ts.sessionCookie(ts.client) == aliceSession {
			t.Error("Bob signed in under Alice's session id")
		}
		_, _, body = ts.get(t, "/account")
		if !strings.Contains(body, "bob@example.com") || strings.Contains(body, token) || strings.Contains(body, "sb_") ||
			strings.Contains(body, "Alice") {
			t.Errorf("Bob's account page shows something of Alice's:\n%s", body)
		}
		if data := ts.sessionData(t); strings.Contains(string(data), "sb_") || strings.Contains(string(data), "Alice") {
			t.Errorf("Bob's session holds Alice's values: %q", data)
		}
		// The token still works for Alice's programs: it was shown, not lost.
		if code, _, _ := ts.send(t, ts.newClient(), http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+token); code != 200 {
			t.Errorf("Alice's token = %d", code)
		}
	})
}

// A password change revokes every API token when its box is ticked (as it is by default), and
// keeps them when it is not.
func TestChangePasswordRevokesTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServerWith(t, s, manyAttempts)
		ts.signUp(t, ts.client, "ann@example.com", "Ann")
		_, _, body := ts.get(t, "/account")
		if !strings.Contains(body, `name="revoke_tokens" type="checkbox" value="1" checked>`) {
			t.Errorf("the revoke box is not ticked by default:\n%s", body)
		}
		newToken := func() string {
			t.Helper()
			_, _, body := ts.post(t, "/account/tokens", url.Values{"name": {"script"}})
			return regexp.MustCompile(`sb_[A-Za-z0-9_-]{43}`).FindString(body)
		}
		me := func(token string) int {
			code, _, _ := ts.send(t, ts.newClient(), http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+token)
			return code
		}
		change := func(from, to string, revoke bool) {
			t.Helper()
			f := url.Values{"current_password": {from}, "password": {to}, "password_confirm": {to}}
			if revoke {
				f.Set("revoke_tokens", "1")
			}
			if code, _, body := ts.post(t, "/account/password", f); code != http.StatusSeeOther {
				t.Fatalf("change password = %d\n%s", code, body)
			}
		}
		kept := newToken()
		change(goodPassword, "second fine passphrase", false)
		if code := me(kept); code != 200 {
			t.Errorf("token after a change with the box unticked = %d, want 200", code)
		}
		// An error keeps the box as it was sent.
		f := url.Values{"current_password": {"wrong one"}, "password": {"x"}}
		if _, _, body := ts.post(t, "/account/password", f); strings.Contains(body, `value="1" checked>`) {
			t.Error("the revoke box came back ticked after it was sent unticked")
		}
		gone := newToken()
		change("second fine passphrase", "third fine passphrase", true)
		for _, tok := range []string{kept, gone} {
			if code := me(tok); code != http.StatusUnauthorized {
				t.Errorf("token after a change with the box ticked = %d, want 401", code)
			}
		}
		if _, _, body := ts.get(t, "/account"); !strings.Contains(body, "Every API token has been revoked too.") || !strings.Contains(body, "You have no API tokens.") {
			t.Errorf("after revoking:\n%s", body)
		}
	})
}

// Sign in through the real form on one instance, act on another sharing the database.
func TestSessionAcrossInstances(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		one, two := newTestServer(t, s), newTestServer(t, s)
		ts := newTestServer(t, s)
		ts.signUp(t, ts.newClient(), "ann@example.com", "Ann")
		one.logIn(t, one.client, "ann@example.com", goodPassword)
		u1, _ := url.Parse(one.URL)
		u2, _ := url.Parse(two.URL)
		two.client.Jar.SetCookies(u2, one.client.Jar.Cookies(u1))

		if code, _, body := two.get(t, "/account"); code != 200 || !strings.Contains(body, "ann@example.com") {
			t.Fatalf("GET /account on the second instance = %d", code)
		}
		if code, _, _ := two.post(t, "/account/name", url.Values{"display_name": {"Ann Two"}}); code != http.StatusSeeOther {
			t.Errorf("change name on the second instance = %d", code)
		}
		// The flash set on instance two shows on instance one: the session is shared.
		if _, _, body := one.get(t, "/"); !strings.Contains(body, "Your display name is now Ann Two.") {
			t.Error("the flash from the second instance did not reach the first")
		}
		two.post(t, "/logout", url.Values{})
		if got := one.signedInAs(t, one.client); got != "" {
			t.Errorf("signed out on two, still %q on one", got)
		}
	})
}

func TestSignInRateLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann := store.User{Email: "ann@example.com", DisplayName: "Ann", PasswordHash: auth.HashPassword(goodPassword)}
		if err := s.CreateUser(ctx, &ann); err != nil {
			t.Fatal(err)
		}
		// One address guessing is stopped after SignInLimit failures, and the form keeps the
		// email and drops the password.
		c := newTestServer(t, s)
		wrong := url.Values{"email": {"ann@example.com"}, "password": {"guess number n"}}
		for i := range 10 {
			if code, _, _ := c.send(t, c.newClient(), http.MethodPost, "/login", wrong); code != http.StatusUnprocessableEntity {
				t.Fatalf("attempt %d = %d, want 422", i+1, code)
			}
		}
		code, h, body := c.send(t, c.newClient(), http.MethodPost, "/login", wrong)
		if code != http.StatusTooManyRequests || !strings.Contains(body, "Too many attempts") || h.Get("Retry-After") == "" {
			t.Fatalf("11th attempt = %d, Retry-After %q\n%s", code, h.Get("Retry-After"), body)
		}
		if n, err := strconv.Atoi(h.Get("Retry-After")); err != nil || n < 1 || n > 300 {
			t.Errorf("Retry-After %q, want seconds up to 300", h.Get("Retry-After"))
		}
		if !strings.Contains(body, `value="ann@example.com"`) || strings.Contains(body, "guess number n") {
			t.Error("the rate-limited form must keep the email and drop the password")
		}
		if err := s.ClearRateLimit(ctx, auth.AddressKey("login", "127.0.0.1")); err != nil {
			t.Fatal(err)
		}

		// Per address: one address trying many accounts is stopped too, on sign-up as well.
		for i := range 10 {
			email := "spray" + itoa(int64(i)) + "@example.com"
			if code, _, _ := c.post(t, "/signup", signupValues(email, "Spray", goodPassword)); code != http.StatusSeeOther {
				t.Fatalf("sign-up %d = %d", i+1, code)
			}
		}
		code, h, _ = c.post(t, "/signup", signupValues("spray99@example.com", "Spray", goodPassword))
		if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
			t.Errorf("11th sign-up from one address = %d", code)
		}
		if _, err := s.UserByEmail(ctx, "spray99@example.com"); err == nil {
			t.Error("the rate-limited sign-up created an account")
		}

		// Successful sign-ins do not use up an address's attempts (many people behind one NAT);
		// failures do.
		for range 12 {
			c.logIn(t, c.newClient(), "spray0@example.com", goodPassword)
		}
		for i := range 10 {
			f := url.Values{"email": {"ghost" + itoa(int64(i)) + "@example.com"}, "password": {"guess"}}
			if code, _, _ := c.send(t, c.newClient(), http.MethodPost, "/login", f); code != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d from one address = %d, want 422", i+1, code)
			}
		}
		if code, _, _ := c.send(t, c.newClient(), http.MethodPost, "/login", url.Values{"email": {"spray0@example.com"}, "password": {goodPassword}}); code != http.StatusTooManyRequests {
			t.Errorf("sign-in after 10 failures from one address = %d, want 429", code)
		}
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		ts.signUp(t, ts.client, "ann@example.com", "Ann")
		for _, hdr := range [][]string{
			{"Sec-Fetch-Site", "cross-site"},
			{"Origin", "http://evil.example"},
		} {
			for _, path := range []string{"/account/name", "/logout", "/account/tokens", "/login", "/signup"} {
				form := url.Values{"display_name": {"Hacked"}, "name": {"stolen"}, "email": {"x@example.com"}, "password": {goodPassword}}
				code, h, body := ts.post(t, path, form, hdr...)
				if code != http.StatusForbidden || !strings.Contains(body, "came from another website") ||
					!strings.HasPrefix(h.Get("Content-Type"), "text/html") {
					t.Errorf("%s: POST %s = %d %s", hdr[0], path, code, h.Get("Content-Type"))
				}
			}
		}
		if ts.signedInAs(t, ts.client) != "Ann" {
			t.Error("a cross-site request changed the name or signed out")
		}
		ann, _ := s.UserByEmail(context.Background(), "ann@example.com")
		if tokens, _ := s.APITokens(context.Background(), ann.ID); len(tokens) != 0 {
			t.Error("a cross-site request created a token")
		}
		// The same form from this site goes through.
		if code, _, _ := ts.post(t, "/account/name", url.Values{"display_name": {"Ann B."}}, "Sec-Fetch-Site", "same-origin"); code != http.StatusSeeOther {
			t.Errorf("same-origin POST = %d", code)
		}
	})
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServer(t, s)
		_, _, home := ts.get(t, "/")
		css := regexp.MustCompile(`/static/style\.[0-9a-f]+\.css`).FindString(home)
		want := map[string]string{
			"Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; " +
				"frame-ancestors 'none'; form-action 'self'",
			"X-Content-Type-Options":     "nosniff",
			"Referrer-Policy":            "strict-origin-when-cross-origin",
			"Cross-Origin-Opener-Policy": "same-origin",
		}
		requests := []struct {
			name, method, path string
			header             []string
			wantCode           int
		}{
			{"html", "GET", "/", nil, 200},
			{"form", "GET", "/signup", nil, 200},
			{"json", "GET", "/api/v1/categories", nil, 200},
			{"static", "GET", css, nil, 200},
			{"404 html", "GET", "/nowhere", nil, 404},
			{"404 json", "GET", "/api/v1/nowhere", nil, 404},
			{"401 json", "GET", "/api/v1/me", []string{"Authorization", "Bearer nope"}, 401},
			{"403 cross-site", "POST", "/logout", []string{"Sec-Fetch-Site", "cross-site"}, 403},
			{"303 redirect", "GET", "/account", nil, 303},
			{"422 form", "POST", "/login", nil, 422},
			{"health", "GET", "/healthz", nil, 200},
		}
		check := func(ts *testServer, name string, h http.Header, https bool) {
			for k, v := range want {
				if h.Get(k) != v {
					t.Errorf("%s: %s = %q, want %q", name, k, h.Get(k), v)
				}
			}
			hsts := h.Get("Strict-Transport-Security")
			if https && !strings.HasPrefix(hsts, "max-age=31536000") {
				t.Errorf("%s over HTTPS: HSTS %q, want one year", name, hsts)
			}
			if !https && hsts != "" {
				t.Errorf("%s over plain HTTP sent HSTS %q", name, hsts)
			}
		}
		for _, rq := range requests {
			code, h, _ := ts.send(t, ts.newClient(), rq.method, rq.path, url.Values{}, rq.header...)
			if code != rq.wantCode {
				t.Errorf("%s: %s %s = %d, want %d", rq.name, rq.method, rq.path, code, rq.wantCode)
			}
			check(ts, rq.name, h, false)
		}
		// Behind a trusted proxy that says HTTPS: HSTS, and a __Host- Secure cookie.
		proxied := newTestServerWith(t, s, Options{TrustProxy: true})
		for _, rq := range requests {
			_, h, _ := proxied.send(t, proxied.newClient(), rq.method, rq.path, url.Values{}, append(rq.header, "X-Forwarded-Proto", "https")...)
			check(proxied, rq.name+" (proxied https)", h, true)
			_, h, _ = proxied.send(t, proxied.newClient(), rq.method, rq.path, url.Values{}, append(rq.header, "X-Forwarded-Proto", "http")...)
			check(proxied, rq.name+" (proxied http)", h, false)
		}
		// An untrusted X-Forwarded-Proto is ignored.
		_, h, _ := ts.get(t, "/")
		_, h2, _ := ts.send(t, ts.newClient(), "GET", "/", nil, "X-Forwarded-Proto", "https")
		if h.Get("Strict-Transport-Security") != "" || h2.Get("Strict-Transport-Security") != "" {
			t.Error("HSTS without a trusted proxy")
		}
		_, h, _ = proxied.send(t, proxied.newClient(), "POST", "/signup", signupValues("ann@example.com", "Ann", goodPassword), "X-Forwarded-Proto", "https")
		ck := setCookie(h, "__Host-starboard_session")
		for _, want := range []string{"__Host-starboard_session=", "Secure", "HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(ck, want) {
				t.Errorf("HTTPS session cookie %q lacks %s", ck, want)
			}
		}
		device := setCookie(h, "__Host-starboard_device")
		for _, want := range []string{"Secure", "HttpOnly", "SameSite=Strict", "Path=/"} {
			if !strings.Contains(device, want) {
				t.Errorf("HTTPS device cookie %q lacks %s", device, want)
			}
		}
		if strings.Contains(ck, "Domain=") || strings.Contains(device, "Domain=") {
			t.Errorf("__Host- cookie with a Domain: %q, %q", ck, device)
		}
	})
}

func TestAPIIgnoresSessionsAndDisabledTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ts := newTestServer(t, s)
		u := store.User{Email: "off@example.com", DisplayName: "Off", PasswordHash: "!", Disabled: true}
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		token, hash := auth.NewToken()
		if err := s.CreateAPIToken(ctx, &store.APIToken{UserID: u.ID, Name: "old", Hash: hash}); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := ts.send(t, ts.client, "GET", "/api/v1/me", nil, "Authorization", "Bearer "+token); code != http.StatusUnauthorized {
			t.Errorf("a disabled member's token = %d, want 401", code)
		}
		// The API never sets a session cookie.
		if _, h, _ := ts.get(t, "/api/v1/categories"); h.Get("Set-Cookie") != "" {
			t.Errorf("API response set a cookie: %q", h.Get("Set-Cookie"))
		}
	})
}

// checkFormInvariants holds for any parsed and validated account form: an accepted form is
// within the rules, a refused one says why for each field, and nothing shown back holds the
// password.
func checkFormInvariants(t *testing.T, ok bool, errs fieldErrors, kept string, passwords ...string) {
	t.Helper()
	if ok != (len(errs) == 0) {
		t.Errorf("valid %v with errors %v", ok, errs)
	}
	for _, e := range errs {
		field, msg := e.Field, e.Detail
		if msg == "" {
			t.Errorf("field %q refused without a message", field)
		}
		switch field {
		case "email", "display_name", "password", "password_confirm", "form":
		default:
			t.Errorf("error for unknown field %q", field)
		}
	}
	for _, pw := range passwords {
		if len(pw) >= 3 && strings.Contains(kept, pw) {
			t.Errorf("the form shown back holds the password %q: %q", pw, kept)
		}
	}
}

func FuzzSignupForm(f *testing.F) {
	f.Add("ann@example.com", "Ann", goodPassword, goodPassword, "/c/ipads")
	f.Add("", "", "", "", "")
	f.Add("ANN@EXAMPLE.COM ", " Ann ", "password1", "password1", "//evil.example")
	f.Add("a@b.c", "\xff", "ñandú-ñandú", "ñandú-ñandú", "/\\x")
	f.Add("a@@b", strings.Repeat("x", 60), strings.Repeat("p", 300), "", "https://x.example/y")
	f.Fuzz(func(t *testing.T, email, name, pw, confirm, next string) {
		form := parseSignupForm(url.Values{"email": {email}, "display_name": {name}, "password": {pw},
			"password_confirm": {confirm}, "next": {next}})
		ok := form.validate()
		shown := form.forPage()
		kept := shown.Email + "\x00" + shown.DisplayName
		if pw == email || pw == name || strings.Contains(email, pw) || strings.Contains(name, pw) {
			pw = "" // the password is also what the member typed elsewhere: nothing to check
		}
		checkFormInvariants(t, ok, form.Errors, kept, pw)
		if shown.Password != "" || shown.PasswordConfirm != "" {
			t.Error("forPage kept a password")
		}
		if !strings.HasPrefix(shown.Next, "/") || strings.HasPrefix(shown.Next, "//") {
			t.Errorf("next %q leads off the site", shown.Next)
		}
		if !ok {
			return
		}
		if _, err := auth.CheckEmail(form.Email); err != nil || form.Email != strings.ToLower(form.Email) {
			t.Errorf("accepted email %q: %v", form.Email, err)
		}
		if _, err := auth.CheckDisplayName(form.DisplayName); err != nil || strings.TrimSpace(form.DisplayName) != form.DisplayName {
			t.Errorf("accepted display name %q: %v", form.DisplayName, err)
		}
		if n := len([]rune(form.Password)); n < auth.MinPasswordLen || n > auth.MaxPasswordLen || form.Password != form.PasswordConfirm ||
			auth.IsCommonPassword(form.Password) {
			t.Errorf("accepted password %q / %q", form.Password, form.PasswordConfirm)
		}
	})
}

func FuzzLoginForm(f *testing.F) {
	f.Add("ann@example.com", goodPassword, "/c/books")
	f.Add("", "", "")
	f.Add(" Ann@Example.com", "x", "//evil.example")
	f.Add("\xff\xfe", "\x00", "javascript:alert(1)")
	f.Fuzz(func(t *testing.T, email, pw, next string) {
		form := parseLoginForm(url.Values{"email": {email}, "password": {pw}, "next": {next}})
		ok := form.validate()
		shown := form.forPage()
		if strings.Contains(email, pw) {
			pw = ""
		}
		checkFormInvariants(t, ok, form.Errors, shown.Email, pw)
		if shown.Password != "" {
			t.Error("forPage kept the password")
		}
		if !strings.HasPrefix(shown.Next, "/") || strings.HasPrefix(shown.Next, "//") {
			t.Errorf("next %q leads off the site", shown.Next)
		}
		if ok && (strings.TrimSpace(form.Email) == "" || form.Password == "") {
			t.Errorf("accepted an empty field: %+v", form)
		}
	})
}

// A hash made with older argon2 parameters is replaced at sign-in, without ending sessions.
func TestLoginUpgradesOldHash(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ts := newTestServer(t, s)
		old := auth.Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}.Hash(goodPassword)
		u := store.User{Email: "old@example.com", DisplayName: "Old", PasswordHash: old}
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		ts.logIn(t, ts.client, "old@example.com", goodPassword)
		got, _ := s.User(ctx, u.ID)
		if got.PasswordHash == old || auth.NeedsRehash(got.PasswordHash) || !auth.VerifyPassword(goodPassword, got.PasswordHash) {
			t.Errorf("hash after sign-in %q: want the default parameters", got.PasswordHash)
		}
		if got.SessionVersion != u.SessionVersion || ts.signedInAs(t, ts.client) != "Old" {
			t.Error("the rehash ended the session")
		}
	})
}

// TestNoLockOutByStrangers: guesses at an account from elsewhere never keep its owner out. One
// address is stopped quickly; many addresses together get a slow, bounded number of guesses;
// the owner signs in from a new browser at another address straight after a flood from one
// address, and from a browser that signed in before whatever the flood.
func TestNoLockOutByStrangers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann := store.User{Email: "ann@example.com", DisplayName: "Ann", PasswordHash: auth.HashPassword(goodPassword)}
		mallory := store.User{Email: "mallory@example.com", DisplayName: "Mallory", PasswordHash: auth.HashPassword(goodPassword)}
		for _, u := range []*store.User{&ann, &mallory} {
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		// Two instances behind a proxy, sharing the counters.
		a := newTestServerWith(t, s, Options{TrustProxy: true})
		b := newTestServerWith(t, s, Options{TrustProxy: true})
		login := func(ts *testServer, c *http.Client, addr, pw string) int {
			t.Helper()
			code, _, _ := ts.send(t, c, http.MethodPost, "/login", url.Values{"email": {"ann@example.com"}, "password": {pw}},
				"X-Forwarded-For", addr)
			return code
		}

		// Ann's laptop signs in once, and out: it is a known device from now on.
		laptop := a.newClient()
		if code := login(a, laptop, "192.0.2.10", goodPassword); code != http.StatusSeeOther {
			t.Fatalf("the laptop's first sign-in = %d", code)
		}
		a.send(t, laptop, http.MethodPost, "/logout", url.Values{})

		// 50 wrong passwords from address A, each from a fresh browser: 10 are checked, the rest
		// refused unchecked.
		checked := 0
		for i := range 50 {
			switch code := login([]*testServer{a, b}[i%2], a.newClient(), "198.51.100.1", "guess "+itoa(int64(i))); code {
			case http.StatusUnprocessableEntity:
				checked++
			case http.StatusTooManyRequests:
			default:
				t.Fatalf("guess %d from A = %d", i+1, code)
			}
		}
		if checked != 10 {
			t.Errorf("address A had %d of 50 guesses checked, want 10", checked)
		}
		// At once, Ann signs in from address B in a browser that never signed in before.
		if code := login(b, b.newClient(), "203.0.113.7", goodPassword); code != http.StatusSeeOther {
			t.Errorf("the owner from another address after 50 guesses from A = %d, want 303", code)
		}

		// Now 30 addresses guess together: together they get UnknownDeviceLimit (20 an hour)
		// guesses in all, A's included, however many addresses they have.
		for i := range 30 {
			addr := "198.51.100." + itoa(int64(i+20))
			for range 2 {
				switch code := login([]*testServer{a, b}[i%2], a.newClient(), addr, "guess"); code {
				case http.StatusUnprocessableEntity:
					checked++
				case http.StatusTooManyRequests:
				default:
					t.Fatalf("guess from %s = %d", addr, code)
				}
			}
		}
		if checked != auth.UnknownDeviceLimit.Attempts {
			t.Errorf("%d guesses checked from 31 addresses, want %d", checked, auth.UnknownDeviceLimit.Attempts)
		}
		// A new browser is refused for now, even with the right password: that is the price of
		// the bound, and the owner's known browsers do not pay it.
		code, h, _ := b.send(t, b.newClient(), http.MethodPost, "/login", url.Values{"email": {"ann@example.com"}, "password": {goodPassword}},
			"X-Forwarded-For", "203.0.113.8")
		if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
			t.Errorf("a new browser during the flood = %d, want 429", code)
		}
		// The laptop signs in, from an address of its own or one of the attacker's.
		for _, addr := range []string{"192.0.2.11", "198.51.100.1"} {
			if code := login(b, laptop, addr, goodPassword); code != http.StatusSeeOther {
				t.Errorf("the known laptop during the flood, from %s = %d, want 303", addr, code)
			}
			a.send(t, laptop, http.MethodPost, "/logout", url.Values{})
		}
		// A device cookie proves a browser for its own account only, and a forged one nothing.
		mine := a.newClient()
		if code, _, _ := a.send(t, mine, http.MethodPost, "/login", url.Values{"email": {"mallory@example.com"}, "password": {goodPassword}},
			"X-Forwarded-For", "198.51.100.200"); code != http.StatusSeeOther {
			t.Fatalf("mallory's own sign-in = %d", code)
		}
		if code := login(a, mine, "198.51.100.200", "guess"); code != http.StatusTooManyRequests {
			t.Errorf("mallory's device guessing at ann = %d, want 429", code)
		}
		forged := a.newClient()
		u, _ := url.Parse(a.URL)
		forged.Jar.SetCookies(u, []*http.Cookie{{Name: deviceCookie, Value: strings.Repeat("A", 86)}})
		if code := login(a, forged, "198.51.100.201", goodPassword); code != http.StatusTooManyRequests {
			t.Errorf("a forged device cookie = %d, want 429", code)
		}
		// The known browser's own guesses are limited too, per device.
		for i := range 10 {
			if code := login(a, laptop, "192.0.2.12", "laptop guess"); code != http.StatusUnprocessableEntity {
				t.Fatalf("laptop guess %d = %d, want 422", i+1, code)
			}
		}
		if code := login(a, laptop, "192.0.2.12", goodPassword); code != http.StatusTooManyRequests {
			t.Errorf("the laptop after 10 of its own failures = %d, want 429", code)
		}
	})
}

// Behind a trusted proxy only a valid IP address in X-Forwarded-For counts as the client's;
// anything else, however long, counts as the connection's address, and no key grows with it.
func TestForwardedForBounded(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServerWith(t, s, Options{TrustProxy: true})
		junk := []string{strings.Repeat("x", 20000), "1.2.3.4.5", "fe80::1%" + strings.Repeat("e", 5000), "not an address", ""}
		for i := range 10 {
			f := url.Values{"email": {"ghost" + itoa(int64(i)) + "@example.com"}, "password": {"guess"}}
			if code, _, _ := ts.post(t, "/login", f, "X-Forwarded-For", "192.0.2.1, "+junk[i%len(junk)]); code != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d = %d, want 422", i+1, code)
			}
		}
		// All ten counted against the connection's address (the test's own), whose limit is up.
		f := url.Values{"email": {"ghost@example.com"}, "password": {"guess"}}
		if code, _, _ := ts.post(t, "/login", f, "X-Forwarded-For", strings.Repeat("y", 300)); code != http.StatusTooManyRequests {
			t.Errorf("after 10 failures with junk addresses = %d, want 429", code)
		}
		// A real address, with a port or as IPv4-mapped IPv6, is its own.
		for _, addr := range []string{"198.51.100.9", "198.51.100.10:4711", "::ffff:198.51.100.11", "[2001:db8::1]:443"} {
			if code, _, _ := ts.post(t, "/login", f, "X-Forwarded-For", addr); code != http.StatusUnprocessableEntity {
				t.Errorf("from %s = %d, want 422", addr, code)
			}
		}
	})
}

func TestParseIP(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"192.0.2.1": "192.0.2.1", "192.0.2.1:80": "192.0.2.1", "::ffff:192.0.2.1": "192.0.2.1", "2001:db8::1": "2001:db8::1",
		"[2001:db8::1]:443": "2001:db8::1", "fe80::1%eth0": "fe80::1", "": "", "x": "", "1.2.3.4.5": "",
		strings.Repeat("1", 100): "",
	} {
		if got, ok := parseIP(in); got != want || ok != (want != "") {
			t.Errorf("parseIP(%.20q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, addr := range []string{strings.Repeat("z", 10000), "fe80::1%" + strings.Repeat("e", 500)} {
		if k := auth.AddressKey("login", addr); len(k) > 60 {
			t.Errorf("AddressKey of a long string is %d bytes long", len(k))
		}
	}
}
