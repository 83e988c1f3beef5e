package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/starboard/starboard/internal/store"
)

// adminMembersPerPage is how many accounts the member list shows at once.
const adminMembersPerPage = 50

// membersView is one page of the member list.
type membersView struct {
	Search             string
	Members            []store.Member
	Page               page
	PrevHref, NextHref string
	Back               string // this page's address, for the forms to return to
	Me                 int64
}

// membersHref returns the member list's address for a search and page.
func membersHref(search string, n int) string {
	q := url.Values{}
	if search != "" {
		q.Set("q", search)
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return "/admin/members"
	}
	return "/admin/members?" + q.Encode()
}

// adminMembers lists accounts, oldest first, with a search by email or name.
func (srv *Server) adminMembers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	search := keepText(strings.TrimSpace(q.Get("q")), 100)
	pg, field, msg := parsePageValues("", q.Get("page"), adminMembersPerPage)
	if field != "" {
		srv.clientError(w, r, http.StatusBadRequest, field, msg)
		return
	}
	members, total, err := srv.store.Members(r.Context(), store.MemberQuery{Search: search, Limit: pg.Limit, Offset: pg.offset()})
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	pg.Total = total
	v := membersView{Search: search, Members: members, Page: pg, Back: membersHref(search, pg.Page), Me: userFrom(r.Context()).ID}
	if pg.Page > 1 {
		v.PrevHref = membersHref(search, min(pg.Page-1, pg.Pages()))
	}
	if pg.Page < pg.Pages() {
		v.NextHref = membersHref(search, pg.Page+1)
	}
	srv.render(w, r, http.StatusOK, "admin_members", view{Title: "Admin: members", Data: v})
}

// memberChange reads a member form: the account, the wanted value of the flag named field
// ("true" or "false") and where to go back to. It answers itself (404, 400, 409) and returns
// false when the change cannot be asked for.
func (srv *Server) memberChange(w http.ResponseWriter, r *http.Request, field, selfMsg string) (store.User, bool, string, bool) {
	id, ok := srv.pathID(w, r)
	if !ok {
		return store.User{}, false, "", false
	}
	v, ok := srv.parseAccountForm(w, r)
	if !ok {
		return store.User{}, false, "", false
	}
	u, err := srv.store.User(r.Context(), id)
	if err != nil {
		srv.serverError(w, r, err)
		return u, false, "", false
	}
	want := v.Get(field) == "true"
	if !want && v.Get(field) != "false" {
		srv.clientError(w, r, http.StatusBadRequest, field, "The form was not sent as the page made it. Go back, reload the page and try again.")
		return u, false, "", false
	}
	if u.ID == userFrom(r.Context()).ID {
		srv.clientError(w, r, http.StatusConflict, "", selfMsg)
		return u, false, "", false
	}
	back := safeNext(v.Get("back"))
	if !strings.HasPrefix(back, "/admin/members") {
		back = "/admin/members"
	}
	return u, want, back, true
}

// lastAdminMessage explains an ErrLastAdmin.
const lastAdminMessage = "That would leave the site without an active admin. Make someone else an admin first."

// adminSetRole makes a member an admin or revokes it. Either way the member's sessions end, so
// they sign in again under their new rights. Admins cannot change their own role here.
func (srv *Server) adminSetRole(w http.ResponseWriter, r *http.Request) {
	u, admin, back, ok := srv.memberChange(w, r, "admin",
		"You cannot change your own admin rights: another admin must, so that the site always keeps one.")
	if !ok {
		return
	}
	err := srv.store.SetAdmin(r.Context(), u.ID, admin)
	if errors.Is(err, store.ErrLastAdmin) {
		srv.clientError(w, r, http.StatusConflict, "", lastAdminMessage)
		return
	}
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	switch {
	case admin == u.IsAdmin:
		srv.setFlash(r, "Nothing changed: "+u.DisplayName+" already was "+map[bool]string{true: "an admin", false: "a member"}[admin]+".")
	case admin:
		srv.setFlash(r, u.DisplayName+" is now an admin. They were signed out everywhere and have the admin pages from their next sign-in.")
	default:
		srv.setFlash(r, u.DisplayName+" is no longer an admin. They were signed out everywhere.")
	}
	srv.log.Info("admin role changed", "by", userFrom(r.Context()).ID, "user", u.ID, "admin", admin)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// adminSetStatus disables or enables an account. Disabling ends its sessions and its API tokens
// are refused while it stays disabled. Admins cannot disable themselves.
func (srv *Server) adminSetStatus(w http.ResponseWriter, r *http.Request) {
	u, disabled, back, ok := srv.memberChange(w, r, "disabled",
		"You cannot disable your own account: another admin must.")
	if !ok {
		return
	}
	err := srv.store.SetDisabled(r.Context(), u.ID, disabled)
	if errors.Is(err, store.ErrLastAdmin) {
		srv.clientError(w, r, http.StatusConflict, "", lastAdminMessage)
		return
	}
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	switch {
	case disabled == u.Disabled:
		srv.setFlash(r, "Nothing changed: "+u.DisplayName+"'s account already was "+map[bool]string{true: "disabled", false: "active"}[disabled]+".")
	case disabled:
		srv.setFlash(r, u.DisplayName+"'s account is disabled: they were signed out everywhere, cannot sign in, and their API tokens are refused.")
	default:
		srv.setFlash(r, u.DisplayName+"'s account is active again: they can sign in, and their API tokens work again.")
	}
	srv.log.Info("account status changed", "by", userFrom(r.Context()).ID, "user", u.ID, "disabled", disabled)
	http.Redirect(w, r, back, http.StatusSeeOther)
}
