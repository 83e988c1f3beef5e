package web

import (
	"net/http"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
)

// accountView is the account page: one form per change, and the member's API tokens.
type accountView struct {
	DisplayName    string // the display name form's value
	NameErrors     fieldErrors
	PasswordErrors fieldErrors
	TokenName      string // the new-token form's value
	TokenErrors    fieldErrors
	Tokens         []store.APIToken
	// KeepTokens unticks "revoke every API token" on the password form, which is ticked by
	// default.
	KeepTokens bool
	// NewToken is a token just created, shown this once: on the answer to the POST that made
	// it, never kept anywhere (not in the session either).
	NewToken    string
	Notice      string // what was just done, shown as the page's one-time message
	Problem     string // what went wrong, shown at the top: the form may be far down the page
	VerifyEmail bool   // the address is unverified, and a link to verify it can be mailed
}

// accountPage shows the signed-in member's account.
func (srv *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	return srv.renderAccount(w, r, http.StatusOK, accountView{DisplayName: u.DisplayName})
}

// renderAccount renders the account page with the member's tokens. It is never cached: it can
// hold a new token.
func (srv *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, v accountView) error {
	tokens, err := srv.store.APITokens(r.Context(), userFrom(r.Context()).ID)
	if err != nil {
		return err
	}
	v.Tokens = tokens
	if v.VerifyEmail, err = srv.emailUnverified(r); err != nil {
		return err
	}
	if v.DisplayName == "" && v.NameErrors == nil {
		v.DisplayName = userFrom(r.Context()).DisplayName
	}
	w.Header().Set("Cache-Control", "no-store")
	return srv.render(w, r, status, "account", view{Title: "Your account", Flash: v.Notice, Data: v})
}

// changeDisplayName sets the name shown beside the member's reviews.
func (srv *Server) changeDisplayName(w http.ResponseWriter, r *http.Request) error {
	form, err := parseAccountForm(r)
	if err != nil {
		return err
	}
	u := userFrom(r.Context())
	name, err := auth.CheckDisplayName(form.Get("display_name"))
	if err != nil {
		return srv.renderAccount(w, r, http.StatusUnprocessableEntity, accountView{
			DisplayName: keepText(form.Get("display_name"), auth.MaxDisplayNameLen),
			NameErrors:  fieldErrors{{"display_name", err.Error()}},
			Problem:     "Your display name was not changed: see the Display name section below."})
	}
	if err := srv.store.SetDisplayName(r.Context(), u.ID, name); err != nil {
		return err
	}
	srv.setFlash(r, "Your display name is now "+name+".")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

// changePassword replaces the member's password after checking the current one. Every other
// session of the member ends; this one carries on under a new id.
func (srv *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	form, err := parseAccountForm(r)
	if err != nil {
		return err
	}
	u := userFrom(r.Context())
	current, pw, confirm := form.Get("current_password"), form.Get("password"), form.Get("password_confirm")
	// An unticked box sends nothing: only a ticked one revokes.
	revokeTokens := form.Get("revoke_tokens") != ""
	var errs fieldErrors
	page := func(status int) error {
		return srv.renderAccount(w, r, status, accountView{PasswordErrors: errs, KeepTokens: !revokeTokens,
			Problem: "Your password was not changed: see the Password section below."})
	}
	if current == "" {
		errs.add("current_password", "Enter your current password.")
	} else {
		// Someone at an unattended signed-in browser may not guess the current password either.
		wait, err := srv.hit(r, srv.opt.SignInLimit, auth.AddressKey("password", srv.remoteAddress(r)), auth.AccountKey("password", u.Email))
		if err != nil {
			return err
		}
		if wait > 0 {
			return srv.refuseAttempt(w, r, "password", wait, &errs, page)
		}
		if !auth.VerifyPassword(current, u.PasswordHash) {
			errs.add("current_password", "That is not your current password.")
		}
	}
	if err := auth.ValidatePassword(pw, u.Email, u.DisplayName); err != nil {
		errs.add("password", err.Error())
	} else if confirm != pw {
		errs.add("password_confirm", "The two new passwords differ. Type the same password twice.")
	}
	if len(errs) > 0 {
		return page(http.StatusUnprocessableEntity)
	}
	version, err := srv.store.SetPassword(r.Context(), u.ID, auth.HashPassword(pw), revokeTokens)
	if err != nil {
		return err
	}
	updated := *u
	updated.SessionVersion = version
	if err := srv.signIn(w, r, updated); err != nil {
		return err
	}
	msg := "Password changed. Every other browser signed in to your account has been signed out."
	if revokeTokens {
		msg += " Every API token has been revoked too."
	}
	srv.setFlash(r, msg)
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

// createToken makes an API token and shows it once, on the account page this POST answers:
// the plaintext token is never stored, in the session or anywhere else, so no later request,
// and nobody who signs in on this browser next, can see it.
func (srv *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	form, err := parseAccountForm(r)
	if err != nil {
		return err
	}
	u := userFrom(r.Context())
	name, err := auth.CheckTokenName(form.Get("name"))
	if err != nil {
		return srv.renderAccount(w, r, http.StatusUnprocessableEntity, accountView{
			TokenName: keepText(form.Get("name"), auth.MaxTokenNameLen), TokenErrors: fieldErrors{{"name", err.Error()}},
			Problem: "No token was created: see the API tokens section below."})
	}
	token, hash := auth.NewToken()
	t := store.APIToken{UserID: u.ID, Name: name, Hash: hash}
	if err := srv.store.CreateAPIToken(r.Context(), &t); err != nil {
		return err
	}
	return srv.renderAccount(w, r, http.StatusOK, accountView{NewToken: token,
		Notice: "Token \"" + name + "\" created. Copy it now: it will not be shown again."})
}

// revokeToken deletes one of the member's tokens. Another member's token is 404, as if it did
// not exist.
func (srv *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := srv.store.DeleteAPIToken(r.Context(), id, userFrom(r.Context()).ID); err != nil {
		return err
	}
	srv.setFlash(r, "Token revoked. Programs using it can no longer reach your account.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}
