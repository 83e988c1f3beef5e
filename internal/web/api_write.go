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
func (srv *Server) requireAPIAdmin(next http.HandlerFunc) http.HandlerFunc {
	return srv.requireUser(func(w http.ResponseWriter, r *http.Request) {
		if !userFrom(r.Context()).IsAdmin {
			srv.clientError(w, r, http.StatusForbidden, "", "Only admins may change product lines and items; this token's account is not an admin.")
			return
		}
		next(w, r)
	})
}

// writeAPIError answers with a problem document.
func writeAPIError(w http.ResponseWriter, e *apiError) {
	writeProblem(w, e.Status, e.Detail, e.Errors)
}

// readJSONBody returns a request's body after checking that it says it is JSON, answering 415,
// 413 or 400 itself when it cannot.
func (srv *Server) readJSONBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" || (params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8")) {
		if r.Method == http.MethodPatch {
			w.Header().Set("Accept-Patch", "application/json")
		}
		srv.clientError(w, r, http.StatusUnsupportedMediaType, "Content-Type", "Send the body as JSON, with Content-Type: application/json.")
		return nil, false
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			w.Header().Set("Connection", "close")
			srv.clientError(w, r, http.StatusRequestEntityTooLarge, "", "The body is too large: the limit is 1 MiB.")
		} else {
			srv.clientError(w, r, http.StatusBadRequest, "", "The body could not be read.")
		}
		return nil, false
	}
	return body, true
}

// idempotencyKey reads the Idempotency-Key header of a POST. Without one it returns nil. When
// the key already answered the same request within a day, it replays that answer; when it was
// used for another request, it answers 422. Either way it returns false, having answered.
func (srv *Server) idempotencyKey(w http.ResponseWriter, r *http.Request, body []byte, locate locator) (*store.IdempotencyKey, bool) {
	vals := r.Header.Values("Idempotency-Key")
	if len(vals) == 0 {
		return nil, true
	}
	key := vals[0]
	if len(vals) > 1 || key == "" || len(key) > idempotencyKeyMax || strings.ContainsFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		srv.clientError(w, r, http.StatusBadRequest, "Idempotency-Key",
			"Idempotency-Key must be one value of 1 to 255 visible ASCII characters, such as a UUID.")
		return nil, false
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "%s %s\n", r.Method, r.URL.Path)
	sum.Write(body)
	k := &store.IdempotencyKey{UserID: userFrom(r.Context()).ID, Key: key, Request: hex.EncodeToString(sum.Sum(nil))}
	saved, err := srv.store.SavedResponse(r.Context(), *k)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return k, true
	case errors.Is(err, store.ErrKeyReused):
		keyReused(w)
	case err != nil:
		srv.serverError(w, r, err)
	default:
		writeSaved(w, saved, locate, true)
	}
	return nil, false
}

// keyReused answers a request whose Idempotency-Key was first sent with another request.
func keyReused(w http.ResponseWriter) {
	writeProblem(w, http.StatusUnprocessableEntity,
		"This Idempotency-Key was already used for a different request (another method, path or body) in the last 24 hours. Use a new key for a new request.",
		[]fieldError{{"Idempotency-Key", "already used for a different request"}})
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

// create runs write and answers 201 with answer's JSON and its Location. With an idempotency
// key, the key's claim, the write and the stored response commit together (store.Once), so a
// concurrent retry waits and replays the answer instead of writing again. write's errors are
// returned unanswered, for the caller to turn into a problem.
func (srv *Server) create(w http.ResponseWriter, r *http.Request, key *store.IdempotencyKey, locate locator, write func(*store.Tx) error, answer func() any) error {
	respond := func() (store.SavedResponse, error) {
		b, err := json.Marshal(answer())
		return store.SavedResponse{Status: http.StatusCreated, Body: string(b) + "\n"}, err
	}
	if key == nil {
		if err := srv.store.Write(r.Context(), write); err != nil {
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
		if err := write(tx); err != nil {
			return store.SavedResponse{}, err
		}
		return respond()
	})
	if errors.Is(err, store.ErrKeyReused) {
		keyReused(w)
		return nil
	}
	if err != nil {
		return err
	}
	writeSaved(w, resp, locate, replayed)
	return nil
}

// pathID returns the {id} path value, answering 404 itself when it is not an id.
func (srv *Server) pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		srv.notFound(w, r)
		return 0, false
	}
	return id, true
}

// apiReview returns one review.
func (srv *Server) apiReview(w http.ResponseWriter, r *http.Request) {
	id, ok := srv.pathID(w, r)
	if !ok {
		return
	}
	rv, err := srv.store.Review(r.Context(), id)
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIReview(rv))
}

