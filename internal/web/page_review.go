package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/starboard/starboard/internal/store"
)

// reviewFormView is what templates/review_form.html shows: the review form on a page of its own,
// to write a review again after a mistake or to edit one.
type reviewFormView struct {
	Item    store.Item
	Heading string // "Review Po", "Edit your review of Po"
	Action  string // where the form posts
	Submit  string // the button's words
	Cancel  string // where "Cancel" goes, "" for no such link
	Form    reviewForm
	Review  *store.Review // the review being edited, nil for a new one
}

// reviewDeleteView is what templates/review_delete.html shows.
type reviewDeleteView struct {
	Item   store.Item
	Review reviewView
}

// createReview saves the signed-in member's review of an item, or shows the form again with what
// is wrong beside each field. A valid review is written by the item's slugs, its lookup inside
// the write: the item is read on its own only to show the form again or to say it was reviewed.
func (srv *Server) createReview(w http.ResponseWriter, r *http.Request) {
	if !srv.parsePostedForm(w, r) {
		return
	}
	ctx := r.Context()
	line, slug := r.PathValue("line"), r.PathValue("item")
	f := reviewFormFrom(r.PostForm.Get("review[rating]"), r.PostForm.Get("review[summary]"), r.PostForm.Get("review[details]"))
	if !f.validate() {
		it, err := srv.store.ItemBySlug(ctx, line, slug)
		if err != nil {
			srv.serverError(w, r, err)
			return
		}
		srv.renderReviewForm(w, r, http.StatusUnprocessableEntity, reviewFormView{Item: it, Heading: "Review " + it.Name,
			Action: itemPath(it) + "/reviews", Submit: "Post your review", Cancel: itemPath(it), Form: f})
		return
	}
	rv := store.Review{UserID: userFrom(ctx).ID, Rating: f.Rating, Summary: f.Summary, Details: f.Details}
	err := srv.store.CreateReviewOf(ctx, line, slug, &rv)
	if errors.Is(err, store.ErrConflict) {
		it, ierr := srv.store.ItemBySlug(ctx, line, slug)
		if ierr != nil {
			srv.serverError(w, r, ierr)
			return
		}
		srv.setFlash(r, "You have already reviewed "+it.Name+": your review is below, where you can edit it.")
		http.Redirect(w, r, itemPath(it)+"#your-review", http.StatusSeeOther)
		return
	}
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	it := store.Item{ID: rv.ItemID, CategorySlug: line, Slug: slug}
	srv.setPostedNotice(w, r, it)
	http.Redirect(w, r, itemPath(it), http.StatusSeeOther)
}

// editReview shows the signed-in member's review in the form, to change it.
func (srv *Server) editReview(w http.ResponseWriter, r *http.Request) {
	rv, it, ok := srv.ownReview(w, r)
	if !ok {
		return
	}
	srv.renderReviewForm(w, r, http.StatusOK, editFormView(it, rv, reviewFormOf(rv)))
}

// updateReview saves the changes to the signed-in member's review.
func (srv *Server) updateReview(w http.ResponseWriter, r *http.Request) {
	if !srv.parsePostedForm(w, r) {
		return
	}
	rv, it, ok := srv.ownReview(w, r)
	if !ok {
		return
	}
	f := reviewFormFrom(r.PostForm.Get("review[rating]"), r.PostForm.Get("review[summary]"), r.PostForm.Get("review[details]"))
	if !f.validate() {
		srv.renderReviewForm(w, r, http.StatusUnprocessableEntity, editFormView(it, rv, f))
		return
	}
	rv.Rating, rv.Summary, rv.Details = f.Rating, f.Summary, f.Details
	if err := srv.store.UpdateReview(r.Context(), &rv); err != nil {
		srv.serverError(w, r, err)
		return
	}
	srv.setFlash(r, "Your review of "+it.Name+" has been updated.")
	http.Redirect(w, r, itemPath(it), http.StatusSeeOther)
}

func editFormView(it store.Item, rv store.Review, f reviewForm) reviewFormView {
	return reviewFormView{Item: it, Heading: "Edit your review of " + it.Name, Action: "/reviews/" + strconv.FormatInt(rv.ID, 10) + "/edit",
		Submit: "Save changes", Cancel: itemPath(it), Form: f, Review: &rv}
}

