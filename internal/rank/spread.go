package rank

import "math"

// The verdict's chances come from a hierarchical model of the line (see
// ChanceBestInLine). Its one unknown beyond the items' own ratings is τ, how
// far apart the true ratings of the line's items are, integrated over a grid.
const (
	// tauMax bounds τ: true ratings lie in [1, 5], so their spread is at most 2 stars.
	tauMax = 2.0
	// tauMin is the first grid point's upper edge; everything below it is one cell.
	tauMin = 0.005
	// tauCells is the number of log-spaced grid cells from tauMin to tauMax:
	// neighbouring points are 13% apart, finer than the τ posterior is narrow
	// even for a line of 50 items.
	tauCells = 48
	// tauNegligible is the posterior weight, next to the heaviest cell's,
	// below which a cell is left out: its chances cannot move a percentage.
	tauNegligible = 1e-6
)

// ChanceBestInLine returns, for each judged item, the probability that it is
// truly the best of the judged items, under a hierarchical model of the line:
// each item's observed mean rating x̄ᵢ is normal around its true rating θᵢ with
// variance vᵢ = sᵢ²/nᵢ (sᵢ² its ratings' variance, smoothed by the line prior
// as in Evaluate), and the true ratings of the line's items are normal around
// the line's mean with spread τ. Given τ, each θᵢ is x̄ᵢ shrunk toward the line
// mean with weight τ²/(τ² + vᵢ), with variance τ²vᵢ/(τ² + vᵢ); ChanceBest of
// those. τ is not taken as known: the chances are averaged over its posterior
// (uniform prior on [0, 2] stars, the line mean integrated out), computed on a
// fixed grid, so the same counts always give the same answer.
//
// Every item with at least one review, judged or not (others), tells how far
// apart the line's items are; only the judged items compete. Items without
// reviews are ignored. With one judged item the result is [1].
//
// Unlike the line prior of Rank, worth a fixed 5 votes whatever the line, τ
// is learned per line: when a line's items are nearly alike, the noise between
// them is not read as a difference.
func ChanceBestInLine(judged, others []Counts) []float64 {
	out := make([]float64, len(judged))
	switch len(judged) {
	case 0:
		return out
	case 1:
		out[0] = 1
		return out
	}
	prior := LinePrior(append(append([]Counts(nil), judged...), others...), DefaultPriorWeight)
	// x[i], v[i]: observed mean and its sampling variance; the judged first.
	var x, v []float64
	for _, c := range append(append([]Counts(nil), judged...), others...) {
		n := c.Total()
		if n == 0 {
			continue
		}
		x = append(x, c.Mean())
		v = append(v, ratingVariance(c, prior)/float64(n))
	}
	nj := len(judged) // judged items have reviews, so they are x[:nj]

	// Log posterior of τ at each grid point (BDA 5.4: flat prior on the line
	// mean, integrated out), and the line mean m̂(τ).
	taus := make([]float64, 0, tauCells+1)
	widths := make([]float64, 0, tauCells+1)
	taus, widths = append(taus, tauMin/2), append(widths, tauMin)
	ratio := math.Pow(tauMax/tauMin, 1.0/tauCells)
	for k := range tauCells {
		lo := tauMin * math.Pow(ratio, float64(k))
		taus = append(taus, lo*math.Sqrt(ratio))
		widths = append(widths, lo*(ratio-1))
	}
	logPost := make([]float64, len(taus))
	means := make([]float64, len(taus))
	best := math.Inf(-1)
	for g, tau := range taus {
		var sw, swx float64
		for i := range x {
			w := 1 / (tau*tau + v[i])
			sw += w
			swx += w * x[i]
		}
		m := swx / sw
		lp := -0.5*math.Log(sw) + math.Log(widths[g])
		for i := range x {
			d := x[i] - m
			lp += -0.5*math.Log(tau*tau+v[i]) - 0.5*d*d/(tau*tau+v[i])
		}
		logPost[g], means[g] = lp, m
		best = max(best, lp)
	}

	var total float64
	scores := make([]Score, nj)
	for g, tau := range taus {
		w := math.Exp(logPost[g] - best)
		if w < tauNegligible {
			continue
		}
		t2 := tau * tau
		for i := range nj {
			b := t2 / (t2 + v[i]) // weight on the item's own mean
			scores[i] = Score{Mean: means[g] + b*(x[i]-means[g]), Sigma: math.Sqrt(b * v[i])}
		}
		for i, p := range ChanceBest(scores) {
			out[i] += w * p
		}
		total += w
	}
	for i := range out {
		out[i] /= total
	}
	return out
}

// ratingVariance returns the variance of one rating of an item with counts c,
// smoothed by prior p as in Evaluate: Σ k²(nₖ+aₖ)/(N+A) − μ².
func ratingVariance(c Counts, p Prior) float64 {
	var total, mean, meanSq float64
	for k := range c {
		w := float64(max(c[k], 0)) + max(p[k], 0)
		star := float64(k + 1)
		total += w
		mean += star * w
		meanSq += star * star * w
	}
	if total == 0 {
		return 2 // the variance of a uniform 1-5 rating
	}
	mean /= total
	return max(meanSq/total-mean*mean, 1e-6)
}
