package rank

import (
	"fmt"
	"math"
	"strings"
)

// Kind says which sort of verdict a line got.
type Kind string

// The verdict kinds.
const (
	KindPick      Kind = "pick"
	KindTooClose  Kind = "too_close"
	KindNotEnough Kind = "not_enough_reviews"
	KindNoItems   Kind = "no_items"
)

// MinReviews is the number of reviews an item needs before the verdict judges
// it. Items with fewer are newcomers: the verdict names them beside its call
// but neither picks them nor lets them block a call between the others.
const MinReviews = 5

// PickConfidence is how likely the top item must be to be the best of the
// items the verdict judges to be named the pick.
const PickConfidence = 0.8

// TieChance is how likely a judged item must be to be the best for a
// too-close call to name it. An item less likely than that is clearly beaten,
// not by one rival, which can miss a crowd of them, but by the field.
const TieChance = 0.05

// maxNewcomersNamed is how many newcomers TooNew names before "and N more".
const maxNewcomersNamed = 5

// Verdict is the answer to "which one should my friends buy?" for one product line.
type Verdict struct {
	Kind Kind
	// Judged are the items with at least MinReviews reviews, by μ: the items
	// the verdict chooses between.
	Judged []Ranked
	// Newcomers are the items with fewer reviews, by μ; TooNew names them.
	Newcomers []Ranked
	Pick      *Ranked  // pick: the pick; too_close: the top judged item by μ; nil otherwise
	RunnerUp  *Ranked  // pick and too_close: the first other judged item by μ
	Tied      []Ranked // too_close: the top two judged items and every other at least TieChance likely to be the best, by μ
	// Chances, beside Tied, is how likely each tied item is to be the best of the judged items.
	Chances []float64
	// Probability is how likely Pick is to be the best of the judged items (see
	// ChanceBestInLine): at least PickConfidence for a pick, 1 for the only item of a
	// line, below PickConfidence when too close; 0 when there is no Pick.
	Probability float64
	BestValue   *Ranked // most stars above 1 per unit of price, possibly the pick itself; see Decide
	Reason      string  // one sentence in plain words with the numbers
	// Why is Reason without its headline ("Tell your friends to buy X: ", "Not enough reviews
	// yet: "), for a page that shows the headline apart and must not say it twice.
	Why    string
	TooNew string // "Too new to judge: iPad mini (3 reviews)." or "" without newcomers
}

