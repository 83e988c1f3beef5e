package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/starboard/starboard/internal/lineup"
	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
)

// fewReviews is the review count below which an item's raw average swings a lot; the average
// sort warns about items under it.
const fewReviews = 10

// axisPad is the room, in percent of a drawing's width, left at each end of the 1-5 axis so that
// tick labels and round bar ends are not cut off.
const axisPad = 4.0

// axisX returns where a star value lies across a drawing, in percent: 1 star at axisPad, 5
// stars at 100 − axisPad. Values outside 1..5 (a lower bound may fall below 1) are clamped.
func axisX(v float64) float64 {
	if math.IsNaN(v) {
		v = 1
	}
	v = min(max(v, 1), 5)
	return round2(axisPad + (v-1)/4*(100-2*axisPad))
}

// axisTick is one labelled value of the shared 1-5 axis.
type axisTick struct {
	Value int
	X     float64 // percent across
}

var axisTicks = func() []axisTick {
	ticks := make([]axisTick, 5)
	for i := range ticks {
		ticks[i] = axisTick{Value: i + 1, X: axisX(float64(i + 1))}
	}
	return ticks
}()

// interval is an item's likely true rating, μ ± 1.65σ, placed on the shared axis.
type interval struct {
	From, Width, Mark float64 // percent across: bar start, bar width, μ
	Low, High         float64 // the range in stars, clamped to 1..5, for the text
	Ticks             []axisTick
}

// spreadBar is one star value of an item's spread of ratings.
type spreadBar struct {
	Stars   int
	Count   int
	Percent int     // share of the item's reviews, rounded
	Fill    float64 // count as a percent of the item's largest count, for drawing
	Rest    float64 // 100 − Fill
	X       float64 // left edge of this bar in the small five-bar drawing, percent
}

var starWords = [5]string{"one-star", "two-star", "three-star", "four-star", "five-star"}

// itemView is one ranked item as the line, compare and home pages show it.
type itemView struct {
	ID          int64
	Slug        string
	Name        string
	Href        string
	Rank        int // place in the recommended order
	Reviews     int
	Average     float64 // raw mean of the ratings, 0 without reviews
	Mean        float64 // posterior μ, the score
	Attributes  store.Attributes
	Price       string // the price attribute as entered, "" without one
	Few         bool   // fewer than fewReviews reviews
	Range       interval
	Spread      []spreadBar // 5 stars first
	SpreadLabel string      // the spread in words, the drawing's text alternative
	Picture     pictureView // the item's main picture, or the placeholder (line-up and compare)
}

func newItemView(line string, rk rank.Ranked, it store.Item) *itemView {
	v := &itemView{ID: rk.ID, Slug: it.Slug, Name: rk.Name, Href: "/c/" + line + "/" + it.Slug, Rank: rk.Rank,
		Reviews: rk.N, Average: rk.Counts.Mean(), Mean: rk.Mean, Attributes: it.Attributes,
		Price: it.Attributes["price"], Few: rk.N < fewReviews}
	from, to := axisX(rk.Lower), axisX(rk.Upper)
	v.Range = interval{From: from, Width: round2(to - from), Mark: axisX(rk.Mean),
		Low: min(max(rk.Lower, 1), 5), High: min(max(rk.Upper, 1), 5), Ticks: axisTicks}
	largest := slices.Max(rk.Counts[:])
	words := make([]string, 0, 5)
	for k := 5; k >= 1; k-- {
		n := max(rk.Counts[k-1], 0)
		b := spreadBar{Stars: k, Count: n, X: float64(k-1)*20 + 2}
		if rk.N > 0 {
			b.Percent = int(math.Round(100 * float64(n) / float64(rk.N)))
		}
		if largest > 0 {
			b.Fill = round2(100 * float64(n) / float64(largest))
		}
		b.Rest = round2(100 - b.Fill)
		v.Spread = append(v.Spread, b)
		words = append(words, fmt.Sprintf("%d %s", n, starWords[k-1]))
	}
	v.SpreadLabel = "Spread of " + plural(rk.N, "rating", "ratings") + ": " + strings.Join(words, ", ")
	return v
}

// lineViewsFor returns views of the given ranked items, in their order, and by item id the same
// views plus those of every item the verdict names, so that a page of the line-up costs its own
// items and not the whole line.
func lineViewsFor(l lineup.Line, ranked []rank.Ranked) ([]*itemView, map[int64]*itemView) {
	list := make([]*itemView, len(ranked))
	byID := make(map[int64]*itemView, len(ranked)+4)
	for i, rk := range ranked {
		list[i] = newItemView(l.Category.Slug, rk, l.Items[rk.ID])
		byID[rk.ID] = list[i]
	}
	need := []*rank.Ranked{l.Verdict.Pick, l.Verdict.RunnerUp, l.Verdict.BestValue}
	for i := range l.Verdict.Tied {
		need = append(need, &l.Verdict.Tied[i])
	}
	for _, n := range need {
		if n == nil || byID[n.ID] != nil {
			continue
		}
		// Shown with its place in the current order, as on the page that lists it.
		for _, rk := range l.Ranked {
			if rk.ID == n.ID {
				byID[n.ID] = newItemView(l.Category.Slug, rk, l.Items[rk.ID])
				break
			}
		}
	}
	return list, byID
}

