package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// postForm posts a form and returns the status, headers and body.
func (ts *testServer) postForm(t *testing.T, path string, form url.Values) (int, http.Header, string) {
	t.Helper()
	return ts.do(t, http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// reviewValues is a filled review form.
func reviewValues(rating, summary, details string) url.Values {
	return url.Values{"review[rating]": {rating}, "review[summary]": {summary}, "review[details]": {details}}
}

// mustItem returns a demo item.
func mustItem(t *testing.T, s *store.Store, line, slug string) store.Item {
	t.Helper()
	it, err := s.ItemBySlug(context.Background(), line, slug)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

var articleRE = regexp.MustCompile(`(?s)<article class="review" id="review-(\d+)"`)

// reviewIDs returns the ids of the reviews listed on a page, in order.
func reviewIDs(body string) []string {
	var ids []string
	for _, m := range articleRE.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestItemPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServer(t, s)
		tests := []struct {
			name     string
			path     string
			wantCode int
			want     []string
			wantNot  []string
			reviews  int // how many reviews the page lists; -1 to not check
		}{
			{"item", "/c/tellytubbies/po", 200, []string{
				"<title>Po · Tellytubbies · Starboard</title>", `<h1 itemprop="name">Po</h1>`,
				"The small red one with the scooter.", `<dt itemprop="name">colour</dt><dd itemprop="value">Red</dd>`,
				"Rated 4.0 out of 5, 4 reviews", `<p class="score" aria-hidden="true">4.0</p>`,
				`<a href="/c/tellytubbies/po?stars=5#reviews">5 stars</a>`, `<td class="num">75%</td>`, `<td class="num">25%</td>`,
				`<rect class="fill" width="75" height="10"></rect>`, `<th scope="row">4 stars</th>`,
				`itemtype="https://schema.org/Product"`, `itemprop="aggregateRating"`, `<meta itemprop="ratingValue" content="4.0">`,
				`<meta itemprop="reviewCount" content="4">`, `itemprop="review" itemscope itemtype="https://schema.org/Review"`,
				`<link rel="alternate" type="application/atom+xml" title="Reviews of Po" href="/c/tellytubbies/po/feed.atom">`,
				`href="/c/tellytubbies/feed.atom"`, `<a href="/c/tellytubbies">Tellytubbies</a>`,
				"Showing 1–4 of 4 reviews.", "Was this helpful?",
				`<a href="/login?next=%2Fc%2Ftellytubbies%2Fpo%23write-review">Sign in to write a review</a>`,
			}, []string{`name="review[rating]"`, "<script", "★", "page 1 of"}, 4},
			{"filtered by stars", "/c/tellytubbies/po?stars=1", 200,
				[]string{"Showing 1–1 of 1 review with 1 star.", `<option value="1" selected>1 star only</option>`, "Avoid", "Show all reviews"},
				[]string{"Love it"}, 1},
			{"filter with no match", "/c/tellytubbies/po?stars=3", 200, []string{"No review gives Po 3 stars."}, nil, 0},
			{"sorted", "/c/tellytubbies/po?sort=lowest", 200, []string{`<option value="lowest" selected>`}, nil, 4},
			{"no reviews yet", "/c/tellytubbies/laa-laa?stars=1", 200, []string{"No review gives Laa-Laa 1 star."}, nil, 0},
			{"first page of many", "/c/ipads/ipad-air-11", 200, []string{"Showing 1–20 of 105 reviews.", "Page 1 of 6",
				`<a href="/c/ipads/ipad-air-11?page=2#reviews" rel="next">`}, []string{`rel="prev"`}, 20},
			{"last page", "/c/ipads/ipad-air-11?page=6&sort=helpful", 200, []string{"Showing 101–105 of 105 reviews.", "Page 6 of 6",
				`<a href="/c/ipads/ipad-air-11?page=5&amp;sort=helpful#reviews" rel="prev">`}, []string{`rel="next"`}, 5},
			{"past the end", "/c/ipads/ipad-air-11?page=99", 200, []string{"There are no reviews on this page.",
				`<a href="/c/ipads/ipad-air-11#reviews">Go to the first page</a>`}, nil, 0},
			{"limit is not a page parameter", "/c/ipads/ipad-air-11?limit=100", 200, []string{"Showing 1–20 of 105"}, nil, 20},
			{"bad sort", "/c/tellytubbies/po?sort=random", 400, []string{"sort must be one of newest, highest, lowest, helpful."}, nil, -1},
			{"bad stars", "/c/tellytubbies/po?stars=6", 400, []string{"stars must be a whole number from 1 to 5."}, nil, -1},
			{"bad page", "/c/tellytubbies/po?page=0", 400, []string{"page must be a whole number"}, nil, -1},
			{"unknown item", "/c/tellytubbies/noo-noo", 404, []string{"There is nothing at this address."}, nil, -1},
			{"unknown line", "/c/toasters/po", 404, nil, nil, -1},
			{"item of another line", "/c/books/po", 404, nil, nil, -1},
		}
		for _, tt := range tests {
			code, h, body := ts.get(t, tt.path)
			if code != tt.wantCode {
				t.Errorf("%s: GET %s = %d, want %d", tt.name, tt.path, code, tt.wantCode)
				continue
			}
			if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", tt.name, ct)
			}
			for _, want := range tt.want {
				if !strings.Contains(body, want) {
					t.Errorf("%s: GET %s lacks %s", tt.name, tt.path, want)
				}
			}
			for _, bad := range tt.wantNot {
				if strings.Contains(body, bad) {
					t.Errorf("%s: GET %s has %s", tt.name, tt.path, bad)
				}
			}
			if n := len(reviewIDs(body)); tt.reviews >= 0 && n != tt.reviews {
				t.Errorf("%s: GET %s lists %d reviews, want %d", tt.name, tt.path, n, tt.reviews)
			}
		}
	})
}

func TestItemPageSortsAndPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServer(t, s)
		it := mustItem(t, s, "ipads", "ipad-air-11")
		for _, sort := range []store.ReviewSort{store.SortNewest, store.SortHighest, store.SortLowest, store.SortHelpful} {
			want, err := s.Reviews(context.Background(), store.ReviewQuery{ItemID: it.ID, Sort: sort, Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for p := 1; p <= 6; p++ {
				_, _, body := ts.get(t, "/c/ipads/ipad-air-11?sort="+string(sort)+"&page="+itoa(int64(p)))
				got = append(got, reviewIDs(body)...)
			}
			if len(got) != len(want) {
				t.Fatalf("sort %s: paged through %d reviews, want %d", sort, len(got), len(want))
			}
			for i := range want {
				if got[i] != itoa(want[i].ID) {
					t.Fatalf("sort %s: review %d is %s, want %d", sort, i, got[i], want[i].ID)
				}
			}
		}
		// Each filtered list holds only, and all, the reviews with that many stars.
		for k := 1; k <= 5; k++ {
			_, _, body := ts.get(t, "/c/ipads/ipad-air-11?stars="+itoa(int64(k)))
			if n := strings.Count(body, `<meta itemprop="ratingValue" content="`+itoa(int64(k))+`">`); n != min(it.Stats.Counts[k-1], 20) {
				t.Errorf("stars=%d lists %d reviews with %d stars, want %d", k, n, k, min(it.Stats.Counts[k-1], 20))
			}
			if n := len(reviewIDs(body)); n != min(it.Stats.Counts[k-1], 20) {
				t.Errorf("stars=%d lists %d reviews", k, n)
			}
		}
	})
}

