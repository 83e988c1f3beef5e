package rank

import (
	"cmp"
	"math"
	"slices"
)

// Integration grid of ChanceBest. Beyond tailZ standard deviations a normal
// holds less than 1e-15 of its weight, so nothing out there changes a
// percentage. Steps are knotStep times the narrowest σ still in play, so every
// item's bend is resolved however narrow it is next to the others, and each
// step is integrated by 3-point Gauss-Legendre, exact for polynomials up to
// degree 5: far finer than needed (TestChanceBestMatchesBruteForce checks it
// against a brute-force sum).
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
	// Contenders, by where their upper tail ends; items that end below lo are
	// out of the running (less than 1e-15 likely to be the best).
	var contenders []int
	for i := range scores {
		if mu[i]+tailZ*sd[i] > lo {
			contenders = append(contenders, i)
		}
	}
	end := func(i int) float64 { return mu[i] + tailZ*sd[i] }
	slices.SortFunc(contenders, func(a, b int) int { return cmp.Compare(end(a), end(b)) })
	// narrowest[c] is the smallest σ among contenders[c:], the ones still
	// bending the integrand once x is past the ends of those before them.
	narrowest := make([]float64, len(contenders)+1)
	narrowest[len(contenders)] = math.Inf(1)
	for c := len(contenders) - 1; c >= 0; c-- {
		narrowest[c] = min(narrowest[c+1], sd[contenders[c]])
	}

	cdf := make([]float64, len(contenders))
	pdf := make([]float64, len(contenders))
	// Every item's range starts at or below lo, so walking up from lo only ever
	// drops items (past their ends): the step, knotStep times the narrowest σ
	// still in play, only grows.
	first := 0
	for a := lo; first < len(contenders); {
		for first < len(contenders) && end(contenders[first]) <= a {
			first++
		}
		if first == len(contenders) {
			break
		}
		b := min(a+knotStep*narrowest[first], end(contenders[first]))
		half, mid := (b-a)/2, (b+a)/2
		for g, t := range glNodes {
			x := mid + half*t
			prod := 1.0
			for c := first; c < len(contenders); c++ {
				i := contenders[c]
				z := (x - mu[i]) / sd[i]
				cdf[c] = 0.5 * math.Erfc(-z/math.Sqrt2)
				pdf[c] = math.Exp(-z*z/2) / (sd[i] * math.Sqrt(2*math.Pi))
				prod *= cdf[c]
			}
			if prod == 0 {
				// Some Φⱼ underflowed: every term here is below 1e-300.
				continue
			}
			w := glWeights[g] * half * prod
			for c := first; c < len(contenders); c++ {
				if pdf[c] > 0 {
					out[contenders[c]] += w * pdf[c] / cdf[c]
				}
			}
		}
		if b <= a {
			break // σ so small next to x that the step vanished
		}
		a = b
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
