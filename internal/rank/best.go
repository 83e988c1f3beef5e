package rank

import (
	"math"
	"slices"
)

// Integration grid of ChanceBest. Beyond tailZ standard deviations a normal
// holds less than 1e-15 of its weight, so nothing out there changes a
// percentage. Knots sit knotStep standard deviations apart along every
// contender's own scale, so each one's bend is resolved however narrow it is
// next to the others, and each gap between knots is integrated by 3-point
// Gauss-Legendre, exact for polynomials up to degree 5: far finer than needed
// (TestChanceBestMatchesBruteForce checks it against a brute-force sum).
const (
	tailZ    = 8.0
	knotStep = 1.0
	// minSigma stands in for σ = 0 (only possible with astronomically many
	// reviews), turning a certain rating into a very narrow one.
	minSigma = 1e-9
)

// Gauss-Legendre nodes and weights on [-1, 1].
var (
	glNodes   = [3]float64{-math.Sqrt(0.6), 0, math.Sqrt(0.6)}
	glWeights = [3]float64{5.0 / 9, 8.0 / 9, 5.0 / 9}
)

// ChanceBest returns, for each score, the probability that its item is truly
// the best of them all (the highest true rating), each true rating being
// normal with the score's μ and σ, independently:
//
//	P(i best) = ∫ φᵢ(x) Πⱼ≠ᵢ Φⱼ(x) dx
//
// It is computed by numerical integration, not sampled: the same scores always
// give the same answer. The result sums to 1 (an empty input gives an empty
// result, a single score 1); with two scores it is ProbBetter's Φ. Its cost
// grows with the number of items whose ratings overlap the leader's, not with
// the line's length.
func ChanceBest(scores []Score) []float64 {
	out := make([]float64, len(scores))
	switch len(scores) {
	case 0:
		return out
	case 1:
		out[0] = 1
		return out
	}
	mu := make([]float64, len(scores))
	sd := make([]float64, len(scores))
	// Below lo some item is almost surely higher, so no item is the best there.
	lo := math.Inf(-1)
	for i, s := range scores {
		mu[i], sd[i] = s.Mean, max(s.Sigma, minSigma)
		lo = max(lo, mu[i]-tailZ*sd[i])
	}
	var contenders []int
	knots := []float64{lo}
	for i := range scores {
		if mu[i]+tailZ*sd[i] <= lo {
			continue // out of the running: less than 1e-15 likely to be the best
		}
		contenders = append(contenders, i)
		for z := -tailZ; z <= tailZ; z += knotStep {
			if x := mu[i] + z*sd[i]; x > lo {
				knots = append(knots, x)
			}
		}
	}
	slices.Sort(knots)
	knots = slices.Compact(knots)

	cdf := make([]float64, len(contenders))
	pdf := make([]float64, len(contenders))
	for k := 1; k < len(knots); k++ {
		half, mid := (knots[k]-knots[k-1])/2, (knots[k]+knots[k-1])/2
		for g, t := range glNodes {
			x := mid + half*t
			prod := 1.0
			for c, i := range contenders {
				z := (x - mu[i]) / sd[i]
				if z > tailZ {
					cdf[c], pdf[c] = 1, 0
					continue
				}
				cdf[c] = 0.5 * math.Erfc(-z/math.Sqrt2)
				pdf[c] = math.Exp(-z*z/2) / (sd[i] * math.Sqrt(2*math.Pi))
				prod *= cdf[c]
			}
			if prod == 0 {
				// Some Φⱼ underflowed: every term here is below 1e-300.
				continue
			}
			w := glWeights[g] * half * prod
			for c, i := range contenders {
				if pdf[c] > 0 {
					out[i] += w * pdf[c] / cdf[c]
				}
			}
		}
	}
	var total float64
	for _, p := range out {
		total += p
	}
	if !(total > 0) || math.IsInf(total, 1) {
		// Cannot happen with finite scores; share evenly rather than return NaN.
		for i := range out {
			out[i] = 1 / float64(len(out))
		}
		return out
	}
	// The tails cut off above are below 1e-15; normalising spreads that error evenly.
	for i := range out {
		out[i] /= total
	}
	return out
}