func TestStarInputMarkup(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	withDemo(t, s)
	ts := newTestServer(t, s)
	ts.signInAs(t, newMember(t, s, "ann@example.com"))
	_, _, body := ts.get(t, "/c/tellytubbies/po")
	start := strings.Index(body, `<fieldset class="star-input"`)
	end := strings.Index(body, "</fieldset>")
	if start < 0 || end < start {
		t.Fatalf("no star input fieldset in:\n%s", body)
	}
	fs := body[start:end]
	if !strings.Contains(fs, "<legend>Your rating</legend>") {
		t.Error("the star input has no legend")
	}
	radio := regexp.MustCompile(`<input type="radio" id="rating-(\d)" name="review\[rating\]" value="(\d?)"( checked)?>\s*<label for="rating-(\d)"[^>]*>(?:<svg[^>]*><use href="/static/stars\.[0-9a-f]+\.svg#shape"(?:/>|></use>)</svg>)?<span class="star-name">([^<]+)</span></label>`)
	got := radio.FindAllStringSubmatch(fs, -1)
	want := []struct{ value, label string }{{"", "No rating"}, {"1", "1 star: Sucks big time"}, {"2", "2 stars: Kinda bad"},
		{"3", "3 stars: Meh"}, {"4", "4 stars: Pretty good"}, {"5", "5 stars: Rocks!"}}
	if len(got) != len(want) {
		t.Fatalf("found %d radios with labels, want 6:\n%s", len(got), fs)
	}
	for i, w := range want {
		m := got[i]
		if m[2] != w.value || m[5] != w.label || m[1] != m[4] {
			t.Errorf("radio %d = value %q label %q (id %s, for %s), want %q %q", i, m[2], m[5], m[1], m[4], w.value, w.label)
		}
		if checked := m[3] != ""; checked != (i == 0) {
			t.Errorf("radio %d checked = %v", i, checked)
		}
	}
	if strings.ContainsAny(body, "★☆") {
		t.Error("the page draws stars with glyphs")
	}
}

func TestReviewLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServer(t, s)
		ann := newMember(t, s, "ann@example.com")
		ts.signInAs(t, ann)
		ctx := context.Background()
		po := mustItem(t, s, "tellytubbies", "po")

		_, _, body := ts.get(t, "/c/tellytubbies/po")
		for _, want := range []string{`<form method="post" action="/c/tellytubbies/po/reviews" class="review-form" novalidate>`,
			`name="review[summary]"`, `name="review[details]"`, "Post your review", `<h2 id="write-title">Review Po</h2>`} {
			if !strings.Contains(body, want) {
				t.Errorf("signed-in item page lacks %s", want)
			}
		}

		code, h, _ := ts.postForm(t, "/c/tellytubbies/po/reviews", reviewValues("4", "  Squeaky and red  ", "Rides the scooter\r\nevery day."))
		if code != http.StatusSeeOther || h.Get("Location") != "/c/tellytubbies/po" {
			t.Fatalf("create = %d → %q", code, h.Get("Location"))
		}
		mine, err := s.ReviewByUser(ctx, po.ID, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		if mine.Rating != 4 || mine.Summary != "Squeaky and red" || mine.Details != "Rides the scooter\nevery day." {
			t.Errorf("saved %+v", mine)
		}
		id := itoa(mine.ID)
		_, _, body = ts.get(t, "/c/tellytubbies/po")
		for _, want := range []string{`<p class="flash" role="status">Thank you! Your review of Po is up.</p>`,
			"Rated 4.0 out of 5, 5 reviews", `<span id="your-review">Your review</span>`,
			`<a class="button secondary" href="/reviews/` + id + `/edit">Edit your review</a>`,
			`<a href="/reviews/` + id + `/delete">Delete it</a>`, `id="review-` + id + `"`, "Squeaky and red",
			`<a class="button secondary" href="#your-review">See your review</a>`} {
			if !strings.Contains(body, want) {
				t.Errorf("item page after review lacks %s", want)
			}
		}
		if strings.Contains(body, `action="/c/tellytubbies/po/reviews"`) {
			t.Error("a member who reviewed the item still gets the new review form")
		}
		if _, _, again := ts.get(t, "/c/tellytubbies/po"); strings.Contains(again, "Thank you!") {
			t.Error("the flash message shows twice")
		}

		// A second review of the same item (a double submit) is kindly refused.
		code, h, _ = ts.postForm(t, "/c/tellytubbies/po/reviews", reviewValues("1", "Changed my mind", ""))
		if code != http.StatusSeeOther || h.Get("Location") != "/c/tellytubbies/po#your-review" {
			t.Errorf("second review = %d → %q", code, h.Get("Location"))
		}
		if _, _, body := ts.get(t, "/c/tellytubbies/po"); !strings.Contains(body, "You have already reviewed Po") {
			t.Error("no message about the earlier review")
		}

		// Edit.
		code, _, body = ts.get(t, "/reviews/"+id+"/edit")
		for _, want := range []string{"<h1>Edit your review of Po</h1>", `value="4" checked>`, `value="Squeaky and red"`,
			">Rides the scooter\nevery day.</textarea>", "Save changes", `<a href="/reviews/` + id + `/delete">Delete this review instead</a>`} {
			if !strings.Contains(body, want) {
				t.Errorf("edit form lacks %q", want)
			}
		}
		if code != 200 {
			t.Errorf("edit form = %d", code)
		}
		code, _, body = ts.postForm(t, "/reviews/"+id+"/edit", reviewValues("", "ok", "kept text"))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose a rating from 1 to 5 stars.") ||
			!strings.Contains(body, "Write a summary of at least 3 characters.") || !strings.Contains(body, ">kept text</textarea>") {
			t.Errorf("invalid edit = %d:\n%s", code, body)
		}
		code, h, _ = ts.postForm(t, "/reviews/"+id+"/edit", reviewValues("2", "Scooter broke", ""))
		if code != http.StatusSeeOther || h.Get("Location") != "/c/tellytubbies/po" {
			t.Errorf("edit = %d → %q", code, h.Get("Location"))
		}
		po = mustItem(t, s, "tellytubbies", "po")
		if po.Stats.Counts != [5]int{1, 1, 0, 0, 3} {
			t.Errorf("counts after edit = %v", po.Stats.Counts)
		}
		if _, _, body := ts.get(t, "/c/tellytubbies/po"); !strings.Contains(body, "Your review of Po has been updated.") ||
			!strings.Contains(body, "Scooter broke") {
			t.Error("the item page does not show the edited review")
		}

		// Delete: a confirmation page, then the POST.
		code, _, body = ts.get(t, "/reviews/"+id+"/delete")
		if code != 200 || !strings.Contains(body, "<h1>Delete your review of Po?</h1>") ||
			!strings.Contains(body, `<form method="post" action="/reviews/`+id+`/delete"`) || !strings.Contains(body, "Scooter broke") {
			t.Errorf("delete confirmation = %d:\n%s", code, body)
		}
		code, h, _ = ts.postForm(t, "/reviews/"+id+"/delete", nil)
		if code != http.StatusSeeOther || h.Get("Location") != "/c/tellytubbies/po" {
			t.Errorf("delete = %d → %q", code, h.Get("Location"))
		}
		if _, err := s.Review(ctx, mine.ID); err == nil {
			t.Error("the review is still there")
		}
		_, _, body = ts.get(t, "/c/tellytubbies/po")
		if !strings.Contains(body, "Your review of Po has been deleted.") || !strings.Contains(body, "Rated 4.0 out of 5, 4 reviews") ||
			!strings.Contains(body, `action="/c/tellytubbies/po/reviews"`) {
			t.Error("after deleting, the item page does not offer the form again with the old stars")
		}
		if code, _, _ := ts.get(t, "/reviews/"+id+"/edit"); code != 404 {
			t.Errorf("edit a deleted review = %d", code)
		}
	})
}

func TestReviewValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServer(t, s)
		ann := newMember(t, s, "ann@example.com")
		ts.signInAs(t, ann)
		tests := []struct {
			name        string
			form        url.Values
			wantErrs    []string // fields with an error
			wantKept    []string // what the page shows again
			wantChecked string   // the radio checked again
		}{
			{"nothing", reviewValues("", "", ""), []string{"rating", "summary"}, nil, ""},
			{"no rating", reviewValues("", "Good enough", "Fine."), []string{"rating"},
				[]string{`value="Good enough"`, ">Fine.</textarea>"}, ""},
			{"rating zero", reviewValues("0", "Good enough", ""), []string{"rating"}, nil, ""},
			{"rating six", reviewValues("6", "Good enough", ""), []string{"rating"}, nil, ""},
			{"rating not a number", reviewValues("five", "Good enough", ""), []string{"rating"}, nil, ""},
			{"rating missing", url.Values{"review[summary]": {"Good enough"}}, []string{"rating"}, nil, ""},
			{"summary too short", reviewValues("3", "ok", ""), []string{"summary"}, []string{`value="ok"`}, "3"},
			{"summary only spaces", reviewValues("3", "      ", ""), []string{"summary"}, nil, "3"},
			{"summary too long", reviewValues("5", strings.Repeat("é", 121), ""), []string{"summary"}, nil, "5"},
			{"details too long", reviewValues("5", "Wordy", strings.Repeat("x", 10_001)), []string{"details"}, []string{"Wordy"}, "5"},
			{"summary with a NUL", reviewValues("5", "Null\x00byte", ""), []string{"summary"}, nil, "5"},
			{"details not UTF-8", reviewValues("5", "Bytes", "\xff\xfe"), []string{"details"}, nil, "5"},
		}
		for _, tt := range tests {
			code, _, body := ts.postForm(t, "/c/tellytubbies/po/reviews", tt.form)
			if code != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", tt.name, code)
				continue
			}
			if !strings.Contains(body, "<title>Error: Review Po · Starboard</title>") || !strings.Contains(body, `class="error-summary"`) {
				t.Errorf("%s: no error title or summary", tt.name)
			}
			for _, field := range []string{"rating", "summary", "details"} {
				has := strings.Contains(body, `id="`+field+`-error"`)
				if want := contains(tt.wantErrs, field); has != want {
					t.Errorf("%s: error beside %s = %v, want %v", tt.name, field, has, want)
				}
			}
			if contains(tt.wantErrs, "summary") && !strings.Contains(body, `aria-describedby="summary-hint summary-error" aria-invalid="true"`) {
				t.Errorf("%s: the summary field does not point at its error", tt.name)
			}
			for _, kept := range tt.wantKept {
				if !strings.Contains(body, kept) {
					t.Errorf("%s: the form lost %s", tt.name, kept)
				}
			}
			checked := regexp.MustCompile(`value="(\d?)" checked>`).FindStringSubmatch(body)
			if checked == nil || checked[1] != tt.wantChecked {
				t.Errorf("%s: checked radio = %v, want %q", tt.name, checked, tt.wantChecked)
			}
		}
		if _, err := s.ReviewByUser(context.Background(), mustItem(t, s, "tellytubbies", "po").ID, ann.ID); err == nil {
			t.Error("an invalid review was saved")
		}
		// The limits themselves are accepted.
		code, _, _ := ts.postForm(t, "/c/tellytubbies/po/reviews",
			reviewValues("5", strings.Repeat("é", 120), strings.Repeat("ü", 10_000)))
		if code != http.StatusSeeOther {
			t.Errorf("a review at the limits = %d", code)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestReviewAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ctx := context.Background()
		po := mustItem(t, s, "tellytubbies", "po")
		ann := newMember(t, s, "ann@example.com")
		rv := store.Review{ItemID: po.ID, UserID: ann.ID, Rating: 5, Summary: "Ann's own"}
		if err := s.CreateReview(ctx, &rv); err != nil {
			t.Fatal(err)
		}
		id := itoa(rv.ID)

		visitor := newTestServer(t, s)
		other := newTestServer(t, s)
		other.signInAs(t, newMember(t, s, "bob@example.com"))
		owner := newTestServer(t, s)
		owner.signInAs(t, ann)

		tests := []struct {
			name     string
			ts       *testServer
			method   string
			path     string
			form     url.Values
			wantCode int
			wantLoc  string
		}{
			{"visitor edit form", visitor, "GET", "/reviews/" + id + "/edit", nil, 303, "/login?next=%2Freviews%2F" + id + "%2Fedit"},
			{"visitor delete page", visitor, "GET", "/reviews/" + id + "/delete", nil, 303, "/login?next=%2Freviews%2F" + id + "%2Fdelete"},
			{"visitor edit", visitor, "POST", "/reviews/" + id + "/edit", reviewValues("1", "Hijacked", ""), 303, "/login?next=%2F"},
			{"visitor delete", visitor, "POST", "/reviews/" + id + "/delete", nil, 303, "/login?next=%2F"},
			{"visitor review", visitor, "POST", "/c/tellytubbies/po/reviews", reviewValues("1", "Anonymous", ""), 303, "/login?next=%2F"},
			{"visitor helpful", visitor, "POST", "/reviews/" + id + "/helpful", nil, 303, "/login?next=%2F"},
			{"other's edit form", other, "GET", "/reviews/" + id + "/edit", nil, 404, ""},
			{"other's edit", other, "POST", "/reviews/" + id + "/edit", reviewValues("1", "Hijacked", ""), 404, ""},
			{"other's delete page", other, "GET", "/reviews/" + id + "/delete", nil, 404, ""},
			{"other's delete", other, "POST", "/reviews/" + id + "/delete", nil, 404, ""},
			{"unknown review", owner, "GET", "/reviews/999999/edit", nil, 404, ""},
			{"malformed id", owner, "GET", "/reviews/abc/edit", nil, 404, ""},
			{"negative id", owner, "POST", "/reviews/-1/delete", nil, 404, ""},
			{"unknown review helpful", owner, "POST", "/reviews/999999/helpful", nil, 404, ""},
			{"review of unknown item", owner, "POST", "/c/tellytubbies/noo-noo/reviews", reviewValues("3", "Who?", ""), 404, ""},
			{"get on a POST route", owner, "GET", "/reviews/" + id + "/helpful", nil, 405, ""},
		}
		for _, tt := range tests {
			var code int
			var h http.Header
			if tt.method == "GET" {
				code, h, _ = tt.ts.get(t, tt.path)
			} else {
				code, h, _ = tt.ts.postForm(t, tt.path, tt.form)
			}
			if code != tt.wantCode || h.Get("Location") != tt.wantLoc {
				t.Errorf("%s: %s %s = %d → %q, want %d → %q", tt.name, tt.method, tt.path, code, h.Get("Location"), tt.wantCode, tt.wantLoc)
			}
		}
		after, err := s.Review(ctx, rv.ID)
		if err != nil || after.Summary != "Ann's own" || after.Rating != 5 || after.HelpfulCount != 0 {
			t.Errorf("the review changed: %+v, %v", after, err)
		}
		// The visitor's sign-in link from a POST brings them back to the page they were on.
		req, _ := http.NewRequest("POST", visitor.URL+"/reviews/"+id+"/helpful", nil)
		req.Header.Set("Referer", visitor.URL+"/c/tellytubbies/po?sort=helpful")
		res, err := visitor.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); loc != "/login?next=%2Fc%2Ftellytubbies%2Fpo%3Fsort%3Dhelpful" {
			t.Errorf("visitor's helpful vote → %q", loc)
		}
	})
}

