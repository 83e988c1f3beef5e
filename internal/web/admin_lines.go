package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/starboard/starboard/internal/catalog"
	"github.com/starboard/starboard/internal/store"
)

// The admin pages: product lines and items (create, edit, delete), review removal, and members.
// Every page is behind requireAdmin (members get 404, visitors are sent to sign in); every change
// is a POST from a form, checked with the same functions as the API; every delete is confirmed on
// a page of its own first.

// errorMap turns field errors into the map the form templates read, first message per field.
func errorMap(errs []fieldError) map[string]string {
	m := make(map[string]string, len(errs))
	for _, e := range errs {
		if _, ok := m[e.Field]; !ok {
			m[e.Field] = e.Detail
		}
	}
	return m
}

// adminHome lists the product lines.
func (srv *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	cats, err := srv.store.Categories(r.Context())
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	srv.render(w, r, http.StatusOK, "admin", view{Title: "Admin: product lines", Data: cats})
}

// lineForm is the product line form: what was typed, what is wrong with it, and for a saved
// line the line itself and its items.
type lineForm struct {
	New                     bool
	Line                    store.Category // the saved line; zero for a new one
	Slug, Name, Description string
	Errors                  map[string]string
	Items                   []store.Item
}

func (srv *Server) renderLineForm(w http.ResponseWriter, r *http.Request, status int, f lineForm) {
	title := "Admin: new product line"
	if !f.New {
		items, err := srv.store.ItemsByCategory(r.Context(), f.Line.ID)
		if err != nil {
			srv.serverError(w, r, err)
			return
		}
		f.Items = items
		title = "Admin: " + f.Line.Name
	}
	srv.render(w, r, status, "admin_line", view{Title: title, Data: f})
}

// adminNewLine shows an empty product line form.
func (srv *Server) adminNewLine(w http.ResponseWriter, r *http.Request) {
	srv.renderLineForm(w, r, http.StatusOK, lineForm{New: true})
}

// lineFromForm reads and checks the product line form, keeping what was typed for a redisplay.
func lineFromForm(v url.Values) (catalog.Line, lineForm) {
	typed := lineForm{Slug: keepText(v.Get("slug"), 200), Name: keepText(v.Get("name"), 1000),
		Description: keepText(v.Get("description"), 20_000)}
	in, errs := checkLine(catalog.Line{Slug: v.Get("slug"), Name: v.Get("name"), Description: v.Get("description")})
	typed.Errors = errorMap(errs)
	return in, typed
}

// adminCreateLine adds a product line.
func (srv *Server) adminCreateLine(w http.ResponseWriter, r *http.Request) {
	v, ok := srv.parseAccountForm(w, r)
	if !ok {
		return
	}
	in, f := lineFromForm(v)
	f.New = true
	if len(f.Errors) > 0 {
		srv.renderLineForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	c := store.Category{Slug: in.Slug, Name: in.Name, Description: in.Description}
	err := srv.store.CreateCategory(r.Context(), &c)
	if errors.Is(err, store.ErrConflict) {
		f.Errors["slug"] = fmt.Sprintf("Another product line already has the slug %q; choose another.", in.Slug)
		srv.renderLineForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	srv.setFlash(r, "Added the product line "+c.Name+". Now add its items.")
	http.Redirect(w, r, "/admin/lines/"+c.Slug, http.StatusSeeOther)
}

// adminLine shows a product line's form with its items.
func (srv *Server) adminLine(w http.ResponseWriter, r *http.Request) {
	c, ok := srv.lineByPath(w, r)
	if !ok {
		return
	}
	srv.renderLineForm(w, r, http.StatusOK, lineForm{Line: c, Slug: c.Slug, Name: c.Name, Description: c.Description})
}

// adminUpdateLine saves a product line's slug, name and description.
func (srv *Server) adminUpdateLine(w http.ResponseWriter, r *http.Request) {
	c, ok := srv.lineByPath(w, r)
	if !ok {
		return
	}
	v, ok := srv.parseAccountForm(w, r)
	if !ok {
		return
	}
	in, f := lineFromForm(v)
	f.Line = c
	if len(f.Errors) > 0 {
		srv.renderLineForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	c.Slug, c.Name, c.Description = in.Slug, in.Name, in.Description
	err := srv.store.UpdateCategory(r.Context(), &c)
	if errors.Is(err, store.ErrConflict) {
		f.Errors["slug"] = fmt.Sprintf("Another product line already has the slug %q; choose another.", in.Slug)
		srv.renderLineForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	srv.setFlash(r, "Saved "+c.Name+".")
	http.Redirect(w, r, "/admin/lines/"+c.Slug, http.StatusSeeOther)
}

// confirmView is a page that asks before a delete: the question, what it takes with it, and the
// form that does it.
type confirmView struct {
	Question string
	Warning  string
	Action   string
	Button   string
	Cancel   string
}

// adminConfirmDeleteLine asks before deleting a product line.
func (srv *Server) adminConfirmDeleteLine(w http.ResponseWriter, r *http.Request) {
	c, ok := srv.lineByPath(w, r)
	if !ok {
		return
	}
	srv.render(w, r, http.StatusOK, "admin_confirm", view{Title: "Delete " + c.Name + "?", Data: confirmView{
		Question: "Delete the product line " + c.Name + "?",
		Warning: fmt.Sprintf("This deletes its %s and their %s, for good.",
			countNoun(c.ItemCount, "item", "items"), countNoun(c.ReviewCount, "review", "reviews")),
		Action: "/admin/lines/" + c.Slug + "/delete", Button: "Delete " + c.Name, Cancel: "/admin/lines/" + c.Slug,
	}})
}

// adminDeleteLine deletes a product line with its items and their reviews.
func (srv *Server) adminDeleteLine(w http.ResponseWriter, r *http.Request) {
	c, err := srv.store.CategoryBySlug(r.Context(), r.PathValue("line"))
	if err == nil {
		err = srv.store.DeleteCategory(r.Context(), c.ID)
	}
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	srv.setFlash(r, fmt.Sprintf("Deleted the product line %s with its %s and %s.", c.Name,
		countNoun(c.ItemCount, "item", "items"), countNoun(c.ReviewCount, "review", "reviews")))
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

// countNoun says a count with its noun: "1 item", "6 items".
func countNoun(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
