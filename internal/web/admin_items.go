package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/starboard/starboard/internal/catalog"
	"github.com/starboard/starboard/internal/store"
)

// blankAttributeRows is how many empty attribute rows the item form offers beyond the filled
// ones: without JavaScript, a form cannot grow, so saving with them all full offers more.
const blankAttributeRows = 3

// adminReviewsPerPage is how many reviews the admin item page lists at once.
const adminReviewsPerPage = 20

// attributeInputRow is one key/value row of the item form.
type attributeInputRow struct {
	N                    int // 1-based, for labels
	Key, Value           string
	KeyError, ValueError string
}

// itemForm is the item form: what was typed, what is wrong with it, and for a saved item the
// item itself and one page of its reviews.
type itemForm struct {
	New                     bool
	Line                    store.Category
	Item                    store.Item // the saved item; zero for a new one
	Slug, Name, Description string
	Rows                    []attributeInputRow
	Errors                  fieldErrors
	Reviews                 []store.Review
	ReviewPage              page
	PrevPage, NextPage      int // 0 when there is none
}

// Field names of the attribute rows' inputs; the posted values pair up by position.
const (
	attrKeyField   = "attr_key"
	attrValueField = "attr_value"
)

// formAttributeField names an attribute row's input in form errors: "attr_key_2" for the
// name, "attr_value_2" for the value.
func formAttributeField(e catalog.FieldError) string {
	return "attr_" + e.Field + "_" + strconv.Itoa(e.Index)
}

// attributeRowsFor returns the form's rows for attribute pairs, with their errors, plus blank
// rows so that at least blankAttributeRows are empty.
func attributeRowsFor(pairs []catalog.Attribute, errs fieldErrors) []attributeInputRow {
	rows := make([]attributeInputRow, 0, len(pairs)+blankAttributeRows)
	blank := 0
	for i, a := range pairs {
		rows = append(rows, attributeInputRow{N: i + 1, Key: keepText(a.Key, 400), Value: keepText(a.Value, 2000),
			KeyError:   errs.For(formAttributeField(catalog.FieldError{Field: catalog.FieldKey, Index: i})),
			ValueError: errs.For(formAttributeField(catalog.FieldError{Field: catalog.FieldValue, Index: i}))})
		if a.Key == "" && a.Value == "" {
			blank++
		} else {
			blank = 0
		}
	}
	for ; blank < blankAttributeRows; blank++ {
		rows = append(rows, attributeInputRow{N: len(rows) + 1})
	}
	return rows
}

// itemFromForm reads and checks the item form, keeping what was typed for a redisplay.
func itemFromForm(v url.Values) (catalog.Item, itemForm) {
	keys, vals := v[attrKeyField], v[attrValueField]
	pairs := make([]catalog.Attribute, max(len(keys), len(vals)))
	for i := range pairs {
		if i < len(keys) {
			pairs[i].Key = keys[i]
		}
		if i < len(vals) {
			pairs[i].Value = vals[i]
		}
	}
	in, errs := checkItem(catalog.Item{Slug: v.Get("slug"), Name: v.Get("name"), Description: v.Get("description"),
		Attributes: pairs}, formAttributeField)
	f := itemForm{Slug: keepText(v.Get("slug"), 200), Name: keepText(v.Get("name"), 1000),
		Description: keepText(v.Get("description"), 20_000), Errors: errs}
	f.Rows = attributeRowsFor(pairs, f.Errors)
	return in, f
}

func (srv *Server) renderItemForm(w http.ResponseWriter, r *http.Request, status int, f itemForm) error {
	title := "Admin: new item in " + f.Line.Name
	if !f.New {
		title = "Admin: " + f.Item.Name
		pg, field, _ := parsePageValues("", r.URL.Query().Get("page"), adminReviewsPerPage)
		if field != "" {
			pg.Page = 1
		}
		pg.Total = f.Item.Stats.Total()
		reviews, err := srv.store.Reviews(r.Context(), store.ReviewQuery{ItemID: f.Item.ID, Sort: store.SortNewest,
			Limit: pg.Limit, Offset: pg.offset()})
		if err != nil {
			return err
		}
		f.Reviews, f.ReviewPage = reviews, pg
		if pg.Page > 1 {
			f.PrevPage = min(pg.Page-1, pg.Pages())
		}
		if pg.Page < pg.Pages() {
			f.NextPage = pg.Page + 1
		}
	}
	return srv.render(w, r, status, "admin_item", view{Title: title, Data: f})
}

