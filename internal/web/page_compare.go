package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/starboard/starboard/internal/lineup"
	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
)

// How many items the compare page takes.
const (
	minCompare = 2
	maxCompare = 4
)

// compareItems reads the items to compare from ?items=a,b,c, or from items repeated (as the
// line page's checkboxes send them), or both: distinct slugs in the order given, at most one
// more than maxCompare (enough to say there are too many).
func compareItems(q url.Values) []string {
	var slugs []string
	for _, v := range q["items"] {
		for s := range strings.SplitSeq(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" || slices.Contains(slugs, s) {
				continue
			}
			if len(slugs) > maxCompare {
				return slugs
			}
			slugs = append(slugs, s)
		}
	}
	return slugs
}

// checkCompareItems returns a message naming the parameter unless there are 2 to 4 slugs.
func checkCompareItems(slugs []string) string {
	switch n := len(slugs); {
	case n == 0:
		return "items must name 2 to 4 items to compare, separated by commas; it names none."
	case n == 1:
		return "items must name 2 to 4 items to compare; it names only one."
	case n > maxCompare:
		return "items must name 2 to 4 items to compare; it names more than 4."
	}
	return ""
}

// comparison is a few items of one line side by side.
type comparison struct {
	items    []*itemView
	ranked   []rank.Ranked // the same items, in the same order
	matchups []rank.Matchup
}

// compare picks out the items of l named by slugs, with every pair's head-to-head. An unknown
// item is a 404 naming it.
func compare(l lineup.Line, slugs []string) (comparison, error) {
	var c comparison
	bySlug := make(map[string]rank.Ranked, len(l.Ranked))
	for _, rk := range l.Ranked {
		bySlug[l.Items[rk.ID].Slug] = rk
	}
	for _, s := range slugs {
		rk, ok := bySlug[s]
		if !ok {
			return c, problemOf(http.StatusNotFound, "items", fmt.Sprintf("There is no item %q in %s.", s, l.Category.Name))
		}
		c.ranked = append(c.ranked, rk)
		c.items = append(c.items, newItemView(l.Category.Slug, rk, l.Items[rk.ID]))
	}
	for i := range c.ranked {
		for j := i + 1; j < len(c.ranked); j++ {
			c.matchups = append(c.matchups, rank.HeadToHead(c.ranked[i], c.ranked[j], l.Ranked))
		}
	}
	return c, nil
}

// attributeRow is one attribute across the compared items.
type attributeRow struct {
	Name   string
	Values []string // one per item, "" where an item lacks it
}

// matchupView is a head-to-head with its items ready to link.
type matchupView struct {
	Better, Worse *itemView
	Percent       int
	Reason        string
}

// compareChoice is one checkbox of the compare form.
type compareChoice struct {
	Item    *itemView
	Checked bool
}

// comparePage is what compare.html shows.
type comparePage struct {
	Category   store.Category
	Items      []*itemView
	Attributes []attributeRow
	Matchups   []matchupView
	Ticks      []axisTick
	Error      string // why the items could not be compared, with the form to choose again
	Choices    []compareChoice
	// Grid is the head-to-head of 3 or more items: Grid[i][j] is the percent chance that
	// Items[i] is truly better than Items[j]. Two items get their one matchup's sentence instead.
	Grid [][]int
	// Best is the item most likely to be the best of those compared: the one more likely than
	// not to beat each other one (rank.HeadToHead, the verdict's model). BestWhy says so in words.
	Best    *itemView
	BestWhy string
}

// names joins the compared items' names with sep.
func (p comparePage) names(sep string) string {
	names := make([]string, len(p.Items))
	for i, it := range p.Items {
		names[i] = it.Name
	}
	return strings.Join(names, sep)
}

// comparePage shows 2 to 4 items of a line side by side. Badly chosen items get the form again
// with a 400 and the reason.
func (srv *Server) comparePage(w http.ResponseWriter, r *http.Request) error {
	l, err := srv.lines.Line(r.Context(), r.PathValue("line"), rank.SortRecommended)
	if err != nil {
		return err
	}
	title := "Compare " + l.Category.Name
	slugs := compareItems(r.URL.Query())
	if msg := checkCompareItems(slugs); msg != "" {
		p := comparePage{Category: l.Category, Error: msg}
		items, _ := lineViews(l)
		for _, it := range items {
			p.Choices = append(p.Choices, compareChoice{Item: it, Checked: slices.Contains(slugs, it.Slug)})
		}
		return srv.render(w, r, http.StatusBadRequest, "compare", view{Title: title, Data: p})
	}
	c, err := compare(l, slugs)
	if err != nil {
		return err
	}
	if err := srv.itemPictures(r.Context(), c.items, comparePictureWidth); err != nil {
		return err
	}
	p := comparePage{Category: l.Category, Items: c.items, Ticks: axisTicks}
	var names []string
	for _, it := range c.items {
		for k := range it.Attributes {
			if !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)
	for _, k := range names {
		row := attributeRow{Name: k}
		for _, it := range c.items {
			val := it.Attributes[k]
			if k == "price" {
				val = money(val, l.Category.Currency)
			}
			row.Values = append(row.Values, val)
		}
		p.Attributes = append(p.Attributes, row)
	}
	byID := make(map[int64]*itemView, len(c.items))
	for _, it := range c.items {
		byID[it.ID] = it
	}
	for _, m := range c.matchups {
		p.Matchups = append(p.Matchups, matchupView{Better: byID[m.Better.ID], Worse: byID[m.Worse.ID],
			Percent: min(int(math.Round(100*m.Probability)), 99), Reason: m.Reason})
	}
	p.markBest()
	names = names[:0]
	for _, it := range c.items {
		names = append(names, it.Name)
	}
	return srv.render(w, r, http.StatusOK, "compare", view{Title: title + ": " + strings.Join(names, " vs "), Data: p})
}

// markBest fills the head-to-head grid (3 or more items) and names the item most likely to be
// the best of those compared: the one that beats every other more likely than not. It names the
// lowest of its chances, so "at least 57% likely to beat each of the others" is never an
// overstatement.
func (p *comparePage) markBest() {
	n := len(p.Items)
	index := make(map[int64]int, n)
	for i, it := range p.Items {
		index[it.ID] = i
	}
	grid := make([][]int, n)
	for i := range grid {
		grid[i] = make([]int, n)
	}
	wins := make([]int, n)
	lowest := make([]int, n)
	for i := range lowest {
		lowest[i] = 100
	}
	for _, m := range p.Matchups {
		b, w := index[m.Better.ID], index[m.Worse.ID]
		grid[b][w], grid[w][b] = m.Percent, 100-m.Percent
		wins[b]++
		lowest[b] = min(lowest[b], m.Percent)
	}
	if n >= 3 {
		p.Grid = grid
	}
	for i, it := range p.Items {
		if wins[i] == n-1 {
			p.Best = it
			if n == 2 {
				p.BestWhy = fmt.Sprintf("%d%% likely to be better than %s.", lowest[i], p.Items[1-i].Name)
			} else {
				p.BestWhy = fmt.Sprintf("at least %d%% likely to be better than each of the others.", lowest[i])
			}
		}
	}
}
