package web

import (
	"strconv"
	"sync"
	"time"

	"github.com/starboard/starboard/internal/store"
)

// pageCacheBytes bounds the rendered pages kept in memory, so resident memory stays small
// whatever the number of items.
const pageCacheBytes = 4 << 20

// itemStamp identifies one state of everything an anonymous visitor's item page shows: the
// item (its updated_at), its star counts and reviews (item_stats.version, moved by every review
// write, helpful vote and reviewer rename in the same transaction), and its line's slug and name.
// It comes with the item's own row, so checking it costs no query beyond the one that finds the
// item.
type itemStamp struct {
	id        int64
	version   int64
	updated   time.Time
	created   time.Time
	lineSlug  string
	lineName  string
	statsTime time.Time
}

func stampOf(it store.Item) itemStamp {
	return itemStamp{id: it.ID, version: it.Stats.Version, updated: it.UpdatedAt, created: it.CreatedAt,
		lineSlug: it.CategorySlug, lineName: it.CategoryName, statsTime: it.Stats.UpdatedAt}
}

func (a itemStamp) equal(b itemStamp) bool {
	return a.id == b.id && a.version == b.version && a.updated.Equal(b.updated) && a.created.Equal(b.created) &&
		a.lineSlug == b.lineSlug && a.lineName == b.lineName && a.statsTime.Equal(b.statsTime)
}

// etag returns a validator for the page at uri in this state.
func (a itemStamp) etag(uri string) string {
	h := uint64(14695981039346656037)
	mix := func(s string) {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
		h ^= 0xff
		h *= 1099511628211
	}
	mix(uri)
	mix(a.lineSlug)
	mix(a.lineName)
	mix(a.updated.String())
	mix(a.created.String())
	mix(a.statsTime.String())
	return `"` + strconv.FormatInt(a.id, 36) + "-" + strconv.FormatInt(a.version, 36) + "-" + strconv.FormatUint(h, 36) + `"`
}

// cachedPage is a page rendered for anonymous visitors.
type cachedPage struct {
	stamp itemStamp
	etag  string
	body  []byte
}

// pageCache keeps rendered item pages for anonymous visitors, by request URI, each with the
// stamp of the item state it shows. A request finds the item (one indexed query that returns
// the stamp) and serves the kept page only when the stamps are equal, so a write made through
// any instance shows on the next request to every instance. Size is bounded by bytes; when full,
// arbitrary entries go.
type pageCache struct {
	mu    sync.Mutex
	pages map[string]*cachedPage
	bytes int
	limit int
}

func (c *pageCache) init(limit int) {
	c.pages = map[string]*cachedPage{}
	c.limit = limit
}

// get returns the page kept for uri when it shows the item in state st.
func (c *pageCache) get(uri string, st itemStamp) *cachedPage {
	c.mu.Lock()
	p := c.pages[uri]
	c.mu.Unlock()
	if p == nil || !p.stamp.equal(st) {
		return nil
	}
	return p
}

// put keeps a page, making room if needed.
func (c *pageCache) put(uri string, p *cachedPage) {
	size := len(p.body) + len(uri) + 200
	if size > c.limit/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.pages[uri]; old != nil {
		c.bytes -= len(old.body) + len(uri) + 200
		delete(c.pages, uri)
	}
	for k, old := range c.pages {
		if c.bytes+size <= c.limit {
			break
		}
		c.bytes -= len(old.body) + len(k) + 200
		delete(c.pages, k)
	}
	c.pages[uri] = p
	c.bytes += size
}
