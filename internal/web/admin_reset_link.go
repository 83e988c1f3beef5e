package web

import (
	"net/http"

	"github.com/starboard/starboard/internal/store"
)

// resetLinkView is the answer to an admin's request for a member's reset link.
type resetLinkView struct {
	Name, Email, Link string
}

// adminResetLink makes a single-use link that sets a new password for a member, and shows it to
// the admin to pass on; on a site without mail it is how a member who forgot their password gets
// back in. The answer holds a secret: it is not stored anywhere.
func (srv *Server) adminResetLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := parseAccountForm(r); err != nil {
		return err
	}
	u, err := srv.store.User(r.Context(), id)
	if err != nil {
		return err
	}
	if u.Disabled {
		return problemOf(http.StatusConflict, "", u.DisplayName+"'s account is disabled: a new password would not let them sign in. Enable the account first.")
	}
	link, err := NewResetLink(r.Context(), srv.store, u, srv.baseURL(r),
		auditEntry(r, store.ActionResetLinkCreate, memberTarget(u), "valid one hour"))
	if err != nil {
		return err
	}
	srv.log.Info("reset link made", "by", userFrom(r.Context()).ID, "user", u.ID)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return srv.render(w, r, http.StatusOK, "admin_reset_link", view{Title: "Admin: reset link",
		Data: resetLinkView{Name: u.DisplayName, Email: u.Email, Link: link}})
}
