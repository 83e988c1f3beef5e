package web

import (
	"context"
	"encoding/xml"
	"io"
	"maps"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// tagID is a tag: URI (RFC 4151) under the test server's host.
var tagID = regexp.MustCompile(`^tag:127\.0\.0\.1,\d{4}-\d{2}-\d{2}:(review|item|line)/\d+(/reviews)?$`)

func TestFeeds(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServer(t, s)
		tests := []struct {
			path        string
			title       string
			entries     int
			entryPrefix string // every entry title starts with one of these
			items       int    // at least this many different items among the entries
		}{
			{"/c/tellytubbies/po/feed.atom", "Reviews of Po · Starboard", 4, "“", 1},
			{"/c/ipads/ipad-air-11/feed.atom", "Reviews of iPad Air 11\" · Starboard", FeedEntries, "“", 1},
			{"/c/ipads/feed.atom", "New reviews in iPads · Starboard", FeedEntries, "iPad", 2},
			{"/c/tellytubbies/feed.atom", "New reviews in Tellytubbies · Starboard", 12, "", 4},
		}
		for _, tt := range tests {
			code, h, body := ts.get(t, tt.path)
			if code != 200 || h.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
				t.Errorf("GET %s = %d %q", tt.path, code, h.Get("Content-Type"))
				continue
			}
			var feed atomFeed
			if err := xml.Unmarshal([]byte(body), &feed); err != nil {
				t.Errorf("GET %s: not Atom: %v", tt.path, err)
				continue
			}
			if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || feed.Title != tt.title || !tagID.MatchString(feed.ID) {
				t.Errorf("GET %s: feed %q %q id %q", tt.path, feed.XMLName.Space, feed.Title, feed.ID)
			}
			if len(feed.Links) != 2 || feed.Links[0].Rel != "self" || feed.Links[0].Href != ts.URL+tt.path ||
				feed.Links[1].Href != ts.URL+strings.TrimSuffix(tt.path, "/feed.atom") {
				t.Errorf("GET %s: links %+v", tt.path, feed.Links)
			}
			if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
				t.Errorf("GET %s: updated %q", tt.path, feed.Updated)
			}
			if len(feed.Entries) != tt.entries {
				t.Errorf("GET %s: %d entries, want %d", tt.path, len(feed.Entries), tt.entries)
			}
			pages := map[string]bool{}
			var last time.Time
			for i, e := range feed.Entries {
				published, err := time.Parse(time.RFC3339, e.Published)
				if err != nil || (i > 0 && published.After(last)) {
					t.Errorf("GET %s: entry %d published %q after the one before", tt.path, i, e.Published)
				}
				last = published
				page, frag, ok := strings.Cut(e.Link.Href, "#review-")
				if !ok || !strings.HasPrefix(page, ts.URL+"/c/") || frag == "" || !strings.HasSuffix(e.ID, ":review/"+frag) || !tagID.MatchString(e.ID) {
					t.Errorf("GET %s: entry %d link %q id %q", tt.path, i, e.Link.Href, e.ID)
				}
				pages[page] = true
				if e.Author.Name == "" || e.Content.Type != "text" || e.Content.Body == "" || !strings.HasPrefix(e.Title, tt.entryPrefix) {
					t.Errorf("GET %s: entry %d = %+v", tt.path, i, e)
				}
			}
			if len(pages) < tt.items {
				t.Errorf("GET %s: entries about %d items, want at least %d", tt.path, len(pages), tt.items)
			}
		}
		// The pages link their feeds.
		for page, feed := range map[string]string{"/c/ipads": "/c/ipads/feed.atom", "/c/ipads/ipad": "/c/ipads/ipad/feed.atom"} {
			_, _, body := ts.get(t, page)
			if !strings.Contains(body, `<link rel="alternate" type="application/atom+xml"`) || !strings.Contains(body, `href="`+feed+`"`) {
				t.Errorf("GET %s does not link %s", page, feed)
			}
		}
		for _, path := range []string{"/c/toasters/feed.atom", "/c/tellytubbies/noo-noo/feed.atom"} {
			if code, _, _ := ts.get(t, path); code != 404 {
				t.Errorf("GET %s = %d, want 404", path, code)
			}
		}
	})
}

