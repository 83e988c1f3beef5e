package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// TestReportReview: a member reports another's review once through the form; the author and
// visitors cannot; bad input comes back beside its field, kept.
func TestReportReview(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAdminFixture(t, s)
		bobC, visitor := f.ts.clientFor(t, f.bob), f.ts.newClient()
		id := itoa(f.bobReview.ID)
		report, item := "/reviews/"+id+"/report", "/c/tubbies/dipsy"
		link := `href="` + report + `"`

		// The control: for other members only.
		if _, body := f.page(t, f.annC, item); !strings.Contains(body, link) {
			t.Errorf("Ann sees no report link on %s", item)
		}
		for name, c := range map[string]*http.Client{"author": bobC, "visitor": visitor} {
			if _, body := f.page(t, c, item); strings.Contains(body, link) {
				t.Errorf("the %s sees a report link", name)
			}
		}
		if code, h, _ := f.ts.send(t, visitor, http.MethodGet, report, nil); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Errorf("visitor GET %s = %d to %q, want sign-in", report, code, h.Get("Location"))
		}
		if code, _, _ := f.ts.send(t, visitor, http.MethodPost, report, url.Values{"reason": {"spam"}}); code != http.StatusSeeOther {
			t.Errorf("visitor POST %s = %d", report, code)
		}
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			code, _, body := f.ts.send(t, bobC, m, report, url.Values{"reason": {"spam"}})
			if code != http.StatusForbidden || !strings.Contains(body, "That is your own review") {
				t.Errorf("author %s %s = %d", m, report, code)
			}
		}
		if code, _ := f.page(t, f.annC, "/reviews/999999/report"); code != http.StatusNotFound {
			t.Errorf("report of no review = %d", code)
		}

		// The form, and its errors beside the fields with the input kept.
		code, body := f.page(t, f.annC, report)
		if code != 200 || !strings.Contains(body, "Too green") || strings.Count(body, `type="radio" id="reason-`) != 4 ||
			!strings.Contains(body, `<label for="reason-off-topic">Not about this item</label>`) || !strings.Contains(body, `name="note"`) {
			t.Fatalf("report form = %d\n%s", code, body)
		}
		long := strings.Repeat("é", ReportNoteMax+1)
		code, _, body = f.form(t, f.annC, report, url.Values{"note": {long}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="reason-error"`) || !strings.Contains(body, "Choose why you are reporting") ||
			!strings.Contains(body, `id="note-error"`) || !strings.Contains(body, "Keep the note to 500 characters or fewer; it has 501.") ||
			!strings.Contains(body, ">"+long+"</textarea>") || !strings.Contains(body, "<title>Error: ") {
			t.Errorf("bad report = %d\n%s", code, body)
		}
		code, _, body = f.form(t, f.annC, report, url.Values{"reason": {"rude"}, "note": {"Rude!"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose one of the reasons listed") || !strings.Contains(body, ">Rude!</textarea>") {
			t.Errorf("unknown reason = %d", code)
		}
		code, h, _ := f.form(t, f.annC, report, url.Values{"reason": {"off-topic"}, "note": {"  About Po, not Dipsy.  "}})
		if code != http.StatusSeeOther || h.Get("Location") != item+"#review-"+id {
			t.Fatalf("report = %d to %q", code, h.Get("Location"))
		}
		if msg := f.flashOn(t, f.annC, item); msg != "Thanks, an admin will look at it." {
			t.Errorf("flash after report = %q", msg)
		}

		// Once: the page and a second POST say so; the item page says so instead of the link.
		if _, body := f.page(t, f.annC, report); !strings.Contains(body, "You have already reported this review.") || strings.Contains(body, `<form method="post" action="`+report) {
			t.Errorf("report page after reporting:\n%s", body)
		}
		f.form(t, f.annC, report, url.Values{"reason": {"abuse"}})
		if msg := f.flashOn(t, f.annC, item); msg != "You have already reported this review. Thanks, an admin will look at it." {
			t.Errorf("flash after a second report = %q", msg)
		}
		if _, body := f.page(t, f.annC, item); strings.Contains(body, link) || !strings.Contains(body, "You reported this review.") {
			t.Error("the item page still offers Ann the report link")
		}
		rr, err := s.ReportedReview(context.Background(), f.bobReview.ID)
		if err != nil || rr.Count() != 1 || rr.Reports[0].Reason != store.ReasonOffTopic || rr.Reports[0].Note != "About Po, not Dipsy." {
			t.Errorf("stored = %+v, %v", rr, err)
		}
	})
}

