package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/starboard/starboard/internal/store"
)

// The admin page of an item's pictures: the pictures in order (the first is the main one), a
// form to add one, and buttons to reorder or delete them.

// adminThumbWidth is how wide the admin page shows each picture, in CSS pixels.
const adminThumbWidth = 160

// adminPictureRow is one picture on the admin page.
type adminPictureRow struct {
	store.Picture
	View        pictureView
	First, Last bool
	// Earlier and Later are the positions (from 1) one step towards the front and the back.
	Earlier, Later int
}

// picturesForm is the admin page of an item's pictures, with the upload form as typed.
type picturesForm struct {
	Line     store.Category
	Item     store.Item
	Pictures []adminPictureRow
	Max      int
	Alt      string
	Errors   fieldErrors
}

func (srv *Server) renderPictures(w http.ResponseWriter, r *http.Request, status int, f picturesForm) error {
	pics, err := srv.store.ItemPictures(r.Context(), f.Item.ID)
	if err != nil {
		return err
	}
	for i, p := range pics {
		f.Pictures = append(f.Pictures, adminPictureRow{Picture: p, View: srv.pictureView(p, adminThumbWidth, belowFold),
			First: i == 0, Last: i == len(pics)-1, Earlier: i, Later: i + 2})
	}
	f.Max = store.MaxPicturesPerItem
	return srv.render(w, r, status, "admin_pictures", view{Title: "Admin: pictures of " + f.Item.Name, Data: f})
}

// adminPictures shows an item's pictures and the form to add one.
func (srv *Server) adminPictures(w http.ResponseWriter, r *http.Request) error {
	it, c, err := srv.adminItemByPath(r)
	if err != nil {
		return err
	}
	return srv.renderPictures(w, r, http.StatusOK, picturesForm{Line: c, Item: it})
}

// adminAddPicture adds an uploaded picture after the item's others. A refused file or alt text
// shows the form again with 422, the alt text kept.
func (srv *Server) adminAddPicture(w http.ResponseWriter, r *http.Request) error {
	it, c, err := srv.adminItemByPath(r)
	if err != nil {
		return err
	}
	up, err := readPictureUpload(r)
	if err != nil {
		return err
	}
	if len(up.Errors) == 0 {
		err := srv.store.Write(r.Context(), func(tx *store.Tx) error { _, err := addPictureAudited(r, tx, it, up); return err })
		if errs, ok := tooManyPictures(err); ok {
			up.Errors = errs
		} else if err != nil {
			return err
		} else {
			srv.setFlash(r, "Added a picture of "+it.Name+".")
			http.Redirect(w, r, adminPicturesPath(it.ID), http.StatusSeeOther)
			return nil
		}
	}
	return srv.renderPictures(w, r, http.StatusUnprocessableEntity, picturesForm{Line: c, Item: it, Alt: up.Alt, Errors: up.Errors})
}

func adminPicturesPath(itemID int64) string {
	return "/admin/items/" + strconv.FormatInt(itemID, 10) + "/pictures"
}

// adminPictureByPath loads the {id} picture and its item.
func (srv *Server) adminPictureByPath(r *http.Request) (store.Picture, store.Item, error) {
	id, err := pathID(r)
	if err != nil {
		return store.Picture{}, store.Item{}, err
	}
	p, err := srv.store.Picture(r.Context(), id)
	if err != nil {
		return p, store.Item{}, err
	}
	it, err := srv.store.Item(r.Context(), p.ItemID)
	return p, it, err
}

// adminMovePicture puts a picture at the posted position ("to", 1 for the main picture).
func (srv *Server) adminMovePicture(w http.ResponseWriter, r *http.Request) error {
	p, it, err := srv.adminPictureByPath(r)
	if err != nil {
		return err
	}
	v, err := parseAccountForm(r)
	if err != nil {
		return err
	}
	to, err := strconv.Atoi(v.Get("to"))
	if err != nil || to < 1 {
		return problemOf(http.StatusBadRequest, "to", "Say where to put the picture: a position from 1.")
	}
	if err := srv.store.Write(r.Context(), func(tx *store.Tx) error { return movePictureAudited(r, tx, it, p.ID, to-1) }); err != nil {
		return err
	}
	msg := fmt.Sprintf("Moved “%s” to position %d.", p.Alt, to)
	if to == 1 {
		msg = fmt.Sprintf("“%s” is now the main picture of %s.", p.Alt, it.Name)
	}
	srv.setFlash(r, msg)
	http.Redirect(w, r, adminPicturesPath(it.ID), http.StatusSeeOther)
	return nil
}

// adminConfirmDeletePicture asks before deleting a picture.
func (srv *Server) adminConfirmDeletePicture(w http.ResponseWriter, r *http.Request) error {
	p, it, err := srv.adminPictureByPath(r)
	if err != nil {
		return err
	}
	warning := "It is deleted for good, in every width."
	if p.Position == 0 {
		warning += " It is the main picture: the next one takes its place."
	}
	return srv.render(w, r, http.StatusOK, "admin_confirm", view{Title: "Delete this picture?", Data: confirmView{
		Question: fmt.Sprintf("Delete the picture “%s” of %s?", p.Alt, it.Name),
		Warning:  warning,
		Action:   "/admin/pictures/" + strconv.FormatInt(p.ID, 10) + "/delete", Button: "Delete the picture",
		Cancel: adminPicturesPath(it.ID),
	}})
}

// adminDeletePicture deletes a picture; the item's next picture becomes its main one.
func (srv *Server) adminDeletePicture(w http.ResponseWriter, r *http.Request) error {
	p, it, err := srv.adminPictureByPath(r)
	if err != nil {
		return err
	}
	if err := srv.store.Write(r.Context(), func(tx *store.Tx) error { return deletePictureAudited(r, tx, it, p.ID) }); err != nil {
		return err
	}
	srv.setFlash(r, fmt.Sprintf("Deleted the picture “%s” of %s.", p.Alt, it.Name))
	http.Redirect(w, r, adminPicturesPath(it.ID), http.StatusSeeOther)
	return nil
}
