package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/starboard/starboard/internal/store"
)

// FeedEntries is how many of the newest reviews a feed holds.
const FeedEntries = 20

// atomFeed is an Atom (RFC 4287) feed of reviews.
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Links     []atomLink  `xml:"link"`
	Entries   []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Published string     `xml:"published"`
	Updated   string     `xml:"updated"`
	Author    atomPerson `xml:"author"`
	Link      atomLink   `xml:"link"`
	Content   atomText   `xml:"content"`
}

// Feed entry and feed ids are tag: URIs (RFC 4151) of the site's host and the row's id, dated
// the day the row was made: tag:reviews.example.com,2026-10-02:review/671. They never carry a
// slug, so renaming a line or an item keeps them, and the host comes from BASE_URL, so they do not
// follow the Host header; they stay the same for as long as BASE_URL does (in development, with
// BASE_URL unset, the host is the request's). Links, which may change, point at the pages.

// itemFeed serves the newest reviews of one item as Atom. Its ETag is the item's change counter,
// which moves with everything the feed shows (pagecache.go), so a reader polling an unchanged feed
// costs one read by slug and gets 304.
func (srv *Server) itemFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	it, err := srv.store.ItemBySlug(ctx, r.PathValue("line"), r.PathValue("item"))
	if err != nil {
		return err
	}
	base := srv.baseURL(r)
	page := base + itemPath(it)
	tag := etag(itemStamp(it), page+"/feed.atom")
	if validated(w, r, tag, feedCacheControl) {
		return nil
	}
	reviews, err := srv.store.Reviews(ctx, store.ReviewQuery{ItemID: it.ID, Sort: store.SortNewest, Limit: FeedEntries})
	if err != nil {
		return err
	}
	host := tagHost(base)
	feed := atomFeed{ID: tagURI(host, it.CreatedAt, "item/"+strconv.FormatInt(it.ID, 10)+"/reviews"),
		Title: "Reviews of " + it.Name + " · Starboard", Subtitle: "The newest reviews of " + it.Name + ".",
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: page + "/feed.atom"},
			{Rel: "alternate", Type: "text/html", Href: page}}}
	updated := it.UpdatedAt
	for _, rv := range reviews {
		feed.Entries = append(feed.Entries, reviewEntry(host, page, rv, "“"+rv.Summary+"” ("+plural(rv.Rating, "star", "stars")+")"))
		updated = later(updated, rv.UpdatedAt)
	}
	return srv.writeFeed(w, r, feed, updated, tag)
}

// lineFeed serves the newest reviews of every item in a product line as Atom. The line's change
// counter does not move when a review's text changes (only its stars count for the line-up), so
// its ETag is a hash of the feed itself.
func (srv *Server) lineFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := srv.store.CategoryBySlug(ctx, r.PathValue("line"))
	if err != nil {
		return err
	}
	reviews, err := srv.store.NewestReviews(ctx, c.ID, FeedEntries)
	if err != nil {
		return err
	}
	base := srv.baseURL(r)
	host := tagHost(base)
	line := base + "/c/" + url.PathEscape(c.Slug)
	feed := atomFeed{ID: tagURI(host, c.CreatedAt, "line/"+strconv.FormatInt(c.ID, 10)+"/reviews"),
		Title: "New reviews in " + c.Name + " · Starboard", Subtitle: "The newest reviews of every item in " + c.Name + ".",
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: line + "/feed.atom"},
			{Rel: "alternate", Type: "text/html", Href: line}}}
	updated := c.UpdatedAt
	for _, rv := range reviews {
		page := base + itemPath(store.Item{CategorySlug: c.Slug, Slug: rv.ItemSlug})
		feed.Entries = append(feed.Entries, reviewEntry(host, page, rv.Review,
			rv.ItemName+": “"+rv.Summary+"” ("+plural(rv.Rating, "star", "stars")+")"))
		updated = later(updated, rv.UpdatedAt)
	}
	return srv.writeFeed(w, r, feed, updated, "")
}

// reviewEntry is one review as a feed entry: its id is the review's tag: URI, its link the
// review's place on the item page.
func reviewEntry(host, itemURL string, rv store.Review, title string) atomEntry {
	body := rv.Details
	if body == "" {
		body = rv.Summary
	}
	link := itemURL + "#review-" + strconv.FormatInt(rv.ID, 10)
	return atomEntry{ID: tagURI(host, rv.CreatedAt, "review/"+strconv.FormatInt(rv.ID, 10)), Title: title,
		Published: atomTime(rv.CreatedAt), Updated: atomTime(rv.UpdatedAt),
		Author: atomPerson{Name: rv.UserName}, Link: atomLink{Rel: "alternate", Type: "text/html", Href: link},
		Content: atomText{Type: "text", Body: body}}
}

// tagURI returns the tag: URI (RFC 4151) of a row made on the day of made, under host.
func tagURI(host string, made time.Time, specific string) string {
	return "tag:" + host + "," + made.UTC().Format("2006-01-02") + ":" + specific
}

// tagHost returns the host name of a base URL, without port, as a tag: URI's authority; an IPv6
// literal, which a tag cannot hold, becomes localhost (development only: BASE_URL names the host).
func tagHost(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" || strings.Contains(u.Hostname(), ":") {
		return "localhost"
	}
	return strings.ToLower(u.Hostname())
}

// feedCacheControl lets readers and shared caches keep a feed for five minutes.
const feedCacheControl = "public, max-age=300"

// writeFeed answers with the feed, its ETag (tag, or a hash of the feed when "") and its
// Last-Modified (the newest of its entries and its page), or 304 when the reader holds it: by
// ETag, or by date for a reader that sends only If-Modified-Since (RFC 9110 §13.2.2).
func (srv *Server) writeFeed(w http.ResponseWriter, r *http.Request, feed atomFeed, updated time.Time, tag string) error {
	feed.Updated = atomTime(updated)
	feed.Author = atomPerson{Name: "Starboard"}
	feed.Generator = "Starboard"
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return fmt.Errorf("web: write feed: %w", err)
	}
	if tag == "" {
		tag = etag(string(out), r.URL.Path)
	}
	h := w.Header()
	h.Set("Last-Modified", updated.UTC().Format(http.TimeFormat))
	if validated(w, r, tag, feedCacheControl) {
		return nil
	}
	if r.Header.Get("If-None-Match") == "" {
		if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !updated.Truncate(time.Second).After(ims) {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	w.Write(out)
	w.Write([]byte("\n"))
	return nil
}

// baseURL returns the canonical base of the site's absolute addresses (feeds, the sitemap,
// canonical links): the BASE_URL setting, or, in development where it is unset, the scheme and
// host the client reached us at.
func (srv *Server) baseURL(r *http.Request) string {
	if srv.opt.BaseURL != "" {
		return srv.opt.BaseURL
	}
	scheme := "http"
	if srv.isHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
