package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
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

// itemFeed serves the newest reviews of one item as Atom.
func (srv *Server) itemFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	it, err := srv.store.ItemBySlug(ctx, r.PathValue("line"), r.PathValue("item"))
	if err != nil {
		return err
	}
	reviews, err := srv.store.Reviews(ctx, store.ReviewQuery{ItemID: it.ID, Sort: store.SortNewest, Limit: FeedEntries})
	if err != nil {
		return err
	}
	base := srv.baseURL(r)
	page := base + itemPath(it)
	feed := atomFeed{ID: page + "/feed.atom", Title: "Reviews of " + it.Name + " · Starboard",
		Subtitle: "The newest reviews of " + it.Name + ".",
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: page + "/feed.atom"},
			{Rel: "alternate", Type: "text/html", Href: page}}}
	updated := it.UpdatedAt
	for _, rv := range reviews {
		feed.Entries = append(feed.Entries, reviewEntry(page, rv, "“"+rv.Summary+"” ("+plural(rv.Rating, "star", "stars")+")"))
		updated = later(updated, rv.UpdatedAt)
	}
	return srv.writeFeed(w, feed, updated)
}

// lineFeed serves the newest reviews of every item in a product line as Atom.
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
	line := base + "/c/" + url.PathEscape(c.Slug)
	feed := atomFeed{ID: line + "/feed.atom", Title: "New reviews in " + c.Name + " · Starboard",
		Subtitle: "The newest reviews of every item in " + c.Name + ".",
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: line + "/feed.atom"},
			{Rel: "alternate", Type: "text/html", Href: line}}}
	updated := c.UpdatedAt
	for _, rv := range reviews {
		page := base + itemPath(store.Item{CategorySlug: c.Slug, Slug: rv.ItemSlug})
		feed.Entries = append(feed.Entries, reviewEntry(page, rv.Review,
			rv.ItemName+": “"+rv.Summary+"” ("+plural(rv.Rating, "star", "stars")+")"))
		updated = later(updated, rv.UpdatedAt)
	}
	return srv.writeFeed(w, feed, updated)
}

// reviewEntry is one review as a feed entry; its id is the review's address on the item page.
func reviewEntry(itemURL string, rv store.Review, title string) atomEntry {
	body := rv.Details
	if body == "" {
		body = rv.Summary
	}
	link := itemURL + "#review-" + strconv.FormatInt(rv.ID, 10)
	return atomEntry{ID: link, Title: title, Published: atomTime(rv.CreatedAt), Updated: atomTime(rv.UpdatedAt),
		Author: atomPerson{Name: rv.UserName}, Link: atomLink{Rel: "alternate", Type: "text/html", Href: link},
		Content: atomText{Type: "text", Body: body}}
}

func (srv *Server) writeFeed(w http.ResponseWriter, feed atomFeed, updated time.Time) error {
	feed.Updated = atomTime(updated)
	feed.Author = atomPerson{Name: "Starboard"}
	feed.Generator = "Starboard"
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return fmt.Errorf("web: write feed: %w", err)
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write([]byte(xml.Header))
	w.Write(out)
	w.Write([]byte("\n"))
	return nil
}

// baseURL returns the scheme and host the client reached us at, for the absolute addresses
// feeds need.
func (srv *Server) baseURL(r *http.Request) string {
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
