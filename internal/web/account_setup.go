package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
)

// SetupPath returns the path of the one-time setup page for a setup token (auth.NewSetupToken).
// The token travels in the query, which the request log leaves out.
func SetupPath(token string) string {
	return "/setup?token=" + url.QueryEscape(token)
}

// setupTokenSince returns the oldest creation time of a setup token that still works.
func setupTokenSince() time.Time { return time.Now().Add(-auth.SetupTokenLifetime) }

// validSetupToken returns a 404 unless token is a working setup token: the page does not exist
// for anyone else, and not at all once the site has an admin.
func (srv *Server) validSetupToken(r *http.Request, token string) error {
	if token == "" {
		return errNotFound
	}
	ok, err := srv.store.SetupTokenValid(r.Context(), auth.HashToken(token), setupTokenSince())
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	return nil
}

// renderSetup renders the setup form (the sign-up form, posting to /setup). It is never cached:
// its address and form hold the token.
func (srv *Server) renderSetup(w http.ResponseWriter, r *http.Request, status int, f signupForm) error {
	w.Header().Set("Cache-Control", "no-store")
	return srv.render(w, r, status, "signup", view{Title: "Set up your site", Data: f})
}

// setupPage shows the form that creates the site's first admin, to the holder of a setup token.
func (srv *Server) setupPage(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if err := srv.validSetupToken(r, token); err != nil {
		return err
	}
	return srv.renderSetup(w, r, http.StatusOK, signupForm{SetupToken: token})
}

// setup creates the site's first admin with a setup token, and signs them in.
func (srv *Server) setup(w http.ResponseWriter, r *http.Request) error {
	v, err := parseAccountForm(r)
	if err != nil {
		return err
	}
	f := parseSignupForm(v)
	f.SetupToken = v.Get("token")
	if err := srv.validSetupToken(r, f.SetupToken); err != nil {
		return err
	}
	page := func(status int) error {
		out := f.forPage()
		out.SetupToken = f.SetupToken
		return srv.renderSetup(w, r, status, out)
	}
	if !f.validate() {
		return page(http.StatusUnprocessableEntity)
	}
	u := store.User{Email: f.Email, DisplayName: f.DisplayName, PasswordHash: auth.HashPassword(f.Password)}
	err = srv.store.CreateFirstAdmin(r.Context(), auth.HashToken(f.SetupToken), setupTokenSince(), &u)
	if errors.Is(err, store.ErrConflict) {
		f.Errors.add("email", "An account with this email address exists already. Use another address for the admin; "+
			"you can make that account an admin afterwards on the members page.")
		return page(http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	if err := srv.signIn(w, r, u); err != nil {
		return err
	}
	srv.setFlash(r, "Welcome, "+u.DisplayName+". You are the site's admin; the setup address no longer works.")
	srv.log.Info("first admin created", "user", u.ID)
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
	return nil
}