// confirmDeleteReview asks the member to confirm deleting their review.
func (srv *Server) confirmDeleteReview(w http.ResponseWriter, r *http.Request) {
	rv, it, ok := srv.ownReview(w, r)
	if !ok {
		return
	}
	srv.render(w, r, http.StatusOK, "review_delete", view{Title: "Delete your review of " + it.Name,
		Data: reviewDeleteView{Item: it, Review: srv.viewOf(rv, userFrom(r.Context()), false)}})
}

// deleteReview deletes the signed-in member's review.
func (srv *Server) deleteReview(w http.ResponseWriter, r *http.Request) {
	rv, it, ok := srv.ownReview(w, r)
	if !ok {
		return
	}
	if err := srv.store.DeleteReview(r.Context(), rv.ID, rv.UserID); err != nil {
		srv.serverError(w, r, err)
		return
	}
	srv.setFlash(r, "Your review of "+it.Name+" has been deleted.")
	http.Redirect(w, r, itemPath(it), http.StatusSeeOther)
}

// markHelpful counts the signed-in member's "this review was helpful", once per member, and
// goes back to where the button was.
func (srv *Server) markHelpful(w http.ResponseWriter, r *http.Request) {
	if !srv.parsePostedForm(w, r) {
		return
	}
	ctx := r.Context()
	u := userFrom(ctx)
	rv, ok := srv.reviewByPathID(w, r)
	if !ok {
		return
	}
	back := r.PostForm.Get("next")
	if back == "" {
		it, err := srv.store.Item(ctx, rv.ItemID)
		if err != nil {
			srv.serverError(w, r, err)
			return
		}
		back = itemPath(it) + "#review-" + strconv.FormatInt(rv.ID, 10)
	}
	if rv.UserID == u.ID {
		// The store would count it; the site does not, since one's own vote says nothing.
		srv.setFlash(r, "That is your own review, so your vote does not count. Other members can mark it helpful.")
		http.Redirect(w, r, safeNext(back), http.StatusSeeOther)
		return
	}
	switch err := srv.store.MarkHelpful(ctx, rv.ID, u.ID); {
	case errors.Is(err, store.ErrConflict):
		srv.setFlash(r, "You have already marked this review helpful. Thank you, your vote was counted once.")
	case err != nil:
		srv.serverError(w, r, err)
		return
	default:
		srv.setFlash(r, "Thank you! Your vote helps others find the most useful reviews.")
	}
	http.Redirect(w, r, safeNext(back), http.StatusSeeOther)
}

// ownReview loads the review named by {id} and its item. Anything but the signed-in member's own
// review is answered 404 here, so other members' reviews are not even confirmed to exist.
func (srv *Server) ownReview(w http.ResponseWriter, r *http.Request) (store.Review, store.Item, bool) {
	rv, ok := srv.reviewByPathID(w, r)
	if !ok {
		return rv, store.Item{}, false
	}
	if u := userFrom(r.Context()); u == nil || u.ID != rv.UserID {
		srv.notFound(w, r)
		return rv, store.Item{}, false
	}
	it, err := srv.store.Item(r.Context(), rv.ItemID)
	if err != nil {
		srv.serverError(w, r, err)
		return rv, it, false
	}
	return rv, it, true
}

// reviewByPathID loads the review named by {id}, answering 404 itself when there is none.
func (srv *Server) reviewByPathID(w http.ResponseWriter, r *http.Request) (store.Review, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		srv.notFound(w, r)
		return store.Review{}, false
	}
	rv, err := srv.store.Review(r.Context(), id)
	if err != nil {
		srv.serverError(w, r, err)
		return rv, false
	}
	return rv, true
}

// renderReviewForm shows the review form on a page of its own; the title says when it has errors.
func (srv *Server) renderReviewForm(w http.ResponseWriter, r *http.Request, status int, v reviewFormView) {
	title := v.Heading
	if len(v.Form.Errors) > 0 {
		title = "Error: " + title
	}
	srv.render(w, r, status, "review_form", view{Title: title, Data: v})
}

// parsePostedForm reads a posted form, answering 400 itself when it cannot.
func (srv *Server) parsePostedForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			srv.clientError(w, r, http.StatusRequestEntityTooLarge, "", "The form is too large to send: the limit is 1 MiB.")
			return false
		}
		srv.clientError(w, r, http.StatusBadRequest, "", "The form could not be read. Please go back and send it again.")
		return false
	}
	return true
}
