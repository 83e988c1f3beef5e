package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/starboard/starboard/internal/catalog"
	"github.com/starboard/starboard/internal/store"
)

// lineForm is the product line form: what was typed, what is wrong with it, and for a saved
// line the line itself and its items.
type lineForm struct {
	New                     bool
	Line                    store.Category // the saved line; zero for a new one
	Slug, Name, Description string
	Currency                string
	Errors                  fieldErrors
	Items                   []store.Item
}

func (srv *Server) renderLineForm(w http.ResponseWriter, r *http.Request, status int, f lineForm) error {
	title := "Admin: new product line"
	if !f.New {
		items, err := srv.store.ItemsByCategory(r.Context(), f.Line.ID)
		if err != nil {
			return err
		}
		f.Items = items
		title = "Admin: " + f.Line.Name
	}
	return srv.render(w, r, status, "admin_line", view{Title: title, Data: f})
}

// adminNewLine shows an empty product line form.
func (srv *Server) adminNewLine(w http.ResponseWriter, r *http.Request) error {
	return srv.renderLineForm(w, r, http.StatusOK, lineForm{New: true})
}

// lineFromForm reads and checks the product line form, keeping what was typed for a redisplay.
func lineFromForm(v url.Values) (catalog.Line, lineForm) {
	typed := lineForm{Slug: keepText(v.Get("slug"), 200), Name: keepText(v.Get("name"), 1000),
		Description: keepText(v.Get("description"), 20_000), Currency: keepText(v.Get("currency"), 20)}
	in, errs := checkLine(catalog.Line{Slug: v.Get("slug"), Name: v.Get("name"), Description: v.Get("description"),
		Currency: v.Get("currency")})
	typed.Errors = errs
	return in, typed
}

// saveLine reads the posted product line form onto f.Line (zero for a new line) and saves it
// with save, then goes to the line's admin page saying flash(saved). A form with errors, or a
// slug another line has, is shown again with 422.
func (srv *Server) saveLine(w http.ResponseWriter, r *http.Request, f lineForm, save func(context.Context, *store.Category) error,
	flash func(store.Category) string) error {
	v, err := parseAccountForm(r)
	if err != nil {
		return err
	}
	in, typed := lineFromForm(v)
	typed.New, typed.Line = f.New, f.Line
	if len(typed.Errors) == 0 {
		c := f.Line
		c.Slug, c.Name, c.Description, c.Currency = in.Slug, in.Name, in.Description, in.Currency
		err := save(r.Context(), &c)
		if err == nil {
			srv.setFlash(r, flash(c))
			http.Redirect(w, r, "/admin/lines/"+c.Slug, http.StatusSeeOther)
			return nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		typed.Errors.add("slug", fmt.Sprintf("Another product line already has the slug %q; choose another.", in.Slug))
	}
	return srv.renderLineForm(w, r, http.StatusUnprocessableEntity, typed)
}

// adminCreateLine adds a product line.
func (srv *Server) adminCreateLine(w http.ResponseWriter, r *http.Request) error {
	return srv.saveLine(w, r, lineForm{New: true}, func(ctx context.Context, c *store.Category) error {
		return srv.store.Write(ctx, func(tx *store.Tx) error { return createLineAudited(r, tx, c) })
	},
		func(c store.Category) string { return "Added the product line " + c.Name + ". Now add its items." })
}

// adminLine shows a product line's form with its items.
func (srv *Server) adminLine(w http.ResponseWriter, r *http.Request) error {
	c, err := srv.lineByPath(r)
	if err != nil {
		return err
	}
	return srv.renderLineForm(w, r, http.StatusOK, lineForm{Line: c, Slug: c.Slug, Name: c.Name, Description: c.Description, Currency: c.Currency})
}

// adminUpdateLine saves a product line's slug, name and description.
func (srv *Server) adminUpdateLine(w http.ResponseWriter, r *http.Request) error {
	c, err := srv.lineByPath(r)
	if err != nil {
		return err
	}
	old := c
	return srv.saveLine(w, r, lineForm{Line: c}, func(ctx context.Context, c *store.Category) error {
		return srv.store.Write(ctx, func(tx *store.Tx) error { return updateLineAudited(r, tx, old, c) })
	},
		func(c store.Category) string { return "Saved " + c.Name + "." })
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
func (srv *Server) adminConfirmDeleteLine(w http.ResponseWriter, r *http.Request) error {
	c, err := srv.lineByPath(r)
	if err != nil {
		return err
	}
	return srv.render(w, r, http.StatusOK, "admin_confirm", view{Title: "Delete " + c.Name + "?", Data: confirmView{
		Question: "Delete the product line " + c.Name + "?",
		Warning: fmt.Sprintf("This deletes its %s and their %s, for good.",
			plural(c.ItemCount, "item", "items"), plural(c.ReviewCount, "review", "reviews")),
		Action: "/admin/lines/" + c.Slug + "/delete", Button: "Delete " + c.Name, Cancel: "/admin/lines/" + c.Slug,
	}})
}

// adminDeleteLine deletes a product line with its items and their reviews.
func (srv *Server) adminDeleteLine(w http.ResponseWriter, r *http.Request) error {
	c, err := srv.lineByPath(r)
	if err == nil {
		err = srv.store.Write(r.Context(), func(tx *store.Tx) error { return deleteLineAudited(r, tx, c) })
	}
	if err != nil {
		return err
	}
	srv.setFlash(r, fmt.Sprintf("Deleted the product line %s with its %s and %s.", c.Name,
		plural(c.ItemCount, "item", "items"), plural(c.ReviewCount, "review", "reviews")))
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
	return nil
}
