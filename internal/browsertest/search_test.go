package browsertest

import (
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestSearchFromTheHeader types into the header's search box on an item page, submits it with
// Enter, and finds the item on the results page, with its standing.
func TestSearchFromTheHeader(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	ctx := newTab(t)
	open(t, ctx, s, "/c/books")
	do(t, ctx, chromedp.Click(chromedp.CSS(`header.site input[name="q"]`)), chromedp.SendKeys(chromedp.CSS(`header.site input[name="q"]`), "AIR 1"))
	if got := active(t, ctx); got != "search q" {
		t.Fatalf("focus is on %q, want the search box", got)
	}
	res := submit(t, ctx, chromedp.KeyEvent(kb.Enter))
	if res.Status != 200 || res.URL != s.URL+"/search?q=AIR+1" {
		t.Fatalf("after searching: %d %s", res.Status, res.URL)
	}
	hits := eval[[]string](t, ctx, `[...document.querySelectorAll('.search-hit h2')].map(h => h.textContent.trim())`)
	slices.Sort(hits)
	if want := []string{`iPad Air 11" Our pick`, `iPad Air 13"`}; !slices.Equal(hits, want) {
		t.Errorf("results %q, want %q", hits, want)
	}
	if got := eval[string](t, ctx, `document.querySelector('header.site input[name="q"]').value`); got != "AIR 1" {
		t.Errorf("the search box holds %q after searching, want what was typed", got)
	}
	saveScreenshot(t, ctx, "chromium-search")
}