// TestReportQueue: the admins' queue lists reported reviews oldest first with their counts,
// reasons and notes; dismissing keeps the review, removing it recounts the item's stars.
func TestReportQueue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAdminFixture(t, s)
		carol := newMember(t, s, "carol@example.com")
		annReview := store.Review{ItemID: f.po.ID, UserID: f.ann.ID, Rating: 1, Summary: "Buy cheap pills", Details: strings.Repeat("Visit my shop. ", 40)}
		if err := s.CreateReview(ctx, &annReview); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			client *http.Client
			review int64
			reason string
			note   string
		}{
			{f.annC, f.bobReview.ID, "abuse", "Calls Dipsy names"},
			{f.ts.clientFor(t, carol), annReview.ID, "spam", "An advert"},
			{f.ts.clientFor(t, f.bob), annReview.ID, "spam", ""},
			{f.adminC, annReview.ID, "other", ""},
		} {
			if code, _, body := f.form(t, c.client, "/reviews/"+itoa(c.review)+"/report", url.Values{"reason": {c.reason}, "note": {c.note}}); code != http.StatusSeeOther {
				t.Fatalf("report = %d\n%s", code, body)
			}
		}
		if code, _ := f.page(t, f.annC, "/admin/reports"); code != http.StatusNotFound {
			t.Errorf("a member's GET /admin/reports = %d, want 404", code)
		}
		if _, body := f.page(t, f.adminC, "/admin"); !strings.Contains(body, `<a href="/admin/reports">Reports (2<span class="visually-hidden"> waiting</span>)</a>`) {
			t.Errorf("admin nav has no open count:\n%s", body)
		}
		code, body := f.page(t, f.adminC, "/admin/reports")
		green, pills := strings.Index(body, "Too green"), strings.Index(body, "Buy cheap pills")
		if code != 200 || green < 0 || pills < green || !strings.Contains(body, "Abusive, hateful or harassing (1)") ||
			!strings.Contains(body, "<strong>3 reports</strong>") || !strings.Contains(body, "Spam or advertising (2), Something else (1)") ||
			!strings.Contains(body, "<q>An advert</q>") || !strings.Contains(body, "<q>Calls Dipsy names</q>") ||
			!strings.Contains(body, "Visit my shop. Visit my shop.") || !strings.Contains(body, "…") ||
			!strings.Contains(body, `href="/c/tubbies/po#review-`+itoa(annReview.ID)+`"`) || !strings.Contains(body, `aria-current="page">Reports (2`) {
			t.Fatalf("queue = %d\n%s", code, body)
		}

		// Dismiss: the reports close, the review stays.
		code, h, _ := f.form(t, f.adminC, "/admin/reports/"+itoa(f.bobReview.ID)+"/dismiss", url.Values{})
		if code != http.StatusSeeOther || h.Get("Location") != "/admin/reports" {
			t.Fatalf("dismiss = %d to %q", code, h.Get("Location"))
		}
		if msg := f.flashOn(t, f.adminC, "/admin/reports"); msg != "Dismissed 1 report of bob’s review of Dipsy; the review stays." {
			t.Errorf("flash after dismiss = %q", msg)
		}
		if log, _, err := s.AuditLog(ctx, store.AuditQuery{Limit: 5}); err != nil || len(log) == 0 || log[0].Action != store.ActionReportDismiss ||
			log[0].Target.ID != f.bobReview.ID || log[0].Detail != "1 report dismissed; the review stays" {
			t.Errorf("audit log after dismiss: %+v, %v", log, err)
		}
		if _, body := f.page(t, f.adminC, "/admin/reports"); strings.Contains(body, "Too green") || !strings.Contains(body, "Reports (1<") {
			t.Error("the dismissed review is still in the queue")
		}
		if _, err := s.Review(ctx, f.bobReview.ID); err != nil {
			t.Errorf("dismissed review: %v", err)
		}
		if code, _, _ := f.form(t, f.adminC, "/admin/reports/"+itoa(f.bobReview.ID)+"/dismiss", url.Values{}); code != http.StatusNotFound {
			t.Errorf("dismissing again = %d, want 404", code)
		}

		// Remove, through the existing confirmation, back to the queue.
		confirm := "/admin/reviews/" + itoa(annReview.ID) + "/remove"
		code, body = f.page(t, f.adminC, confirm+"?next=/admin/reports")
		if code != 200 || !strings.Contains(body, `action="`+confirm+`?next=%2Fadmin%2Freports"`) || !strings.Contains(body, `<a href="/admin/reports">Cancel`) {
			t.Fatalf("confirm = %d\n%s", code, body)
		}
		wantItemCounts(t, s, f.po.ID, [5]int{1, 0, 0, 0, 0})
		code, h, _ = f.form(t, f.adminC, confirm+"?next=%2Fadmin%2Freports", url.Values{})
		if code != http.StatusSeeOther || h.Get("Location") != "/admin/reports" {
			t.Fatalf("remove = %d to %q", code, h.Get("Location"))
		}
		wantItemCounts(t, s, f.po.ID, [5]int{})
		if _, body := f.page(t, f.adminC, "/admin/reports"); !strings.Contains(body, "No reported reviews are waiting") || !strings.Contains(body, "Reports (0<") {
			t.Errorf("queue after removal:\n%s", body)
		}
		if _, body := f.page(t, f.ts.newClient(), "/c/tubbies/po"); strings.Contains(body, "Buy cheap pills") || !strings.Contains(body, "Nobody has reviewed Po yet.") {
			t.Error("the removed review is still on Po's page")
		}
		// Elsewhere, the removal still goes back to the item's admin page.
		if code, h, _ := f.form(t, f.adminC, "/admin/reviews/"+itoa(f.bobReview.ID)+"/remove?next=https://evil.example/", url.Values{}); code != http.StatusSeeOther ||
			h.Get("Location") != "/admin/items/"+itoa(f.dipsy.ID) {
			t.Errorf("remove with a foreign next = %d to %q", code, h.Get("Location"))
		}
	})
}

