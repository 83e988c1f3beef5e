package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestItemStandingLine reads the line near the top of an item page that says where it stands in
// its line, and follows it to the line.
func TestItemStandingLine(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	ctx := newTab(t)
	for path, want := range map[string]string{
		"/c/ipads/ipad-air-11":          "Our pick in iPads",
		"/c/ipads/ipad-pro-11":          "Runner-up in iPads",
		"/c/books/dune":                 "#5 of 5 in Books",
		"/c/books/the-hobbit":           "#4 of 5 in Books",
		"/c/tellytubbies/laa-laa":       "Not enough reviews yet (2 of 5)",
		"/c/books/nineteen-eighty-four": "Too close to call with Pride and Prejudice and To Kill a Mockingbird",
	} {
		open(t, ctx, s, path)
		if got := eval[string](t, ctx, `document.querySelector('.item-head h1 + .standing a').textContent`); got != want {
			t.Errorf("%s: standing %q, want %q", path, got, want)
		}
	}
	open(t, ctx, s, "/c/ipads/ipad-pro-11")
	res := submit(t, ctx, chromedp.Click(chromedp.CSS(`.standing a`)))
	if res.Status != 200 || res.URL != s.URL+"/c/ipads" {
		t.Errorf("the standing line led to %d %s, want the line", res.Status, res.URL)
	}
	saveScreenshot(t, ctx, "chromium-line-from-standing")
}
