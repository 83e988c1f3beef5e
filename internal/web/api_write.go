package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/starboard/starboard/internal/catalog"
	"github.com/starboard/starboard/internal/store"
)

// The JSON API's writes: reviews by any member with a token, product lines and items by admins.
// Bodies are JSON objects checked by the decode functions in api_decode.go, which use the
// same rules as the HTML forms. POSTs take an Idempotency-Key header.

// idempotencyKeyMax bounds the Idempotency-Key header.
const idempotencyKeyMax = 255

// requireAPIAdmin lets admins through. Any other member with a valid token gets 403, not 404:
// the catalog routes are public knowledge (they are in the OpenAPI document), so hiding them
// would only make a missing admin right look like a wrong address.
func (srv *Server) requireAPIAdmin(next handlerFunc) handlerFunc {
	return srv.requireAPIAdminTo("change product lines and items", next)
}

// requireAPIAdminTo is requireAPIAdmin, its 403 saying what only admins may do.
func (srv *Server) requireAPIAdminTo(what string, next handlerFunc) handlerFunc {
	return srv.requireUser(func(w http.ResponseWriter, r *http.Request) error {
		if !userFrom(r.Context()).IsAdmin {
			return problemOf(http.StatusForbidden, "", "Only admins may "+what+"; this token's account is not an admin.")
		}
		return next(w, r)
	})
}

// readJSONBody returns a request's body after checking that it says it is JSON; else the error
// is a 415, 413 or 400.
func readJSONBody(r *http.Request) ([]byte, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" || (params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8")) {
		e := problemOf(http.StatusUnsupportedMediaType, "Content-Type", "Send the body as JSON, with Content-Type: application/json.")
		if r.Method == http.MethodPatch {
			e.with("Accept-Patch", "application/json")
		}
		return nil, e
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, problemOf(http.StatusRequestEntityTooLarge, "", "The body is too large: the limit is 1 MiB.").with("Connection", "close")
		}
		return nil, problemOf(http.StatusBadRequest, "", "The body could not be read.")
	}
	return body, nil
}

// errKeyReused is the answer to a request whose Idempotency-Key was first sent with another
// request.
var errKeyReused = &httpError{Status: http.StatusUnprocessableEntity,
	Detail: "This Idempotency-Key was already used for a different request (another method, path or body) in the last 24 hours. Use a new key for a new request.",
	Errors: fieldErrors{{"Idempotency-Key", "already used for a different request"}}}

// idempotencyKey reads the Idempotency-Key header of a POST; without one it returns nil. When the
// key already answered the same request within a day, it replays that answer and reports true:
// the request is answered. A key used for another request is a 422.
func (srv *Server) idempotencyKey(w http.ResponseWriter, r *http.Request, body []byte, locate locator) (*store.IdempotencyKey, bool, error) {
	vals := r.Header.Values("Idempotency-Key")
	if len(vals) == 0 {
		return nil, false, nil
	}
	key := vals[0]
	if len(vals) > 1 || key == "" || len(key) > idempotencyKeyMax || strings.ContainsFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		return nil, false, problemOf(http.StatusBadRequest, "Idempotency-Key",
			"Idempotency-Key must be one value of 1 to 255 visible ASCII characters, such as a UUID.")
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "%s %s\n", r.Method, r.URL.Path)
	sum.Write(body)
	k := &store.IdempotencyKey{UserID: userFrom(r.Context()).ID, Key: key, Request: hex.EncodeToString(sum.Sum(nil))}
	saved, err := srv.store.SavedResponse(r.Context(), *k)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return k, false, nil
	case errors.Is(err, store.ErrKeyReused):
		return nil, false, errKeyReused
	case err != nil:
		return nil, false, err
	}
	writeSaved(w, saved, locate, true)
	return nil, true, nil
}

// createdRef is what a created resource's JSON says about where it lives.
type createdRef struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
}

// locator returns the address of a created resource from its reference.
type locator func(createdRef) string

