package web

import (
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/starboard/starboard/internal/store"
)

// pageCacheBytes bounds the rendered pages kept in memory, so resident memory stays small
// whatever the number of items.
const pageCacheBytes = 4 << 20

// itemStamp identifies one state of everything an anonymous visitor's item page shows: the
// item's change counter (item_stats.version) moves in the same transaction as every write to
// the item, its line's name or slug, its reviews, their helpful counts or their authors' names,
// and starts afresh for each new item (see store/versions.go).
func itemStamp(it store.Item) string {
	return "i" + strconv.FormatInt(it.ID, 10) + "." + strconv.FormatInt(it.Stats.Version, 10)
}

// lineStamp identifies one state of everything a line page shows (see store.CategoryStamp).
func lineStamp(st store.CategoryStamp) string {
	return "l" + strconv.FormatInt(st.ID, 10) + "." + strconv.FormatInt(st.Version, 10) + "." +
		strconv.FormatInt(st.CreatedAt.UnixMicro(), 10)
}

// etag returns a validator for the page at uri in the state stamp.
func etag(stamp, uri string) string {
	h := fnv.New64a()
	h.Write([]byte(stamp))
	h.Write([]byte{0})
	h.Write([]byte(uri))
	return `"` + strconv.FormatUint(h.Sum64(), 36) + `"`
}

// cachedPage is a page rendered for anonymous visitors.
type cachedPage struct {
	contentType string // "" for HTML
	stamp       string
	etag        string
	body        []byte
	// itemID and version are set on item pages: the page is still right while the item's
	// change counter is version.
	itemID, version int64
}

// pageCache keeps rendered pages (item pages, line pages) for anonymous visitors, by request
// URI, each with the stamp of the state it shows. A request reads the stamp (one indexed query:
// the item's row, or the line's) and serves the kept page only when the stamps are equal, so a write made through
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
func (c *pageCache) get(uri string, st string) *cachedPage {
	c.mu.Lock()
	p := c.pages[uri]
	c.mu.Unlock()
	if p == nil || p.stamp != st {
		return nil
	}
	return p
}

// peek returns the page kept for uri, whatever state it shows.
func (c *pageCache) peek(uri string) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pages[uri]
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

// anonymous reports whether the request comes from a visitor who is not signed in and has no
// message waiting: one who sees the same page as every other such visitor.
func (srv *Server) anonymous(r *http.Request) bool {
	if _, err := r.Cookie(srv.postedCookieName(r)); err == nil {
		return false
	}
	return userFrom(r.Context()) == nil &&
		(r.Context().Value(sessionLoaded{}) == nil || !srv.sessions.Exists(r.Context(), flashKey))
}

// serveKept answers with the page kept for this address in state stamp, if there is one. name is
// the page's template, for renderHook; "" for JSON.
func (srv *Server) serveKept(w http.ResponseWriter, r *http.Request, name, uri, stamp string) bool {
	p := srv.pagesKept.get(uri, stamp)
	if p == nil {
		return false
	}
	if renderHook != nil && name != "" {
		renderHook(name)
	}
	srv.writeKept(w, r, p)
	return true
}

// serveKeptItem answers with the page or document kept for this address while the change counter
// of the item it shows still stands where it stood (one read by primary key), if there is one.
// name is the page's template, for renderHook; "" for JSON.
func (srv *Server) serveKeptItem(w http.ResponseWriter, r *http.Request, name, uri string) bool {
	p := srv.pagesKept.peek(uri)
	if p == nil || p.itemID == 0 {
		return false
	}
	if v, err := srv.store.ItemVersion(r.Context(), p.itemID); err != nil || v != p.version {
		return false
	}
	if renderHook != nil && name != "" {
		renderHook(name)
	}
	srv.writeKept(w, r, p)
	return true
}

// keepJSON encodes v, keeps it for this address under stamp and answers with it: for answers
// that are the same for every client.
func (srv *Server) keepJSON(w http.ResponseWriter, r *http.Request, uri, stamp string, v any, set ...func(*cachedPage)) error {
	b, err := encodeJSON(v)
	if err != nil {
		return err
	}
	p := &cachedPage{contentType: "application/json", stamp: stamp, etag: etag(stamp, uri), body: append(b, '\n')}
	for _, f := range set {
		f(p)
	}
	srv.pagesKept.put(uri, p)
	srv.writeKept(w, r, p)
	return nil
}

// renderKept renders a page for anonymous visitors, keeps it under stamp and answers with it.
func (srv *Server) renderKept(w http.ResponseWriter, r *http.Request, name string, v view, stamp string, set ...func(*cachedPage)) error {
	uri := r.URL.RequestURI()
	v.Path = uri
	body, err := srv.execute(name, v)
	if err != nil {
		return err
	}
	p := &cachedPage{stamp: stamp, etag: etag(stamp, uri), body: body}
	for _, f := range set {
		f(p)
	}
	srv.pagesKept.put(uri, p)
	srv.writeKept(w, r, p)
	return nil
}

// writeKept answers with a page kept for anonymous visitors, or 304 Not Modified when the
// browser already holds it (If-None-Match).
func (srv *Server) writeKept(w http.ResponseWriter, r *http.Request, p *cachedPage) {
	h := w.Header()
	h.Set("ETag", p.etag)
	h.Set("Cache-Control", "no-cache")
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, p.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if p.contentType != "" {
		h.Set("Content-Type", p.contentType)
	} else {
		h.Set("Content-Type", "text/html; charset=utf-8")
	}
	h.Set("Content-Length", strconv.Itoa(len(p.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(p.body)
	}
}

// etagMatch reports whether an If-None-Match header names the tag (weakly, as RFC 9110 asks
// for If-None-Match), or is "*".
func etagMatch(header, tag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == tag || part == "*" {
			return true
		}
	}
	return false
}
