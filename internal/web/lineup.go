package web

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
)

// lineup is a product line with its items ranked and its verdict. It may be shared between
// requests through the line cache: nothing may change it.
type lineup struct {
	category store.Category
	items    map[int64]store.Item
	ranked   []rank.Ranked
	verdict  rank.Verdict
}

// rankedLine is everything computed from one version of a line: its items ranked in every
// order, and its verdict.
type rankedLine struct {
	category store.Category
	items    map[int64]store.Item
	ranked   map[rank.Sort][]rank.Ranked
	verdict  rank.Verdict
}

// lineCache keeps each product line's ranking keyed by the line's change counter
// (categories.version), which every write to the line's items or their star counts moves in
// its own transaction. A request reads that one row; only when it moved (a write through any
// instance) is the line read and ranked again. The cache holds one entry per line, so it is
// bounded by the number of lines.
type lineCache struct {
	mu     sync.Mutex
	bySlug map[string]*rankedLine
}

var lineSorts = []rank.Sort{rank.SortRecommended, rank.SortConservative, rank.SortAverage, rank.SortReviews}

// lineup returns a product line ranked in the given order. It reads one row when the line has
// not changed since it was last ranked, and one row per item (never the reviews) when it has.
func (srv *Server) lineup(r *http.Request, slug string, sort rank.Sort) (lineup, error) {
	ctx := r.Context()
	stamp, err := srv.store.CategoryVersion(ctx, slug)
	if err != nil {
		return lineup{}, err
	}
	srv.lines.mu.Lock()
	rl := srv.lines.bySlug[slug]
	srv.lines.mu.Unlock()
	if rl == nil || !rl.category.Stamp().Equal(stamp) {
		if rl, err = srv.rankLine(r, slug); err != nil {
			return lineup{}, err
		}
		srv.lines.mu.Lock()
		srv.lines.bySlug[slug] = rl
		srv.lines.mu.Unlock()
	}
	ranked, ok := rl.ranked[sort]
	if !ok {
		ranked = rl.ranked[rank.SortRecommended]
	}
	return lineup{category: rl.category, items: rl.items, ranked: ranked, verdict: rl.verdict}, nil
}

// rankLine reads a line and its items and ranks them. The line's row, with its change counter,
// is read before the items, so the ranking is at least as new as the counter it is kept under.
func (srv *Server) rankLine(r *http.Request, slug string) (*rankedLine, error) {
	c, err := srv.store.CategoryBySlug(r.Context(), slug)
	if err != nil {
		return nil, err
	}
	items, err := srv.store.ItemsByCategory(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	rl := &rankedLine{category: c, items: make(map[int64]store.Item, len(items)), ranked: map[rank.Sort][]rank.Ranked{}}
	entries := make([]rank.Entry, len(items))
	for i, it := range items {
		rl.items[it.ID] = it
		entries[i] = rankEntry(it)
	}
	for _, s := range lineSorts {
		rl.ranked[s] = rank.Rank(entries, s)
	}
	rl.verdict = rank.Decide(entries)
	return rl, nil
}

// rankEntry is what the ranking needs to know of an item.
func rankEntry(it store.Item) rank.Entry {
	e := rank.Entry{ID: it.ID, Name: it.Name, Counts: rank.Counts(it.Stats.Counts)}
	if p, err := strconv.ParseFloat(it.Attributes["price"], 64); err == nil && p > 0 {
		e.Price = p
	}
	return e
}