func reviewLocation(c createdRef) string {
	return apiPrefix + "/reviews/" + strconv.FormatInt(c.ID, 10)
}
func itemLocation(c createdRef) string { return apiPrefix + "/items/" + strconv.FormatInt(c.ID, 10) }
func lineLocation(c createdRef) string { return apiPrefix + "/categories/" + c.Slug }

// writeSaved answers with a create's response, first-hand or replayed, with its Location.
func writeSaved(w http.ResponseWriter, resp store.SavedResponse, locate locator, replayed bool) {
	h := w.Header()
	var ref createdRef
	if resp.Status == http.StatusCreated && json.Unmarshal([]byte(resp.Body), &ref) == nil {
		h.Set("Location", locate(ref))
	}
	if replayed {
		h.Set("Idempotent-Replayed", "true")
	}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(resp.Status)
	io.WriteString(w, resp.Body)
}

// creation is one API create: the write and the created resource's JSON.
type creation struct {
	write  func(*store.Tx) error
	answer func() any
}

// create reads a JSON body and its Idempotency-Key, checks the body with decode, and runs the
// write it returns, answering 201 with the answer's JSON and its Location. With an idempotency
// key, the key's claim, the write and the stored response commit together (store.Once), so a
// concurrent retry waits and replays the answer instead of writing again; a key that already
// answered this request replays its answer without decode.
func (srv *Server) create(w http.ResponseWriter, r *http.Request, locate locator, decode func(body []byte) (creation, error)) error {
	body, err := readJSONBody(r)
	if err != nil {
		return err
	}
	key, replayed, err := srv.idempotencyKey(w, r, body, locate)
	if replayed || err != nil {
		return err
	}
	c, err := decode(body)
	if err != nil {
		return err
	}
	respond := func() (store.SavedResponse, error) {
		b, err := json.Marshal(c.answer())
		return store.SavedResponse{Status: http.StatusCreated, Body: string(b) + "\n"}, err
	}
	if key == nil {
		if err := srv.store.Write(r.Context(), c.write); err != nil {
			return err
		}
		resp, err := respond()
		if err != nil {
			return err
		}
		writeSaved(w, resp, locate, false)
		return nil
	}
	resp, replayed, err := srv.store.Once(r.Context(), *key, func(tx *store.Tx) (store.SavedResponse, error) {
		if err := c.write(tx); err != nil {
			return store.SavedResponse{}, err
		}
		return respond()
	})
	if errors.Is(err, store.ErrKeyReused) {
		return errKeyReused
	}
	if err != nil {
		return err
	}
	writeSaved(w, resp, locate, replayed)
	return nil
}

// pathID returns the {id} path value; one that is not an id names nothing (404).
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, errNotFound
	}
	return id, nil
}

// apiReview returns one review.
func (srv *Server) apiReview(w http.ResponseWriter, r *http.Request) error {
	rv, err := srv.reviewByPathID(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIReview(rv))
}

// apiCreateReview adds the token owner's review of an item: 201 with the review and its
// Location, or 409 when they have already reviewed the item.
func (srv *Server) apiCreateReview(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	var it store.Item
	err := srv.create(w, r, reviewLocation, func(body []byte) (creation, error) {
		var err error
		if it, err = srv.itemByPathID(r); err != nil {
			return creation{}, err
		}
		in, err := decodeReview(body, reviewInput{}, false)
		if err != nil {
			return creation{}, err
		}
		rv := store.Review{ItemID: it.ID, UserID: u.ID, UserName: u.DisplayName, Rating: in.Rating, Summary: in.Summary, Details: in.Details}
		return creation{write: func(tx *store.Tx) error { return tx.CreateReview(&rv) }, answer: func() any { return toAPIReview(rv) }}, nil
	})
	if !errors.Is(err, store.ErrConflict) {
		return err
	}
	detail := "You have already reviewed this item. Change your review with PATCH, or delete it first."
	if old, err := srv.store.ReviewByUser(r.Context(), it.ID, u.ID); err == nil {
		detail = fmt.Sprintf("You have already reviewed this item: review %d. Change it with PATCH %s/reviews/%d, or delete it first.", old.ID, apiPrefix, old.ID)
	}
	return &httpError{Status: http.StatusConflict, Detail: detail, Errors: fieldErrors{{"item", "already reviewed by you; one review per member and item"}}}
}

