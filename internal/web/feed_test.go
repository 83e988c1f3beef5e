package web

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

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
			if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || feed.Title != tt.title || feed.ID != ts.URL+tt.path {
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
				if !ok || !strings.HasPrefix(page, ts.URL+"/c/") || e.ID != e.Link.Href || frag == "" {
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