// adminNewItem shows an empty item form for a product line.
func (srv *Server) adminNewItem(w http.ResponseWriter, r *http.Request) error {
	c, err := srv.lineByPath(r)
	if err != nil {
		return err
	}
	return srv.renderItemForm(w, r, http.StatusOK, itemForm{New: true, Line: c, Rows: attributeRowsFor(nil, nil)})
}

// saveItem reads the posted item form onto f.Item (zero for a new item) in f.Line and saves it
// with save, then goes where done says with its message. A form with errors, or a slug another
// item of the line has, is shown again with 422.
func (srv *Server) saveItem(w http.ResponseWriter, r *http.Request, f itemForm, save func(context.Context, *store.Item) error,
	done func(store.Item) (flash, to string)) error {
	v, err := parseAccountForm(r)
	if err != nil {
		return err
	}
	in, typed := itemFromForm(v)
	typed.New, typed.Line, typed.Item = f.New, f.Line, f.Item
	if len(typed.Errors) == 0 {
		it := f.Item
		it.CategoryID = f.Line.ID
		it.Slug, it.Name, it.Description, it.Attributes = in.Slug, in.Name, in.Description, in.AttributeMap()
		err := save(r.Context(), &it)
		if err == nil {
			flash, to := done(it)
			srv.setFlash(r, flash)
			http.Redirect(w, r, to, http.StatusSeeOther)
			return nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		typed.Errors.add("slug", fmt.Sprintf("%s already has an item with the slug %q; choose another.", f.Line.Name, in.Slug))
	}
	return srv.renderItemForm(w, r, http.StatusUnprocessableEntity, typed)
}

// adminCreateItem adds an item to a product line.
func (srv *Server) adminCreateItem(w http.ResponseWriter, r *http.Request) error {
	c, err := srv.lineByPath(r)
	if err != nil {
		return err
	}
	create := func(ctx context.Context, it *store.Item) error {
		return srv.store.Write(ctx, func(tx *store.Tx) error { return createItemAudited(r, tx, it, c.Name) })
	}
	return srv.saveItem(w, r, itemForm{New: true, Line: c}, create, func(it store.Item) (string, string) {
		return "Added " + it.Name + " to " + c.Name + ".", "/admin/lines/" + c.Slug
	})
}

// adminItemByPath loads the {id} item and its line.
func (srv *Server) adminItemByPath(r *http.Request) (store.Item, store.Category, error) {
	it, err := srv.itemByPathID(r)
	if err != nil {
		return it, store.Category{}, err
	}
	c, err := srv.store.Category(r.Context(), it.CategoryID)
	return it, c, err
}

// adminItem shows an item's form and its reviews, newest first, each with a way to remove it.
func (srv *Server) adminItem(w http.ResponseWriter, r *http.Request) error {
	it, c, err := srv.adminItemByPath(r)
	if err != nil {
		return err
	}
	return srv.renderItemForm(w, r, http.StatusOK, itemForm{Line: c, Item: it, Slug: it.Slug, Name: it.Name, Description: it.Description,
		Rows: attributeRowsFor(attributeRows(it.Attributes), nil)})
}

// adminUpdateItem saves an item's slug, name, description and attributes.
func (srv *Server) adminUpdateItem(w http.ResponseWriter, r *http.Request) error {
	it, c, err := srv.adminItemByPath(r)
	if err != nil {
		return err
	}
	old := it
	update := func(ctx context.Context, it *store.Item) error {
		return srv.store.Write(ctx, func(tx *store.Tx) error { return updateItemAudited(r, tx, old, it, c.Name) })
	}
	return srv.saveItem(w, r, itemForm{Line: c, Item: it}, update, func(it store.Item) (string, string) {
		return "Saved " + it.Name + ".", "/admin/items/" + strconv.FormatInt(it.ID, 10)
	})
}

// adminConfirmDeleteItem asks before deleting an item.
func (srv *Server) adminConfirmDeleteItem(w http.ResponseWriter, r *http.Request) error {
	it, c, err := srv.adminItemByPath(r)
	if err != nil {
		return err
	}
	id := strconv.FormatInt(it.ID, 10)
	return srv.render(w, r, http.StatusOK, "admin_confirm", view{Title: "Delete " + it.Name + "?", Data: confirmView{
		Question: "Delete " + it.Name + " from " + c.Name + "?",
		Warning:  "This deletes its " + plural(it.Stats.Total(), "review", "reviews") + " too, for good.",
		Action:   "/admin/items/" + id + "/delete", Button: "Delete " + it.Name, Cancel: "/admin/items/" + id,
	}})
}

// adminDeleteItem deletes an item with its reviews.
func (srv *Server) adminDeleteItem(w http.ResponseWriter, r *http.Request) error {
	it, c, err := srv.adminItemByPath(r)
	if err != nil {
		return err
	}
	if err := srv.store.Write(r.Context(), func(tx *store.Tx) error { return deleteItemAudited(r, tx, it, c.Name) }); err != nil {
		return err
	}
	srv.setFlash(r, fmt.Sprintf("Deleted %s with its %s.", it.Name, plural(it.Stats.Total(), "review", "reviews")))
	http.Redirect(w, r, "/admin/lines/"+c.Slug, http.StatusSeeOther)
	return nil
}

// adminReviewByPath loads the {id} review and its item.
func (srv *Server) adminReviewByPath(r *http.Request) (store.Review, store.Item, error) {
	rv, err := srv.reviewByPathID(r)
	if err != nil {
		return rv, store.Item{}, err
	}
	it, err := srv.store.Item(r.Context(), rv.ItemID)
	return rv, it, err
}

// adminConfirmRemoveReview asks before removing a review, showing it.
func (srv *Server) adminConfirmRemoveReview(w http.ResponseWriter, r *http.Request) error {
	rv, it, err := srv.adminReviewByPath(r)
	if err != nil {
		return err
	}
	cv := confirmView{
		Question: fmt.Sprintf("Remove %s's review of %s: %d stars, %q?", rv.UserName, it.Name, rv.Rating, rv.Summary),
		Warning:  "The review is deleted for good and " + it.Name + "'s stars are counted without it.",
		Action:   "/admin/reviews/" + strconv.FormatInt(rv.ID, 10) + "/remove", Button: "Remove the review",
		Cancel: "/admin/items/" + strconv.FormatInt(it.ID, 10),
	}
	if next := removeReviewNext(r); next != "" {
		cv.Action += "?next=" + url.QueryEscape(next)
		cv.Cancel = next
	}
	return srv.render(w, r, http.StatusOK, "admin_confirm", view{Title: "Remove this review?", Data: cv})
}

// adminRemoveReview removes any member's review; the item's counts follow in the same
// transaction.
func (srv *Server) adminRemoveReview(w http.ResponseWriter, r *http.Request) error {
	rv, it, err := srv.adminReviewByPath(r)
	if err != nil {
		return err
	}
	if err := srv.store.Write(r.Context(), func(tx *store.Tx) error { return removeReviewAudited(r, tx, rv, it) }); err != nil {
		return err
	}
	srv.setFlash(r, "Removed "+rv.UserName+"'s review of "+it.Name+".")
	back := "/admin/items/" + strconv.FormatInt(it.ID, 10)
	if next := removeReviewNext(r); next != "" {
		back = next
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// removeReviewNext returns the admin page a review's removal was asked from (?next=, the queue
// of reported reviews) to go back to, or "" for the item's admin page.
func removeReviewNext(r *http.Request) string {
	if next := safeNext(r.URL.Query().Get("next")); strings.HasPrefix(next, "/admin/") {
		return next
	}
	return ""
}