// ownAPIReview loads the {id} review when it is the signed-in member's: another member's review
// is as absent as a missing one (404).
func (srv *Server) ownAPIReview(r *http.Request) (store.Review, error) {
	rv, err := srv.reviewByPathID(r)
	if err == nil && rv.UserID != userFrom(r.Context()).ID {
		err = errNotFound
	}
	return rv, err
}

// apiUpdateReview changes the fields a member sends of their own review.
func (srv *Server) apiUpdateReview(w http.ResponseWriter, r *http.Request) error {
	rv, err := srv.ownAPIReview(r)
	if err != nil {
		return err
	}
	body, err := readJSONBody(r)
	if err != nil {
		return err
	}
	in, err := decodeReview(body, reviewInput{Rating: rv.Rating, Summary: rv.Summary, Details: rv.Details}, true)
	if err != nil {
		return err
	}
	rv.Rating, rv.Summary, rv.Details = in.Rating, in.Summary, in.Details
	if err := srv.store.UpdateReview(r.Context(), &rv); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIReview(rv))
}

// apiDeleteReview deletes a review: a member's own, or any for an admin (moderation).
func (srv *Server) apiDeleteReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := userFrom(r.Context())
	if !u.IsAdmin {
		return noContent(w, srv.store.DeleteReview(r.Context(), id, u.ID))
	}
	rv, it, err := srv.adminReviewByPath(r)
	switch {
	case err != nil:
	case rv.UserID == u.ID: // an admin's own review is theirs to delete, not a moderation
		err = srv.store.DeleteReview(r.Context(), id, u.ID)
	default:
		err = srv.store.Write(r.Context(), func(tx *store.Tx) error { return removeReviewAudited(r, tx, rv, it) })
	}
	return noContent(w, err)
}

// noContent answers 204 unless err says otherwise.
func noContent(w http.ResponseWriter, err error) error {
	if err == nil {
		w.WriteHeader(http.StatusNoContent)
	}
	return err
}

// slugTaken is the 409 for a slug already in use.
func slugTaken(detail string) error {
	return &httpError{Status: http.StatusConflict, Detail: detail, Errors: fieldErrors{{"slug", "already taken; choose another"}}}
}

// apiCreateCategory adds a product line.
func (srv *Server) apiCreateCategory(w http.ResponseWriter, r *http.Request) error {
	var c store.Category
	err := srv.create(w, r, lineLocation, func(body []byte) (creation, error) {
		in, err := decodeLine(body, catalog.Line{}, false)
		c = store.Category{Slug: in.Slug, Name: in.Name, Description: in.Description, Currency: in.Currency}
		return creation{write: func(tx *store.Tx) error { return createLineAudited(r, tx, &c) }, answer: func() any { return toAPICategory(c) }}, err
	})
	return onConflict(err, slugTaken(fmt.Sprintf("A product line with the slug %q already exists.", c.Slug)))
}

// apiUpdateCategory changes the fields an admin sends of a product line.
func (srv *Server) apiUpdateCategory(w http.ResponseWriter, r *http.Request) error {
	c, err := srv.lineByPath(r)
	if err != nil {
		return err
	}
	body, err := readJSONBody(r)
	if err != nil {
		return err
	}
	in, err := decodeLine(body, catalog.Line{Slug: c.Slug, Name: c.Name, Description: c.Description, Currency: c.Currency}, true)
	if err != nil {
		return err
	}
	old := c
	c.Slug, c.Name, c.Description, c.Currency = in.Slug, in.Name, in.Description, in.Currency
	if err := srv.store.Write(r.Context(), func(tx *store.Tx) error { return updateLineAudited(r, tx, old, &c) }); err != nil {
		return onConflict(err, slugTaken(fmt.Sprintf("Another product line has the slug %q.", in.Slug)))
	}
	if c, err = srv.store.Category(r.Context(), c.ID); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPICategory(c))
}

