package web

import (
	"bytes"
	"errors"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

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

// cachedPage is a page rendered for anonymous visitors, held in the codings clients have asked
// for. A page at least minCompressBytes long is held, from the start, in the coding of the client
// that asked for it (browsers ask for brotli; wrk and curl for none); the other codings are made
// the first time a client asks for them, from the identity body or by decoding a compressed one,
// and then held too. So each variant is compressed once per state of the page, never per request,
// and a catalog browsed by browsers costs its brotli bytes alone.
type cachedPage struct {
	uri         string
	contentType string // "" for HTML
	stamp       string
	etag        string // the identity variant's; the others add a suffix (variantTag)
	// itemID and version are set on item pages: the page is still right while the item's
	// change counter is version.
	itemID, version int64
	// lineSlug and line are set on item pages too: the item's standing in its line (the
	// verdict) is right while the line's stamp is line.
	lineSlug string
	line     store.CategoryStamp
	small    bool // below minCompressBytes: held and sent as it is
	variants [numEncodings]atomic.Pointer[[]byte]
}

// held returns the bytes the page holds.
func (p *cachedPage) held() int {
	n := len(p.uri) + 200
	for i := range p.variants {
		if b := p.variants[i].Load(); b != nil {
			n += len(*b)
		}
	}
	return n
}

// newCachedPage returns a page holding body as it is when small or when the client that asked
// for it takes no coding, else compressed in the coding that client prefers (browsers: brotli).
// Other codings are made when first asked for (variant). So a miss costs the render alone for a
// client that wants the page as it is, and a catalog browsed by browsers costs its brotli bytes.
func newCachedPage(uri, contentType, stamp string, body []byte, want encoding) *cachedPage {
	p := &cachedPage{uri: uri, contentType: contentType, stamp: stamp, etag: etag(stamp, uri)}
	if len(body) < minCompressBytes {
		p.small = true
		p.variants[identity].Store(&body)
		return p
	}
	if want == identity {
		p.variants[identity].Store(&body)
		return p
	}
	b := compressOnce(want, body, keptLevel(want))
	p.variants[want].Store(&b)
	return p
}

// pageCache keeps rendered pages (item pages, line pages) for anonymous visitors, by request
// URI, each with the stamp of the state it shows. A request reads the stamp (one indexed query:
// the item's row, or the line's) and serves the kept page only when the stamps are equal, so a write made through
// any instance shows on the next request to every instance. Size is bounded by the bytes the
// pages hold, compressed; when full, arbitrary entries go.
//
// When the cache is full, a page is kept only on its second miss within the last
// doorkeeperSize misses (a doorkeeper, as in TinyLFU): a catalog far larger than the cache,
// visited page after page by crawlers, would otherwise push out every page to keep one that is
// not asked for again before it goes, each time cloning a page that becomes garbage.
type pageCache struct {
	mu     sync.Mutex
	pages  map[string]*cachedPage
	bytes  int
	limit  int
	missed map[uint64]struct{} // addresses missed once while the cache was full
}

// doorkeeperSize bounds the addresses the doorkeeper remembers; it forgets them all when full.
const doorkeeperSize = 4096

// off reports whether the cache keeps nothing (Options.NoPageCache).
func (c *pageCache) off() bool { return c.limit == 0 }

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
func (c *pageCache) put(p *cachedPage) {
	size := p.held()
	if size > c.limit/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.pages[p.uri]; old != nil {
		c.bytes -= old.held()
		delete(c.pages, p.uri)
	}
	c.makeRoom(size)
	c.pages[p.uri] = p
	c.bytes += size
}

// admits reports whether a page rendered for uri is to be kept: always while there is room or
// when it replaces a kept state, else on its second miss (missedBefore). Asked before the page
// is compressed, so a page not kept costs no compression of its own.
func (c *pageCache) admits(uri string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages[uri] != nil || c.bytes+admitRoom <= c.limit {
		return true
	}
	return c.missedBefore(uri)
}

// admitRoom is the room a page is taken to need when deciding whether the cache is full.
const admitRoom = 16 << 10

// missedBefore reports whether uri was missed while the cache was full since the doorkeeper last
// forgot, and remembers it if not. c.mu is held.
func (c *pageCache) missedBefore(uri string) bool {
	h := fnv.New64a()
	h.Write([]byte(uri))
	k := h.Sum64()
	if _, ok := c.missed[k]; ok {
		delete(c.missed, k)
		return true
	}
	if c.missed == nil || len(c.missed) >= doorkeeperSize {
		c.missed = map[uint64]struct{}{}
	}
	c.missed[k] = struct{}{}
	return false
}

// makeRoom lets pages go until size more bytes fit. c.mu is held.
func (c *pageCache) makeRoom(size int) {
	for k, old := range c.pages {
		if c.bytes+size <= c.limit {
			break
		}
		c.bytes -= old.held()
		delete(c.pages, k)
	}
}

// variant returns the page's body in coding e, making it (once) if the page does not hold it yet.
func (c *pageCache) variant(p *cachedPage, e encoding) ([]byte, error) {
	if b := p.variants[e].Load(); b != nil {
		return *b, nil
	}
	body, err := p.identityBody()
	if err != nil {
		return nil, err
	}
	b := body
	if e != identity {
		b = compressOnce(e, body, keptLevel(e))
	}
	// Variants are added under c.mu, so that what a page holds and what the cache counts agree.
	c.mu.Lock()
	defer c.mu.Unlock()
	if !p.variants[e].CompareAndSwap(nil, &b) {
		return *p.variants[e].Load(), nil
	}
	if c.pages[p.uri] == p {
		c.bytes += len(b)
		c.makeRoom(0)
	}
	return b, nil
}

// identityBody returns the page as rendered, from the identity variant or by decoding another.
func (p *cachedPage) identityBody() ([]byte, error) {
	if b := p.variants[identity].Load(); b != nil {
		return *b, nil
	}
	for _, e := range []encoding{brotliCoding, gzipCoding, zstdCoding} {
		if b := p.variants[e].Load(); b != nil {
			return decompress(e, *b)
		}
	}
	return nil, errors.New("web: kept page holds no body")
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
	srv.metrics.keptPage(name, p != nil)
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
// of the item it shows still stands where it stood (one read by primary key), and, for a page
// that shows the item's standing, its line's stamp too (one read by a unique index), if there is
// one.
// name is the page's template, for renderHook; "" for JSON.
func (srv *Server) serveKeptItem(w http.ResponseWriter, r *http.Request, name, uri string) bool {
	p := srv.pagesKept.peek(uri)
	if p == nil || p.itemID == 0 {
		srv.metrics.keptPage(name, false)
		return false
	}
	if v, err := srv.store.ItemVersion(r.Context(), p.itemID); err != nil || v != p.version {
		srv.metrics.keptPage(name, false)
		return false
	}
	if p.lineSlug != "" {
		if st, err := srv.store.CategoryVersion(r.Context(), p.lineSlug); err != nil || !st.Equal(p.line) {
			srv.metrics.keptPage(name, false)
			return false
		}
	}
	srv.metrics.keptPage(name, true)
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
	if srv.pagesKept.off() || !srv.pagesKept.admits(uri) {
		srv.writeFresh(w, r, "application/json", etag(stamp, uri), append(b, '\n'))
		return nil
	}
	p := newCachedPage(uri, "application/json", stamp, append(b, '\n'), keptCoding(r))
	for _, f := range set {
		f(p)
	}
	srv.pagesKept.put(p)
	srv.writeKept(w, r, p)
	return nil
}

// renderKept renders a page for anonymous visitors, keeps it under stamp and answers with it.
// With the cache off, or when the cache does not admit the page (admits), it answers the page as
// rendered, compressed on the fly for clients that ask, with the ETag it would have had when kept.
func (srv *Server) renderKept(w http.ResponseWriter, r *http.Request, name string, v view, stamp string, set ...func(*cachedPage)) error {
	uri := r.URL.RequestURI()
	v.Path = uri
	if srv.pagesKept.off() || !srv.pagesKept.admits(uri) {
		buf := bufPool.Get().(*bytes.Buffer)
		buf.Reset()
		defer bufPool.Put(buf)
		if err := srv.executeInto(buf, name, v); err != nil {
			return err
		}
		srv.writeFresh(w, r, "text/html; charset=utf-8", etag(stamp, uri), buf.Bytes())
		return nil
	}
	body, err := srv.execute(name, v)
	if err != nil {
		return err
	}
	p := newCachedPage(uri, "", stamp, body, keptCoding(r))
	for _, f := range set {
		f(p)
	}
	srv.pagesKept.put(p)
	srv.writeKept(w, r, p)
	return nil
}

// writeFresh answers an anonymous visitor's page or document that is not kept: 304 when the
// client holds it (compressAnswers matches its compressed variants), else the body, which
// compressAnswers compresses for clients that ask.
func (srv *Server) writeFresh(w http.ResponseWriter, r *http.Request, contentType, tag string, body []byte) {
	if notModifiedAnswer(w, r, tag) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModifiedAnswer sets an answer's ETag and who may keep it (public for visitors, private for
// members), and answers 304 when the client already holds it (If-None-Match), reporting so.
func notModifiedAnswer(w http.ResponseWriter, r *http.Request, tag string) bool {
	cc := publicCache
	if userFrom(r.Context()) != nil {
		cc = privateCache
	}
	return validated(w, r, tag, cc)
}

// validated sets an answer's ETag and Cache-Control, and answers 304 when the client already
// holds it in that state (If-None-Match), reporting so.
func validated(w http.ResponseWriter, r *http.Request, tag, cacheControl string) bool {
	h := w.Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", cacheControl)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, tag) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// keptCoding returns the coding a kept page is sent in to this request. A Range request gets
// the whole page, as it is.
func keptCoding(r *http.Request) encoding {
	if r.Header.Get("Range") != "" {
		return identity
	}
	return negotiate(r.Header.Get("Accept-Encoding"), storedOrder)
}

// writeKept answers with a page kept for anonymous visitors in the coding the client prefers,
// or 304 Not Modified when the browser already holds that variant (If-None-Match). A HEAD gets
// the headers a GET would.
func (srv *Server) writeKept(w http.ResponseWriter, r *http.Request, p *cachedPage) {
	h := w.Header()
	enc := identity
	if !p.small {
		enc = keptCoding(r)
		addVary(h, "Accept-Encoding")
	}
	if notModifiedAnswer(w, r, variantTag(p.etag, enc)) {
		return
	}
	body, err := srv.pagesKept.variant(p, enc)
	if err != nil {
		srv.serveError(w, r, err)
		return
	}
	if p.contentType != "" {
		h.Set("Content-Type", p.contentType)
	} else {
		h.Set("Content-Type", "text/html; charset=utf-8")
	}
	if enc != identity {
		h.Set("Content-Encoding", enc.String())
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// Who may keep a copy of an answer. An answer that is the same for every visitor who is not
// signed in says publicCache: browsers revalidate it on every use (max-age=0, with its ETag, a
// 304 when unchanged), while a shared cache (a CDN, nginx proxy_cache, Varnish) may serve it for
// a minute without asking, and for ten more while it revalidates in the background. An answer
// for a signed-in member, or one that sets a cookie, says privateCache (or no-store, where it
// shows secrets), so no shared cache ever keeps it.
const (
	publicCache  = "public, max-age=0, s-maxage=60, stale-while-revalidate=600"
	privateCache = "private, no-cache"
)

// sharedCaching makes sure every answer that may be for someone in particular, or sets a
// cookie, is private (or no-store), whatever its handler said, and marks the API's anonymous reads public. It runs on
// every answer, as its header is sent. Static files, the same for everyone, are left alone.
func (srv *Server) sharedCaching(h http.Header, r *http.Request, status int) {
	// Static files and pictures are the same for everyone, signed in or not.
	if strings.HasPrefix(r.URL.Path, "/static/") || strings.HasPrefix(r.URL.Path, picturesPrefix) {
		return
	}
	cc := h.Get("Cache-Control")
	if srv.personal(r) || len(h.Values("Set-Cookie")) > 0 {
		if !strings.Contains(cc, "private") && !strings.Contains(cc, "no-store") {
			h.Set("Cache-Control", privateCache)
		}
		return
	}
	if cc == "" && status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) && isAPI(r) {
		h.Set("Cache-Control", publicCache)
	}
}

// personal reports whether a request may be answered for someone in particular: it carries a
// session or notice cookie (pages) or credentials (API). Such answers are never shared.
func (srv *Server) personal(r *http.Request) bool {
	if isAPI(r) {
		return r.Header.Get("Authorization") != ""
	}
	if _, err := r.Cookie(srv.sessions.Cookie.Name); err == nil {
		return true
	}
	_, err := r.Cookie(srv.postedCookieName(r))
	return err == nil
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
