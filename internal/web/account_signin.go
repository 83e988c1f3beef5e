package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
)

// keepText returns input fit to show back in a form: valid UTF-8 and of bounded length.
func keepText(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit])
	}
	return s
}

// signupForm is the sign-up form as posted. The passwords are never rendered back.
type signupForm struct {
	Email, DisplayName, Next  string
	SetupToken                string // set on the setup page, which makes the first admin
	Password, PasswordConfirm string
	Errors                    fieldErrors // "form" holds a message about the form as a whole
}

func parseSignupForm(v url.Values) signupForm {
	return signupForm{Email: v.Get("email"), DisplayName: v.Get("display_name"), Next: v.Get("next"),
		Password: v.Get("password"), PasswordConfirm: v.Get("password_confirm")}
}

// validate checks every field, normalising the email and display name in place, and reports
// whether there were no errors.
func (f *signupForm) validate() bool {
	f.Errors = nil
	email, err := auth.CheckEmail(f.Email)
	if err != nil {
		f.Errors.add("email", err.Error())
	} else {
		f.Email = email
	}
	name, err := auth.CheckDisplayName(f.DisplayName)
	if err != nil {
		f.Errors.add("display_name", err.Error())
	} else {
		f.DisplayName = name
	}
	if err := auth.ValidatePassword(f.Password, f.Email, f.DisplayName); err != nil {
		f.Errors.add("password", err.Error())
	} else if f.PasswordConfirm != f.Password {
		f.Errors.add("password_confirm", "The two passwords differ. Type the same password twice.")
	}
	return len(f.Errors) == 0
}

// forPage returns the form as it may be shown back: passwords dropped, text made printable.
func (f signupForm) forPage() signupForm {
	return signupForm{Email: keepText(f.Email, auth.MaxEmailLen), DisplayName: keepText(f.DisplayName, auth.MaxDisplayNameLen),
		Next: safeNext(f.Next), Errors: f.Errors}
}

// loginForm is the sign-in form as posted. The password is never rendered back.
type loginForm struct {
	Email, Next string
	Password    string
	Errors      fieldErrors // "form" holds a message about the form as a whole
}

func parseLoginForm(v url.Values) loginForm {
	return loginForm{Email: v.Get("email"), Password: v.Get("password"), Next: v.Get("next")}
}

// validate checks that both fields are there; whether they are right is the store's to say.
func (f *loginForm) validate() bool {
	f.Errors = nil
	if strings.TrimSpace(f.Email) == "" {
		f.Errors.add("email", auth.ErrEmailMissing.Error())
	} else if email, err := auth.CheckEmail(f.Email); err == nil {
		f.Email = email
	}
	if f.Password == "" {
		f.Errors.add("password", "Enter your password.")
	}
	return len(f.Errors) == 0
}

func (f loginForm) forPage() loginForm {
	return loginForm{Email: keepText(f.Email, auth.MaxEmailLen), Next: safeNext(f.Next), Errors: f.Errors}
}

// wrongCredentials is the one answer to a failed sign-in, whether the email has an account or
// not.
const wrongCredentials = "That email and password do not match an account. Check both and try again."

// signupRefused answers a sign-up whose email already has an account. It does not say the
// address is taken, only what to do; see the README's Security section for what it still tells.
const signupRefused = "We could not create an account with this email address. " +
	"If you already have one, sign in instead; otherwise use another address."

// parseAccountForm reads a posted form body of the account and admin pages; one that cannot be
// read is a 413 or a 400.
func parseAccountForm(r *http.Request) (url.Values, error) {
	return parseForm(r, "The form was too large: the limit is 1 MiB.",
		"The form could not be read. Please go back and submit it again.")
}

// parseForm reads a posted form body, returning a 413 with tooBig or a 400 with unreadable when
// it cannot.
func parseForm(r *http.Request, tooBig, unreadable string) (url.Values, error) {
	if err := r.ParseForm(); err != nil {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			return nil, problemOf(http.StatusRequestEntityTooLarge, "", tooBig)
		}
		return nil, problemOf(http.StatusBadRequest, "", unreadable)
	}
	return r.PostForm, nil
}

// signupPage shows the sign-up form; a signed-in member is sent on to where they were going.
func (srv *Server) signupPage(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("next")
	if userFrom(r.Context()) != nil {
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return nil
	}
	return srv.render(w, r, http.StatusOK, "signup", view{Title: "Create your account", Data: signupForm{Next: safeNext(next)}})
}