// TestReportQueuePages: the queue pages like the member list.
func TestReportQueuePages(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	f := newAdminFixture(t, s)
	for i := range adminReportsPerPage + 1 {
		u := newMember(t, s, "fan"+itoa(int64(i))+"@example.com")
		rv := store.Review{ItemID: f.po.ID, UserID: u.ID, Rating: 5, Summary: "Fan number " + itoa(int64(i))}
		if err := s.CreateReview(ctx, &rv); err != nil {
			t.Fatal(err)
		}
		if err := s.ReportReview(ctx, &store.Report{ReviewID: rv.ID, UserID: f.ann.ID, Reason: store.ReasonSpam}); err != nil {
			t.Fatal(err)
		}
	}
	_, body := f.page(t, f.adminC, "/admin/reports")
	if n := strings.Count(body, `class="report-entry"`); n != adminReportsPerPage || !strings.Contains(body, `href="/admin/reports?page=2" rel="next"`) {
		t.Errorf("page 1 has %d entries", n)
	}
	_, body = f.page(t, f.adminC, "/admin/reports?page=2")
	if n := strings.Count(body, `class="report-entry"`); n != 1 || !strings.Contains(body, "Fan number "+itoa(adminReportsPerPage)) {
		t.Errorf("page 2 has %d entries", n)
	}
	if _, body := f.page(t, f.adminC, "/admin/reports?page=9"); !strings.Contains(body, "There are no reported reviews on this page") {
		t.Error("a page past the end does not say so")
	}
	if code, _ := f.page(t, f.adminC, "/admin/reports?page=x"); code != http.StatusBadRequest {
		t.Errorf("page=x = %d", code)
	}
}

// TestReportRateLimit: a member who reports too much is told to wait, by the form and the API,
// on both databases.
func TestReportRateLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAdminFixture(t, s)
		f.ts.srv.opt.ReportLimit = auth.Limit{Attempts: 2, Window: time.Hour}
		var reviews []store.Review
		for i := range 4 {
			u := newMember(t, s, "writer"+itoa(int64(i))+"@example.com")
			rv := store.Review{ItemID: f.po.ID, UserID: u.ID, Rating: 3, Summary: "Review number " + itoa(int64(i))}
			if err := s.CreateReview(ctx, &rv); err != nil {
				t.Fatal(err)
			}
			reviews = append(reviews, rv)
		}
		for _, rv := range reviews[:2] {
			if code, _, _ := f.form(t, f.annC, "/reviews/"+itoa(rv.ID)+"/report", url.Values{"reason": {"spam"}}); code != http.StatusSeeOther {
				t.Fatalf("report = %d", code)
			}
		}
		code, h, body := f.form(t, f.annC, "/reviews/"+itoa(reviews[2].ID)+"/report", url.Values{"reason": {"other"}, "note": {"Kept"}})
		if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" || !strings.Contains(body, "You have sent a lot of reports") ||
			!strings.Contains(body, ">Kept</textarea>") || !strings.Contains(body, `value="other" checked`) {
			t.Errorf("third report = %d, Retry-After %q\n%s", code, h.Get("Retry-After"), body)
		}
		code, h, body = f.ts.call(t, f.annTok, "POST", "/api/v1/reviews/"+itoa(reviews[3].ID)+"/reports", `{"reason": "spam"}`)
		if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" || !strings.Contains(body, "Too many reports") {
			t.Errorf("API report past the limit = %d %s", code, body)
		}
		if _, err := s.ReportedReview(ctx, reviews[2].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the refused report was stored: %v", err)
		}
		// Another member is not held back by Ann's count.
		if code, _, _ := f.ts.call(t, f.bobTok, "POST", "/api/v1/reviews/"+itoa(reviews[3].ID)+"/reports", `{"reason": "spam"}`); code != http.StatusCreated {
			t.Errorf("Bob's report = %d", code)
		}
	})
}