// apiCreateReview adds the token owner's review of an item: 201 with the review and its
// Location, or 409 when they have already reviewed the item.
func (srv *Server) apiCreateReview(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	body, ok := srv.readJSONBody(w, r)
	if !ok {
		return
	}
	key, ok := srv.idempotencyKey(w, r, body, reviewLocation)
	if !ok {
		return
	}
	it, ok := srv.itemByPathID(w, r)
	if !ok {
		return
	}
	in, perr := decodeReview(body, reviewInput{}, false)
	if perr != nil {
		writeAPIError(w, perr)
		return
	}
	rv := store.Review{ItemID: it.ID, UserID: u.ID, UserName: u.DisplayName, Rating: in.Rating, Summary: in.Summary, Details: in.Details}
	err := srv.create(w, r, key, reviewLocation, func(tx *store.Tx) error { return tx.CreateReview(&rv) }, func() any { return toAPIReview(rv) })
	if errors.Is(err, store.ErrConflict) {
		detail := "You have already reviewed this item. Change your review with PATCH, or delete it first."
		if old, err := srv.store.ReviewByUser(r.Context(), it.ID, u.ID); err == nil {
			detail = fmt.Sprintf("You have already reviewed this item: review %d. Change it with PATCH %s/reviews/%d, or delete it first.", old.ID, apiPrefix, old.ID)
		}
		writeProblem(w, http.StatusConflict, detail, []fieldError{{"item", "already reviewed by you; one review per member and item"}})
		return
	}
	if err != nil {
		srv.serverError(w, r, err)
	}
}

// ownAPIReview loads the {id} review when it is the signed-in member's, answering 404 itself
// otherwise: another member's review is as absent as a missing one.
func (srv *Server) ownAPIReview(w http.ResponseWriter, r *http.Request) (store.Review, bool) {
	id, ok := srv.pathID(w, r)
	if !ok {
		return store.Review{}, false
	}
	rv, err := srv.store.Review(r.Context(), id)
	if err == nil && rv.UserID != userFrom(r.Context()).ID {
		err = store.ErrNotFound
	}
	if err != nil {
		srv.serverError(w, r, err)
		return store.Review{}, false
	}
	return rv, true
}

// apiUpdateReview changes the fields a member sends of their own review.
func (srv *Server) apiUpdateReview(w http.ResponseWriter, r *http.Request) {
	rv, ok := srv.ownAPIReview(w, r)
	if !ok {
		return
	}
	body, ok := srv.readJSONBody(w, r)
	if !ok {
		return
	}
	in, perr := decodeReview(body, reviewInput{Rating: rv.Rating, Summary: rv.Summary, Details: rv.Details}, true)
	if perr != nil {
		writeAPIError(w, perr)
		return
	}
	rv.Rating, rv.Summary, rv.Details = in.Rating, in.Summary, in.Details
	if err := srv.store.UpdateReview(r.Context(), &rv); err != nil {
		srv.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIReview(rv))
}

// apiDeleteReview deletes a review: a member's own, or any for an admin (moderation).
func (srv *Server) apiDeleteReview(w http.ResponseWriter, r *http.Request) {
	id, ok := srv.pathID(w, r)
	if !ok {
		return
	}
	u := userFrom(r.Context())
	var err error
	if u.IsAdmin {
		err = srv.store.RemoveReview(r.Context(), id)
	} else {
		err = srv.store.DeleteReview(r.Context(), id, u.ID)
	}
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// slugTaken answers 409 for a slug already in use.
func slugTaken(w http.ResponseWriter, detail string) {
	writeProblem(w, http.StatusConflict, detail, []fieldError{{"slug", "already taken; choose another"}})
}

// apiCreateCategory adds a product line.
func (srv *Server) apiCreateCategory(w http.ResponseWriter, r *http.Request) {
	body, ok := srv.readJSONBody(w, r)
	if !ok {
		return
	}
	key, ok := srv.idempotencyKey(w, r, body, lineLocation)
	if !ok {
		return
	}
	in, perr := decodeLine(body, catalog.Line{}, false)
	if perr != nil {
		writeAPIError(w, perr)
		return
	}
	c := store.Category{Slug: in.Slug, Name: in.Name, Description: in.Description}
	err := srv.create(w, r, key, lineLocation, func(tx *store.Tx) error { return tx.CreateCategory(&c) }, func() any { return toAPICategory(c) })
	if errors.Is(err, store.ErrConflict) {
		slugTaken(w, fmt.Sprintf("A product line with the slug %q already exists.", in.Slug))
		return
	}
	if err != nil {
		srv.serverError(w, r, err)
	}
}

// apiUpdateCategory changes the fields an admin sends of a product line.
func (srv *Server) apiUpdateCategory(w http.ResponseWriter, r *http.Request) {
	c, ok := srv.lineByPath(w, r)
	if !ok {
		return
	}
	body, ok := srv.readJSONBody(w, r)
	if !ok {
		return
	}
	in, perr := decodeLine(body, catalog.Line{Slug: c.Slug, Name: c.Name, Description: c.Description}, true)
	if perr != nil {
		writeAPIError(w, perr)
		return
	}
	c.Slug, c.Name, c.Description = in.Slug, in.Name, in.Description
	err := srv.store.UpdateCategory(r.Context(), &c)
	if errors.Is(err, store.ErrConflict) {
		slugTaken(w, fmt.Sprintf("Another product line has the slug %q.", in.Slug))
		return
	}
	if err == nil {
		c, err = srv.store.Category(r.Context(), c.ID)
	}
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPICategory(c))
}