// lineViews returns the line's items in display order, and the same views by item id.
func lineViews(l lineup.Line) ([]*itemView, map[int64]*itemView) {
	list := make([]*itemView, len(l.Ranked))
	byID := make(map[int64]*itemView, len(l.Ranked))
	for i, rk := range l.Ranked {
		list[i] = newItemView(l.Category.Slug, rk, l.Items[rk.ID])
		byID[rk.ID] = list[i]
	}
	return list, byID
}

// linkedName is an item in a running list of names: Sep is what goes before it ("", ", " or
// " and "), so templates can write "A, B and C" with each name a link.
type linkedName struct {
	Sep  string
	Item *itemView
}

func linkedNames(items []*itemView) []linkedName {
	out := make([]linkedName, len(items))
	for i, it := range items {
		out[i].Item = it
		switch {
		case i == 0:
		case i == len(items)-1:
			out[i].Sep = " and "
		default:
			out[i].Sep = ", "
		}
	}
	return out
}

// verdictView is a line's verdict with its items ready to link.
type verdictView struct {
	Kind                      rank.Kind
	Reason                    string
	Why                       string // Reason without its headline
	TooNew                    string // names the items too new to judge, "" without any
	Pick, RunnerUp, BestValue *itemView
	Tied                      []linkedName
	// Leaders are the items the verdict is about: the tie, or the top two.
	Leaders     []linkedName
	CompareHref string // the leaders side by side, "" with fewer than two
}

func newVerdictView(line string, v rank.Verdict, byID map[int64]*itemView) verdictView {
	view := func(r *rank.Ranked) *itemView {
		if r == nil {
			return nil
		}
		return byID[r.ID]
	}
	out := verdictView{Kind: v.Kind, Reason: v.Reason, Why: v.Why, TooNew: v.TooNew, Pick: view(v.Pick), RunnerUp: view(v.RunnerUp), BestValue: view(v.BestValue)}
	var tied, leaders []*itemView
	for _, t := range v.Tied {
		tied = append(tied, byID[t.ID])
	}
	if len(tied) > 0 {
		leaders = tied
	} else if out.Pick != nil && out.RunnerUp != nil {
		leaders = []*itemView{out.Pick, out.RunnerUp}
	}
	out.Tied, out.Leaders = linkedNames(tied), linkedNames(leaders)
	if len(leaders) >= minCompare {
		out.CompareHref = compareHref(line, leaders[:min(len(leaders), maxCompare)])
	}
	return out
}

func compareHref(line string, items []*itemView) string {
	slugs := make([]string, len(items))
	for i, it := range items {
		slugs[i] = url.QueryEscape(it.Slug)
	}
	return "/c/" + line + "/compare?items=" + strings.Join(slugs, ",")
}

// sortLink is one choice of order on the line page.
type sortLink struct {
	Label   string
	Href    string
	Current bool
}

var sortLabels = []struct {
	sort  rank.Sort
	label string
}{
	{rank.SortRecommended, "Recommended"},
	{rank.SortConservative, "Safest bet"},
	{rank.SortAverage, "Average rating"},
	{rank.SortReviews, "Most reviewed"},
}

// linePage is what lines.html shows.
type linePage struct {
	Category  store.Category
	Counts    string
	Verdict   verdictView
	Sort      rank.Sort
	SortLabel string
	Sorts     []sortLink
	Items     []*itemView
	Ticks     []axisTick
	Few       []linkedName // items with few reviews, warned about under the average sort
	FewUnder  int          // what "few" means
	Priced    bool         // some item has a price
	From, To  int          // the places of the first and last item shown, 1-based
	Pager     pager
}

// money returns a price in the line's currency: "$599".
func (p linePage) money(price string) string { return money(price, p.Category.Currency) }

// linePageSize is how many items one page of the line-up shows: the verdict and the top of the
// ranking come first, the rest a link away.
const linePageSize = 25

