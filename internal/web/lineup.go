package web

import (
	"net/http"
	"strconv"

	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
)

// lineup is a product line with its items ranked and its verdict.
type lineup struct {
	category store.Category
	items    map[int64]store.Item
	ranked   []rank.Ranked
	verdict  rank.Verdict
}

// lineup loads a product line and ranks it. It reads one row per item, never the reviews.
func (srv *Server) lineup(r *http.Request, slug string, sort rank.Sort) (lineup, error) {
	c, err := srv.store.CategoryBySlug(r.Context(), slug)
	if err != nil {
		return lineup{}, err
	}
	items, err := srv.store.ItemsByCategory(r.Context(), c.ID)
	if err != nil {
		return lineup{}, err
	}
	l := lineup{category: c, items: make(map[int64]store.Item, len(items))}
	entries := make([]rank.Entry, len(items))
	for i, it := range items {
		l.items[it.ID] = it
		entries[i] = rankEntry(it)
	}
	l.ranked = rank.Rank(entries, sort)
	l.verdict = rank.Decide(entries)
	return l, nil
}

// rankEntry is what the ranking needs to know of an item.
func rankEntry(it store.Item) rank.Entry {
	e := rank.Entry{ID: it.ID, Name: it.Name, Counts: rank.Counts(it.Stats.Counts)}
	if p, err := strconv.ParseFloat(it.Attributes["price"], 64); err == nil && p > 0 {
		e.Price = p
	}
	return e
}
