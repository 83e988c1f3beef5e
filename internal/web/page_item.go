package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
)

// itemPictureWidth is the width of the item page's main picture, in CSS pixels.
const itemPictureWidth = 320

// itemPageView is what the item page shows.
type itemPageView struct {
	Line        store.Category
	Item        store.Item
	Standing    string // where the item stands in its line ("Our pick in iPads"), "" if unknown
	StandingOf  string // the standing's kind (itemStanding.Kind), for its style
	Attributes  []attribute
	Stars       starRating
	Average     string // one decimal, "" without reviews
	Count       int
	Spread      []spreadRow // 5 stars first
	Reviews     []reviewView
	Sort        store.ReviewSort
	SortOptions []sortOption
	Filter      int // the star filter, 0 for all
	Matching    int // how many reviews pass the filter
	StarFilters []starFilter
	From, To    int // the positions of the first and last review shown, 1-based
	Pager       pager
	Mine        *reviewView    // the signed-in member's own review of the item
	NewReview   reviewFormView // the empty review form
	SignedIn    bool
	Path        string      // the item page's address
	URL         string      // the item page's canonical absolute address, for the Product's url
	Picture     pictureView // the main picture, or the placeholder
	ImageURL    string      // the main picture's largest file, absolute, for the Product's image; "" without one
}

// starFilter is one choice of the star filter.
type starFilter struct {
	Value    int // 0 for all
	Label    string
	Selected bool
}

// attribute is one of an item's key/value attributes.
type attribute struct{ Name, Value string }

// spreadRow is one bar of the 5★..1★ histogram.
type spreadRow struct {
	Stars   int
	Count   int
	Percent int    // whole percent; the rows add up to 100 when there are reviews
	Filter  string // the address of the reviews with this many stars, "" when there are none
}

// reviewView is one review as a page shows it. Its fields are flat and ready to print: the
// template does little more than insert them, which keeps a page of twenty reviews cheap.
type reviewView struct {
	ID           int64
	Rating       int
	Summary      string
	Details      string
	Author       string
	HelpfulCount int
	Date         string // "2026-10-02", for datetime attributes
	DateText     string // "2 October 2026"
	Stars        starRating
	Edited       bool // changed noticeably after it was written
	Mine         bool // written by the signed-in member
	Voted        bool // marked helpful by the signed-in member
	CanReport    bool // the signed-in member may report it: not theirs
	Reported     bool // reported by the signed-in member
}

// sortOption is one choice of the review order.
type sortOption struct {
	Value    store.ReviewSort
	Label    string
	Selected bool
}

// pager links the pages of a list.
type pager struct {
	Page, Pages int
	Prev, Next  string // addresses, "" at either end
	First, Last string
}

var reviewSorts = []sortOption{
	{Value: store.SortNewest, Label: "Newest first"},
	{Value: store.SortHelpful, Label: "Most helpful first"},
	{Value: store.SortHighest, Label: "Highest rated first"},
	{Value: store.SortLowest, Label: "Lowest rated first"},
}

// itemPage shows an item: its stars, the spread of its ratings, one page of its reviews and the
// review form.
func (srv *Server) itemPage(w http.ResponseWriter, r *http.Request) error {
	rq, err := parseReviewQuery(r, false)
	if err != nil {
		return err
	}
	// A visitor who is not signed in and has no message waiting sees the same page as every other
	// such visitor: it is kept, rendered, while the item's change counter stays where it was,
	// which one read by primary key tells.
	anonymous := srv.anonymous(r)
	uri := r.URL.RequestURI()
	if anonymous && srv.serveKeptItem(w, r, "item", uri) {
		return nil
	}
	it, err := srv.store.ItemBySlug(r.Context(), r.PathValue("line"), r.PathValue("item"))
	if err != nil {
		return err
	}
	// The standing depends on the whole line: its stamp is part of the kept page's.
	l, err := srv.lines.Line(r.Context(), it.CategorySlug, rank.SortRecommended)
	if err != nil {
		return err
	}
	v, err := srv.loadItemPage(r, it, rq)
	if err != nil {
		return err
	}
	for i, a := range v.Attributes {
		if a.Name == "price" {
			v.Attributes[i].Value = money(a.Value, l.Category.Currency)
		}
	}
	if st := standingOf(l, it.ID); st.Place > 0 {
		v.Standing, v.StandingOf = st.Sentence(l.Category.Name), st.Kind()
	}
	title := v.Item.Name + " · " + v.Line.Name
	if rq.page.Page > 1 {
		title += fmt.Sprintf(" · page %d", rq.page.Page)
	}
	canonical := srv.canonicalURL(r, v.Path, rq.page.Page)
	if !anonymous {
		return srv.render(w, r, http.StatusOK, "item", view{Title: title, Data: v, Flash: srv.postedNotice(w, r, it), Canonical: canonical})
	}
	lineSt := l.Category.Stamp()
	return srv.renderKept(w, r, "item", view{Title: title, Data: v, Canonical: canonical}, itemStamp(it)+"/"+lineStamp(lineSt), func(p *cachedPage) {
		p.itemID, p.version = it.ID, it.Stats.Version
		p.lineSlug, p.line = it.CategorySlug, lineSt
	})
}

