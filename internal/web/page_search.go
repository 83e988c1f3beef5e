package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/starboard/starboard/internal/lineup"
	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
)

// searchPageSize is how many results one page of a search shows, as many as the line-up's.
const searchPageSize = linePageSize

// searchProblem returns what is wrong with a search text, as a sentence for a person, or "".
func searchProblem(q string) string {
	switch {
	case strings.TrimSpace(q) == "":
		return "Type what you are looking for: a name, a word of a description, a colour, an author."
	case len([]rune(q)) > store.MaxSearchLength:
		return fmt.Sprintf("That search is too long: use at most %d characters.", store.MaxSearchLength)
	}
	switch n := len(store.SearchWords(q)); {
	case n == 0:
		return "Type letters or numbers to look for."
	case n > store.MaxSearchWords:
		return fmt.Sprintf("That search has too many words: use at most %d.", store.MaxSearchWords)
	}
	return ""
}

// searchHit is one item found, with where it stands in its line.
type searchHit struct {
	Item      store.Item
	Href      string
	LineHref  string
	Average   float64 // raw mean, 0 without reviews
	Reviews   int
	Place     int // in the line's recommended order, 1-based; 0 if the line's ranking lacks it
	Of        int // items in the line
	Standings []standing
	Picture   pictureView // the item's main picture, or the placeholder
}

// searchPage is what search.html shows.
type searchPage struct {
	Query    string
	Problem  string // why nothing was searched, "" when something was
	Hits     []searchHit
	Total    int
	From, To int // places of the first and last hit shown, 1-based
	Pager    pager
	Lines    []store.Category // to browse instead, when nothing was found
}

// searchItems runs a search for the page or the API: one page of hits with their standing, and
// the page position with its total. A page past the last is ErrNotFound.
func (srv *Server) searchItems(ctx context.Context, q string, pg page) ([]searchHit, page, error) {
	res, err := srv.store.SearchItems(ctx, q, pg.Limit, pg.offset())
	if err != nil {
		return nil, pg, err
	}
	pg.Total = res.Total
	if pg.Page > pg.Pages() {
		return nil, pg, fmt.Errorf("web: search page %d of %d: %w", pg.Page, pg.Pages(), store.ErrNotFound)
	}
	lines := map[string]lineup.Line{}
	hits := make([]searchHit, len(res.Items))
	for i, it := range res.Items {
		l, ok := lines[it.CategorySlug]
		if !ok {
			if l, err = srv.lines.Line(ctx, it.CategorySlug, rank.SortRecommended); err != nil {
				return nil, pg, err
			}
			lines[it.CategorySlug] = l
		}
		hits[i] = newSearchHit(it, l)
	}
	return hits, pg, nil
}

func newSearchHit(it store.Item, l lineup.Line) searchHit {
	h := searchHit{Item: it, Href: itemPath(it), LineHref: "/c/" + url.PathEscape(it.CategorySlug),
		Average: rank.Counts(it.Stats.Counts).Mean(), Reviews: it.Stats.Total(), Of: len(l.Ranked)}
	if h.Reviews == 0 {
		h.Average = 0
	}
	st := standingOf(l, it.ID)
	h.Place, h.Standings = st.Place, st.Standings
	return h
}

// search shows the items matching ?q=, best first, a page at a time. An empty search asks for
// words (200); a bad one says what is wrong (400); both keep the box as it was.
func (srv *Server) search(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	pg, field, msg := parsePageValues("", r.URL.Query().Get("page"), searchPageSize)
	if field != "" {
		return problemOf(http.StatusBadRequest, field, msg)
	}
	p := searchPage{Query: q}
	title := "Search"
	if p.Problem = searchProblem(q); p.Problem != "" {
		status := http.StatusBadRequest
		if strings.TrimSpace(q) == "" {
			status = http.StatusOK
		}
		return srv.render(w, r, status, "search", view{Title: title, Data: p, Search: q})
	}
	hits, pg, err := srv.searchItems(r.Context(), q, pg)
	if err != nil {
		return err
	}
	if err := srv.attachPictures(r.Context(), hits); err != nil {
		return err
	}
	p.Hits, p.Total = hits, pg.Total
	if len(hits) > 0 {
		p.From, p.To = pg.offset()+1, pg.offset()+len(hits)
	} else if p.Lines, err = srv.store.Categories(r.Context()); err != nil {
		return err
	}
	p.Pager = pagerFor(pg, func(n int) string { return searchURL(q, n) })
	title = "Search: " + q
	if pg.Page > 1 {
		title += fmt.Sprintf(" · page %d", pg.Page)
	}
	return srv.render(w, r, http.StatusOK, "search", view{Title: title, Data: p, Search: q})
}

// searchURL returns the address of one page of a search.
func searchURL(q string, page int) string {
	u := "/search?q=" + url.QueryEscape(q)
	if page > 1 {
		u += "&page=" + strconv.Itoa(page)
	}
	return u
}

// apiSearchHit is an item found by the API's search, with its line and standing.
type apiSearchHit struct {
	apiItem
	CategoryName string   `json:"category_name"`
	Rank         int      `json:"rank"`     // place in the line's recommended order, 0 if unknown
	Standing     []string `json:"standing"` // pick, runner_up, too_close, best_value
}

// apiSearch returns one page of the items matching ?q=, best first.
func (srv *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	if msg := searchProblem(q); msg != "" {
		return problemOf(http.StatusBadRequest, "q", msg)
	}
	hits, pg, err := srv.searchItems(r.Context(), q, pg)
	if err != nil {
		return err
	}
	out := make([]apiSearchHit, len(hits))
	for i, h := range hits {
		out[i] = apiSearchHit{apiItem: toAPIItem(h.Item), CategoryName: h.Item.CategoryName, Rank: h.Place, Standing: []string{}}
		for _, s := range h.Standings {
			out[i].Standing = append(out[i].Standing, s.Code)
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out, "page": pg})
}

// searchPictureWidth is the width a result's picture is shown at, in CSS pixels.
const searchPictureWidth = 120

// attachPictures gives each hit its item's main picture (or the placeholder); the first four are
// seen when the page opens.
func (srv *Server) attachPictures(ctx context.Context, hits []searchHit) error {
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.Item.ID
	}
	pics, err := srv.mainPictures(ctx, ids, searchPictureWidth, 4)
	for i := range pics {
		hits[i].Picture = pics[i]
	}
	return err
}
