package web

import "net/http"

// The admin pages: product lines and items (create, edit, delete), review removal, and members.
// Every page is behind requireAdmin (members get 404, visitors are sent to sign in); every change
// is a POST from a form, checked with the same functions as the API; every delete is confirmed on
// a page of its own first.

// adminHome lists the product lines.
func (srv *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	cats, err := srv.store.Categories(r.Context())
	if err != nil {
		return err
	}
	return srv.render(w, r, http.StatusOK, "admin", view{Title: "Admin: product lines", Data: cats})
}
