package web

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// withSmallLines adds a line with no items and a line with one unreviewed item to the demo.
func withSmallLines(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	empty := store.Category{Slug: "toasters", Name: "Toasters"}
	kettles := store.Category{Slug: "kettles", Name: "Kettles"}
	for _, c := range []*store.Category{&empty, &kettles} {
		if err := s.CreateCategory(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	it := store.Item{CategoryID: kettles.ID, Slug: "whistler", Name: `The "Whistler" <3`}
	if err := s.CreateItem(ctx, &it); err != nil {
		t.Fatal(err)
	}
}

func TestVerdictPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		withSmallLines(t, s)
		ts := newTestServer(t, s)
		const html, problem = "text/html; charset=utf-8", "application/problem+json"
		tests := []struct {
			name     string
			path     string
			wantCode int
			wantType string
			wantBody []string
			notBody  []string
		}{
			{"home names and links each pick", "/", 200, html, []string{
				`<li class="line-card verdict-pick"><img class="line-card-picture" src="/pictures/`,
				`<h2><a href="/c/ipads">iPads</a></h2><p class="verdict-kicker">Our pick</p><p class="line-card-who"><a href="/c/ipads/ipad-air-11">iPad Air 11&#34;</a><span class="stars">`,
				`Rated 4.5 out of 5, 105 reviews`,
				`<p class="verdict-kicker">Too close to call</p><p class="line-card-who"><a href="/c/books/pride-and-prejudice">Pride and Prejudice</a>, <a href="/c/books/nineteen-eighty-four">Nineteen Eighty-Four</a> or <a href="/c/books/to-kill-a-mockingbird">To Kill a Mockingbird</a></p>`,
				`<p class="verdict-why">Pride and Prejudice is 50% likely the best of the 5 in this line, Nineteen Eighty-Four 39% and To Kill a Mockingbird 7%; the other 2 together 5%.</p>`,
				`<p class="verdict-kicker">Not enough reviews yet</p><p class="verdict-why">We judge an item once it has 5 reviews, and none has so far.</p>`,
				`<p class="verdict-newcomers">Too new to judge: Tinky Winky (3 reviews), Po (4 reviews), Dipsy (3 reviews) and Laa-Laa (2 reviews).</p>`,
				`<p class="verdict-why">4.5 stars from 105 reviews, 99% likely the best of the 6 in this line.</p>`,
				`6 items · 421 reviews`, `0 items · 0 reviews`, `1 item · 0 reviews`,
				`href="/c/books/compare?items=pride-and-prejudice,nineteen-eighty-four,to-kill-a-mockingbird"`,
				`Nobody has added an item to this line yet.`,
			}, []string{
				// No sentence said twice: the card's headline is not repeated by its reason.
				`Tell your friends to buy`, `Too close to call between`, `Not enough reviews yet:`,
			}},
			{"clear pick", "/c/ipads", 200, html, []string{
				`<h1>iPads</h1>`,
				`class="verdict-box verdict-pick"`,
				`<h2 id="verdict-heading"><a href="/c/ipads/ipad-air-11">iPad Air 11&#34;</a></h2>`,
				`<dt>Runner-up</dt>`, `<a href="/c/ipads/ipad-pro-11">iPad Pro 11&#34;</a>: 4.0 stars from 74 reviews`,
				`<p class="verdict-kicker">Our pick</p>`,
				`<p class="verdict-reason">4.5 stars from 105 reviews, 99% likely the best of the 6 in this line.</p>`,
				`<dt>Best value</dt>`, `<a href="/c/ipads/ipad">iPad</a>: 3.8 stars for $349, the most stars for the money`,
				`<th scope="col">Price</th>`, `<td class="num" data-label="Price">$1,299</td>`, `<td class="num" data-label="Price">$599</td>`,
				// One rating column: the plain average with the score beside it, and a legend.
				`<th scope="col" aria-describedby="lineup-legend">Rating and score</th>`,
				`<span aria-hidden="true"> 4.5</span> <span class="lineup-score">score 4.5</span>`,
				`<p class="lineup-legend" id="lineup-legend"><strong>Rating</strong> is the plain average`,
				`<th scope="row"><img class="lineup-picture" src="/pictures/`, `<a href="/c/ipads/ipad-mini">iPad mini</a>`,
				`<td class="num" data-label="Reviews">105</td>`,
				`Rated 4.5 out of 5, 105 reviews`,
				`aria-label="Spread of 105 ratings: 70 five-star, 25 four-star, 6 three-star, 2 two-star, 2 one-star"`,
				`<span class="lineup-range-text">4.3 to 4.6</span>`, `class="lineup-interval"`,
				`<form method="get" action="/c/ipads/compare"`, `<input type="checkbox" name="items" value="ipad-mini"`,
				`<a href="/c/ipads" aria-current="page">Recommended</a>`,
			}, []string{"Careful:", "Too close to call", `<th scope="col">Score</th>`, "Tell your friends to buy"}},
			{"too close", "/c/books", 200, html, []string{
				`class="verdict-box verdict-too_close"`, `<p class="verdict-kicker">Too close to call</p>`,
				`<h2 id="verdict-heading"><a href="/c/books/pride-and-prejudice">Pride and Prejudice</a>, <a href="/c/books/nineteen-eighty-four">Nineteen Eighty-Four</a> or <a href="/c/books/to-kill-a-mockingbird">To Kill a Mockingbird</a></h2>`,
				`Pride and Prejudice is 50% likely the best of the 5 in this line, Nineteen Eighty-Four 39% and To Kill a Mockingbird 7%; the other 2 together 5%.`,
				`href="/c/books/compare?items=pride-and-prejudice,nineteen-eighty-four,to-kill-a-mockingbird"`,
			}, []string{`<th scope="col">Price</th>`, `<dt>Best value</dt>`, `<dt>Runner-up</dt>`, `Our pick</p>`}},
			{"not enough reviews", "/c/tellytubbies", 200, html, []string{
				`class="verdict-box verdict-not_enough_reviews"`, `<p class="verdict-kicker">Not enough reviews yet</p>`,
				`<h2 id="verdict-heading">No pick until an item has 5 reviews</h2>`,
				`We judge an item once it has 5 reviews, and none has so far.`,
				`<p class="verdict-newcomers">Too new to judge: Tinky Winky (3 reviews), Po (4 reviews), Dipsy (3 reviews) and Laa-Laa (2 reviews).</p>`,
				`Few reviews`,
			}, []string{"Careful:", `Our pick</p>`}},
			{"no items", "/c/toasters", 200, html, []string{`<p class="verdict-kicker">No pick yet</p>`, `No items yet</h2>`, `No items in this line yet.`}, []string{"<table", `Our pick</p>`}},
			{"page past the last", "/c/books?page=99", 404, html, []string{"nothing at this address"}, nil},
			{"page 2 of a one-page line", "/c/ipads?page=2", 404, html, nil, nil},
			{"page 1 of an empty line", "/c/toasters?page=1", 200, html, nil, nil},
			{"one unreviewed item", "/c/kettles", 200, html, []string{
				`The &#34;Whistler&#34; &lt;3 has no reviews`, `No reviews yet`, `<td class="num" data-label="Reviews">0</td>`,
			}, []string{`<3`}},
			{"conservative sort", "/c/ipads?sort=conservative", 200, html, []string{
				`aria-current="page">Safest bet</a>`, `by safest bet.`}, nil},
			{"average sort warns about few reviews", "/c/tellytubbies?sort=average", 200, html, []string{
				`aria-current="page">Average rating</a>`, `Careful:`,
				`Tinky Winky (3 reviews), Po (4 reviews), Dipsy (3 reviews) and Laa-Laa (2 reviews) have fewer than 10.`,
				`<a href="/c/tellytubbies">recommended order</a>`}, nil},
			{"average sort without few reviews", "/c/ipads?sort=average", 200, html, []string{`by average rating.`}, []string{"Careful:"}},
			{"reviews sort", "/c/ipads?sort=reviews", 200, html, []string{`aria-current="page">Most reviewed</a>`}, nil},
			{"bad sort", "/c/ipads?sort=cheapest", 400, html, []string{"sort must be one of recommended, conservative, average, reviews."}, nil},
			{"empty sort is the default", "/c/ipads?sort=", 200, html, []string{`aria-current="page">Recommended</a>`}, nil},
			{"unknown line", "/c/toasters-and-kettles", 404, html, []string{"nothing at this address"}, nil},

			{"compare", "/c/books/compare?items=pride-and-prejudice,nineteen-eighty-four,dune", 200, html, []string{
				`<h1>Compare Pride and Prejudice vs Nineteen Eighty-Four vs Dune</h1>`,
				// The item most likely to be the best is marked, above and in its column.
				`<p class="compare-best"><span class="lineup-badge">Most likely the best</span> <a href="/c/books/pride-and-prejudice">Pride and Prejudice</a>: at least 56% likely to be better than each of the others.</p>`,
				`<th scope="col" class="compare-best-col"><img class="compare-picture" src="/pictures/`, `<a href="/c/books/pride-and-prejudice">Pride and Prejudice</a>`,
				// Three items: the head-to-head is a grid, P(row beats column).
				`<caption>How likely the item in each row is to be truly better than the item in each column</caption>`,
				`<thead><tr><td></td><th scope="col">Pride and Prejudice</th><th scope="col">Nineteen Eighty-Four</th><th scope="col">Dune</th></tr></thead>`,
				`<tr class="compare-best-row"><th scope="row">Pride and Prejudice</th><td class="num compare-self"><span aria-hidden="true">—</span><span class="visually-hidden">itself</span></td><td class="num compare-likely">56%</td><td class="num compare-likely">95%</td></tr>`,
				`<tr><th scope="row">Nineteen Eighty-Four</th><td class="num">44%</td>`,
				`<tr><th scope="row">Dune</th><td class="num">5%</td><td class="num">6%</td>`,
				`<th scope="col"><img class="compare-picture" src="/pictures/`, `<a href="/c/books/dune">Dune</a> </th>`,
				// Attribute names capitalised as on the item page (the same CSS).
				`<tr><th scope="row" class="compare-attr">author</th><td data-label="Pride and Prejudice">Jane Austen</td><td data-label="Nineteen Eighty-Four">George Orwell</td><td data-label="Dune">Frank Herbert</td></tr>`,
				`<tr><th scope="row" class="compare-attr">year</th><td data-label="Pride and Prejudice">1813</td><td data-label="Nineteen Eighty-Four">1949</td><td data-label="Dune">1965</td></tr>`,
				`<th scope="row">Rating and score</th>`,
				`<caption class="visually-hidden">Spread of 42 ratings: 15 five-star, 12 four-star, 8 three-star, 4 two-star, 3 one-star</caption>`,
				`<td class="num">15</td><td class="num">36%</td>`,
			}, []string{`class="compare-matchups"`, `class=""`, `<th scope="row">Score</th>`}},
			{"compare from the checkboxes", "/c/ipads/compare?items=ipad&items=ipad-mini", 200, html, []string{
				`<h1>Compare iPad vs iPad mini</h1>`,
				`<p class="compare-matchup">Too close to tell apart: iPad is only 61% likely to be better than iPad mini.</p>`,
				`<a href="/c/ipads/ipad">iPad</a>: 61% likely to be better than iPad mini.</p>`,
				`<tr><th scope="row" class="compare-attr">price</th><td data-label="iPad">$349</td><td data-label="iPad mini">$499</td></tr>`,
			}, []string{`class="compare-grid"`}},
			{"compare mixes both forms and drops repeats", "/c/ipads/compare?items=ipad,ipad-mini&items=ipad&items=ipad-air-11", 200, html,
				[]string{`<h1>Compare iPad vs iPad mini vs iPad Air 11&#34;</h1>`}, nil},
			{"compare missing attribute", "/c/ipads/compare?items=ipad,ipad-mini", 200, html, []string{`<th scope="row" class="compare-attr">chip</th>`}, nil},
			{"compare with too few reviews", "/c/tellytubbies/compare?items=po,laa-laa", 200, html, []string{
				`Too early to tell: Laa-Laa has 2 reviews and Po has 4 reviews. So far Laa-Laa is 51% likely to be better than Po.`}, nil},
			{"compare one item", "/c/ipads/compare?items=ipad", 400, html, []string{
				`items must name 2 to 4 items to compare; it names only one.`,
				`<input type="checkbox" name="items" value="ipad" id="compare-ipad" checked>`,
				`<input type="checkbox" name="items" value="ipad-mini" id="compare-ipad-mini">`}, nil},
			{"compare nothing", "/c/ipads/compare", 400, html, []string{`it names none.`}, nil},
			{"compare blanks", "/c/ipads/compare?items=,+,", 400, html, []string{`it names none.`}, nil},
			{"compare five", "/c/ipads/compare?items=ipad,ipad-mini,ipad-air-11,ipad-air-13,ipad-pro-11", 400, html,
				[]string{`it names more than 4.`}, nil},
			{"compare one item twice", "/c/ipads/compare?items=ipad,ipad", 400, html, []string{`it names only one.`}, nil},
			{"compare unknown item", "/c/ipads/compare?items=ipad,toaster", 404, html, []string{`There is no item &#34;toaster&#34; in iPads.`}, nil},
			{"compare item of another line", "/c/ipads/compare?items=ipad,dune", 404, html, []string{`There is no item &#34;dune&#34; in iPads.`}, nil},
			{"compare in unknown line", "/c/toaster/compare?items=a,b", 404, html, []string{"nothing at this address"}, nil},

			{"api compare", "/api/v1/categories/ipads/compare?items=ipad-mini,ipad-air-11", 200, "application/json", []string{
				`"head_to_head":[{"better":"ipad-air-11","worse":"ipad-mini",`,
				`"summary":"iPad Air 11\" is almost certainly better than iPad mini (99% likely)."`,
				`"items":[{"rank":6,"item":{`, `"price":"499"`, `"lower_bound":`}, nil},
			{"api compare repeated", "/api/v1/categories/ipads/compare?items=ipad-mini&items=ipad-air-11", 200, "application/json",
				[]string{`"better":"ipad-air-11"`}, nil},
			{"api compare one item", "/api/v1/categories/ipads/compare?items=ipad", 400, problem, []string{`"field":"items"`, `only one`}, nil},
			{"api compare nothing", "/api/v1/categories/ipads/compare", 400, problem, []string{`"field":"items"`}, nil},
			{"api compare five", "/api/v1/categories/ipads/compare?items=a,b,c,d,e", 400, problem, []string{`"field":"items"`, `more than 4`}, nil},
			{"api compare unknown item", "/api/v1/categories/ipads/compare?items=ipad,zzz", 404, problem, []string{`"field":"items"`, `There is no item \"zzz\" in iPads.`}, nil},
			{"api compare unknown line", "/api/v1/categories/zzz/compare?items=a,b", 404, problem, []string{`"status":404`}, nil},
			{"api best value may be the pick", "/api/v1/categories/ipads", 200, "application/json", []string{`"best_value":`}, nil},
		}
		for _, tt := range tests {
			code, h, body := ts.get(t, tt.path)
			if code != tt.wantCode {
				t.Errorf("%s: GET %s = %d, want %d:\n%s", tt.name, tt.path, code, tt.wantCode, body)
				continue
			}
			if got := h.Get("Content-Type"); got != tt.wantType {
				t.Errorf("%s: Content-Type %q, want %q", tt.name, got, tt.wantType)
			}
			if strings.Contains(strings.ToLower(body), "<script") {
				t.Errorf("%s: the page has a script", tt.name)
			}
			for _, want := range tt.wantBody {
				if !strings.Contains(body, want) {
					t.Errorf("%s: GET %s lacks %s", tt.name, tt.path, want)
				}
			}
			for _, unwanted := range tt.notBody {
				if strings.Contains(body, unwanted) {
					t.Errorf("%s: GET %s has %s", tt.name, tt.path, unwanted)
				}
			}
		}
	})
}