// Decide returns the line's verdict; it does not depend on the order of entries.
//
// The items are ranked as by Rank, and the verdict judges those with at least
// MinReviews reviews. With two or more judged items, the one most likely to be
// the best of them all (ChanceBestInLine, which learns from the line how far
// apart its items are) is the pick when it is at least PickConfidence likely,
// and the runner-up is the first of the others by μ; otherwise the call is too close
// between the top two by μ and every other judged item at least TieChance
// likely to be the best, with each one's chance of being the best in the reason. The only item of a line is the
// pick by itself once it has MinReviews reviews. Otherwise there are not enough
// reviews yet: no judged item at all, or a single judged item beside newcomers,
// which is not a pick over the others, only the one we know about. Newcomers
// never take part in the call; TooNew names them.
//
// BestValue is the item with the highest (μ − 1)/Price among items with a
// price and at least MinReviews reviews. Stars are counted above 1 because 1
// star is the floor, an item nobody should buy: plain μ/Price would make a cheap
// 1-star item look like good value, while (μ − 1)/Price gives it none. It is set
// only when at least two items qualify, so that "best value" always means
// better value than something; it may be the pick itself.
func Decide(entries []Entry) Verdict {
	ranked := Rank(entries, SortRecommended)
	if len(ranked) == 0 {
		return Verdict{Kind: KindNoItems, Reason: "No items in this line yet.", Why: "Nobody has added an item to this line yet."}
	}
	var v Verdict
	for _, r := range ranked {
		if r.N >= MinReviews {
			v.Judged = append(v.Judged, r)
		} else {
			v.Newcomers = append(v.Newcomers, r)
		}
	}
	v.TooNew = tooNewNote(v.Newcomers)
	v.BestValue = bestValue(ranked)

	switch len(v.Judged) {
	case 0:
		v.Kind = KindNotEnough
		if len(ranked) == 1 {
			v.Why = fmt.Sprintf("%s has %s; we need at least %d before recommending it.",
				ranked[0].Name, reviews(ranked[0].N), MinReviews)
			v.Reason = "Not enough reviews yet: " + v.Why
		} else {
			v.Why = fmt.Sprintf("We judge an item once it has %d reviews, and none has so far.", MinReviews)
			v.Reason = fmt.Sprintf("Not enough reviews yet: we judge an item once it has %d reviews, and none has so far.", MinReviews)
		}
		return v
	case 1:
		only := v.Judged[0]
		if len(v.Newcomers) > 0 {
			v.Kind = KindNotEnough
			v.Why = fmt.Sprintf("Only %s has the %d or more we need to judge an item "+
				"(%s stars from %s), so there is nothing yet to compare it with.", only.Name, MinReviews, stars(only.Mean), reviews(only.N))
			v.Reason = fmt.Sprintf("Not enough reviews yet to pick one: only %s has the %d or more we need to judge an item "+
				"(%s stars from %s), so there is nothing yet to compare it with.", only.Name, MinReviews, stars(only.Mean), reviews(only.N))
			return v
		}
		v.Kind, v.Pick, v.Probability = KindPick, &v.Judged[0], 1
		v.Why = fmt.Sprintf("%s stars from %s, the only one in this line.", stars(only.Mean), reviews(only.N))
		v.Reason = "Tell your friends to buy " + only.Name + ": " + v.Why
		return v
	}

	judged := make([]Counts, len(v.Judged))
	for i, r := range v.Judged {
		judged[i] = r.Counts
	}
	newcomers := make([]Counts, len(v.Newcomers))
	for i, r := range v.Newcomers {
		newcomers[i] = r.Counts
	}
	chances := ChanceBestInLine(judged, newcomers)
	// The pick is the item most likely to be the best, which is nearly always the
	// top one by μ; not when the line prior's fixed 5 votes hold back an item
	// that the line's own spread shows to be ahead.
	best, runnerUp := mostLikely(chances)
	if chances[best] >= PickConfidence {
		v.Kind, v.Pick, v.RunnerUp, v.Probability = KindPick, &v.Judged[best], &v.Judged[runnerUp], chances[best]
		v.Why = pickWhy(v)
		v.Reason = "Tell your friends to buy " + v.Pick.Name + ": " + v.Why
		return v
	}
	v.Kind, v.Pick, v.RunnerUp, v.Probability = KindTooClose, &v.Judged[0], &v.Judged[1], chances[0]
	for i, r := range v.Judged {
		if i < 2 || chances[i] >= TieChance {
			v.Tied = append(v.Tied, r)
			v.Chances = append(v.Chances, chances[i])
		}
	}
	v.Reason, v.Why = tooCloseReason(v)
	return v
}

// mostLikely returns the index of the largest chance, the first of equal ones
// (the higher by μ), and the runner-up: the first by μ of the others.
func mostLikely(chances []float64) (best, runnerUp int) {
	for i, c := range chances {
		if c > chances[best] {
			best = i
		}
	}
	if best == 0 {
		return 0, 1
	}
	return best, 0
}

// among says which items a probability is over: "in this line" when the verdict
// judges them all, "with enough reviews" when newcomers are left out.
func among(v Verdict) string {
	if len(v.Newcomers) > 0 {
		return "with enough reviews"
	}
	return "in this line"
}

// pickWhy is the pick's reason without its headline: "4.6 stars from 212 reviews, 91% likely …".
func pickWhy(v Verdict) string {
	p := v.Pick
	var claim string
	switch {
	case len(v.Judged) > 2:
		claim = fmt.Sprintf("%d%% likely the best of the %d %s", percent(v.Probability, 99), len(v.Judged), among(v))
	case len(v.Newcomers) > 0:
		claim = fmt.Sprintf("%d%% likely better than %s, the only other one with enough reviews",
			percent(v.Probability, 99), v.RunnerUp.Name)
	default:
		claim = fmt.Sprintf("%d%% likely better than %s", percent(v.Probability, 99), v.RunnerUp.Name)
	}
	return fmt.Sprintf("%s stars from %s, %s.", stars(p.Mean), reviews(p.N), claim)
}

