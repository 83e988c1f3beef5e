package web

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/starboard/starboard/internal/store"
)

// The API's pictures: an item's list, one picture, and for admins upload (multipart/form-data,
// the admin form's fields), reorder and delete. The bytes are served at each file's url.

// apiPicture is a picture in the API.
type apiPicture struct {
	ID        int64            `json:"id"`
	ItemID    int64            `json:"item_id"`
	Position  int              `json:"position"` // 0 for the item's main picture
	Alt       string           `json:"alt"`
	Width     int              `json:"width"`
	Height    int              `json:"height"`
	CreatedAt time.Time        `json:"created_at"`
	Files     []apiPictureFile `json:"files"`
}

// apiPictureFile is one width of a picture in the API.
type apiPictureFile struct {
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	ContentType string `json:"content_type"`
	Bytes       int    `json:"bytes"`
	URL         string `json:"url"`
}

func toAPIPicture(p store.Picture) apiPicture {
	out := apiPicture{ID: p.ID, ItemID: p.ItemID, Position: p.Position, Alt: p.Alt, Width: p.Width, Height: p.Height,
		CreatedAt: p.CreatedAt, Files: make([]apiPictureFile, len(p.Files))}
	for i, f := range p.Files {
		out.Files[i] = apiPictureFile{Width: f.Width, Height: f.Height, ContentType: f.ContentType, Bytes: f.Size, URL: pictureURL(p.ID, f)}
	}
	return out
}

func pictureLocation(c createdRef) string {
	return apiPrefix + "/pictures/" + strconv.FormatInt(c.ID, 10)
}

// apiItemPictures returns an item's pictures, main one first.
func (srv *Server) apiItemPictures(w http.ResponseWriter, r *http.Request) error {
	it, err := srv.itemByPathID(r)
	if err != nil {
		return err
	}
	pics, err := srv.store.ItemPictures(r.Context(), it.ID)
	if err != nil {
		return err
	}
	out := struct {
		Pictures []apiPicture `json:"pictures"`
	}{Pictures: make([]apiPicture, len(pics))}
	for i, p := range pics {
		out.Pictures[i] = toAPIPicture(p)
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiPicture returns one picture.
func (srv *Server) apiPicture(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := srv.store.Picture(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIPicture(p))
}

// apiAddPicture adds an uploaded picture after the item's others: a multipart/form-data body
// with alt and file. A refused file is 413, 415 or 422, naming the field.
func (srv *Server) apiAddPicture(w http.ResponseWriter, r *http.Request) error {
	it, err := srv.itemByPathID(r)
	if err != nil {
		return err
	}
	up, err := readPictureUpload(r)
	if err != nil {
		return err
	}
	key, replayed, err := srv.idempotencyKey(w, r, up.sum[:], pictureLocation)
	if replayed || err != nil {
		return err
	}
	if len(up.Errors) > 0 {
		return up.refusal()
	}
	write := func(tx *store.Tx) (store.SavedResponse, error) {
		p, err := addPictureAudited(r, tx, it, up)
		if err != nil {
			return store.SavedResponse{}, err
		}
		// The files' sizes, as read back.
		for i := range p.Files {
			p.Files[i].Size = len(p.Files[i].Bytes)
		}
		b, err := json.Marshal(toAPIPicture(p))
		return store.SavedResponse{Status: http.StatusCreated, Body: string(b) + "\n"}, err
	}
	var resp store.SavedResponse
	if key == nil {
		err = srv.store.Write(r.Context(), func(tx *store.Tx) error { resp, err = write(tx); return err })
	} else {
		resp, replayed, err = srv.store.Once(r.Context(), *key, write)
	}
	if errs, ok := tooManyPictures(err); ok {
		return invalidFields(errs)
	}
	if errors.Is(err, store.ErrKeyReused) {
		return errKeyReused
	}
	if err != nil {
		return err
	}
	writeSaved(w, resp, pictureLocation, replayed)
	return nil
}

// apiMovePicture puts a picture at another position among its item's: {"position": 0} makes
// it the main one.
func (srv *Server) apiMovePicture(w http.ResponseWriter, r *http.Request) error {
	p, it, err := srv.adminPictureByPath(r)
	if err != nil {
		return err
	}
	body, err := readJSONBody(r)
	if err != nil {
		return err
	}
	f, err := parseJSONFields(body, "a picture", []string{"position"})
	if err != nil {
		return err
	}
	f.require("position")
	to := p.Position
	f.wholeNumber("position", &to)
	if err := f.problems(); err != nil {
		return err
	}
	if to < 0 {
		return invalidFields(fieldErrors{{"position", "must be 0 (the main picture) or more"}})
	}
	if err := srv.store.Write(r.Context(), func(tx *store.Tx) error { return movePictureAudited(r, tx, it, p.ID, to) }); err != nil {
		return err
	}
	p, err = srv.store.Picture(r.Context(), p.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIPicture(p))
}

// apiDeletePicture deletes a picture; the item's next one becomes its main picture.
func (srv *Server) apiDeletePicture(w http.ResponseWriter, r *http.Request) error {
	p, it, err := srv.adminPictureByPath(r)
	if err != nil {
		return err
	}
	if err := srv.store.Write(r.Context(), func(tx *store.Tx) error { return deletePictureAudited(r, tx, it, p.ID) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// uploadSum returns what an Idempotency-Key of an upload stands for: its alt text and file.
func uploadSum(alt string, file []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(alt))
	h.Write([]byte{0})
	h.Write(file)
	var out [32]byte
	h.Sum(out[:0])
	return out
}
