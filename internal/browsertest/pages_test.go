package browsertest

import (
	"context"
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/starboard/starboard/internal/store"
)

var fileSafe = regexp.MustCompile(`[^A-Za-z0-9]+`)

//go:embed testdata/axe.min.js
var axeSource string

// axeViolation is one serious or critical axe-core finding.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// The WCAG 2.2 AA rule set, which includes the A and AA rules of 2.0 and 2.1.
const axeRun = `axe.run(document, {
	runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']},
	resultTypes: ['violations'],
}).then(r => r.violations
	.filter(v => v.impact === 'serious' || v.impact === 'critical')
	.map(v => ({id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary)})))`

// checkPage asserts what holds for every page: it answers with the CSP that forbids scripts, it
// has no script element, and axe-core finds no serious or critical WCAG 2.2 AA violation in the
// light or the dark colour scheme. The HTML the server sent is kept to be validated with the
// W3C Nu HTML Checker when the tests end (see keepHTML).
func checkPage(t *testing.T, ctx context.Context, label string, res *network.Response) {
	t.Helper()
	keepHTML(t, ctx, label, res)
	name := strings.Trim(fileSafe.ReplaceAllString(label, "-"), "-")
	if name == "" {
		name = "home"
	}
	saveScreenshot(t, ctx, t.Name()+"-"+name)
	csp := fmt.Sprint(res.Headers["Content-Security-Policy"])
	if !strings.Contains(csp, "script-src 'none'") {
		t.Errorf("%s: Content-Security-Policy %q lacks script-src 'none'", label, csp)
	}
	if n := eval[int](t, ctx, `document.getElementsByTagName('script').length`); n != 0 {
		t.Errorf("%s: %d script elements", label, n)
	}
	if n := eval[int](t, ctx, `[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length`); n != 0 {
		t.Errorf("%s: %d elements with event handler attributes", label, n)
	}
	checkNoSideways(t, ctx, label)
	for _, scheme := range []string{"light", "dark"} {
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
			t.Fatal(err)
		}
		if eval[bool](t, ctx, `typeof axe === 'undefined'`) {
			do(t, ctx, chromedp.Evaluate[chromedp.Void](axeSource))
		}
		violations := run(t, ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
		for _, v := range violations {
			t.Errorf("%s (%s): axe %s %s: %s\n\t%s", label, scheme, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n\t"))
		}
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}
}

// overflowWidths are the viewport widths no page may scroll sideways at: a small phone and a laptop.
var overflowWidths = []int64{360, 1280}

// overflowJS measures how far the page scrolls sideways, and names the widest elements that poke
// out of the viewport (visually hidden ones count: they widen the page all the same).
const overflowJS = `(() => {
	const d = document.documentElement, over = d.scrollWidth - d.clientWidth;
	if (over <= 0) return '';
	const out = [...document.querySelectorAll('body *')]
		.map(e => [e, e.getBoundingClientRect().right])
		.filter(([e, r]) => r > d.clientWidth + 0.5)
		.sort((a, b) => b[1] - a[1]).slice(0, 8)
		.map(([e, r]) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '') + ' in ' + e.parentElement.tagName.toLowerCase() + ' to ' + Math.round(r) + 'px');
	return over + 'px wider than the ' + d.clientWidth + 'px viewport: ' + out.join(', ');
})()`

// checkNoSideways fails when the open page scrolls sideways at any of overflowWidths, and leaves
// the tab at its usual size.
func checkNoSideways(t *testing.T, ctx context.Context, label string) {
	t.Helper()
	for _, w := range overflowWidths {
		do(t, ctx, chromedp.EmulateViewport(w, 800))
		if msg := eval[string](t, ctx, overflowJS); msg != "" {
			t.Errorf("%s at %dpx: the page scrolls sideways, %s", label, w, msg)
		}
	}
	if _, err := chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
}

// visitorPages are the pages anyone can reach, with the states worth checking.
var visitorPages = []string{
	"/",
	"/c/ipads",
	"/c/books",
	"/c/tellytubbies",
	"/c/books?page=99",
	"/c/books/compare?items=pride-and-prejudice,nineteen-eighty-four,dune",
	"/c/ipads/compare?items=ipad,ipad-mini",
	"/c/books/nineteen-eighty-four",
	"/c/ipads/ipad-air-11",
	"/c/ipads/compare?items=ipad-air-11,ipad-pro-11",
	"/c/ipads/compare?items=ipad-air-11,ipad-pro-11,ipad-pro-13,ipad-mini",
	"/c/ipads/ipad-air-11?sort=helpful&stars=4",
	"/c/ipads/ipad-air-11?page=6",
	"/c/ipads/ipad-air-11?page=60",
	"/c/tellytubbies/po?stars=3",
	"/c/tellytubbies/noo-noo",
	"/c/tellytubbies/po?sort=cheapest",
	"/login",
	"/signup",
	"/password/forgot",
	"/nowhere",
	"/search?q=ipa",
	"/search?q=walrus",
	"/search?q=",
}

func TestEveryPageSignedOut(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	ctx := newTab(t)
	addUnreviewedItem(t, s)
	for _, path := range visitorPages {
		checkPage(t, ctx, path, open(t, ctx, s, path))
	}
	// The account forms with their errors: empty (an error beside each field) and, for sign-in,
	// a wrong password (the error on the form).
	for _, f := range []struct{ path, field, text string }{
		{"/login", "#email", ""},
		{"/login", "#email", "nobody@example.com"},
		{"/signup", "#email", ""},
	} {
		open(t, ctx, s, f.path)
		steps := []chromedp.Action[chromedp.Void]{chromedp.Submit(chromedp.CSS(f.field))}
		if f.text != "" {
			steps = []chromedp.Action[chromedp.Void]{chromedp.SendKeys(chromedp.CSS(f.field), f.text),
				chromedp.SendKeys(chromedp.CSS(`input[type="password"]`), "not the password"), steps[0]}
		}
		res := submit(t, ctx, steps...)
		if res.Status != 422 {
			t.Fatalf("%s sent with %q answered %d, want 422", f.path, f.text, res.Status)
		}
		checkPage(t, ctx, f.path+" with errors "+f.text, res)
	}
}

func TestEveryPageSignedIn(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	ctx := newTab(t)
	addUnreviewedItem(t, s)
	signUp(t, ctx, s, member{"lee@example.com", "Lee", "tubby custard machine 77"}, "/c/tellytubbies/po")
	for _, path := range append(visitorPages, "/account", "/c/tellytubbies/po#write-review") {
		checkPage(t, ctx, path, open(t, ctx, s, path))
	}
	// The review form with every error shown.
	open(t, ctx, s, "/c/tellytubbies/po")
	res := submit(t, ctx, chromedp.Submit(chromedp.CSS(`#summary`)))
	if res.Status != 422 {
		t.Fatalf("an empty review answered %d, want 422", res.Status)
	}
	checkPage(t, ctx, "review form with errors", res)

	// The account page's password form with an error beside each field.
	open(t, ctx, s, "/account")
	res = submit(t, ctx, chromedp.Submit(chromedp.CSS(`#current_password`)))
	if res.Status != 422 {
		t.Fatalf("an empty password change answered %d, want 422", res.Status)
	}
	checkPage(t, ctx, "account password form with errors", res)

	// A member with a review: the item page, the edit form and the delete confirmation.
	open(t, ctx, s, "/c/tellytubbies/po")
	submit(t, ctx,
		chromedp.Click(chromedp.CSS(`label[for="rating-3"]`)),
		chromedp.SendKeys(chromedp.CSS(`#summary`), "Middling"),
		chromedp.Submit(chromedp.CSS(`#summary`)))
	checkPage(t, ctx, "item page with the member's review", open(t, ctx, s, "/c/tellytubbies/po"))
	edit := eval[string](t, ctx, `document.querySelector('#write-review a[href$="/edit"]').getAttribute('href')`)
	checkPage(t, ctx, edit, open(t, ctx, s, edit))
	del := strings.TrimSuffix(edit, "/edit") + "/delete"
	checkPage(t, ctx, del, open(t, ctx, s, del))
}

// addUnreviewedItem adds an item nobody has reviewed yet, at /c/tellytubbies/noo-noo.
func addUnreviewedItem(t *testing.T, s *site) {
	t.Helper()
	ctx := context.Background()
	c, err := s.store.CategoryBySlug(ctx, "tellytubbies")
	if err != nil {
		t.Fatal(err)
	}
	it := store.Item{CategoryID: c.ID, Slug: "noo-noo", Name: "Noo-Noo", Description: "The vacuum cleaner.",
		Attributes: store.Attributes{"colour": "Blue"}}
	if err := s.store.CreateItem(ctx, &it); err != nil {
		t.Fatal(err)
	}
}
