package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/starboard/starboard/internal/picture"
	"github.com/starboard/starboard/internal/store"
)

// Pictures: served from the database under fingerprinted addresses, and described for <img>
// tags by pictureView.

// picturesPrefix starts every picture's address.
const picturesPrefix = "/pictures/"

// pictureCache is how long a picture may be kept: for ever, since a changed picture is a new
// address.
const pictureCache = "public, max-age=31536000, immutable"

// pictureURL returns the address of a picture's file: /pictures/{id}-{width}.{hash8}.{ext}. The
// hash is the start of the file's SHA-256, so the address changes whenever the bytes do.
func pictureURL(pictureID int64, f store.PictureFile) string {
	return picturesPrefix + strconv.FormatInt(pictureID, 10) + "-" + strconv.Itoa(f.Width) + "." + f.SHA256[:min(8, len(f.SHA256))] +
		picture.Ext(f.ContentType)
}

// parsePictureName reads "{id}-{width}.{hash8}.{ext}"; ok is false for anything else.
func parsePictureName(name string) (id int64, width int, hash, ext string, ok bool) {
	stem, ext, found := strings.Cut(name, ".")
	if !found {
		return 0, 0, "", "", false
	}
	hash, ext, found = strings.Cut(ext, ".")
	if !found || len(hash) != 8 || (ext != "jpg" && ext != "png") {
		return 0, 0, "", "", false
	}
	idText, widthText, found := strings.Cut(stem, "-")
	if !found {
		return 0, 0, "", "", false
	}
	id, err1 := strconv.ParseInt(idText, 10, 64)
	width, err2 := strconv.Atoi(widthText)
	if err1 != nil || err2 != nil || id < 1 || width < 1 {
		return 0, 0, "", "", false
	}
	return id, width, hash, "." + ext, true
}

// servePicture answers GET /pictures/{name} with a picture's file, cacheable for ever; an address
// whose hash or type is not the file's is 404, so an old address never shows new bytes.
func (srv *Server) servePicture(w http.ResponseWriter, r *http.Request) error {
	id, width, hash, ext, ok := parsePictureName(r.PathValue("name"))
	if !ok {
		return errNotFound
	}
	f, err := srv.store.PictureFile(r.Context(), id, width)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(f.SHA256, hash) || picture.Ext(f.ContentType) != ext {
		return errNotFound
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Cache-Control", pictureCache)
	h.Set("ETag", `"`+f.SHA256+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.Bytes))
	return nil
}

// pictureView is what an <img> tag of a picture needs: <img src srcset sizes width height alt
// loading decoding="async">. Width and Height are the box it is drawn in, in CSS pixels, so the
// page does not move when it arrives.
type pictureView struct {
	Src    string
	Srcset string // "" for the placeholder
	Sizes  string // "" for the placeholder
	Width  int
	Height int
	Alt    string
	// Loading is "lazy" for pictures below the fold (the browser fetches them near the
	// viewport) and "eager" for the ones seen first.
	Loading string
	// Placeholder is true for an item without a picture: Src is the neutral placeholder
	// drawing and Alt is "" (it is decoration; the item's name is beside it).
	Placeholder bool
}

// fold says whether a picture is seen when the page opens (aboveFold) or only after scrolling.
type fold bool

// Where a picture is on its page.
const (
	aboveFold fold = false
	belowFold fold = true
)

// The placeholder drawing's size (static/placeholder.svg), for its proportions.
const placeholderW, placeholderH = 320, 240

// pictureView returns what an <img> of p drawn display CSS pixels wide needs: the narrowest file
// at least that wide as src (for browsers without srcset), every file in srcset, and a box of
// that width (or the picture's own, when narrower) in its proportions. A picture without files
// (p.ID 0: the item has none) gets the placeholder.
func (srv *Server) pictureView(p store.Picture, display int, where fold) pictureView {
	loading := "eager"
	if where == belowFold {
		loading = "lazy"
	}
	if len(p.Files) == 0 || p.Width <= 0 || p.Height <= 0 {
		src, _ := srv.static.URL("placeholder.svg") // embedded: a test proves it is there
		return pictureView{Src: src, Width: display,
			Height: display * placeholderH / placeholderW, Loading: loading, Placeholder: true}
	}
	v := pictureView{Alt: p.Alt, Loading: loading, Width: min(display, p.Width)}
	v.Height = max(1, (p.Height*v.Width+p.Width/2)/p.Width)
	var set []string
	for _, f := range p.Files {
		u := pictureURL(p.ID, f)
		set = append(set, u+" "+strconv.Itoa(f.Width)+"w")
		if v.Src == "" && f.Width >= v.Width {
			v.Src = u
		}
	}
	if v.Src == "" {
		v.Src = pictureURL(p.ID, p.Files[len(p.Files)-1])
	}
	v.Srcset = strings.Join(set, ", ")
	v.Sizes = fmt.Sprintf("(max-width: %dpx) 100vw, %dpx", v.Width, v.Width)
	return v
}

// mainPictures returns the main picture (or the placeholder) of each item, in the order of ids,
// shown at width CSS pixels: the first eager are seen when the page opens, the rest load lazily
// as the visitor scrolls. One query for all of them.
func (srv *Server) mainPictures(ctx context.Context, ids []int64, width, eager int) ([]pictureView, error) {
	pics, err := srv.store.MainPictures(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]pictureView, len(ids))
	for i, id := range ids {
		where := aboveFold
		if i >= eager {
			where = belowFold
		}
		out[i] = srv.pictureView(pics[id], width, where)
	}
	return out, nil
}