// TestFeedIDsAndConditionalGET checks that feed and entry ids are tag: URIs of BASE_URL's host
// whatever the Host header, that they outlive a rename, that each feed and entry has one id,
// title and updated (RFC 4287), and that feeds answer conditional GETs.
func TestFeedIDsAndConditionalGET(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		withDemo(t, s)
		ts := newTestServerWith(t, s, Options{BaseURL: "https://reviews.example"})
		fetch := func(path string, header ...string) (*http.Response, string) {
			t.Helper()
			req, _ := http.NewRequest("GET", ts.URL+path, nil)
			req.Host = "elsewhere.example:8080"
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			res, err := ts.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res, string(b)
		}
		ids := func(path string) (atomFeed, map[string]string) {
			t.Helper()
			res, body := fetch(path)
			var feed atomFeed
			if err := xml.Unmarshal([]byte(body), &feed); res.StatusCode != 200 || err != nil {
				t.Fatalf("GET %s = %d, %v", path, res.StatusCode, err)
			}
			checkAtomStructure(t, path, body)
			byLink := map[string]string{}
			for _, e := range feed.Entries {
				_, frag, _ := strings.Cut(e.Link.Href, "#")
				byLink[frag] = e.ID
				if !strings.HasPrefix(e.ID, "tag:reviews.example,") || !strings.HasPrefix(e.Link.Href, "https://reviews.example/c/") {
					t.Errorf("GET %s: entry id %q link %q", path, e.ID, e.Link.Href)
				}
			}
			if !strings.HasPrefix(feed.ID, "tag:reviews.example,") || feed.Links[0].Href != "https://reviews.example"+path {
				t.Errorf("GET %s: id %q self %q", path, feed.ID, feed.Links[0].Href)
			}
			return feed, byLink
		}
		itemFeed, itemIDs := ids("/c/tellytubbies/po/feed.atom")
		lineFeed, lineIDs := ids("/c/tellytubbies/feed.atom")

		// Renaming the item and its line changes links, never ids.
		po, err := s.ItemBySlug(ctx, "tellytubbies", "po")
		if err != nil {
			t.Fatal(err)
		}
		po.Slug = "po-the-red-one"
		if err := s.UpdateItem(ctx, &po); err != nil {
			t.Fatal(err)
		}
		line, err := s.CategoryBySlug(ctx, "tellytubbies")
		if err != nil {
			t.Fatal(err)
		}
		line.Slug = "teletubbies"
		if err := s.UpdateCategory(ctx, &line); err != nil {
			t.Fatal(err)
		}
		renamedItem, renamedItemIDs := ids("/c/teletubbies/po-the-red-one/feed.atom")
		renamedLine, renamedLineIDs := ids("/c/teletubbies/feed.atom")
		if renamedItem.ID != itemFeed.ID || renamedLine.ID != lineFeed.ID || !maps.Equal(itemIDs, renamedItemIDs) ||
			!maps.Equal(lineIDs, renamedLineIDs) || len(itemIDs) != 4 {
			t.Errorf("ids changed with the rename: %q→%q %q→%q\n%v\n%v", itemFeed.ID, renamedItem.ID, lineFeed.ID, renamedLine.ID, itemIDs, renamedItemIDs)
		}

		// Conditional GETs: 304 by ETag, and by date for a reader that sends only that.
		for _, path := range []string{"/c/teletubbies/po-the-red-one/feed.atom", "/c/teletubbies/feed.atom"} {
			res, _ := fetch(path)
			tag, modified := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
			if tag == "" || modified == "" || res.Header.Get("Cache-Control") != "public, max-age=300" {
				t.Fatalf("GET %s: ETag %q Last-Modified %q Cache-Control %q", path, tag, modified, res.Header.Get("Cache-Control"))
			}
			if res, body := fetch(path, "If-None-Match", tag); res.StatusCode != 304 || body != "" || res.Header.Get("ETag") != tag {
				t.Errorf("GET %s If-None-Match: %d %q, ETag %q", path, res.StatusCode, body, res.Header.Get("ETag"))
			}
			if res, _ := fetch(path, "If-Modified-Since", modified); res.StatusCode != 304 {
				t.Errorf("GET %s If-Modified-Since %s: %d", path, modified, res.StatusCode)
			}
			if res, _ := fetch(path, "If-None-Match", `"other"`, "If-Modified-Since", modified); res.StatusCode != 200 {
				t.Errorf("GET %s with another ETag and the date: %d, want 200 (If-None-Match decides)", path, res.StatusCode)
			}
		}
		// A review's new text, same stars, is news to both feeds.
		tags := map[string]string{}
		for _, path := range []string{"/c/teletubbies/po-the-red-one/feed.atom", "/c/teletubbies/feed.atom"} {
			res, _ := fetch(path)
			tags[path] = res.Header.Get("ETag")
		}
		rvs, err := s.Reviews(ctx, store.ReviewQuery{ItemID: po.ID, Sort: store.SortNewest, Limit: 1})
		if err != nil || len(rvs) == 0 {
			t.Fatal(rvs, err)
		}
		rv := rvs[0]
		rv.Summary = "Changed my mind, in words only"
		time.Sleep(1100 * time.Millisecond) // Last-Modified has whole seconds
		if err := s.UpdateReview(ctx, &rv); err != nil {
			t.Fatal(err)
		}
		for path, tag := range tags {
			if res, body := fetch(path, "If-None-Match", tag); res.StatusCode != 200 || !strings.Contains(body, rv.Summary) {
				t.Errorf("GET %s after an edit with the old ETag: %d", path, res.StatusCode)
			}
		}
	})
}

// checkAtomStructure checks what RFC 4287 asks of a feed and of each entry: exactly one id,
// title and updated among its children.
func checkAtomStructure(t *testing.T, path, body string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(body))
	var stack []map[string]int
	var names []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if len(stack) > 0 {
				stack[len(stack)-1][el.Name.Local]++
			}
			stack = append(stack, map[string]int{})
			names = append(names, el.Name.Local)
			if el.Name.Space != "http://www.w3.org/2005/Atom" {
				t.Errorf("GET %s: element %s in namespace %q", path, el.Name.Local, el.Name.Space)
			}
		case xml.EndElement:
			children, name := stack[len(stack)-1], names[len(names)-1]
			stack, names = stack[:len(stack)-1], names[:len(names)-1]
			if name == "feed" || name == "entry" {
				for _, must := range []string{"id", "title", "updated"} {
					if children[must] != 1 {
						t.Errorf("GET %s: a %s has %d %s elements, want 1", path, name, children[must], must)
					}
				}
				if name == "entry" && (children["link"] < 1 || children["author"] < 1) {
					t.Errorf("GET %s: an entry without link or author: %v", path, children)
				}
			}
		}
	}
}
