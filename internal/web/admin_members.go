package web

import (
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
func membersHref(search string, n int) string { return filteredHref("/admin/members", n, "q", search) }

// filteredHref returns the address of page n of a list at path filtered by name/value pairs;
// empty values and page 1 are left out.
func filteredHref(path string, n int, pairs ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// adminMembers lists accounts, oldest first, with a search by email or name.
func (srv *Server) adminMembers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	search := keepText(strings.TrimSpace(q.Get("q")), 100)
	pg, field, msg := parsePageValues("", q.Get("page"), adminMembersPerPage)
	if field != "" {
		return problemOf(http.StatusBadRequest, field, msg)
	}
	members, total, err := srv.store.Members(r.Context(), store.MemberQuery{Search: search, Limit: pg.Limit, Offset: pg.offset()})
	if err != nil {
		return err
	}
	pg.Total = total
	v := membersView{Search: search, Members: members, Page: pg, Back: membersHref(search, pg.Page), Me: userFrom(r.Context()).ID}
	if pg.Page > 1 {
		v.PrevHref = membersHref(search, min(pg.Page-1, pg.Pages()))
	}
	if pg.Page < pg.Pages() {
		v.NextHref = membersHref(search, pg.Page+1)
	}
	return srv.render(w, r, http.StatusOK, "admin_members", view{Title: "Admin: members", Data: v})
}

// memberChange is a change of one flag of an account, asked from the member list.
type memberChange struct {
	user store.User
	want bool   // the flag's new value
	back string // the member list page to go back to
}

// readMemberChange reads a member form: the account, the wanted value of the flag named field
// ("true" or "false") and where to go back to. An admin asking it of their own account is told
// selfMsg (409).
func (srv *Server) readMemberChange(r *http.Request, field, selfMsg string) (memberChange, error) {
	id, err := pathID(r)
	if err != nil {
		return memberChange{}, err
	}
	v, err := parseAccountForm(r)
	if err != nil {
		return memberChange{}, err
	}
	u, err := srv.store.User(r.Context(), id)
	if err != nil {
		return memberChange{}, err
	}
	want := v.Get(field) == "true"
	if !want && v.Get(field) != "false" {
		return memberChange{}, problemOf(http.StatusBadRequest, field, "The form was not sent as the page made it. Go back, reload the page and try again.")
	}
	if u.ID == userFrom(r.Context()).ID {
		return memberChange{}, problemOf(http.StatusConflict, "", selfMsg)
	}
	back := safeNext(v.Get("back"))
	if !strings.HasPrefix(back, "/admin/members") {
		back = "/admin/members"
	}
	return memberChange{user: u, want: want, back: back}, nil
}

// changeMember reads a member form for the flag named field and makes the change with set,
// recording it in the audit log as actions[want] when it changed anything; an ErrLastAdmin from
// set is answered 409. It goes back to the list saying what flash returns for the account as it
// was.
func (srv *Server) changeMember(w http.ResponseWriter, r *http.Request, field, selfMsg string,
	set func(tx *store.Tx, id int64, value bool) (bool, error), actions map[bool]string, flash func(u store.User, want bool) string) error {
	c, err := srv.readMemberChange(r, field, selfMsg)
	if err != nil {
		return err
	}
	err = srv.store.Write(r.Context(), func(tx *store.Tx) error {
		changed, err := set(tx, c.user.ID, c.want)
		if err != nil || !changed {
			return err
		}
		return tx.Audit(auditEntry(r, actions[c.want], memberTarget(c.user), ""))
	})
	if err != nil {
		return err
	}
	srv.setFlash(r, flash(c.user, c.want))
	srv.log.Info("member changed", "by", userFrom(r.Context()).ID, "user", c.user.ID, field, c.want)
	http.Redirect(w, r, c.back, http.StatusSeeOther)
	return nil
}

// adminSetRole makes a member an admin or revokes it. Either way the member's sessions end, so
// they sign in again under their new rights. Admins cannot change their own role here.
func (srv *Server) adminSetRole(w http.ResponseWriter, r *http.Request) error {
	return srv.changeMember(w, r, "admin", "You cannot change your own admin rights: another admin must, so that the site always keeps one.",
		(*store.Tx).SetAdmin, map[bool]string{true: store.ActionMemberPromote, false: store.ActionMemberDemote},
		func(u store.User, admin bool) string {
			switch {
			case admin == u.IsAdmin:
				return "Nothing changed: " + u.DisplayName + " already was " + map[bool]string{true: "an admin", false: "a member"}[admin] + "."
			case admin:
				return u.DisplayName + " is now an admin. They were signed out everywhere and have the admin pages from their next sign-in."
			}
			return u.DisplayName + " is no longer an admin. They were signed out everywhere."
		})
}

// adminSetStatus disables or enables an account. Disabling ends its sessions and its API tokens
// are refused while it stays disabled. Admins cannot disable themselves.
func (srv *Server) adminSetStatus(w http.ResponseWriter, r *http.Request) error {
	return srv.changeMember(w, r, "disabled", "You cannot disable your own account: another admin must.",
		(*store.Tx).SetDisabled, map[bool]string{true: store.ActionMemberDisable, false: store.ActionMemberEnable},
		func(u store.User, disabled bool) string {
			switch {
			case disabled == u.Disabled:
				return "Nothing changed: " + u.DisplayName + "'s account already was " + map[bool]string{true: "disabled", false: "active"}[disabled] + "."
			case disabled:
				return u.DisplayName + "'s account is disabled: they were signed out everywhere, cannot sign in, and their API tokens are refused."
			}
			return u.DisplayName + "'s account is active again: they can sign in, and their API tokens work again."
		})
}
