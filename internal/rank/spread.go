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
	// tauCells is the number of log-spaced grid cells from tauMin to tauMax,
	// neighbouring points 28% apart. The chances are smooth in τ, so this is
	// within 0.001 of a 800-cell grid (TestChanceBestInLineGrid).
	tauCells = 24
	// tauNegligible is the posterior weight, next to the heaviest cell's,
	// below which a cell is left out: its chances cannot move a percentage.
	tauNegligible = 1e-4
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
	return chanceBestInLine(judged, others, tauCells, tauNegligible)
}

// chanceBestInLine is ChanceBestInLine on a grid of cells cells, leaving out
// those less than negligible times as likely as the heaviest.
func chanceBestInLine(judged, others []Counts, cells int, negligible float64) []float64 {
	out := make([]float64, len(judged))
	switch len(judged) {
	case 0:
		return out
	case 1:
		out[0] = 1
		return out
	}
	all := append(append([]Counts(nil), judged...), others...)
	// The within-item variance of one rating, pooled over the line: what
	// tells an item's ratings apart from its mean, not the items apart.
	var ss, df float64
	for _, c := range all {
		ss += sumSquares(c)
		df += float64(max(c.Total()-1, 0))
	}
	pooled := 1.0
	if df > 0 && ss > 0 {
		pooled = ss / df
	}
	// x[i], v[i]: observed mean and its sampling variance; the judged first.
	var x, v []float64
	for _, c := range all {
		n := c.Total()
		if n == 0 {
			continue
		}
		x = append(x, c.Mean())
		// The item's own variance, shrunk toward the pooled one as if worth
		// varianceWeight ratings more.
		s2 := (sumSquares(c) + varianceWeight*pooled) / (float64(n-1) + varianceWeight)
		v = append(v, max(s2, 1e-6)/float64(n))
	}
	nj := len(judged) // judged items have reviews, so they are x[:nj]

	// Log posterior of τ at each grid point (BDA 5.4: flat prior on the line
	// mean, integrated out), and the line mean m̂(τ).
	taus := make([]float64, 0, cells+1)
	widths := make([]float64, 0, cells+1)
	taus, widths = append(taus, tauMin/2), append(widths, tauMin)
	ratio := math.Pow(tauMax/tauMin, 1.0/float64(cells))
	for k := range cells {
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
		if w < negligible {
			continue
		}
		t2 := tau * tau
		var sw float64
		for i := range x {
			sw += 1 / (t2 + v[i])
		}
		// The line mean is only estimated (variance 1/sw), and it moves each
		// item by its own share 1 − bᵢ, which ChanceBest's independent items
		// cannot hold. What it moves all judged items by alike changes no
		// chance, so only each item's departure from the judged items' average
		// share is kept, as if independent: a little more doubt than exact.
		var avgShare float64
		for i := range nj {
			avgShare += v[i] / (t2 + v[i]) / float64(nj)
		}
		for i := range nj {
			b := t2 / (t2 + v[i]) // weight on the item's own mean
			d := (1 - b) - avgShare
			scores[i] = Score{Mean: means[g] + b*(x[i]-means[g]), Sigma: math.Sqrt(b*v[i] + d*d/sw)}
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

// varianceWeight is how many ratings the line's pooled within-item variance
// is worth in each item's own variance.
const varianceWeight = 5.0

// sumSquares returns Σ nₖ(k − x̄)², the item's ratings' squared deviations from their mean.
func sumSquares(c Counts) float64 {
	mean := c.Mean()
	var ss float64
	for k, n := range c {
		d := float64(k+1) - mean
		ss += float64(max(n, 0)) * d * d
	}
	return ss
}
