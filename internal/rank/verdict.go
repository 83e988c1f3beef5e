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

// MinReviews is the number of reviews the top item and the runner-up each need before we recommend one.
const MinReviews = 5

// PickConfidence is how likely the top item must be to beat the runner-up to be named the pick.
const PickConfidence = 0.8

// Verdict is the answer to "which one should my friends buy?" for one product line.
type Verdict struct {
	Kind        Kind
	Pick        *Ranked  // the top item (set for pick, too_close, not_enough when there is one)
	RunnerUp    *Ranked  // second by μ, if any
	Tied        []Ranked // for too_close: the top item and every item it cannot be separated from, by μ order
	Probability float64  // P(pick beats runner-up), 0 when no runner-up
	BestValue   *Ranked  // most stars above 1 per unit of price, possibly the pick itself; see Decide
	Reason      string   // one sentence in plain words with the numbers
}

// Decide returns the line's verdict; it does not depend on the order of entries.
//
// The items are ranked as by Rank. If the top item or the runner-up has fewer
// than MinReviews reviews, there are not enough reviews yet. Otherwise the top
// item is the pick when it is at least PickConfidence likely to beat the
// runner-up (a single item is the pick by itself), and else the call is too
// close between it and every item with at least MinReviews reviews that it is
// less than PickConfidence likely to beat. Items with fewer reviews are left out
// of a tie: with so little known about them, their wide doubt would make them
// "level" with almost anything, and the ranking already shows them.
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
		return Verdict{Kind: KindNoItems, Reason: "No items in this line yet."}
	}
	top := &ranked[0]
	v := Verdict{Pick: top}
	if len(ranked) > 1 {
		v.RunnerUp = &ranked[1]
		v.Probability = ProbBetter(top.Score, v.RunnerUp.Score)
	}

	var short []*Ranked
	for _, r := range []*Ranked{top, v.RunnerUp} {
		if r != nil && r.N < MinReviews {
			short = append(short, r)
		}
	}

	switch {
	case len(short) > 0:
		v.Kind = KindNotEnough
		v.Reason = notEnoughReason(short, len(ranked) == 1)
	case v.RunnerUp == nil:
		v.Kind = KindPick
		v.Reason = fmt.Sprintf("Tell your friends to buy %s: %s stars from %s, the only one in this line.",
			top.Name, stars(top.Mean), reviews(top.N))
	case v.Probability >= PickConfidence:
		v.Kind = KindPick
		v.Reason = fmt.Sprintf("Tell your friends to buy %s: %s stars from %s, %d%% likely better than %s.",
			top.Name, stars(top.Mean), reviews(top.N), percent(v.Probability, 99), v.RunnerUp.Name)
	default:
		v.Kind = KindTooClose
		for i, r := range ranked {
			if i == 0 || (r.N >= MinReviews && ProbBetter(top.Score, r.Score) < PickConfidence) {
				v.Tied = append(v.Tied, r)
			}
		}
		v.Reason = tooCloseReason(v)
	}
	v.BestValue = bestValue(ranked)
	return v
}

func notEnoughReason(short []*Ranked, alone bool) string {
	parts := make([]string, len(short))
	for i, r := range short {
		parts[i] = fmt.Sprintf("%s has %s", r.Name, reviews(r.N))
	}
	need := "on the leaders before recommending one"
	if alone {
		need = "before recommending it"
	}
	return fmt.Sprintf("Not enough reviews yet: %s; we need at least %d %s.", joinAnd(parts), MinReviews, need)
}

func tooCloseReason(v Verdict) string {
	parts := make([]string, len(v.Tied))
	for i, r := range v.Tied {
		parts[i] = fmt.Sprintf("%s (%s stars, %s)", r.Name, stars(r.Mean), reviews(r.N))
	}
	than := ""
	if len(v.Tied) > 2 {
		than = " than " + v.RunnerUp.Name
	}
	// Capped at 79% so that rounding never shows a too-close call at 80% or more.
	return fmt.Sprintf("Too close to call between %s: %s is only %d%% likely to be better%s.",
		joinAnd(parts), v.Pick.Name, percent(v.Probability, 79), than)
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
