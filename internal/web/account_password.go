package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/mail"
	"github.com/starboard/starboard/internal/store"
)

// How long mailed links work. A reset link sets a password, so it lives an hour; the others
// wait for a member to find the message.
const (
	resetLinkValid  = time.Hour
	verifyLinkValid = 24 * time.Hour
)

// newLinkToken returns a new token for a mailed link (32 random bytes, base64url) and the hash
// to store for it.
func newLinkToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, auth.HashToken(token)
}

// siteName returns the site's name for mail: the host of its canonical address.
func siteName(base string) string {
	_, host, _ := strings.Cut(base, "://")
	return host
}

// NewResetLink stores a new single-use link that sets u's password within an hour, and returns
// its address on the site at base (https://reviews.example.com). When audit is not nil (an
// admin, or the command line, made the link for u) it is recorded in the same transaction.
func NewResetLink(ctx context.Context, s *store.Store, u store.User, base string, audit *store.AuditEntry) (string, error) {
	token, hash := newLinkToken()
	l := store.EmailLink{Purpose: store.LinkReset, UserID: u.ID, Email: u.Email, ExpiresAt: time.Now().Add(resetLinkValid)}
	var err error
	if audit == nil {
		err = s.CreateEmailLink(ctx, hash, l)
	} else {
		err = s.Audited(ctx, audit, func(tx *store.Tx) error { return tx.CreateEmailLink(hash, l) })
	}
	return base + "/password/reset/" + token, err
}

// forgotView is the forgotten-password page: a form when the site sends mail, else a note to
// ask an admin.
type forgotView struct {
	ByMail bool
	Email  string
	Errors fieldErrors
}

// forgotPage asks for the address to mail a reset link to, or, on a site without mail, says
// to ask an admin.
func (srv *Server) forgotPage(w http.ResponseWriter, r *http.Request) error {
	return srv.render(w, r, http.StatusOK, "forgot", view{Title: "Forgot your password?", Data: forgotView{ByMail: srv.opt.Mail != nil}})
}

// forgot mails a reset link to the address if it has an active account, and answers the same
// either way: what happened is for the address's owner to learn, not the person asking.
func (srv *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	if srv.opt.Mail == nil {
		return srv.forgotPage(w, r)
	}
	v, err := parseAccountForm(r)
	if err != nil {
		return err
	}
	f := forgotView{ByMail: true, Email: v.Get("email")}
	page := func(status int) error {
		f.Email = keepText(f.Email, auth.MaxEmailLen)
		return srv.render(w, r, status, "forgot", view{Title: "Forgot your password?", Data: f})
	}
	email, err := auth.CheckEmail(f.Email)
	if err != nil {
		f.Errors.add("email", err.Error())
		return page(http.StatusUnprocessableEntity)
	}
	f.Email = email
	if done, err := srv.limitAttempts(w, r, "forgot", email, &f.Errors, page); done {
		return err
	}
	u, err := srv.store.UserByEmail(r.Context(), email)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	case !u.Disabled:
		base := srv.baseURL(r)
		link, err := NewResetLink(r.Context(), srv.store, u, base, nil)
		if err != nil {
			return err
		}
		srv.opt.Mail.Post(mail.Letter{Kind: mail.Reset, To: u.Email, Name: u.DisplayName, Site: siteName(base), Link: link})
		srv.log.Info("password reset link mailed", "user", u.ID)
	}
	return srv.checkEmail(w, r, "If an account uses "+email+", we have sent it a link to set a new password. "+
		"The link works once, within an hour. Nothing there after a few minutes? Check your spam folder, "+
		"or ask again: only the newest link matters.")
}

// checkEmailView is the answer to a form whose outcome arrives by mail.
type checkEmailView struct{ Message string }

// checkEmail answers a form whose outcome arrives by mail, with msg.
func (srv *Server) checkEmail(w http.ResponseWriter, r *http.Request, msg string) error {
	w.Header().Set("Cache-Control", "no-store")
	return srv.render(w, r, http.StatusOK, "check_email", view{Title: "Check your e-mail", Data: checkEmailView{Message: msg}})
}

// resetView is the page a reset link opens: the new-password form, or word that the link no
// longer works.
type resetView struct {
	Gone   bool
	ByMail bool // a new link can be asked for by mail; else from an admin
	Email  string
	Action string
	Errors fieldErrors
}

// linkPage renders a page a mailed link opens. The address holds a secret: it is neither kept
// nor sent on as a Referer.
func (srv *Server) linkPage(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) error {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return srv.render(w, r, status, name, view{Title: title, Data: data})
}

// resetPage shows the new-password form of a valid reset link. Opening it uses nothing up: mail
// scanners open links too.
func (srv *Server) resetPage(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	l, err := srv.store.FindEmailLink(r.Context(), auth.HashToken(token), store.LinkReset, time.Now())
	if errors.Is(err, store.ErrNotFound) {
		return srv.linkPage(w, r, http.StatusNotFound, "reset", "Set a new password", resetView{Gone: true, ByMail: srv.opt.Mail != nil})
	}
	if err != nil {
		return err
	}
	return srv.linkPage(w, r, http.StatusOK, "reset", "Set a new password", resetView{Email: l.Email, Action: r.URL.Path})
}

// reset sets the password a valid reset link allows, ending every session of the account, and
// signs this browser in.
func (srv *Server) reset(w http.ResponseWriter, r *http.Request) error {
	v, err := parseAccountForm(r)
	if err != nil {
		return err
	}
	hash := auth.HashToken(r.PathValue("token"))
	ctx := r.Context()
	gone := func() error {
		return srv.linkPage(w, r, http.StatusNotFound, "reset", "Set a new password", resetView{Gone: true, ByMail: srv.opt.Mail != nil})
	}
	l, err := srv.store.FindEmailLink(ctx, hash, store.LinkReset, time.Now())
	if errors.Is(err, store.ErrNotFound) {
		return gone()
	}
	if err != nil {
		return err
	}
	u, err := srv.store.User(ctx, l.UserID)
	if err != nil {
		return err
	}
	f := resetView{Email: u.Email, Action: r.URL.Path}
	page := func(status int) error {
		return srv.linkPage(w, r, status, "reset", "Set a new password", f)
	}
	if done, err := srv.limitAttempts(w, r, "reset", u.Email, &f.Errors, page); done {
		return err
	}
	pw, confirm := v.Get("password"), v.Get("password_confirm")
	if err := auth.ValidatePassword(pw, u.Email, u.DisplayName); err != nil {
		f.Errors.add("password", err.Error())
	} else if confirm != pw {
		f.Errors.add("password_confirm", "The two passwords differ. Type the same password twice.")
	}
	if len(f.Errors) > 0 {
		return page(http.StatusUnprocessableEntity)
	}
	u, err = srv.store.ResetPassword(ctx, hash, time.Now(), auth.HashPassword(pw))
	if errors.Is(err, store.ErrNotFound) {
		return gone()
	}
	if err != nil {
		return err
	}
	// The owner has proved who they are: strangers' failed guesses no longer hold them back.
	if err := srv.store.ClearRateLimit(ctx, auth.AccountKey("login", u.Email)); err != nil {
		srv.log.Warn("clear rate limit", "err", err)
	}
	if err := srv.signIn(w, r, u); err != nil {
		return err
	}
	srv.setFlash(r, "Your new password is set, and you are signed in. Every other browser signed in to your account has been signed out.")
	srv.log.Info("password reset", "user", u.ID)
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}