// TestVerdictNewcomers checks that an item too new to judge neither blocks nor takes the call, and
// that the home page, the line page and the API name it beside the verdict, with the pick's chance
// of being the best of the items with enough reviews.
func TestVerdictNewcomers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ctx := context.Background()
		ipads, err := s.CategoryBySlug(ctx, "ipads")
		if err != nil {
			t.Fatal(err)
		}
		ultra := store.Item{CategoryID: ipads.ID, Slug: "ipad-ultra", Name: "iPad Ultra"}
		if err := s.CreateItem(ctx, &ultra); err != nil {
			t.Fatal(err)
		}
		ts := newTestServer(t, s)
		const sentence = `4.5 stars from 105 reviews, 99% likely the best of the 6 with enough reviews.`
		const tooNew = `<p class="verdict-newcomers">Too new to judge: iPad Ultra (no reviews).</p>`
		for _, path := range []string{"/", "/c/ipads"} {
			code, _, body := ts.get(t, path)
			if code != 200 || !strings.Contains(body, sentence) || !strings.Contains(body, tooNew) {
				t.Errorf("GET %s: %d, want the pick's sentence\n  %s\nand\n  %s", path, code, sentence, tooNew)
			}
		}
		code, _, body := ts.get(t, "/api/v1/categories/ipads")
		var got struct {
			Verdict struct {
				Kind        string
				Pick        int64
				Probability float64
				Judged      []int64
				Newcomers   []int64
				TooNew      string `json:"too_new"`
			}
		}
		if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil {
			t.Fatalf("GET /api/v1/categories/ipads: %d, %v", code, err)
		}
		v := got.Verdict
		if v.Kind != "pick" || v.Probability < 0.99 || len(v.Judged) != 6 || !slices.Equal(v.Newcomers, []int64{ultra.ID}) ||
			v.TooNew != "Too new to judge: iPad Ultra (no reviews)." || slices.Contains(v.Judged, ultra.ID) || v.Pick == ultra.ID {
			t.Errorf("verdict = %+v, want a pick at 0.99 or more of 6 judged items, iPad Ultra (%d) a newcomer", v, ultra.ID)
		}
	})
}

