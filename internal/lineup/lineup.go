// Package lineup ranks a product line's items and decides its verdict, and keeps the result
// under the line's change stamp so that a line nobody wrote to is not ranked again.
package lineup

import (
	"context"
	"strconv"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
)

// Line is a product line with its items ranked and its verdict. It may be shared between
// requests through the cache: nothing may change it.
type Line struct {
	Category store.Category
	Items    map[int64]store.Item
	Ranked   []rank.Ranked
	Verdict  rank.Verdict
}

// rankedLine is everything computed from one version of a line: its items ranked in every
// order, and its verdict.
type rankedLine struct {
	category store.Category
	items    map[int64]store.Item
	ranked   map[rank.Sort][]rank.Ranked
	verdict  rank.Verdict
}

// Cache keeps each product line's ranking keyed by the line's change counter
// (categories.version), which every write to the line's items or their star counts moves in
// its own transaction. A read asks for that one row; only when it moved (a write through any
// instance) is the line read and ranked again. The cache holds one entry per line, so it is
// bounded by the number of lines. It is safe for concurrent use.
//
// Requests that find the same line stale at once wait for one ranking (singleflight): at 10,000
// items a ranking takes a moment and memory, and 32 of them at once took every core for
// seconds and resident memory past 100 MiB.
type Cache struct {
	store    *store.Store
	mu       sync.Mutex
	bySlug   map[string]*rankedLine
	inflight singleflight.Group
}

// NewCache returns an empty cache over the store.
func NewCache(s *store.Store) *Cache {
	return &Cache{store: s, bySlug: map[string]*rankedLine{}}
}

var lineSorts = []rank.Sort{rank.SortRecommended, rank.SortConservative, rank.SortAverage, rank.SortReviews}

// Line returns a product line ranked in the given order. It reads one row when the line has
// not changed since it was last ranked, and one row per item (never the reviews) when it has.
func (c *Cache) Line(ctx context.Context, slug string, sort rank.Sort) (Line, error) {
	stamp, err := c.store.CategoryVersion(ctx, slug)
	if err != nil {
		return Line{}, err
	}
	c.mu.Lock()
	rl := c.bySlug[slug]
	c.mu.Unlock()
	// A ranking begun before this request read the stamp may be older than the stamp: then
	// one more, which reads the line afresh.
	for try := 0; try < 2 && (rl == nil || !rl.category.Stamp().Equal(stamp)); try++ {
		// The ranking is shared by every request waiting for it, so it must not end with the
		// first one's cancellation.
		v, err, _ := c.inflight.Do(slug, func() (any, error) {
			rl, err := c.rankLine(context.WithoutCancel(ctx), slug)
			if err != nil {
				return nil, err
			}
			c.mu.Lock()
			c.bySlug[slug] = rl
			c.mu.Unlock()
			return rl, nil
		})
		if err != nil {
			return Line{}, err
		}
		rl = v.(*rankedLine)
	}
	ranked, ok := rl.ranked[sort]
	if !ok {
		ranked = rl.ranked[rank.SortRecommended]
	}
	return Line{Category: rl.category, Items: rl.items, Ranked: ranked, Verdict: rl.verdict}, nil
}

// rankLine reads a line and its items and ranks them. The line's row, with its change counter,
// is read before the items, so the ranking is at least as new as the counter it is kept under.
func (c *Cache) rankLine(ctx context.Context, slug string) (*rankedLine, error) {
	cat, err := c.store.CategoryBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	items, err := c.store.ItemsByCategory(ctx, cat.ID)
	if err != nil {
		return nil, err
	}
	rl := &rankedLine{category: cat, items: make(map[int64]store.Item, len(items)), ranked: map[rank.Sort][]rank.Ranked{}}
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
