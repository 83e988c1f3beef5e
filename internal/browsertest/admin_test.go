package browsertest

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/starboard/starboard/internal/store"
)

// TestEveryAdminPage holds the admin pages to what every page keeps (no script, the CSP, no
// serious WCAG 2.2 AA finding in light and dark), forms with errors included. The admin is made
// through the setup page, which is held to the same.
func TestEveryAdminPage(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	ctx := newTab(t)
	setUp(t, ctx, s, member{"boss@example.com", "Boss", "tubby custard machine 77"})
	po, err := s.store.ItemBySlug(context.Background(), "tellytubbies", "po")
	if err != nil {
		t.Fatal(err)
	}
	reviews, err := s.store.Reviews(context.Background(), store.ReviewQuery{ItemID: po.ID, Limit: 1})
	if err != nil || len(reviews) == 0 {
		t.Fatalf("no review of Po: %v", err)
	}
	item := "/admin/items/" + strconv.FormatInt(po.ID, 10)
	for _, path := range []string{
		"/admin", "/admin/lines/new", "/admin/lines/ipads", "/admin/lines/tellytubbies/items/new",
		"/admin/lines/ipads/delete", item, item + "/delete",
		"/admin/reviews/" + strconv.FormatInt(reviews[0].ID, 10) + "/remove",
		"/admin/members", "/admin/members?q=nobody-at-all", "/admin/reports", "/admin/log",
	} {
		checkPage(t, ctx, path, open(t, ctx, s, path))
	}

	// The forms with an error beside each field. Submitting through the DOM skips the browser's
	// own checks (required, pattern), as an old browser would.
	open(t, ctx, s, "/admin/lines/new")
	res := submit(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#slug"), "Not A Slug"),
		chromedp.SendKeys(chromedp.CSS("#description"), "A line without a name"),
		chromedp.Submit(chromedp.CSS("#slug")))
	if res.Status != 422 {
		t.Fatalf("a nameless line answered %d, want 422", res.Status)
	}
	checkPage(t, ctx, "line form with errors", res)

	open(t, ctx, s, "/admin/lines/tellytubbies/items/new")
	res = submit(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#slug"), "po"),
		chromedp.SendKeys(chromedp.CSS("#attr-key-1"), "colour"),
		chromedp.SendKeys(chromedp.CSS("#attr-value-2"), "orphan"),
		chromedp.Submit(chromedp.CSS("#slug")))
	if res.Status != 422 {
		t.Fatalf("a bad item answered %d, want 422", res.Status)
	}
	checkPage(t, ctx, "item form with errors", res)
}
