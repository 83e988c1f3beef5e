package rank

import "fmt"

// CertainConfidence is how likely one item must be to beat another to be called
// "almost certainly" better.
const CertainConfidence = 0.95

// Matchup is how two items of one ranked line compare head to head.
type Matchup struct {
	Better, Worse Ranked  // Better is the one more likely to be truly better
	Probability   float64 // P(Better truly beats Worse), at least 0.5
	Reason        string  // one sentence in plain words with the number
}

// HeadToHead compares two ranked items of the same line, under the same model of
// the line as the verdict (ChanceBestInLine): line holds every ranked item of it,
// a and b included, and the others tell how far apart the line's items are. Better
// is the one more likely to be truly better, the first in the recommended order
// when the chance is even, so the result does not depend on the order of the
// arguments. Of two judged items in a line of two, or of two beside newcomers,
// the chance is the verdict's own. An item without reviews has nothing for the
// model to shrink, so a pair with one is compared by the line prior's scores
// (ProbBetter).
func HeadToHead(a, b Ranked, line []Ranked) Matchup {
	if descending(sortKeys[SortRecommended])(a, b) > 0 {
		a, b = b, a
	}
	var p float64
	if a.N == 0 || b.N == 0 {
		p = ProbBetter(a.Score, b.Score)
	} else {
		var others []Counts
		for _, r := range line {
			if r.ID != a.ID && r.ID != b.ID {
				others = append(others, r.Counts)
			}
		}
		p = ChanceBestInLine([]Counts{a.Counts, b.Counts}, others)[0]
	}
	if p < 0.5 {
		a, b, p = b, a, 1-p
	}
	m := Matchup{Better: a, Worse: b, Probability: p}
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