func TestHelpfulVotes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ctx := context.Background()
		ts := newTestServer(t, s)
		ann := newMember(t, s, "ann@example.com")
		ts.signInAs(t, ann)
		po := mustItem(t, s, "tellytubbies", "po")
		reviews, err := s.Reviews(ctx, store.ReviewQuery{ItemID: po.ID, Sort: store.SortNewest, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		target := reviews[0]
		id := itoa(target.ID)
		next := "/c/tellytubbies/po?sort=newest#review-" + id

		code, h, _ := ts.postForm(t, "/reviews/"+id+"/helpful", url.Values{"next": {next}})
		if code != http.StatusSeeOther || h.Get("Location") != next {
			t.Fatalf("vote = %d → %q", code, h.Get("Location"))
		}
		_, _, body := ts.get(t, "/c/tellytubbies/po")
		if !strings.Contains(body, "Thank you! Your vote helps others") {
			t.Error("no thanks for the vote")
		}
		art := body[strings.Index(body, `id="review-`+id+`"`):]
		art = art[:strings.Index(art, "</article>")]
		if !strings.Contains(art, "You found this helpful.") || strings.Contains(art, "/helpful\"") {
			t.Errorf("the voted review still offers the button:\n%s", art)
		}

		code, h, _ = ts.postForm(t, "/reviews/"+id+"/helpful", url.Values{"next": {next}})
		if code != http.StatusSeeOther || h.Get("Location") != next {
			t.Errorf("second vote = %d → %q", code, h.Get("Location"))
		}
		if _, _, body := ts.get(t, "/c/tellytubbies/po"); !strings.Contains(body, "You have already marked this review helpful.") {
			t.Error("a second vote is not explained")
		}
		after, _ := s.Review(ctx, target.ID)
		if after.HelpfulCount != target.HelpfulCount+1 {
			t.Errorf("helpful count %d → %d, want one more", target.HelpfulCount, after.HelpfulCount)
		}

		// One's own review does not take one's vote.
		own := store.Review{ItemID: po.ID, UserID: ann.ID, Rating: 3, Summary: "Mine"}
		if err := s.CreateReview(ctx, &own); err != nil {
			t.Fatal(err)
		}
		code, h, _ = ts.postForm(t, "/reviews/"+itoa(own.ID)+"/helpful", nil)
		if code != http.StatusSeeOther || h.Get("Location") != "/c/tellytubbies/po#review-"+itoa(own.ID) {
			t.Errorf("own vote = %d → %q", code, h.Get("Location"))
		}
		if _, _, body := ts.get(t, "/c/tellytubbies/po"); !strings.Contains(body, "That is your own review") {
			t.Error("voting for one's own review is not explained")
		}
		if after, _ := s.Review(ctx, own.ID); after.HelpfulCount != 0 {
			t.Errorf("own vote counted: %d", after.HelpfulCount)
		}
		// next never leads off the site.
		rs, _ := s.Reviews(ctx, store.ReviewQuery{ItemID: po.ID, Sort: store.SortLowest, Limit: 1})
		code, h, _ = ts.postForm(t, "/reviews/"+itoa(rs[0].ID)+"/helpful", url.Values{"next": {"https://evil.example/phish"}})
		if code != http.StatusSeeOther || h.Get("Location") != "/phish" {
			t.Errorf("vote with an off-site next = %d → %q", code, h.Get("Location"))
		}
	})
}