// line shows a product line: the verdict first, then the ranked line-up with a compare form.
func (srv *Server) line(w http.ResponseWriter, r *http.Request) error {
	sort, err := parseLineSort(r)
	if err != nil {
		return err
	}
	pg, field, msg := parsePageValues("", r.URL.Query().Get("page"), linePageSize)
	if field != "" {
		return problemOf(http.StatusBadRequest, field, msg)
	}
	l, err := srv.lines.Line(r.Context(), r.PathValue("line"), sort)
	if err != nil {
		return err
	}
	pg.Total = len(l.Ranked)
	if pg.Page > pg.Pages() {
		return fmt.Errorf("web: line page %d of %d: %w", pg.Page, pg.Pages(), store.ErrNotFound)
	}
	// Visitors who are not signed in all see the same page: it is kept, rendered, until the
	// line's stamp (read by srv.lines.Line) changes.
	anonymous := srv.anonymous(r)
	stamp := lineStamp(l.Category.Stamp())
	if anonymous && srv.serveKept(w, r, "lines", r.URL.RequestURI(), stamp) {
		return nil
	}
	from, to := min(pg.offset(), len(l.Ranked)), min(pg.offset()+pg.Limit, len(l.Ranked))
	items, byID := lineViewsFor(l, l.Ranked[from:to])
	if err := srv.itemPictures(r.Context(), items, lineupPictureWidth); err != nil {
		return err
	}
	p := linePage{Category: l.Category, Counts: countsText(l.Category), Verdict: newVerdictView(l.Category.Slug, l.Verdict, byID),
		Sort: sort, Items: items, Ticks: axisTicks, FewUnder: fewReviews}
	if len(items) > 0 {
		p.From, p.To = from+1, to
	}
	p.Pager = pagerFor(pg, func(n int) string { return lineURL(l.Category.Slug, sort, n) })
	for _, s := range sortLabels {
		href := lineURL(l.Category.Slug, s.sort, 1)
		p.Sorts = append(p.Sorts, sortLink{Label: s.label, Href: href, Current: s.sort == sort})
		if s.sort == sort {
			p.SortLabel = strings.ToLower(s.label)
		}
	}
	var few []*itemView
	for _, it := range items {
		p.Priced = p.Priced || it.Price != ""
		if it.Few {
			few = append(few, it)
		}
	}
	if sort == rank.SortAverage {
		p.Few = linkedNames(few)
	}
	title := l.Category.Name + ": which one to buy"
	if pg.Page > 1 {
		title += fmt.Sprintf(" · page %d", pg.Page)
	}
	canonical := srv.canonicalURL(r, "/c/"+url.PathEscape(l.Category.Slug), pg.Page)
	if anonymous {
		return srv.renderKept(w, r, "lines", view{Title: title, Data: p, Canonical: canonical}, stamp)
	}
	return srv.render(w, r, http.StatusOK, "lines", view{Title: title, Data: p, Canonical: canonical})
}

// lineURL returns the address of one page of a line-up in one order.
func lineURL(line string, sort rank.Sort, page int) string {
	u := "/c/" + line
	sep := "?"
	if sort != rank.SortRecommended && sort != "" {
		u += sep + "sort=" + string(sort)
		sep = "&"
	}
	if page > 1 {
		u += sep + "page=" + strconv.Itoa(page)
	}
	return u
}

// isPick reports whether the item is the line's pick (a named pick, not a leader of a tie).
func (p linePage) isPick(it *itemView) bool {
	return p.Verdict.Kind == rank.KindPick && p.Verdict.Pick != nil && p.Verdict.Pick.ID == it.ID
}

// badge is a word beside an item's name in the line-up.
type badge struct{ label, class string }

// badges returns what the verdict says of the item, in a few words: our pick, runner-up, too
// close to call, best value, few reviews.
func (p linePage) badges(it *itemView) []badge {
	var out []badge
	v := p.Verdict
	if p.isPick(it) {
		out = append(out, badge{"Our pick", ""})
	}
	if v.Kind == rank.KindPick && v.RunnerUp != nil && v.RunnerUp.ID == it.ID {
		out = append(out, badge{"Runner-up", "quiet"})
	}
	for _, t := range v.Tied {
		if t.Item.ID == it.ID {
			out = append(out, badge{"Too close to call", "quiet"})
		}
	}
	if v.BestValue != nil && v.BestValue.ID == it.ID {
		out = append(out, badge{"Best value", "quiet"})
	}
	if it.Few {
		out = append(out, badge{"Few reviews", "warn"})
	}
	return out
}

// fewText names the items with few reviews: "Po (4 reviews) and Dipsy (3 reviews) have fewer
// than 10."
func (p linePage) fewText() string {
	names := make([]string, len(p.Few))
	for i, f := range p.Few {
		names[i] = f.Item.Name + " (" + plural(f.Item.Reviews, "review", "reviews") + ")"
	}
	verb := "have"
	if len(names) == 1 {
		verb = "has"
	}
	return joinAnd(names) + " " + verb + " fewer than " + strconv.Itoa(p.FewUnder) + "."
}

// The widths of an item's picture on the line-up (a thumbnail) and on compare, in CSS pixels.
const (
	lineupPictureWidth  = 64
	comparePictureWidth = 160
)

// itemPictures gives each item of a line-up page or a comparison its main picture, shown at
// width CSS pixels; the first six are seen when the page opens.
func (srv *Server) itemPictures(ctx context.Context, items []*itemView, width int) error {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	pics, err := srv.mainPictures(ctx, ids, width, 6)
	for i := range pics {
		items[i].Picture = pics[i]
	}
	return err
}
