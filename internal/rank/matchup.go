package rank

import "fmt"

// CertainConfidence is how likely one item must be to beat another to be called
// "almost certainly" better.
const CertainConfidence = 0.95

// Matchup is how two items of one ranked line compare head to head.
type Matchup struct {
	Better, Worse Ranked  // Better comes first in the recommended order
	Probability   float64 // P(Better truly beats Worse), at least 0.5
	Reason        string  // one sentence in plain words with the number
}

// HeadToHead compares two ranked items of the same line. The one that comes
// first in the recommended order (higher μ, ties broken as in Rank) is Better,
// so the result does not depend on the order of the arguments.
func HeadToHead(a, b Ranked) Matchup {
	if descending(sortKeys[SortRecommended])(a, b) > 0 {
		a, b = b, a
	}
	m := Matchup{Better: a, Worse: b, Probability: max(ProbBetter(a.Score, b.Score), 0.5)}
	var short []string
	for _, r := range []Ranked{a, b} {
		if r.N < MinReviews {
			short = append(short, fmt.Sprintf("%s has %s", r.Name, reviews(r.N)))
		}
	}
	switch {
	case len(short) > 0:
		m.Reason = fmt.Sprintf("Too early to tell: %s. So far %s is %d%% likely to be better than %s.",
			joinAnd(short), a.Name, percent(m.Probability, 99), b.Name)
	case m.Probability >= CertainConfidence:
		m.Reason = fmt.Sprintf("%s is almost certainly better than %s (%d%% likely).",
			a.Name, b.Name, percent(m.Probability, 99))
	case m.Probability >= PickConfidence:
		m.Reason = fmt.Sprintf("%s is likely better than %s (%d%% likely).", a.Name, b.Name, percent(m.Probability, 99))
	default:
		// Capped at 79% so that rounding never shows a close pair at the pick's 80%.
		m.Reason = fmt.Sprintf("Too close to tell apart: %s is only %d%% likely to be better than %s.",
			a.Name, percent(m.Probability, 79), b.Name)
	}
	return m
}