// apiDeleteCategory deletes a product line with its items and their reviews.
func (srv *Server) apiDeleteCategory(w http.ResponseWriter, r *http.Request) {
	c, err := srv.store.CategoryBySlug(r.Context(), r.PathValue("line"))
	if err == nil {
		err = srv.store.DeleteCategory(r.Context(), c.ID)
	}
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
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

// apiCreateItem adds an item to the product line its body names.
func (srv *Server) apiCreateItem(w http.ResponseWriter, r *http.Request) {
	body, ok := srv.readJSONBody(w, r)
	if !ok {
		return
	}
	key, ok := srv.idempotencyKey(w, r, body, itemLocation)
	if !ok {
		return
	}
	line, in, perr := decodeItem(body, catalog.Item{}, false)
	if perr != nil {
		writeAPIError(w, perr)
		return
	}
	c, err := srv.store.CategoryBySlug(r.Context(), line)
	if errors.Is(err, store.ErrNotFound) {
		writeAPIError(w, invalidFields([]fieldError{{"category", fmt.Sprintf("No product line has the slug %q.", line)}}))
		return
	}
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	it := store.Item{CategoryID: c.ID, CategorySlug: c.Slug, Slug: in.Slug, Name: in.Name, Description: in.Description,
		Attributes: in.AttributeMap()}
	err = srv.create(w, r, key, itemLocation, func(tx *store.Tx) error { return tx.CreateItem(&it) }, func() any { return toAPIItem(it) })
	switch {
	case errors.Is(err, store.ErrConflict):
		slugTaken(w, fmt.Sprintf("The product line %q already has an item with the slug %q.", c.Slug, in.Slug))
	case errors.Is(err, store.ErrNotFound): // the line was deleted meanwhile
		writeAPIError(w, invalidFields([]fieldError{{"category", fmt.Sprintf("No product line has the slug %q.", line)}}))
	case err != nil:
		srv.serverError(w, r, err)
	}
}

// apiUpdateItem changes the fields an admin sends of an item.
func (srv *Server) apiUpdateItem(w http.ResponseWriter, r *http.Request) {
	it, ok := srv.itemByPathID(w, r)
	if !ok {
		return
	}
	body, ok := srv.readJSONBody(w, r)
	if !ok {
		return
	}
	base := catalog.Item{Slug: it.Slug, Name: it.Name, Description: it.Description, Attributes: attributeRows(it.Attributes)}
	_, in, perr := decodeItem(body, base, true)
	if perr != nil {
		writeAPIError(w, perr)
		return
	}
	it.Slug, it.Name, it.Description, it.Attributes = in.Slug, in.Name, in.Description, in.AttributeMap()
	err := srv.store.UpdateItem(r.Context(), &it)
	if errors.Is(err, store.ErrConflict) {
		slugTaken(w, fmt.Sprintf("The product line %q already has an item with the slug %q.", it.CategorySlug, in.Slug))
		return
	}
	if err == nil {
		it, err = srv.store.Item(r.Context(), it.ID)
	}
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIItem(it))
}

// apiDeleteItem deletes an item with its reviews.
func (srv *Server) apiDeleteItem(w http.ResponseWriter, r *http.Request) {
	id, ok := srv.pathID(w, r)
	if !ok {
		return
	}
	if err := srv.store.DeleteItem(r.Context(), id); err != nil {
		srv.serverError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