// loadItemPage loads everything else the item page shows.
func (srv *Server) loadItemPage(r *http.Request, it store.Item, rq reviewQuery) (itemPageView, error) {
	ctx := r.Context()
	var err error
	line := store.Category{ID: it.CategoryID, Slug: it.CategorySlug, Name: it.CategoryName}
	rq.ItemID = it.ID
	reviews, err := srv.store.Reviews(ctx, rq.ReviewQuery)
	if err != nil {
		return itemPageView{}, err
	}
	counts := rank.Counts(it.Stats.Counts)
	n := counts.Total()
	v := itemPageView{
		Line: line, Item: it, Attributes: attributesOf(it.Attributes),
		Stars: srv.stars.average(counts.Mean(), n), Count: n, Spread: spreadOf(it, rq.Sort),
		Sort: rq.Sort, Filter: rq.Stars, Matching: matching(it.Stats, rq.Stars),
	}
	if n > 0 {
		v.Average = strconv.FormatFloat(counts.Mean(), 'f', 1, 64)
	}
	for _, o := range reviewSorts {
		o.Selected = o.Value == rq.Sort
		v.SortOptions = append(v.SortOptions, o)
	}
	for k := 0; k <= 5; k++ {
		label := "All ratings"
		if k > 0 {
			label = plural(k, "star", "stars") + " only"
		}
		v.StarFilters = append(v.StarFilters, starFilter{Value: k, Label: label, Selected: k == rq.Stars})
	}
	if len(reviews) > 0 {
		v.From = rq.Offset + 1
		v.To = rq.Offset + len(reviews)
	}
	v.Path = itemPath(it)
	v.URL = srv.baseURL(r) + v.Path
	pics, err := srv.store.ItemPictures(ctx, it.ID)
	if err != nil {
		return itemPageView{}, err
	}
	var main store.Picture
	if len(pics) > 0 {
		main = pics[0]
		if n := len(main.Files); n > 0 {
			v.ImageURL = srv.baseURL(r) + pictureURL(main.ID, main.Files[n-1])
		}
	}
	v.Picture = srv.pictureView(main, itemPictureWidth, aboveFold)
	v.NewReview = reviewFormView{Item: it, Heading: "Review " + it.Name, Action: v.Path + "/reviews", Submit: "Post your review"}
	rq.page.Total = v.Matching
	v.Pager = pagerFor(rq.page, func(p int) string { return reviewsURL(it, rq.Sort, rq.Stars, p) })

	u := userFrom(ctx)
	v.SignedIn = u != nil
	voted, reported := map[int64]bool{}, map[int64]bool{}
	if u != nil {
		ids := make([]int64, len(reviews))
		for i, rv := range reviews {
			ids[i] = rv.ID
		}
		if voted, err = srv.store.HelpfulVotes(ctx, u.ID, ids); err != nil {
			return itemPageView{}, err
		}
		if reported, err = srv.store.ReportsBy(ctx, u.ID, ids); err != nil {
			return itemPageView{}, err
		}
		switch mine, err := srv.store.ReviewByUser(ctx, it.ID, u.ID); {
		case err == nil:
			rv := srv.viewOf(mine, u, false)
			v.Mine = &rv
		case !errors.Is(err, store.ErrNotFound):
			return itemPageView{}, err
		}
	}
	v.Reviews = make([]reviewView, len(reviews))
	for i, rv := range reviews {
		v.Reviews[i] = srv.viewOf(rv, u, voted[rv.ID])
		v.Reviews[i].Reported = reported[rv.ID]
	}
	return v, nil
}