func TestReviewTextIsEscaped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ctx := context.Background()
		po := mustItem(t, s, "tellytubbies", "po")
		mallory := store.User{Email: "m@example.com", DisplayName: `<img src=x onerror=alert(1)>`, PasswordHash: "!"}
		if err := s.CreateUser(ctx, &mallory); err != nil {
			t.Fatal(err)
		}
		rv := store.Review{ItemID: po.ID, UserID: mallory.ID, Rating: 1,
			Summary: `<script>alert("x")</script>"onmouseover="alert(1)`,
			Details: "javascript:alert(1)\n<a href=\"javascript:alert(2)\">click</a>\n\" onmouseover=\"alert(3)\" x=\""}
		if err := s.CreateReview(ctx, &rv); err != nil {
			t.Fatal(err)
		}
		ts := newTestServer(t, s)
		member := newTestServer(t, s)
		member.signInAs(t, newMember(t, s, "ann@example.com"))
		for _, c := range []*testServer{ts, member} {
			for _, path := range []string{"/c/tellytubbies/po", "/c/tellytubbies/po?stars=1"} {
				_, _, body := c.get(t, path)
				for _, bad := range []string{"<script", "<img src=x", `"onmouseover=`, `" onmouseover="`, `href="javascript:`, "<a href=\"javascript"} {
					if strings.Contains(body, bad) {
						t.Errorf("GET %s contains %s unescaped", path, bad)
					}
				}
				for _, good := range []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#34;onmouseover=&#34;alert(1)",
					"&lt;img src=x onerror=alert(1)&gt;", "javascript:alert(1)\n&lt;a href=&#34;javascript:alert(2)&#34;&gt;click&lt;/a&gt;"} {
					if !strings.Contains(body, good) {
						t.Errorf("GET %s lacks the escaped text %s", path, good)
					}
				}
			}
		}
		// The review's own pages and the feed escape it too.
		owner := newTestServer(t, s)
		owner.signInAs(t, mallory)
		for _, path := range []string{"/reviews/" + itoa(rv.ID) + "/edit", "/reviews/" + itoa(rv.ID) + "/delete"} {
			code, _, body := owner.get(t, path)
			if code != 200 || strings.Contains(body, "<script") || strings.Contains(body, `"onmouseover=`) {
				t.Errorf("GET %s = %d, or unescaped", path, code)
			}
		}
		for _, path := range []string{"/c/tellytubbies/po/feed.atom", "/c/tellytubbies/feed.atom"} {
			_, _, body := ts.get(t, path)
			if strings.Contains(body, "<script") || strings.Contains(body, "<img") || !strings.Contains(body, "&lt;script&gt;") {
				t.Errorf("feed %s does not escape the review", path)
			}
		}
	})
}