// TestLineOrders checks each sort puts the rows in its order.
func TestLineOrders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServer(t, s)
		tests := []struct {
			path string
			want []string
		}{
			{"/c/ipads", []string{"ipad-air-11", "ipad-pro-11", "ipad-pro-13", "ipad-air-13", "ipad", "ipad-mini"}},
			{"/c/ipads?sort=reviews", []string{"ipad-air-11", "ipad", "ipad-pro-11", "ipad-air-13", "ipad-pro-13", "ipad-mini"}},
			{"/c/books?sort=average", []string{"pride-and-prejudice", "nineteen-eighty-four", "to-kill-a-mockingbird", "the-hobbit", "dune"}},
			{"/c/tellytubbies?sort=conservative", []string{"tinky-winky", "dipsy", "laa-laa", "po"}},
		}
		for _, tt := range tests {
			code, _, body := ts.get(t, tt.path)
			if code != 200 {
				t.Fatalf("GET %s = %d", tt.path, code)
			}
			var got []string
			for _, part := range strings.Split(body, `<input type="checkbox" name="items" value="`)[1:] {
				got = append(got, part[:strings.IndexByte(part, '"')])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("GET %s: rows %q, want %q", tt.path, got, tt.want)
			}
		}
	})
}

// TestAPICompare checks the compare API's numbers agree with the line's ranking.
func TestAPICompare(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withDemo(t, s)
		ts := newTestServer(t, s)
		slugs := []string{"dune", "pride-and-prejudice", "the-hobbit", "nineteen-eighty-four"}
		code, _, body := ts.get(t, "/api/v1/categories/books/compare?items="+url.QueryEscape(strings.Join(slugs, ",")))
		if code != 200 {
			t.Fatalf("compare = %d %s", code, body)
		}
		var res struct {
			Category   apiCategory
			Items      []apiRanked
			HeadToHead []apiMatchup `json:"head_to_head"`
		}
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatal(err)
		}
		_, _, lineBody := ts.get(t, "/api/v1/categories/books")
		var line struct{ Ranking []apiRanked }
		if err := json.Unmarshal([]byte(lineBody), &line); err != nil {
			t.Fatal(err)
		}
		if res.Category.Slug != "books" || len(res.Items) != len(slugs) {
			t.Fatalf("compare answered %+v", res)
		}
		for i, it := range res.Items {
			if it.Item.Slug != slugs[i] {
				t.Errorf("item %d is %s, want %s (the order asked for)", i, it.Item.Slug, slugs[i])
			}
			j := slices.IndexFunc(line.Ranking, func(r apiRanked) bool { return r.Item.ID == it.Item.ID })
			if j < 0 || line.Ranking[j].Score != it.Score || line.Ranking[j].Rank != it.Rank || line.Ranking[j].Lower != it.Lower {
				t.Errorf("%s: compare says %+v, the line says %+v", it.Item.Slug, it, line.Ranking[j])
			}
		}
		if len(res.HeadToHead) != 6 {
			t.Fatalf("%d pairs, want 6", len(res.HeadToHead))
		}
		pairs := map[[2]string]bool{}
		for _, m := range res.HeadToHead {
			if m.Probability < 0.5 || m.Probability > 1 || m.Summary == "" || m.Better == m.Worse {
				t.Errorf("pair %+v", m)
			}
			pairs[[2]string{min(m.Better, m.Worse), max(m.Better, m.Worse)}] = true
			rankOf := func(slug string) int {
				return res.Items[slices.Index(slugs, slug)].Rank
			}
			if rankOf(m.Better) > rankOf(m.Worse) {
				t.Errorf("pair %+v: the better one ranks lower", m)
			}
		}
		if len(pairs) != 6 {
			t.Errorf("pairs %v, want every pair once", pairs)
		}
	})
}

