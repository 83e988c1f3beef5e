package rank

import "math"

// Counts holds the number of ratings of each star: Counts[0] is 1-star, Counts[4] is 5-star.
// Negative counts are invalid; every function in this package treats them as 0.
type Counts [5]int

// Total returns the number of ratings, ignoring negative counts and saturating at math.MaxInt.
func (c Counts) Total() int {
	total := 0
	for _, n := range c {
		n = max(n, 0)
		if total > math.MaxInt-n {
			return math.MaxInt
		}
		total += n
	}
	return total
}

// Mean returns the raw average star rating, or 0 when there are no ratings.
func (c Counts) Mean() float64 {
	var sum, total float64
	for k, n := range c {
		w := float64(max(n, 0))
		sum += float64(k+1) * w
		total += w
	}
	if total == 0 {
		return 0
	}
	return sum / total
}

// Prior holds pseudo-counts a_1..a_5: Prior[0] for 1 star, Prior[4] for 5 stars.
type Prior [5]float64

// DefaultPriorWeight is the number of pseudo-votes a line's prior is worth.
const DefaultPriorWeight = 5.0

// Z is the normal quantile for Score.Lower and Score.Upper (a one-sided 95% bound).
const Z = 1.65

// priorEvenShare is the part of a line prior spread evenly over the five stars;
// the rest follows the line's own spread. Without it, a line whose reviews never
// use some star would get a_k = 0 there, and a line of only 5-star reviews would
// score a newly added item with no reviews as 5.0 stars with σ = 0: certain and
// unbeatable. With a fifth spread evenly, every a_k is at least m/25 (0.2 for
// m = 5), the prior mean stays within [1.4, 4.6], and a new item always starts
// with a real spread of doubt. It also guarantees that, with m = 5, one 5-star
// review (μ ≤ 4.67) can never outrank 4.7 stars from 500 reviews.
const priorEvenShare = 0.2

// UniformPrior returns one pseudo-vote for each star, the prior of Evan Miller's formula.
func UniformPrior() Prior { return Prior{1, 1, 1, 1, 1} }

// LinePrior returns a prior worth m pseudo-votes shaped like the line's star
// spread (the summed counts of its items), with a fifth of the weight spread
// evenly (see priorEvenShare). It returns UniformPrior when the line has no
// reviews; an m that is not positive and finite is taken as DefaultPriorWeight.
func LinePrior(items []Counts, m float64) Prior {
	if !(m > 0) || math.IsInf(m, 1) {
		m = DefaultPriorWeight
	}
	var spread [5]float64
	var total float64
	for _, c := range items {
		for k, n := range c {
			spread[k] += float64(max(n, 0))
			total += float64(max(n, 0))
		}
	}
	if total == 0 {
		return UniformPrior()
	}
	var p Prior
	for k := range p {
		p[k] = m * ((1-priorEvenShare)*spread[k]/total + priorEvenShare/5)
	}
	return p
}

// Score is an item's posterior rating: how good it probably is, and how sure we are.
type Score struct {
	N     int     // number of reviews
	Mean  float64 // posterior mean μ, always in [1, 5]
	Sigma float64 // posterior standard deviation σ, never negative
	Lower float64 // μ − Z·σ (may fall below 1 when σ is large)
	Upper float64 // μ + Z·σ (may rise above 5 when σ is large)
}

// Evaluate returns the posterior score of an item with ratings c under prior p.
// Negative or non-finite pseudo-counts count as 0; when neither c nor p carries
// any weight, UniformPrior is used instead. The result never holds NaN or ±Inf.
func Evaluate(c Counts, p Prior) Score {
	var w [5]float64 // n_k + a_k
	var total, largest float64
	for k := range w {
		a := p[k]
		if !(a >= 0) || math.IsInf(a, 1) {
			a = 0
		}
		w[k] = float64(max(c[k], 0)) + a
		total += w[k]
		largest = max(largest, w[k])
	}
	if largest == 0 {
		return Evaluate(c, UniformPrior())
	}
	// Average over weights scaled by the largest, so that huge pseudo-counts
	// cannot overflow the sums; total itself may be +Inf, which only makes σ 0.
	var sum, mean, meanSq float64
	for k, wk := range w {
		s, star := wk/largest, float64(k+1)
		sum += s
		mean += star * s
		meanSq += star * star * s
	}
	mean /= sum
	meanSq /= sum
	variance := max(meanSq-mean*mean, 0) / (total + 1)
	mu := min(max(mean, 1), 5)
	sigma := math.Sqrt(variance)
	return Score{
		N:     c.Total(),
		Mean:  mu,
		Sigma: sigma,
		Lower: mu - Z*sigma,
		Upper: mu + Z*sigma,
	}
}

// ProbBetter returns the probability that a is truly better than b, Φ((μa−μb)/√(σa²+σb²)),
// in [0, 1]; with both σ 0 it is 1, 0 or 0.5 as μa is above, below or equal to μb.
func ProbBetter(a, b Score) float64 {
	d := a.Mean - b.Mean
	s := math.Hypot(a.Sigma, b.Sigma)
	var p float64
	switch {
	case s > 0:
		p = 0.5 * (1 + math.Erf(d/(s*math.Sqrt2)))
	case d > 0:
		p = 1
	case d < 0:
		p = 0
	default:
		p = 0.5
	}
	if math.IsNaN(p) {
		return 0.5
	}
	return min(max(p, 0), 1)
}