func TestItemPageWeight(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	withDemo(t, s)
	ts := newTestServer(t, s)
	ts.signInAs(t, newMember(t, s, "ann@example.com"))
	_, _, body := ts.get(t, "/c/ipads/ipad-air-11")
	if len(reviewIDs(body)) != 20 {
		t.Fatal("want a full page of reviews")
	}
	// Everything but the reviews themselves: the page with its form, the stylesheet and the sprite,
	// as they are and as gzip sends them (the server sends brotli or zstd to browsers that take
	// them, a little smaller still).
	withoutReviews := regexp.MustCompile(`(?s)<article class="review".*?</article>`).ReplaceAllString(body, "")
	parts := []string{withoutReviews}
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`/static/[a-z]+\.[0-9a-f]+\.(?:css|svg)`).FindAllString(body, -1) {
		if seen[m] {
			continue
		}
		seen[m] = true
		_, _, asset := ts.get(t, m)
		parts = append(parts, asset)
	}
	total, wire := 0, 0
	for _, p := range parts {
		total += len(p)
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(p))
		zw.Close()
		wire += buf.Len()
	}
	// The budget is what a phone on a slow network waits for (the wire), with a bound on what it
	// then parses.
	const wireLimit, parseLimit = 12 << 10, 40 << 10
	t.Logf("item page without reviews: %d bytes HTML + assets = %d bytes, %d gzipped (limits %d, %d)", len(withoutReviews), total, wire, parseLimit, wireLimit)
	if wire >= wireLimit {
		t.Errorf("the item page sends %d bytes gzipped without its reviews, want under %d", wire, wireLimit)
	}
	if total >= parseLimit {
		t.Errorf("the item page weighs %d bytes before compression without its reviews, want under %d", total, parseLimit)
	}
}

func TestSpreadOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		counts [5]int
		want   [5]int // percent, 5 stars first
	}{
		{[5]int{}, [5]int{}},
		{[5]int{1, 0, 0, 0, 3}, [5]int{75, 0, 0, 0, 25}},
		{[5]int{1, 1, 1, 0, 0}, [5]int{0, 0, 34, 33, 33}},
		{[5]int{0, 0, 0, 0, 7}, [5]int{100, 0, 0, 0, 0}},
		{[5]int{1, 1, 1, 1, 1}, [5]int{20, 20, 20, 20, 20}},
		{[5]int{2, 2, 6, 25, 70}, [5]int{66, 24, 6, 2, 2}},
	}
	for _, tt := range tests {
		rows := spreadOf(store.Item{CategorySlug: "l", Slug: "i", Stats: store.Stats{Counts: tt.counts}}, store.SortNewest)
		var got [5]int
		sum := 0
		for i, r := range rows {
			got[i] = r.Percent
			sum += r.Percent
			if r.Stars != 5-i || r.Count != tt.counts[4-i] || (r.Filter != "") != (r.Count > 0) {
				t.Errorf("%v: row %d = %+v", tt.counts, i, r)
			}
		}
		if got != tt.want {
			t.Errorf("spreadOf(%v) = %v, want %v", tt.counts, got, tt.want)
		}
		if total := tt.counts[0] + tt.counts[1] + tt.counts[2] + tt.counts[3] + tt.counts[4]; total > 0 && sum != 100 {
			t.Errorf("spreadOf(%v) adds up to %d", tt.counts, sum)
		}
	}
}

// TestSignInInvitationComesBack follows the item page's invitation to sign in: the sign-in and
// sign-up forms carry the way back to the review form.
func TestSignInInvitationComesBack(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	withDemo(t, s)
	ts := newTestServer(t, s)
	_, _, body := ts.get(t, "/c/tellytubbies/po")
	for _, link := range regexp.MustCompile(`<a href="(/(?:login|signup)\?next=[^"]+)">`).FindAllStringSubmatch(body, -1) {
		if !strings.Contains(link[1], "%23write-review") {
			continue
		}
		code, _, form := ts.get(t, strings.ReplaceAll(link[1], "&amp;", "&"))
		if code != 200 || !strings.Contains(form, `name="next" value="/c/tellytubbies/po#write-review"`) {
			t.Errorf("GET %s = %d without the way back", link[1], code)
		}
	}
	if n := strings.Count(body, "%23write-review"); n != 2 {
		t.Errorf("%d invitation links, want sign in and sign up", n)
	}
}