// tooCloseReason returns the reason of a too-close call, and the same without its headline and
// the tied items' numbers (the chances alone).
func tooCloseReason(v Verdict) (reason, why string) {
	parts := make([]string, len(v.Tied))
	for i, r := range v.Tied {
		parts[i] = fmt.Sprintf("%s (%s stars, %s)", r.Name, stars(r.Mean), reviews(r.N))
	}
	// Chances are capped at 79% so that rounding never shows a too-close call at 80% or more.
	var chances string
	if len(v.Judged) == 2 {
		chances = fmt.Sprintf("%s is only %s likely to be the better one, %s %s",
			v.Pick.Name, chance(v.Chances[0]), v.Tied[1].Name, chance(v.Chances[1]))
	} else {
		rest := make([]string, 0, len(v.Tied)-1)
		for i, r := range v.Tied[1:] {
			rest = append(rest, fmt.Sprintf("%s %s", r.Name, chance(v.Chances[i+1])))
		}
		chances = fmt.Sprintf("%s is %s likely the best of the %d %s, %s",
			v.Pick.Name, chance(v.Chances[0]), len(v.Judged), among(v), joinAnd(rest))
		if others := len(v.Judged) - len(v.Tied); others > 0 {
			var held float64
			for _, c := range v.Chances {
				held += c
			}
			if others == 1 {
				chances += "; the other one " + chance(1-held)
			} else {
				chances += fmt.Sprintf("; the other %d together %s", others, chance(1-held))
			}
		}
	}
	return fmt.Sprintf("Too close to call between %s: %s.", joinAnd(parts), chances), chances + "."
}

// chance formats a too-close chance: a whole percentage up to 79%, or "under 1%".
func chance(p float64) string {
	if n := percent(p, 79); n > 0 {
		return fmt.Sprintf("%d%%", n)
	}
	return "under 1%"
}

// tooNewNote returns "Too new to judge: A (3 reviews) and B (no reviews)." naming
// at most maxNewcomersNamed newcomers, or "" without any.
func tooNewNote(newcomers []Ranked) string {
	if len(newcomers) == 0 {
		return ""
	}
	var parts []string
	for _, r := range newcomers[:min(len(newcomers), maxNewcomersNamed)] {
		parts = append(parts, fmt.Sprintf("%s (%s)", r.Name, reviews(r.N)))
	}
	if more := len(newcomers) - len(parts); more > 0 {
		parts = append(parts, fmt.Sprintf("%d more", more))
	}
	return "Too new to judge: " + joinAnd(parts) + "."
}

// bestValue returns the best value item as documented on Decide, or nil.
func bestValue(ranked []Ranked) *Ranked {
	var best *Ranked
	var bestPerPrice float64
	priced := 0
	for i := range ranked {
		r := &ranked[i]
		if !(r.Price > 0) || math.IsInf(r.Price, 1) || r.N < MinReviews {
			continue
		}
		priced++
		if perPrice := (r.Mean - 1) / r.Price; best == nil || perPrice > bestPerPrice {
			best, bestPerPrice = r, perPrice
		}
	}
	if priced < 2 {
		return nil
	}
	return best
}

// stars formats a mean rating to one decimal, as people read stars.
func stars(mu float64) string { return fmt.Sprintf("%.1f", mu) }

// reviews returns "no reviews", "1 review" or "N reviews".
func reviews(n int) string {
	switch n {
	case 0:
		return "no reviews"
	case 1:
		return "1 review"
	}
	return fmt.Sprintf("%d reviews", n)
}

// percent returns p as a whole percentage, at most ceiling: a friend should
// never read "100% likely" from a model.
func percent(p float64, ceiling int) int {
	return min(int(math.Round(p*100)), ceiling)
}

// joinAnd joins items as "A", "A and B" or "A, B and C".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