// apiDeleteCategory deletes a product line with its items and their reviews.
func (srv *Server) apiDeleteCategory(w http.ResponseWriter, r *http.Request) error {
	c, err := srv.lineByPath(r)
	if err == nil {
		err = srv.store.Write(r.Context(), func(tx *store.Tx) error { return deleteLineAudited(r, tx, c) })
	}
	return noContent(w, err)
}

// attributeRows returns an item's attributes as rows, by key.
func attributeRows(m store.Attributes) []catalog.Attribute {
	rows := make([]catalog.Attribute, 0, len(m))
	for k, v := range m {
		rows = append(rows, catalog.Attribute{Key: k, Value: v})
	}
	slices.SortFunc(rows, func(a, b catalog.Attribute) int { return strings.Compare(a.Key, b.Key) })
	return rows
}

// noLine is the 422 for an item whose category names no product line.
func noLine(slug string) error {
	return invalidFields(fieldErrors{{"category", fmt.Sprintf("No product line has the slug %q.", slug)}})
}

// apiCreateItem adds an item to the product line its body names.
func (srv *Server) apiCreateItem(w http.ResponseWriter, r *http.Request) error {
	var it store.Item
	var line string
	err := srv.create(w, r, itemLocation, func(body []byte) (creation, error) {
		var in catalog.Item
		var err error
		if line, in, err = decodeItem(body, catalog.Item{}, false); err != nil {
			return creation{}, err
		}
		c, err := srv.store.CategoryBySlug(r.Context(), line)
		if errors.Is(err, store.ErrNotFound) {
			return creation{}, noLine(line)
		}
		it = store.Item{CategoryID: c.ID, CategorySlug: c.Slug, Slug: in.Slug, Name: in.Name, Description: in.Description,
			Attributes: in.AttributeMap()}
		return creation{write: func(tx *store.Tx) error { return createItemAudited(r, tx, &it, c.Name) }, answer: func() any { return toAPIItem(it) }}, err
	})
	if errors.Is(err, store.ErrNotFound) { // the line was deleted meanwhile
		return noLine(line)
	}
	return onConflict(err, slugTaken(fmt.Sprintf("The product line %q already has an item with the slug %q.", it.CategorySlug, it.Slug)))
}

// apiUpdateItem changes the fields an admin sends of an item.
func (srv *Server) apiUpdateItem(w http.ResponseWriter, r *http.Request) error {
	it, err := srv.itemByPathID(r)
	if err != nil {
		return err
	}
	body, err := readJSONBody(r)
	if err != nil {
		return err
	}
	base := catalog.Item{Slug: it.Slug, Name: it.Name, Description: it.Description, Attributes: attributeRows(it.Attributes)}
	_, in, err := decodeItem(body, base, true)
	if err != nil {
		return err
	}
	old := it
	it.Slug, it.Name, it.Description, it.Attributes = in.Slug, in.Name, in.Description, in.AttributeMap()
	if err := srv.store.Write(r.Context(), func(tx *store.Tx) error { return updateItemAudited(r, tx, old, &it, it.CategoryName) }); err != nil {
		return onConflict(err, slugTaken(fmt.Sprintf("The product line %q already has an item with the slug %q.", it.CategorySlug, in.Slug)))
	}
	if it, err = srv.store.Item(r.Context(), it.ID); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIItem(it))
}

// apiDeleteItem deletes an item with its reviews.
func (srv *Server) apiDeleteItem(w http.ResponseWriter, r *http.Request) error {
	it, err := srv.itemByPathID(r)
	if err == nil {
		err = srv.store.Write(r.Context(), func(tx *store.Tx) error { return deleteItemAudited(r, tx, it, it.CategoryName) })
	}
	return noContent(w, err)
}
