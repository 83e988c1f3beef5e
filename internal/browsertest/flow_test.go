package browsertest

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// requestLog records, in order, every request the tab sends.
type requestLog struct {
	mu   sync.Mutex
	list []string // "POST http://…/path"
}

func logRequests(t *testing.T, ctx context.Context) *requestLog {
	t.Helper()
	l := &requestLog{}
	// Listen sees the events in the order the browser sends them, before the command that
	// follows them returns, so a request caused by a click is logged before the next step runs.
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			u, _ := url.Parse(e.Request.URL)
			if u != nil && strings.Contains(u.Path, "/favicon.") {
				return // the browser fetches the icon in its own time, whatever the page does
			}
			l.mu.Lock()
			l.list = append(l.list, e.Request.Method+" "+e.Request.URL)
			l.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	return l
}

func (l *requestLog) since(mark int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.list[mark:]...)
}

func (l *requestLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.list)
}

// active describes the focused element: "radio review[rating]=4 checked", "text review[summary]".
func active(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `(() => { const e = document.activeElement;
		return (e.type || e.tagName.toLowerCase()) + ' ' + (e.name || '') + (e.type === 'radio' ? '=' + e.value + (e.checked ? ' checked' : '') : '') })()`)
}

// litStars returns which of the five stars of the star input are painted as chosen.
func litStars(t *testing.T, ctx context.Context) string {
	t.Helper()
	// Finish the short colour transitions first, so the styles read are the final ones.
	return eval[string](t, ctx, `(() => {
		document.getAnimations().forEach(a => a.finish());
		return [1, 2, 3, 4, 5].map(k => {
			const fill = getComputedStyle(document.querySelector('label[for="rating-' + k + '"] svg')).fill;
			return fill === 'none' || fill === 'transparent' || fill === 'rgba(0, 0, 0, 0)' ? '.' : '*';
		}).join('') })()`)
}

// shownRatingName returns the name of the rating shown beside the stars.
func shownRatingName(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `[...document.querySelectorAll('.star-row .star-name')]
		.filter(e => e.getBoundingClientRect().width > 1).map(e => e.textContent).join('|')`)
}

// press sends keys to the focused element.
func press(t *testing.T, ctx context.Context, keys string) {
	t.Helper()
	do(t, ctx, chromedp.KeyEvent(keys))
}

