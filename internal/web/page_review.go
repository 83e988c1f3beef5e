package web

import (
	"errors"
	"net/http"
	"net/url"
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
func (srv *Server) createReview(w http.ResponseWriter, r *http.Request) error {
	v, err := parsePostedForm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	line, slug := r.PathValue("line"), r.PathValue("item")
	f := reviewFormFrom(v.Get("review[rating]"), v.Get("review[summary]"), v.Get("review[details]"))
	if !f.validate() {
		it, err := srv.store.ItemBySlug(ctx, line, slug)
		if err != nil {
			return err
		}
		return srv.renderReviewForm(w, r, http.StatusUnprocessableEntity, reviewFormView{Item: it, Heading: "Review " + it.Name,
			Action: itemPath(it) + "/reviews", Submit: "Post your review", Cancel: itemPath(it), Form: f})
	}
	rv := store.Review{UserID: userFrom(ctx).ID, Rating: f.Rating, Summary: f.Summary, Details: f.Details}
	err = srv.store.CreateReviewOf(ctx, line, slug, &rv)
	if errors.Is(err, store.ErrConflict) {
		it, err := srv.store.ItemBySlug(ctx, line, slug)
		if err != nil {
			return err
		}
		srv.setFlash(r, "You have already reviewed "+it.Name+": your review is below, where you can edit it.")
		http.Redirect(w, r, itemPath(it)+"#your-review", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	it := store.Item{ID: rv.ItemID, CategorySlug: line, Slug: slug}
	srv.setPostedNotice(w, r, it)
	http.Redirect(w, r, itemPath(it), http.StatusSeeOther)
	return nil
}

// editReview shows the signed-in member's review in the form, to change it.
func (srv *Server) editReview(w http.ResponseWriter, r *http.Request) error {
	rv, it, err := srv.ownReview(r)
	if err != nil {
		return err
	}
	return srv.renderReviewForm(w, r, http.StatusOK, editFormView(it, rv, reviewFormOf(rv)))
}

// updateReview saves the changes to the signed-in member's review.
func (srv *Server) updateReview(w http.ResponseWriter, r *http.Request) error {
	v, err := parsePostedForm(r)
	if err != nil {
		return err
	}
	rv, it, err := srv.ownReview(r)
	if err != nil {
		return err
	}
	f := reviewFormFrom(v.Get("review[rating]"), v.Get("review[summary]"), v.Get("review[details]"))
	if !f.validate() {
		return srv.renderReviewForm(w, r, http.StatusUnprocessableEntity, editFormView(it, rv, f))
	}
	rv.Rating, rv.Summary, rv.Details = f.Rating, f.Summary, f.Details
	if err := srv.store.UpdateReview(r.Context(), &rv); err != nil {
		return err
	}
	srv.setFlash(r, "Your review of "+it.Name+" has been updated.")
	http.Redirect(w, r, itemPath(it), http.StatusSeeOther)
	return nil
}

func editFormView(it store.Item, rv store.Review, f reviewForm) reviewFormView {
	return reviewFormView{Item: it, Heading: "Edit your review of " + it.Name, Action: "/reviews/" + strconv.FormatInt(rv.ID, 10) + "/edit",
		Submit: "Save changes", Cancel: itemPath(it), Form: f, Review: &rv}
}

// confirmDeleteReview asks the member to confirm deleting their review.
func (srv *Server) confirmDeleteReview(w http.ResponseWriter, r *http.Request) error {
	rv, it, err := srv.ownReview(r)
	if err != nil {
		return err
	}
	return srv.render(w, r, http.StatusOK, "review_delete", view{Title: "Delete your review of " + it.Name,
		Data: reviewDeleteView{Item: it, Review: srv.viewOf(rv, userFrom(r.Context()), false)}})
}

// deleteReview deletes the signed-in member's review.
func (srv *Server) deleteReview(w http.ResponseWriter, r *http.Request) error {
	rv, it, err := srv.ownReview(r)
	if err != nil {
		return err
	}
	if err := srv.store.DeleteReview(r.Context(), rv.ID, rv.UserID); err != nil {
		return err
	}
	srv.setFlash(r, "Your review of "+it.Name+" has been deleted.")
	http.Redirect(w, r, itemPath(it), http.StatusSeeOther)
	return nil
}

// markHelpful counts the signed-in member's "this review was helpful", once per member, and
// goes back to where the button was.
func (srv *Server) markHelpful(w http.ResponseWriter, r *http.Request) error {
	v, err := parsePostedForm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u := userFrom(ctx)
	rv, err := srv.reviewByPathID(r)
	if err != nil {
		return err
	}
	back := v.Get("next")
	if back == "" {
		it, err := srv.store.Item(ctx, rv.ItemID)
		if err != nil {
			return err
		}
		back = itemPath(it) + "#review-" + strconv.FormatInt(rv.ID, 10)
	}
	if rv.UserID == u.ID {
		// The store would count it; the site does not, since one's own vote says nothing.
		srv.setFlash(r, "That is your own review, so your vote does not count. Other members can mark it helpful.")
		http.Redirect(w, r, safeNext(back), http.StatusSeeOther)
		return nil
	}
	switch err := srv.store.MarkHelpful(ctx, rv.ID, u.ID); {
	case errors.Is(err, store.ErrConflict):
		srv.setFlash(r, "You have already marked this review helpful. Thank you, your vote was counted once.")
	case err != nil:
		return err
	default:
		srv.setFlash(r, "Thank you! Your vote helps others find the most useful reviews.")
	}
	http.Redirect(w, r, safeNext(back), http.StatusSeeOther)
	return nil
}

// ownReview loads the review named by {id} and its item. Anything but the signed-in member's own
// review is a 404, so other members' reviews are not even confirmed to exist.
func (srv *Server) ownReview(r *http.Request) (store.Review, store.Item, error) {
	rv, err := srv.reviewByPathID(r)
	if err != nil {
		return rv, store.Item{}, err
	}
	if u := userFrom(r.Context()); u == nil || u.ID != rv.UserID {
		return rv, store.Item{}, errNotFound
	}
	it, err := srv.store.Item(r.Context(), rv.ItemID)
	return rv, it, err
}

// reviewByPathID loads the review named by {id}.
func (srv *Server) reviewByPathID(r *http.Request) (store.Review, error) {
	id, err := pathID(r)
	if err != nil {
		return store.Review{}, err
	}
	return srv.store.Review(r.Context(), id)
}

// renderReviewForm shows the review form on a page of its own; the title says when it has errors.
func (srv *Server) renderReviewForm(w http.ResponseWriter, r *http.Request, status int, v reviewFormView) error {
	title := v.Heading
	if len(v.Form.Errors) > 0 {
		title = "Error: " + title
	}
	return srv.render(w, r, status, "review_form", view{Title: title, Data: v})
}

// parsePostedForm reads a posted review form; one that cannot be read is a 413 or a 400.
func parsePostedForm(r *http.Request) (url.Values, error) {
	return parseForm(r, "The form is too large to send: the limit is 1 MiB.",
		"The form could not be read. Please go back and send it again.")
}