func FuzzCompareItems(f *testing.F) {
	for _, s := range []string{"", "a,b", "a, b ,c", "a,a", ",,,", "a,b,c,d,e", "a%2Cb", "items=a&items=b"} {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, first, second string) {
		slugs := compareItems(url.Values{"items": {first, second}})
		msg := checkCompareItems(slugs)
		if msg == "" && (len(slugs) < minCompare || len(slugs) > maxCompare) {
			t.Fatalf("accepted %q", slugs)
		}
		if msg != "" && !strings.HasPrefix(msg, "items ") {
			t.Fatalf("message %q does not name the parameter", msg)
		}
		for i, s := range slugs {
			if s == "" || s != strings.TrimSpace(s) || strings.Contains(s, ",") || slices.Contains(slugs[:i], s) {
				t.Fatalf("slugs %q: bad slug %q", slugs, s)
			}
		}
	})
}

// TestCompareNeverCertain: the compare page's chances are a model's, so none reads 100% (or 0%),
// however far apart the items are, as the verdict's sentences never do.
func TestCompareNeverCertain(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	withDemo(t, s)
	ts := newTestServer(t, s)
	code, _, body := ts.get(t, "/c/ipads/compare?items=ipad-air-11,ipad-pro-11,ipad-mini")
	if code != 200 || !strings.Contains(body, "99%") {
		t.Fatalf("compare = %d, want the near-certain pair at 99%%", code)
	}
	for _, bad := range []string{">100%<", ">0%<", "at least 100%"} {
		if strings.Contains(body, bad) {
			t.Errorf("compare says %q", bad)
		}
	}
}
