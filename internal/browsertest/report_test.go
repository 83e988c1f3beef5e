package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReportReachesTheQueue: a member reports a review through the real form (a refused
// attempt first) and the admin finds it in the moderation queue, dismisses it, and the queue is
// empty again. Every page on the way keeps the rules every page keeps.
func TestReportReachesTheQueue(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	boss, lee := newTab(t), newTab(t)
	setUp(t, boss, s, member{"boss@example.com", "Boss", "tubby custard machine 77"})
	signUp(t, lee, s, member{"lee@example.com", "Lee", "tubby custard machine 77"}, "/c/tellytubbies/po")

	// The member's way: the link beside a review, the form, a refusal, the report.
	open(t, lee, s, "/c/tellytubbies/po")
	report := eval[string](t, lee, `document.querySelector('.review .report-link a').getAttribute('href')`)
	summary := eval[string](t, lee, `document.querySelector('.review .report-link a').closest('.review').querySelector('.review-summary').textContent`)
	checkPage(t, lee, report, open(t, lee, s, report))
	res := submit(t, lee, chromedp.Submit(chromedp.CSS(`#note`)))
	if res.Status != 422 {
		t.Fatalf("a report without a reason answered %d, want 422", res.Status)
	}
	checkPage(t, lee, "report form with errors", res)
	res = submit(t, lee,
		chromedp.Click(chromedp.CSS(`label[for="reason-spam"]`)),
		chromedp.SendKeys(chromedp.CSS(`#note`), "An advert for a shop."),
		chromedp.Submit(chromedp.CSS(`#note`)))
	if res.Status != 200 || !strings.Contains(res.URL, "/c/tellytubbies/po") {
		t.Fatalf("the report answered %d at %s", res.Status, res.URL)
	}
	if flash := eval[string](t, lee, `document.querySelector('.flash').textContent`); flash != "Thanks, an admin will look at it." {
		t.Errorf("after reporting the page says %q", flash)
	}

	// The admin's way: the nav's count, the queue, dismissal.
	checkPage(t, boss, "/admin/reports", open(t, boss, s, "/admin/reports"))
	text := eval[string](t, boss, `document.querySelector('main').textContent.replace(/\s+/g, ' ')`)
	for _, want := range []string{"Reports (1 waiting)", summary, "1 report", "Spam or advertising (1)", "An advert for a shop.", "Lee"} {
		if !strings.Contains(text, want) {
			t.Errorf("the queue does not show %q:\n%s", want, text)
		}
	}
	res = submit(t, boss, chromedp.Click(chromedp.CSS(`.report-queue .actions button`)))
	if res.Status != 200 || !strings.HasSuffix(res.URL, "/admin/reports") {
		t.Fatalf("dismiss answered %d at %s", res.Status, res.URL)
	}
	if text := eval[string](t, boss, `document.querySelector('main').textContent.replace(/\s+/g, ' ')`); !strings.Contains(text, "No reported reviews are waiting") ||
		!strings.Contains(text, "Reports (0 waiting)") {
		t.Errorf("after dismissal the queue shows:\n%s", text)
	}
}
