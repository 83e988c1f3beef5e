package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/mail"
	"github.com/starboard/starboard/internal/store"
)

// signupSent is the one answer to a sign-up on a site that sends mail, whether the address has
// an account or not.
func signupSent(email string) string {
	return "We have sent a message to " + email + ". Open the link in it within a day to finish creating your account " +
		"and sign in. Nothing there after a few minutes? Check your spam folder, or sign up again."
}

// signupByMail answers a valid sign-up on a site that sends mail. No account is made yet: the
// sign-up waits in a link mailed to the address, and the account exists once the address's
// owner opens it. If the address has an account, its owner is told by mail instead. The page
// says the same in both cases and signs no one in, so it tells no one whether the address has
// an account.
func (srv *Server) signupByMail(w http.ResponseWriter, r *http.Request, f signupForm) error {
	// The hash comes first in both outcomes, so a taken email answers no faster than a new one.
	hash := auth.HashPassword(f.Password)
	base := srv.baseURL(r)
	u, err := srv.store.UserByEmail(r.Context(), f.Email)
	switch {
	case err == nil:
		srv.opt.Mail.Post(mail.Letter{Kind: mail.Taken, To: u.Email, Name: u.DisplayName, Site: siteName(base),
			SignIn: base + "/login", Forgot: base + "/password/forgot"})
		srv.log.Info("sign-up with a taken address: owner told", "user", u.ID)
	case errors.Is(err, store.ErrNotFound):
		token, tokenHash := newLinkToken()
		err := srv.store.CreateEmailLink(r.Context(), tokenHash, store.EmailLink{Purpose: store.LinkSignup, Email: f.Email,
			DisplayName: f.DisplayName, PasswordHash: hash, ExpiresAt: time.Now().Add(verifyLinkValid)})
		if err != nil {
			return err
		}
		srv.opt.Mail.Post(mail.Letter{Kind: mail.Signup, To: f.Email, Name: f.DisplayName, Site: siteName(base),
			Link: base + "/email/verify/" + token})
	default:
		return err
	}
	return srv.checkEmail(w, r, signupSent(f.Email))
}

// verifyView is the page a sign-up or verification link opens: a button that uses it, or word
// that it no longer works.
type verifyView struct {
	Gone   bool
	Signup bool // the link creates an account; else it verifies an existing one's address
	Email  string
	Action string
}

// emailLinkOf returns the unused sign-up or verification link with that token hash.
func (srv *Server) emailLinkOf(r *http.Request, hash string) (store.EmailLink, error) {
	l, err := srv.store.FindEmailLink(r.Context(), hash, store.LinkSignup, time.Now())
	if errors.Is(err, store.ErrNotFound) {
		l, err = srv.store.FindEmailLink(r.Context(), hash, store.LinkVerify, time.Now())
	}
	return l, err
}

// verifyPage shows what a sign-up or verification link will do, with a button to do it: opening
// it changes nothing, since mail scanners open links too.
func (srv *Server) verifyPage(w http.ResponseWriter, r *http.Request) error {
	l, err := srv.emailLinkOf(r, auth.HashToken(r.PathValue("token")))
	if errors.Is(err, store.ErrNotFound) {
		return srv.linkPage(w, r, http.StatusNotFound, "verify", "Confirm your address", verifyView{Gone: true})
	}
	if err != nil {
		return err
	}
	return srv.linkPage(w, r, http.StatusOK, "verify", "Confirm your address",
		verifyView{Signup: l.Purpose == store.LinkSignup, Email: l.Email, Action: r.URL.Path})
}

// verify uses a sign-up link, creating the account and signing it in, or a verification link,
// marking the account's address verified.
func (srv *Server) verify(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	hash := auth.HashToken(r.PathValue("token"))
	u, err := srv.store.CompleteSignup(ctx, hash, time.Now())
	switch {
	case err == nil:
		if err := srv.signIn(w, r, u); err != nil {
			return err
		}
		srv.setFlash(r, "Welcome to Starboard, "+u.DisplayName+". Your account is ready.")
		srv.log.Info("account created", "user", u.ID, "by", "mail")
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	case errors.Is(err, store.ErrConflict):
		srv.setFlash(r, "This address already has an account. Sign in, or set a new password if you forgot it.")
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	u, err = srv.store.VerifyEmail(ctx, hash, time.Now())
	if errors.Is(err, store.ErrNotFound) {
		return srv.linkPage(w, r, http.StatusNotFound, "verify", "Confirm your address", verifyView{Gone: true})
	}
	if err != nil {
		return err
	}
	srv.setFlash(r, "Thank you: "+u.Email+" is verified.")
	next := "/login"
	if me := userFrom(ctx); me != nil && me.ID == u.ID {
		next = "/account"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// emailUnverified reports whether the signed-in member's address is unverified on a site that
// can verify it by mail.
func (srv *Server) emailUnverified(r *http.Request) (bool, error) {
	if srv.opt.Mail == nil {
		return false, nil
	}
	ok, err := srv.store.EmailVerified(r.Context(), userFrom(r.Context()).ID)
	return !ok, err
}

// resendVerification mails the signed-in member a link that verifies their address.
func (srv *Server) resendVerification(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseAccountForm(r); err != nil {
		return err
	}
	unverified, err := srv.emailUnverified(r)
	if err != nil {
		return err
	}
	u := userFrom(r.Context())
	if !unverified {
		srv.setFlash(r, "Your address needs no verifying.")
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return nil
	}
	wait, err := srv.hit(r, srv.opt.SignInLimit, auth.AddressKey("verify", srv.remoteAddress(r)), auth.AccountKey("verify", u.Email))
	if err != nil {
		return err
	}
	if wait > 0 {
		return srv.renderAccount(w, r, http.StatusTooManyRequests, accountView{Problem: tooManyAttempts(w, wait)})
	}
	token, hash := newLinkToken()
	if err := srv.store.CreateEmailLink(r.Context(), hash, store.EmailLink{Purpose: store.LinkVerify, UserID: u.ID, Email: u.Email,
		ExpiresAt: time.Now().Add(verifyLinkValid)}); err != nil {
		return err
	}
	base := srv.baseURL(r)
	srv.opt.Mail.Post(mail.Letter{Kind: mail.Verify, To: u.Email, Name: u.DisplayName, Site: siteName(base),
		Link: base + "/email/verify/" + token})
	srv.setFlash(r, "We have sent a link to "+u.Email+". Open it within a day to verify your address.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}
