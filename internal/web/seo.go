package web

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/starboard/starboard/internal/store"
)

// robots serves robots.txt: every public page may be crawled; account, admin and review-editing
// pages, the JSON API and the endless compare combinations may not; the sitemap is named.
func (srv *Server) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(`User-agent: *
Allow: /
Disallow: /account
Disallow: /admin
Disallow: /api/
Disallow: /login
Disallow: /signup
Disallow: /logout
Disallow: /reviews/
Disallow: /c/*/compare
Disallow: /search

Sitemap: ` + srv.baseURL(r) + "/sitemap.xml\n"))
}

// sitemapURLs is the most addresses one sitemap holds: the protocol's limit. Server.sitemapURLs
// starts there; tests lower it to prove the paging.
const sitemapURLs = 50000

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// sitemapURL is a <url> of a urlset or a <sitemap> of an index.
type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap serves /sitemap.xml: the home page, every product line and every item, each with when
// what it shows last changed. Past sitemapURLs addresses, /sitemap.xml is an index of
// /sitemap.xml?page=N, each holding that many. (A sitemap may list only addresses under
// its own directory, so its pages stay at the root; the router cannot match /sitemap-N.xml.)
func (srv *Server) sitemap(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	n := 0
	if p := r.URL.Query().Get("page"); p != "" {
		var err error
		if n, err = strconv.Atoi(p); err != nil || n < 1 {
			return errNotFound
		}
	}
	lineCount, itemCount, err := srv.store.SitemapCounts(ctx)
	if err != nil {
		return err
	}
	base := srv.baseURL(r)
	total := 1 + lineCount + itemCount
	per := srv.sitemapURLs
	pages := (total + per - 1) / per
	if n > pages {
		return errNotFound
	}
	if n == 0 && pages > 1 {
		idx := sitemapIndex{}
		for i := 1; i <= pages; i++ {
			idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: base + "/sitemap.xml?page=" + strconv.Itoa(i)})
		}
		writeSitemap(w, idx)
		return nil
	}
	n = max(n, 1)
	lines, err := srv.store.SitemapLines(ctx)
	if err != nil {
		return err
	}
	// The home page and the lines come first, then the items by id.
	head := make([]sitemapURL, 0, 1+len(lines))
	var newest time.Time
	for _, l := range lines {
		newest = later(newest, l.Modified)
	}
	head = append(head, sitemapURL{Loc: base + "/", LastMod: sitemapTime(newest)})
	for _, l := range lines {
		head = append(head, sitemapURL{Loc: base + "/c/" + url.PathEscape(l.LineSlug), LastMod: sitemapTime(l.Modified)})
	}
	from, to := (n-1)*per, n*per
	set := sitemapURLSet{}
	if from < len(head) {
		set.URLs = append(set.URLs, head[from:min(to, len(head))]...)
	}
	if to > len(head) {
		offset := max(from-len(head), 0)
		items, err := srv.store.SitemapItems(ctx, offset, to-max(from, len(head)))
		if err != nil {
			return err
		}
		for _, it := range items {
			set.URLs = append(set.URLs, sitemapURL{Loc: base + itemPath(store.Item{CategorySlug: it.LineSlug, Slug: it.ItemSlug}),
				LastMod: sitemapTime(it.Modified)})
		}
	}
	writeSitemap(w, set)
	return nil
}

func writeSitemap(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	enc.Encode(v)
	w.Write([]byte("\n"))
}

// sitemapTime formats a time as the sitemap protocol's W3C datetime; "" for the zero time.
func sitemapTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// canonicalURL returns a page's canonical address: path on the canonical base, keeping only
// ?page=N for N > 1. Each page of a list is a page of its own (as Google asks of paginated
// lists); orders and filters show the same things again, so they are dropped.
func (srv *Server) canonicalURL(r *http.Request, path string, page int) string {
	u := srv.baseURL(r) + path
	if page > 1 {
		u += "?page=" + strconv.Itoa(page)
	}
	return u
}
