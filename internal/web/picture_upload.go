package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/starboard/starboard/internal/catalog"
	"github.com/starboard/starboard/internal/picture"
	"github.com/starboard/starboard/internal/store"
)

// Picture uploads, the same for the admin form and the API: a multipart/form-data body with an
// alt text ("alt") and a file ("file"), read as a stream, the file checked and re-encoded by the
// picture package.

// uploadBodyBytes bounds the body of a picture upload: the largest picture plus room to read, and
// throw away, a file somewhat over the limit, so the form can still say why it was refused.
const uploadBodyBytes = picture.MaxBytes + 6<<20

// isPictureUpload reports whether r posts a picture, whose body may be up to uploadBodyBytes.
func isPictureUpload(r *http.Request) bool {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/pictures") {
		return false
	}
	p := strings.TrimPrefix(r.URL.Path, apiPrefix)
	return strings.HasPrefix(p, "/items/") || strings.HasPrefix(p, "/admin/items/")
}

// Field names of the picture upload.
const (
	pictureAltField  = "alt"
	pictureFileField = "file"
)

// pictureUpload is a posted picture: its alt text as typed (kept for the form), the picture made
// from it, and what is wrong with them.
type pictureUpload struct {
	Alt    string
	alt    string // checked
	pic    picture.Picture
	Errors fieldErrors
	sum    [32]byte // of the alt text and file as sent, for Idempotency-Key
	// status is the status of an API answer refusing it: 413 for a file too large, 415 for one
	// of a refused type, else 422.
	status int
}

// refusal returns the API's problem for an upload with errors.
func (u pictureUpload) refusal() error {
	return &httpError{Status: u.status, Detail: u.Errors[0].Detail, Errors: u.Errors}
}

// noFile is the message for an upload without a file.
const noFile = "Choose a picture to upload: a JPEG, PNG, GIF or WebP file of at most 10 MiB."

// readPictureUpload reads and checks a picture upload, and re-encodes the picture when all is
// well. A body that is not multipart/form-data, or cannot be read, is an error (415, 400); what
// is wrong with the alt text or the file is in the upload's Errors.
func readPictureUpload(r *http.Request) (pictureUpload, error) {
	u := pictureUpload{status: http.StatusUnprocessableEntity}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		return u, problemOf(http.StatusUnsupportedMediaType, "Content-Type",
			"Send the picture as multipart/form-data, with its alt text in the field alt and the file in the field file.")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return u, problemOf(http.StatusBadRequest, "", "The upload could not be read. Please go back and send it again.")
	}
	var file []byte
	var hasFile bool
	fileRefused := func(err error) {
		var ref *picture.Refusal
		if errors.As(err, &ref) {
			u.Errors.add(pictureFileField, ref.Msg)
			switch ref.Reason {
			case picture.TooLarge:
				u.status = http.StatusRequestEntityTooLarge
			case picture.Unsupported:
				u.status = http.StatusUnsupportedMediaType
			}
		}
	}
	tooLarge := &picture.Refusal{Reason: picture.TooLarge, Msg: "The file is larger than 10 MiB; upload a smaller picture."}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			fileRefused(tooLarge)
			break
		}
		if err != nil {
			return u, problemOf(http.StatusBadRequest, "", "The upload could not be read. Please go back and send it again.")
		}
		switch part.FormName() {
		case pictureAltField:
			b, _ := io.ReadAll(io.LimitReader(part, 4*catalog.PictureAltMax+4))
			u.Alt = keepText(string(b), 4*catalog.PictureAltMax)
		case pictureFileField:
			if hasFile {
				break
			}
			b, err := picture.Read(part)
			switch {
			case errors.As(err, new(*http.MaxBytesError)):
				fileRefused(tooLarge)
			case err != nil:
				fileRefused(err)
			}
			// A browser sends an empty part, with no file name, when no file was chosen.
			hasFile = err != nil || len(b) > 0 || part.FileName() != ""
			file = b
		}
		if _, err := io.Copy(io.Discard, part); err != nil && errors.As(err, new(*http.MaxBytesError)) {
			fileRefused(tooLarge)
			break
		}
	}
	u.sum = uploadSum(u.Alt, file)
	alt, problem := catalog.PictureAlt(u.Alt)
	if problem != nil {
		msg := "The alt text " + problem.String() + "."
		if problem.Kind == catalog.Empty {
			msg = "Say what the picture shows, for those who cannot see it: the alt text is required."
		}
		u.Errors = append(fieldErrors{{pictureAltField, msg}}, u.Errors...)
	}
	u.alt = alt
	switch {
	case u.Errors.has(pictureFileField):
	case !hasFile:
		u.Errors.add(pictureFileField, noFile)
	case len(u.Errors) > 0:
		// The alt text is wrong: the form comes back, without the file (browsers never keep
		// one), so tell what else is wrong with it without the cost of re-encoding it.
		if _, _, err := picture.Check(file); err != nil {
			fileRefused(err)
		}
	default:
		pic, err := picture.Process(file)
		if err != nil {
			var ref *picture.Refusal
			if !errors.As(err, &ref) {
				return u, err
			}
			fileRefused(err)
		}
		u.pic = pic
	}
	return u, nil
}

// addPictureAudited adds the upload's picture to an item after its others and records it.
func addPictureAudited(r *http.Request, tx *store.Tx, it store.Item, u pictureUpload) (store.Picture, error) {
	p := store.Picture{ItemID: it.ID, Alt: u.alt, Width: u.pic.Width, Height: u.pic.Height}
	for _, rd := range u.pic.Renditions {
		p.Files = append(p.Files, store.PictureFile{Width: rd.Width, Height: rd.Height, ContentType: rd.ContentType,
			SHA256: rd.SHA256, Bytes: rd.Bytes})
	}
	if err := tx.AddPicture(&p); err != nil {
		return p, err
	}
	detail := fmt.Sprintf("picture %d “%s”, %d×%d, at position %d", p.ID, p.Alt, p.Width, p.Height, p.Position+1)
	return p, tx.Audit(auditEntry(r, store.ActionPictureAdd, itemTarget(it, it.CategoryName), detail))
}

// deletePictureAudited deletes a picture of an item and records it.
func deletePictureAudited(r *http.Request, tx *store.Tx, it store.Item, id int64) error {
	p, err := tx.DeletePicture(id)
	if err != nil {
		return err
	}
	return tx.Audit(auditEntry(r, store.ActionPictureDelete, itemTarget(it, it.CategoryName),
		fmt.Sprintf("picture %d “%s”", p.ID, p.Alt)))
}

// movePictureAudited puts a picture of an item at a position (0 first) and records it when it
// moved.
func movePictureAudited(r *http.Request, tx *store.Tx, it store.Item, id int64, to int) error {
	p, to, err := tx.MovePicture(id, to)
	if err != nil || p.Position == to {
		return err
	}
	return tx.Audit(auditEntry(r, store.ActionPictureMove, itemTarget(it, it.CategoryName),
		"picture "+strconv.FormatInt(p.ID, 10)+" “"+p.Alt+"”, position "+strconv.Itoa(p.Position+1)+" → "+strconv.Itoa(to+1)))
}

// tooManyPictures returns the field error for the store's refusal of one picture too many.
func tooManyPictures(err error) (fieldErrors, bool) {
	if !errors.Is(err, store.ErrTooManyPictures) {
		return nil, false
	}
	return fieldErrors{{pictureFileField, fmt.Sprintf("This item already has %d pictures, the most it can have; delete one first.", store.MaxPicturesPerItem)}}, true
}