// showing says which reviews the page shows: "Showing 1–20 of 105 reviews with 4 stars."
func (v itemPageView) showing() string {
	s := "Showing " + strconv.Itoa(v.From) + "–" + strconv.Itoa(v.To) + " of " + plural(v.Matching, "review", "reviews")
	if v.Filter > 0 {
		s += " with " + plural(v.Filter, "star", "stars")
	}
	return s + "."
}

// viewOf prepares a review for display to the member u (nil for a visitor).
func (srv *Server) viewOf(rv store.Review, u *store.User, voted bool) reviewView {
	return reviewView{ID: rv.ID, Rating: rv.Rating, Summary: rv.Summary, Details: rv.Details, Author: rv.UserName,
		HelpfulCount: rv.HelpfulCount, Date: isoDate(rv.CreatedAt), DateText: longDate(rv.CreatedAt),
		Stars: srv.stars.rating(rv.Rating), Voted: voted, Mine: u != nil && u.ID == rv.UserID,
		CanReport: u != nil && u.ID != rv.UserID,
		Edited:    rv.UpdatedAt.Sub(rv.CreatedAt) > time.Minute}
}

// attributesOf returns an item's attributes sorted by name.
func attributesOf(a store.Attributes) []attribute {
	out := make([]attribute, 0, len(a))
	for k, v := range a {
		out = append(out, attribute{Name: k, Value: v})
	}
	slices.SortFunc(out, func(a, b attribute) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// spreadOf returns the histogram rows, 5 stars first, with percentages that add up to 100
// (largest remainders get the rounding), each linking to the reviews with that many stars.
func spreadOf(it store.Item, sort store.ReviewSort) []spreadRow {
	c := it.Stats.Counts
	total := it.Stats.Total()
	rows := make([]spreadRow, 5)
	for i := range rows {
		k := 5 - i
		rows[i] = spreadRow{Stars: k, Count: c[k-1]}
		if rows[i].Count > 0 {
			rows[i].Filter = reviewsURL(it, sort, k, 1)
		}
	}
	if total == 0 {
		return rows
	}
	type share struct{ row, rest int }
	shares := make([]share, 5)
	given := 0
	for i := range rows {
		rows[i].Percent = rows[i].Count * 100 / total
		shares[i] = share{i, rows[i].Count * 100 % total}
		given += rows[i].Percent
	}
	slices.SortStableFunc(shares, func(a, b share) int { return b.rest - a.rest })
	for _, s := range shares[:100-given] {
		rows[s.row].Percent++
	}
	return rows
}

// reviewsURL returns the address of one page of an item's reviews.
func reviewsURL(it store.Item, sort store.ReviewSort, stars, page int) string {
	q := url.Values{}
	if sort != store.SortNewest && sort != "" {
		q.Set("sort", string(sort))
	}
	if stars > 0 {
		q.Set("stars", strconv.Itoa(stars))
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	u := itemPath(it)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u + "#reviews"
}

// itemPath returns the address of an item's page.
func itemPath(it store.Item) string {
	return "/c/" + url.PathEscape(it.CategorySlug) + "/" + url.PathEscape(it.Slug)
}

// pagerFor links the first, previous, next and last pages around p.
func pagerFor(p page, link func(int) string) pager {
	pg := pager{Page: p.Page, Pages: p.Pages()}
	if pg.Page > 1 {
		pg.Prev = link(min(pg.Page-1, pg.Pages))
		pg.First = link(1)
	}
	if pg.Page < pg.Pages {
		pg.Next = link(pg.Page + 1)
		pg.Last = link(pg.Pages)
	}
	return pg
}
