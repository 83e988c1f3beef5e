package rank

import (
	"cmp"
	"slices"
	"strings"
)

// Entry is one item of a product line as the ranking sees it.
type Entry struct {
	ID     int64
	Name   string
	Counts Counts
	Price  float64 // 0 when the item has no price
}

// Sort names a display order for a ranked line.
type Sort string

// The display orders; each sorts descending.
const (
	SortRecommended  Sort = "recommended"  // μ desc
	SortConservative Sort = "conservative" // lower bound desc
	SortAverage      Sort = "average"      // raw mean desc
	SortReviews      Sort = "reviews"      // review count desc
)

// sortKeys maps each display order to the number it sorts by, descending.
var sortKeys = map[Sort]func(Ranked) float64{
	SortRecommended:  func(r Ranked) float64 { return r.Mean },
	SortConservative: func(r Ranked) float64 { return r.Lower },
	SortAverage:      func(r Ranked) float64 { return r.Counts.Mean() },
	SortReviews:      func(r Ranked) float64 { return float64(r.N) },
}

// ParseSort returns the Sort named by s ("" means SortRecommended) and whether s names one.
func ParseSort(s string) (Sort, bool) {
	if s == "" {
		return SortRecommended, true
	}
	if _, ok := sortKeys[Sort(s)]; ok {
		return Sort(s), true
	}
	return "", false
}

// Ranked is an entry with its score and its place in the recommended order.
type Ranked struct {
	Entry
	Score
	Rank int // 1-based position by μ (recommended order), independent of the display sort
}

// Rank scores every entry against the line's prior (LinePrior of all entries'
// counts, DefaultPriorWeight) and returns them in the given sort order (an
// unknown sort means SortRecommended). Ties are broken by more reviews, then
// name, then ID, so the result never depends on input order.
func Rank(entries []Entry, sort Sort) []Ranked {
	counts := make([]Counts, len(entries))
	for i, e := range entries {
		counts[i] = e.Counts
	}
	prior := LinePrior(counts, DefaultPriorWeight)

	ranked := make([]Ranked, len(entries))
	for i, e := range entries {
		ranked[i] = Ranked{Entry: e, Score: Evaluate(e.Counts, prior)}
	}
	slices.SortFunc(ranked, descending(sortKeys[SortRecommended]))
	for i := range ranked {
		ranked[i].Rank = i + 1
	}
	if key, ok := sortKeys[sort]; ok && sort != SortRecommended {
		slices.SortFunc(ranked, descending(key))
	}
	return ranked
}

// descending returns a comparison that orders by key, highest first, then by
// more reviews, name and ID.
func descending(key func(Ranked) float64) func(a, b Ranked) int {
	return func(a, b Ranked) int {
		if c := cmp.Compare(key(b), key(a)); c != 0 {
			return c
		}
		if c := cmp.Compare(b.N, a.N); c != 0 {
			return c
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		if c := cmp.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		// IDs should be unique; if they are not, still sort the same way every time.
		if c := slices.Compare(a.Counts[:], b.Counts[:]); c != 0 {
			return c
		}
		return cmp.Compare(a.Price, b.Price)
	}
}
