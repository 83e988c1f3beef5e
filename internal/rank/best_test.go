package rank

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// bruteChanceBest integrates P(i best) = ∫ φᵢ Πⱼ≠ᵢ Φⱼ with Simpson's rule on a
// fine uniform grid: slow and simple, the reference ChanceBest must match.
func bruteChanceBest(scores []Score) []float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range scores {
		lo, hi = min(lo, s.Mean-10*s.Sigma), max(hi, s.Mean+10*s.Sigma)
	}
	const steps = 40000 // even
	h := (hi - lo) / steps
	out := make([]float64, len(scores))
	for k := 0; k <= steps; k++ {
		x := lo + float64(k)*h
		w := 2.0
		switch {
		case k == 0 || k == steps:
			w = 1
		case k%2 == 1:
			w = 4
		}
		for i, si := range scores {
			z := (x - si.Mean) / si.Sigma
			f := math.Exp(-z*z/2) / (si.Sigma * math.Sqrt(2*math.Pi))
			for j, sj := range scores {
				if j != i {
					f *= 0.5 * math.Erfc(-(x-sj.Mean)/(sj.Sigma*math.Sqrt2))
				}
			}
			out[i] += w * h / 3 * f
		}
	}
	return out
}

func TestChanceBestMatchesBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(21, 22))
	cases := [][]Score{
		{{Mean: 4, Sigma: 0.1}, {Mean: 4, Sigma: 0.1}, {Mean: 4, Sigma: 0.1}},
		{{Mean: 4.2, Sigma: 0.02}, {Mean: 4.1, Sigma: 0.4}, {Mean: 3.9, Sigma: 0.03}}, // a wide item among narrow ones
		{{Mean: 4.5, Sigma: 0.05}, {Mean: 3, Sigma: 0.05}},                            // far apart
	}
	for range 12 {
		scores := make([]Score, 2+r.IntN(5))
		for i := range scores {
			scores[i] = Score{Mean: 3.5 + r.Float64(), Sigma: 0.02 + 0.3*r.Float64()}
		}
		cases = append(cases, scores)
	}
	for _, scores := range cases {
		got, want := ChanceBest(scores), bruteChanceBest(scores)
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-6 {
				t.Errorf("ChanceBest(%v)[%d] = %.8f, brute force %.8f", scores, i, got[i], want[i])
			}
		}
	}
}

func TestChanceBest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		scores []Score
		want   []float64
	}{
		{"none", nil, []float64{}},
		{"one", []Score{{Mean: 3, Sigma: 1}}, []float64{1}},
		{"two is ProbBetter", []Score{{Mean: 4, Sigma: 0.3}, {Mean: 3.5, Sigma: 0.4}}, []float64{0.8413, 0.1587}},
		{"equals share", []Score{{Mean: 4, Sigma: 0.2}, {Mean: 4, Sigma: 0.2}, {Mean: 4, Sigma: 0.2}, {Mean: 4, Sigma: 0.2}},
			[]float64{0.25, 0.25, 0.25, 0.25}},
		{"certain ratings", []Score{{Mean: 4}, {Mean: 4.5}, {Mean: 3}}, []float64{0, 1, 0}},
		{"certain tie", []Score{{Mean: 4}, {Mean: 4}}, []float64{0.5, 0.5}},
		{"far behind is out", []Score{{Mean: 4.8, Sigma: 0.01}, {Mean: 1.2, Sigma: 0.01}}, []float64{1, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ChanceBest(tt.scores)
			if len(got) != len(tt.want) {
				t.Fatalf("ChanceBest = %v, want %v", got, tt.want)
			}
			for i := range got {
				if math.Abs(got[i]-tt.want[i]) > 1e-4 {
					t.Fatalf("ChanceBest = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestChanceBestSumsToOne checks real lines: the chances are probabilities
// that add up to 1, and with two items they are ProbBetter's.
func TestChanceBestSumsToOne(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(23, 24))
	for range 300 {
		line := randomLine(r, 12)
		ranked := Rank(line, SortRecommended)
		scores := make([]Score, len(ranked))
		for i, rk := range ranked {
			scores[i] = rk.Score
		}
		got := ChanceBest(scores)
		var sum float64
		for _, p := range got {
			if !(p >= 0 && p <= 1) {
				t.Fatalf("ChanceBest(%v) = %v, not probabilities", scores, got)
			}
			sum += p
		}
		if len(got) > 0 && math.Abs(sum-1) > 1e-9 {
			t.Fatalf("ChanceBest(%v) sums to %v", scores, sum)
		}
		if len(got) == 2 {
			if want := ProbBetter(scores[0], scores[1]); math.Abs(got[0]-want) > 1e-6 {
				t.Fatalf("ChanceBest(%v)[0] = %v, ProbBetter %v", scores, got[0], want)
			}
		}
	}
}

// BenchmarkChanceBest measures the chance computation of Decide on simulated
// lines (see simulateLine) where every item has enough reviews and all are
// close, the costly case: items=8 and items=50.
func BenchmarkChanceBest(b *testing.B) {
	for _, n := range []int{8, 50} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(uint64(n), 9))
			line := simulateLineOf(r, alikeLines, n, 50, 300)
			ranked := Rank(line.entries, SortRecommended)
			scores := make([]Score, len(ranked))
			for i, rk := range ranked {
				scores[i] = rk.Score
			}
			b.ReportAllocs()
			for b.Loop() {
				ChanceBest(scores)
			}
		})
	}
}

// BenchmarkChanceBestInLine measures the verdict's chances (ChanceBestInLine,
// a ChanceBest for each τ of the grid that matters) on the same lines.
func BenchmarkChanceBestInLine(b *testing.B) {
	for _, n := range []int{8, 50} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(uint64(n), 9))
			judged, others := splitJudged(simulateLineOf(r, alikeLines, n, 50, 300))
			b.ReportAllocs()
			for b.Loop() {
				ChanceBestInLine(judged, others)
			}
		})
	}
}

// BenchmarkDecideLine measures a whole verdict of one simulated line of 8 and
// 50 items (all with enough reviews, all close), as the line page asks for it.
func BenchmarkDecideLine(b *testing.B) {
	for _, n := range []int{8, 50} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(uint64(n), 10))
			line := simulateLineOf(r, alikeLines, n, 50, 300)
			b.ReportAllocs()
			for b.Loop() {
				Decide(line.entries)
			}
		})
	}
}
