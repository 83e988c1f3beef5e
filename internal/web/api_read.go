package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
)

// methodNotAllowed answers 405 with the methods the path takes.
func (srv *Server) methodNotAllowed(methods []string) http.HandlerFunc {
	allow := strings.Join(methods, ", ")
	return func(w http.ResponseWriter, r *http.Request) {
		srv.serveError(w, r, problemOf(http.StatusMethodNotAllowed, "", "This address does not take "+r.Method+"; it takes "+allow+".").
			with("Allow", allow))
	}
}

type apiCategory struct {
	Slug        string    `json:"slug"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Currency    string    `json:"currency"` // ISO 4217 code of the line's prices, "" for none
	ItemCount   int       `json:"item_count"`
	ReviewCount int       `json:"review_count"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toAPICategory(c store.Category) apiCategory {
	return apiCategory{Slug: c.Slug, Name: c.Name, Description: c.Description, Currency: c.Currency, ItemCount: c.ItemCount,
		ReviewCount: c.ReviewCount, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// apiStars maps "1".."5" to the number of ratings with that many stars.
type apiStars map[string]int

type apiItem struct {
	ID          int64             `json:"id"`
	Category    string            `json:"category"`
	Slug        string            `json:"slug"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Attributes  map[string]string `json:"attributes"`
	ReviewCount int               `json:"review_count"`
	Stars       apiStars          `json:"stars"`
	Average     *float64          `json:"average"` // raw mean, null without reviews
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

func toAPIItem(it store.Item) apiItem {
	c := it.Stats.Counts
	out := apiItem{ID: it.ID, Category: it.CategorySlug, Slug: it.Slug, Name: it.Name, Description: it.Description,
		Attributes: it.Attributes, ReviewCount: it.Stats.Total(),
		Stars:     apiStars{"1": c[0], "2": c[1], "3": c[2], "4": c[3], "5": c[4]},
		CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
	if out.Attributes == nil {
		out.Attributes = map[string]string{}
	}
	if out.ReviewCount > 0 {
		avg := round2(rank.Counts(c).Mean())
		out.Average = &avg
	}
	return out
}

type apiReview struct {
	ID           int64     `json:"id"`
	ItemID       int64     `json:"item_id"`
	Author       string    `json:"author"`
	Rating       int       `json:"rating"`
	Summary      string    `json:"summary"`
	Details      string    `json:"details"`
	HelpfulCount int       `json:"helpful_count"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func toAPIReview(r store.Review) apiReview {
	return apiReview{ID: r.ID, ItemID: r.ItemID, Author: r.UserName, Rating: r.Rating, Summary: r.Summary,
		Details: r.Details, HelpfulCount: r.HelpfulCount, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type apiRanked struct {
	Rank        int      `json:"rank"`
	Item        apiItem  `json:"item"`
	Score       float64  `json:"score"`       // posterior mean μ
	Lower       float64  `json:"lower_bound"` // μ − 1.65σ
	Upper       float64  `json:"upper_bound"` // μ + 1.65σ
	Sigma       float64  `json:"sigma"`
	Average     *float64 `json:"average"`
	ReviewCount int      `json:"review_count"`
}

func toAPIRanked(rk rank.Ranked, it store.Item) apiRanked {
	out := apiRanked{Rank: rk.Rank, Item: toAPIItem(it), Score: round2(rk.Mean), Lower: round2(rk.Lower),
		Upper: round2(rk.Upper), Sigma: round3(rk.Sigma), ReviewCount: rk.N}
	out.Average = out.Item.Average
	return out
}

type apiVerdict struct {
	Kind        rank.Kind `json:"kind"`
	Pick        *int64    `json:"pick"`      // item id
	RunnerUp    *int64    `json:"runner_up"` // item id
	Tied        []int64   `json:"tied,omitempty"`
	Chances     []float64 `json:"tied_chances,omitempty"` // beside tied: P(each is the best of the judged items)
	Probability float64   `json:"probability"`            // P(pick is the best of the judged items)
	Judged      []int64   `json:"judged"`                 // item ids with enough reviews to judge
	Newcomers   []int64   `json:"newcomers"`              // item ids with too few reviews
	BestValue   *int64    `json:"best_value"`
	Reason      string    `json:"reason"`
	TooNew      string    `json:"too_new"` // names the newcomers, "" without any
}

// errEncoding is the answer when an answer's JSON cannot be written.
var errEncoding = &httpError{Status: http.StatusInternalServerError, Detail: "The answer could not be encoded."}

// encodeJSON returns v as JSON; an error wraps errEncoding.
func encodeJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("web: encode answer: %v: %w", err, errEncoding)
	}
	return b, nil
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := encodeJSON(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
	return nil
}

// apiCategories lists one page of the product lines, by name (limit, page; total is the
// number of lines, given both in page and at the top level).
func (srv *Server) apiCategories(w http.ResponseWriter, r *http.Request) error {
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	cats, err := srv.store.Categories(r.Context())
	if err != nil {
		return err
	}
	out := []apiCategory{}
	for i := pg.offset(); i < len(cats) && i < pg.offset()+pg.Limit; i++ {
		out = append(out, toAPICategory(cats[i]))
	}
	pg.Total = len(cats)
	return writeJSON(w, http.StatusOK, map[string]any{"categories": out, "total": pg.Total, "page": pg})
}

// apiCategory returns one product line with its verdict and one page of its ranking (limit,
// page; total is the number of items ranked).
func (srv *Server) apiCategory(w http.ResponseWriter, r *http.Request) error {
	sort, err := parseLineSort(r)
	if err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	line, err := srv.lines.Line(r.Context(), r.PathValue("line"), sort)
	if err != nil {
		return err
	}
	// The answer is the same for every client: it is kept, encoded, until the line's stamp
	// (read by srv.lines.Line) changes.
	uri, stamp := r.URL.RequestURI(), lineStamp(line.Category.Stamp())
	if srv.serveKept(w, r, "", uri, stamp) {
		return nil
	}
	from, to := min(pg.offset(), len(line.Ranked)), min(pg.offset()+pg.Limit, len(line.Ranked))
	ranking := make([]apiRanked, 0, to-from)
	for _, rk := range line.Ranked[from:to] {
		ranking = append(ranking, toAPIRanked(rk, line.Items[rk.ID]))
	}
	pg.Total = len(line.Ranked)
	return srv.keepJSON(w, r, uri, stamp, map[string]any{
		"category": toAPICategory(line.Category),
		"sort":     sort,
		"ranking":  ranking,
		"page":     pg,
		"verdict":  toAPIVerdict(line.Verdict),
	})
}

func toAPIVerdict(v rank.Verdict) apiVerdict {
	id := func(r *rank.Ranked) *int64 {
		if r == nil {
			return nil
		}
		return &r.ID
	}
	out := apiVerdict{Kind: v.Kind, Pick: id(v.Pick), RunnerUp: id(v.RunnerUp), BestValue: id(v.BestValue),
		Probability: round3(v.Probability), Reason: v.Reason, TooNew: v.TooNew, Judged: []int64{}, Newcomers: []int64{}}
	for i, t := range v.Tied {
		out.Tied = append(out.Tied, t.ID)
		out.Chances = append(out.Chances, round3(v.Chances[i]))
	}
	for _, r := range v.Judged {
		out.Judged = append(out.Judged, r.ID)
	}
	for _, r := range v.Newcomers {
		out.Newcomers = append(out.Newcomers, r.ID)
	}
	return out
}

// apiCategoryItems lists one page of a product line's items.
func (srv *Server) apiCategoryItems(w http.ResponseWriter, r *http.Request) error {
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	c, err := srv.lineByPath(r)
	if err != nil {
		return err
	}
	items, err := srv.store.ItemsByCategory(r.Context(), c.ID)
	if err != nil {
		return err
	}
	out := []apiItem{}
	for i := pg.offset(); i < len(items) && i < pg.offset()+pg.Limit; i++ {
		out = append(out, toAPIItem(items[i]))
	}
	pg.Total = len(items)
	return writeJSON(w, http.StatusOK, map[string]any{"items": out, "page": pg})
}

// apiMatchup is one pair of compared items: Better is the one more likely to be truly better.
type apiMatchup struct {
	Better      string  `json:"better"` // item slug
	Worse       string  `json:"worse"`  // item slug
	BetterID    int64   `json:"better_id"`
	WorseID     int64   `json:"worse_id"`
	Probability float64 `json:"probability"` // P(better truly beats worse), at least 0.5
	Summary     string  `json:"summary"`
}

// apiCompare returns 2 to 4 items of a line side by side, with every pair's head-to-head.
func (srv *Server) apiCompare(w http.ResponseWriter, r *http.Request) error {
	slugs := compareItems(r.URL.Query())
	l, err := srv.lines.Line(r.Context(), r.PathValue("line"), rank.SortRecommended)
	if err != nil {
		return err
	}
	if msg := checkCompareItems(slugs); msg != "" {
		return problemOf(http.StatusBadRequest, "items", msg)
	}
	c, err := compare(l, slugs)
	if err != nil {
		return err
	}
	items := make([]apiRanked, len(c.ranked))
	for i, rk := range c.ranked {
		items[i] = toAPIRanked(rk, l.Items[rk.ID])
	}
	matchups := make([]apiMatchup, len(c.matchups))
	for i, m := range c.matchups {
		matchups[i] = apiMatchup{Better: l.Items[m.Better.ID].Slug, Worse: l.Items[m.Worse.ID].Slug,
			BetterID: m.Better.ID, WorseID: m.Worse.ID, Probability: round3(m.Probability), Summary: m.Reason}
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"category":     toAPICategory(l.Category),
		"items":        items,
		"head_to_head": matchups,
	})
}

// apiItem returns one item with its star counts.
func (srv *Server) apiItem(w http.ResponseWriter, r *http.Request) error {
	// The answer is the same for every client: it is kept, encoded, while the item's change
	// counter stays where it was, as the item page is.
	uri := r.URL.RequestURI()
	if srv.serveKeptItem(w, r, "", uri) {
		return nil
	}
	it, err := srv.itemByPathID(r)
	if err != nil {
		return err
	}
	return srv.keepJSON(w, r, uri, itemStamp(it), toAPIItem(it), func(p *cachedPage) {
		p.itemID, p.version = it.ID, it.Stats.Version
	})
}

// apiItemReviews returns one page of an item's reviews.
func (srv *Server) apiItemReviews(w http.ResponseWriter, r *http.Request) error {
	it, err := srv.itemByPathID(r)
	if err != nil {
		return err
	}
	q, err := parseReviewQuery(r, true)
	if err != nil {
		return err
	}
	q.ReviewQuery.ItemID = it.ID
	reviews, err := srv.store.Reviews(r.Context(), q.ReviewQuery)
	if err != nil {
		return err
	}
	out := make([]apiReview, len(reviews))
	for i, rv := range reviews {
		out[i] = toAPIReview(rv)
	}
	q.page.Total = matching(it.Stats, q.Stars)
	return writeJSON(w, http.StatusOK, map[string]any{"reviews": out, "page": q.page})
}

// lineByPath loads the product line named by the {line} path value.
func (srv *Server) lineByPath(r *http.Request) (store.Category, error) {
	return srv.store.CategoryBySlug(r.Context(), r.PathValue("line"))
}

// itemByPathID loads the item named by the {id} path value (a malformed id names no item
// either: 404).
func (srv *Server) itemByPathID(r *http.Request) (store.Item, error) {
	id, err := pathID(r)
	if err != nil {
		return store.Item{}, err
	}
	return srv.store.Item(r.Context(), id)
}

// matching returns how many of an item's reviews have the given stars (all when 0).
func matching(st store.Stats, stars int) int {
	if stars >= 1 && stars <= 5 {
		return st.Counts[stars-1]
	}
	return st.Total()
}
