package browsertest

import (
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// lookPages are the pages a visitor sees most, photographed for people to look at.
var lookPages = []struct{ name, path string }{
	{"home", "/"},
	{"line", "/c/ipads"},
	{"item", "/c/ipads/ipad-air-11"},
	{"compare", "/c/ipads/compare?items=ipad-air-11,ipad-pro-11,ipad-mini"},
	{"search", "/search?q=ipa"},
}

// TestScreenshots photographs the main pages on a phone (390 px) and a laptop (1280 px), in the
// light and dark colour schemes, into the screenshot folder (each file named in the log, with each
// page's height), and holds the pages dense: a review of the demo data takes at most 130 px at
// 1280×800; on a 390 px phone an item of the line-up takes at most 160 px (it took 254 as a card
// of labelled rows), and the compare table of three iPads at most 1000 px (it took 1389).
func TestScreenshots(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	ctx := newTab(t)
	for _, width := range []int64{390, 1280} {
		for _, scheme := range []string{"light", "dark"} {
			do(t, ctx, chromedp.EmulateViewport(width, 800))
			if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
				t.Fatal(err)
			}
			for _, p := range lookPages {
				open(t, ctx, s, p.path)
				saveScreenshot(t, ctx, "look-"+p.name+"-"+strconv.FormatInt(width, 10)+"-"+scheme)
				if scheme == "light" {
					t.Logf("%s at %d px: %d px tall", p.name, width, eval[int](t, ctx, `document.documentElement.scrollHeight`))
				}
			}
		}
	}

	do(t, ctx, chromedp.EmulateViewport(390, 800))
	open(t, ctx, s, "/c/ipads")
	perItem := eval[float64](t, ctx, `(() => {
		const r = [...document.querySelectorAll('table.lineup > tbody > tr')];
		return r.length ? (r[r.length-1].getBoundingClientRect().bottom - r[0].getBoundingClientRect().top) / r.length : -1;
	})()`)
	t.Logf("line-up at 390 px: %.0f px an item", perItem)
	if perItem < 0 || perItem > 160 {
		t.Errorf("an item of the line-up takes %.0f px at 390 px, want at most 160", perItem)
	}
	open(t, ctx, s, "/c/ipads/compare?items=ipad-air-11,ipad-pro-11,ipad-mini")
	compare := eval[float64](t, ctx, `document.querySelector('table.compare').getBoundingClientRect().height`)
	t.Logf("compare table of three at 390 px: %.0f px", compare)
	if compare > 1000 {
		t.Errorf("the compare table of three items takes %.0f px at 390 px, want at most 1000", compare)
	}

	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	open(t, ctx, s, "/c/ipads/ipad-air-11")
	// The distance from the first review's top to the last one's, per review: what a reader
	// scrolls through for each.
	perReview := eval[float64](t, ctx, `(() => {
		const r = [...document.querySelectorAll('article.review')];
		if (r.length < 2) return -1;
		return (r[r.length-1].getBoundingClientRect().top - r[0].getBoundingClientRect().top) / (r.length - 1);
	})()`)
	t.Logf("reviews at 1280×800: %.0f px each", perReview)
	if perReview < 0 {
		t.Fatal("the item page shows fewer than two reviews")
	}
	if perReview > 130 {
		t.Errorf("a review takes %.0f px at 1280×800, want at most 130", perReview)
	}
	// The stars sit beside the title, on its line.
	sameLine := eval[bool](t, ctx, `(() => {
		const a = document.querySelector('article.review');
		const s = a.querySelector('.review-rating').getBoundingClientRect(), h = a.querySelector('.review-summary').getBoundingClientRect();
		return s.top < h.bottom && h.top < s.bottom && s.right <= h.left + 1;
	})()`)
	if !sameLine {
		t.Error("a review's stars are not beside its title")
	}
}