// TestReviewByKeyboard signs up, writes a review choosing 4 stars with the keyboard only, sees it
// with 4 stars, edits it to 2 stars with the mouse, and deletes it. No click on a star sends a
// request: the rating goes with the form.
func TestReviewByKeyboard(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	ctx := newTab(t)
	reqs := logRequests(t, ctx)
	signUp(t, ctx, s, member{"kim@example.com", "Kim", "purple scooter tubby custard"}, "/c/tellytubbies/po")

	// From the form's heading, Tab reaches the star input: the checked "No rating" radio.
	open(t, ctx, s, "/c/tellytubbies/po#write-review")
	for i := 0; i < 5 && !strings.HasPrefix(active(t, ctx), "radio"); i++ {
		press(t, ctx, kb.Tab)
	}
	if got := active(t, ctx); got != "radio review[rating]= checked" {
		t.Fatalf("Tab from the form's heading focuses %q, want the checked No rating radio", got)
	}
	if got := litStars(t, ctx); got != "....." {
		t.Errorf("no rating lights %q", got)
	}
	if got := shownRatingName(t, ctx); got != "No rating" {
		t.Errorf("no rating is named %q beside the stars", got)
	}
	if outline := eval[string](t, ctx, `getComputedStyle(document.querySelector('.star-row')).outlineStyle`); outline == "none" {
		t.Error("the focused No rating radio shows no focus ring on the stars")
	}

	mark := reqs.len()
	for k := 1; k <= 4; k++ {
		press(t, ctx, kb.ArrowRight)
		want := "radio review[rating]=" + string(rune('0'+k)) + " checked"
		if got := active(t, ctx); got != want {
			t.Fatalf("ArrowRight %d times: focus on %q, want %q", k, got, want)
		}
	}
	if got := litStars(t, ctx); got != "****." {
		t.Errorf("4 stars chosen, lit %q", got)
	}
	if got := shownRatingName(t, ctx); got != "4 stars: Pretty good" {
		t.Errorf("4 stars are named %q beside the stars", got)
	}
	if outline := eval[string](t, ctx, `getComputedStyle(document.querySelector('label[for="rating-4"]')).outlineStyle`); outline == "none" {
		t.Error("the focused star has no focus ring")
	}
	// Native radio order: Left lowers, Right raises; Down raises and Up lowers as in any radio group.
	for _, step := range []struct{ key, want string }{{kb.ArrowLeft, "3"}, {kb.ArrowRight, "4"}, {kb.ArrowUp, "3"}, {kb.ArrowDown, "4"}} {
		press(t, ctx, step.key)
		if got := active(t, ctx); got != "radio review[rating]="+step.want+" checked" {
			t.Errorf("after %q: %q, want %s stars", step.key, got, step.want)
		}
	}

	press(t, ctx, kb.Tab)
	if got := active(t, ctx); got != "text review[summary]" {
		t.Fatalf("Tab from the stars focuses %q, want the summary", got)
	}
	press(t, ctx, "Squeaky, red and fast")
	press(t, ctx, kb.Tab)
	press(t, ctx, "Rides the scooter every day.")
	press(t, ctx, kb.Tab)
	if got := active(t, ctx); got != "submit " {
		t.Fatalf("Tab from the details focuses %q, want the submit button", got)
	}
	if sent := reqs.since(mark); len(sent) != 0 {
		t.Errorf("choosing stars and typing sent requests before submit: %v", sent)
	}
	res := submit(t, ctx, chromedp.KeyEvent(kb.Enter))
	if sent := reqs.since(mark); len(sent) == 0 || sent[0] != "POST "+s.URL+"/c/tellytubbies/po/reviews" {
		t.Errorf("the first request after choosing stars is %v, want the form's POST", sent)
	}
	if res.Status != 200 || res.URL != s.URL+"/c/tellytubbies/po" {
		t.Fatalf("after submitting: %d %s", res.Status, res.URL)
	}
	if flash := eval[string](t, ctx, `document.querySelector('.flash').textContent`); flash != "Thank you! Your review of Po is up." {
		t.Errorf("flash %q", flash)
	}
	mine := `document.querySelector('#write-review .review-quote')`
	if got := eval[string](t, ctx, mine+`.querySelector('.stars .visually-hidden').textContent`); got != "Rated 4 out of 5" {
		t.Errorf("the member's review reads %q", got)
	}
	if got := eval[string](t, ctx, `[...`+mine+`.querySelectorAll('.stars use')].map(u => u.getAttribute('href').split('#')[1][0]).join('')`); got != "ffffe" {
		t.Errorf("the member's review shows stars %q, want 4 full and 1 empty", got)
	}
	saveScreenshot(t, ctx, "chromium-item-after-review")

	// Edit to 2 stars, choosing with the mouse; clicks send nothing until "Save changes".
	submit(t, ctx, chromedp.Click(chromedp.CSS(`#write-review a[href$="/edit"]`)))
	if got := eval[string](t, ctx, `document.querySelector('input[name="review[rating]"]:checked').value`); got != "4" {
		t.Fatalf("the edit form has %q stars checked, want 4", got)
	}
	mark = reqs.len()
	for _, k := range []string{"5", "1", "2"} {
		do(t, ctx, chromedp.Click(chromedp.CSS(`label[for="rating-`+k+`"]`)))
	}
	if got := litStars(t, ctx); got != "**..." {
		t.Errorf("2 stars clicked, lit %q", got)
	}
	if sent := reqs.since(mark); len(sent) != 0 {
		t.Errorf("clicking stars sent requests: %v", sent)
	}
	saveScreenshot(t, ctx, "chromium-edit-form")
	res = submit(t, ctx, chromedp.Click(chromedp.CSS(`.review-form button[type="submit"]`)))
	if sent := reqs.since(mark); len(sent) == 0 || !strings.HasPrefix(sent[0], "POST "+s.URL+"/reviews/") {
		t.Errorf("the first request after clicking stars is %v, want the form's POST", sent)
	}
	if res.URL != s.URL+"/c/tellytubbies/po" {
		t.Fatalf("after saving: %d %s", res.Status, res.URL)
	}
	if got := eval[string](t, ctx, mine+`.querySelector('.stars .visually-hidden').textContent`); got != "Rated 2 out of 5" {
		t.Errorf("the edited review reads %q", got)
	}

	// Delete, through the confirmation page.
	res = submit(t, ctx, chromedp.Click(chromedp.CSS(`#write-review a[href$="/delete"]`)))
	if !strings.HasSuffix(res.URL, "/delete") || eval[string](t, ctx, `document.querySelector('h1').textContent`) != "Delete your review of Po?" {
		t.Fatalf("the delete link leads to %s", res.URL)
	}
	saveScreenshot(t, ctx, "chromium-delete-confirmation")
	res = submit(t, ctx, chromedp.Click(chromedp.CSS(`button.danger`)))
	if res.URL != s.URL+"/c/tellytubbies/po" {
		t.Fatalf("after deleting: %s", res.URL)
	}
	if flash := eval[string](t, ctx, `document.querySelector('.flash').textContent`); flash != "Your review of Po has been deleted." {
		t.Errorf("flash %q", flash)
	}
	if eval[bool](t, ctx, mine+` !== null`) || !eval[bool](t, ctx, `document.querySelector('#write-review form') !== null`) {
		t.Error("after deleting, the page still shows the review instead of the form")
	}
}
