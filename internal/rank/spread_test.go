package rank

import (
	"math"
	"math/rand/v2"
	"testing"
)

// splitJudged returns the counts of a simulated line's judged items and of its newcomers.
func splitJudged(line simLine) (judged, others []Counts) {
	for _, e := range line.entries {
		if e.Counts.Total() >= MinReviews {
			judged = append(judged, e.Counts)
		} else {
			others = append(others, e.Counts)
		}
	}
	return judged, others
}

// TestChanceBestInLineGrid checks the τ grid against one 33 times finer, on
// lines of every scenario: the chances agree within 0.001, and they are
// probabilities that sum to 1.
func TestChanceBestInLineGrid(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(31, 32))
	for k := range 400 {
		judged, others := splitJudged(simulateLine(r, []scenario{issueLines, harderLines, alikeLines}[k%3]))
		got, fine := ChanceBestInLine(judged, others), chanceBestInLine(judged, others, 800, 1e-12)
		var sum float64
		for i := range got {
			if !(got[i] >= 0 && got[i] <= 1) || math.Abs(got[i]-fine[i]) > 1e-3 {
				t.Fatalf("ChanceBestInLine(%v, %v) = %v, on a fine grid %v", judged, others, got, fine)
			}
			sum += got[i]
		}
		if len(got) > 0 && math.Abs(sum-1) > 1e-9 {
			t.Fatalf("ChanceBestInLine(%v, %v) = %v sums to %v", judged, others, got, sum)
		}
	}
}

func TestChanceBestInLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		judged, others []Counts
		want           []float64
		tol            float64
	}{
		{"none", nil, nil, []float64{}, 0},
		{"one", []Counts{{0, 0, 1, 2, 3}}, []Counts{{0, 0, 0, 0, 1}}, []float64{1}, 0},
		{"twins share", []Counts{{5, 5, 20, 50, 40}, {5, 5, 20, 50, 40}}, nil, []float64{0.5, 0.5}, 1e-9},
		{"far apart", []Counts{{0, 0, 5, 40, 200}, {100, 80, 40, 10, 5}}, nil, []float64{1, 0}, 1e-6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ChanceBestInLine(tt.judged, tt.others)
			if len(got) != len(tt.want) {
				t.Fatalf("ChanceBestInLine = %v, want %v", got, tt.want)
			}
			for i := range got {
				if math.Abs(got[i]-tt.want[i]) > tt.tol {
					t.Fatalf("ChanceBestInLine = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestChanceBestInLineAlike: in a line whose many items are all alike, the
// leader by a little is less sure to be the best than the fixed line prior
// says, because the line shows how little its items differ; in a line whose
// items differ widely, the leader stays clear.
func TestChanceBestInLineAlike(t *testing.T) {
	t.Parallel()
	alike := []Counts{{2, 2, 6, 20, 30}, {3, 2, 6, 19, 28}, {2, 3, 6, 21, 27}, {3, 3, 7, 20, 26}, {3, 3, 7, 21, 26}, {3, 3, 8, 20, 25}}
	var entries []Entry
	for i, c := range alike {
		entries = append(entries, Entry{ID: int64(i + 1), Counts: c})
	}
	ranked := Rank(entries, SortRecommended)
	scores := make([]Score, len(ranked))
	judged := make([]Counts, len(ranked))
	for i, rk := range ranked {
		scores[i], judged[i] = rk.Score, rk.Counts
	}
	fixed, learned := ChanceBest(scores)[0], ChanceBestInLine(judged, nil)[0]
	if !(learned < fixed-0.05) {
		t.Errorf("alike items: the leader is %.3f likely the best with τ learned, %.3f with the line prior; want clearly less", learned, fixed)
	}
	if got := ChanceBestInLine([]Counts{{0, 0, 5, 40, 200}, {10, 20, 60, 40, 20}, {60, 50, 40, 10, 5}}, nil)[0]; got < 0.99 {
		t.Errorf("items far apart: the leader is %.3f likely the best, want at least 0.99", got)
	}
}