// signup creates an account, signs it in and sends it on to next.
func (srv *Server) signup(w http.ResponseWriter, r *http.Request) error {
	v, err := parseAccountForm(r)
	if err != nil {
		return err
	}
	f := parseSignupForm(v)
	page := func(status int) error {
		return srv.render(w, r, status, "signup", view{Title: "Create your account", Data: f.forPage()})
	}
	if !f.validate() {
		return page(http.StatusUnprocessableEntity)
	}
	// Per address only: see ratelimit.go.
	wait, err := srv.hit(r, srv.opt.SignInLimit, auth.AddressKey("signup", srv.remoteAddress(r)))
	if err != nil {
		return err
	}
	if wait > 0 {
		return srv.refuseAttempt(w, r, "signup", wait, &f.Errors, page)
	}
	if srv.opt.Mail != nil {
		return srv.signupByMail(w, r, f)
	}
	// The hash comes first in both outcomes, so a taken email answers no faster than a new one.
	u := store.User{Email: f.Email, DisplayName: f.DisplayName, PasswordHash: auth.HashPassword(f.Password)}
	err = srv.store.CreateUser(r.Context(), &u)
	if errors.Is(err, store.ErrConflict) {
		f.Errors.add("email", signupRefused)
		return page(http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	if err := srv.signIn(w, r, u); err != nil {
		return err
	}
	srv.setFlash(r, "Welcome to Starboard, "+u.DisplayName+".")
	srv.log.Info("account created", "user", u.ID)
	http.Redirect(w, r, safeNext(f.Next), http.StatusSeeOther)
	return nil
}

// loginPage shows the sign-in form; a signed-in member is sent on to where they were going.
func (srv *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("next")
	if userFrom(r.Context()) != nil {
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return nil
	}
	return srv.render(w, r, http.StatusOK, "login", view{Title: "Sign in", Data: loginForm{Next: safeNext(next)}})
}

// login checks an email and password and starts a session under a new id.
func (srv *Server) login(w http.ResponseWriter, r *http.Request) error {
	v, err := parseAccountForm(r)
	if err != nil {
		return err
	}
	f := parseLoginForm(v)
	page := func(status int) error {
		return srv.render(w, r, status, "login", view{Title: "Sign in", Data: f.forPage()})
	}
	if !f.validate() {
		return page(http.StatusUnprocessableEntity)
	}
	attempt, wait, err := srv.countSignIn(r, f.Email)
	if err != nil {
		return err
	}
	if wait > 0 {
		return srv.refuseAttempt(w, r, "login", wait, &f.Errors, page)
	}
	u, err := srv.store.UserByEmail(r.Context(), f.Email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		auth.SpendVerifyTime(f.Password)
	case err != nil:
		return err
	}
	if err != nil || !auth.VerifyPassword(f.Password, u.PasswordHash) || u.Disabled {
		f.Errors.add("form", wrongCredentials)
		srv.metrics.signInFailed()
		return page(http.StatusUnprocessableEntity)
	}
	srv.signInSucceeded(r, attempt)
	if auth.NeedsRehash(u.PasswordHash) {
		if err := srv.store.RehashPassword(r.Context(), u.ID, u.PasswordHash, auth.HashPassword(f.Password)); err != nil {
			srv.log.Warn("rehash password", "user", u.ID, "err", err)
		}
	}
	if err := srv.signIn(w, r, u); err != nil {
		return err
	}
	srv.setFlash(r, "Signed in. Welcome back, "+u.DisplayName+".")
	http.Redirect(w, r, safeNext(f.Next), http.StatusSeeOther)
	return nil
}

// logout ends the session, deleting it from the database.
func (srv *Server) logout(w http.ResponseWriter, r *http.Request) error {
	signedIn := userFrom(r.Context()) != nil
	if err := srv.signOut(r); err != nil {
		return err
	}
	if signedIn {
		srv.setFlash(r, "You have signed out.")
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// tooManyAttempts sets Retry-After and returns the message for a rate-limited form.
func tooManyAttempts(w http.ResponseWriter, wait time.Duration) string {
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", fmt.Sprint(secs))
	return "Too many attempts from here or for this account. To protect accounts from password guessing, " +
		"please wait " + waitText(secs) + ", then try again."
}
