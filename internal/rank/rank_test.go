package rank

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// randomCounts returns counts of very different sizes, including empty ones.
func randomCounts(r *rand.Rand) Counts {
	scale := []int{1, 2, 6, 50, 1000}[r.IntN(5)]
	var c Counts
	for k := range c {
		c[k] = r.IntN(scale)
	}
	return c
}

// randomLine returns a line of up to max entries with unique IDs and some prices.
func randomLine(r *rand.Rand, max int) []Entry {
	entries := make([]Entry, r.IntN(max+1))
	for i := range entries {
		entries[i] = Entry{ID: int64(i + 1), Name: fmt.Sprintf("Item %d", r.IntN(4)), Counts: randomCounts(r)}
		if r.IntN(2) == 0 {
			entries[i].Price = float64(1 + r.IntN(100))
		}
	}
	return entries
}

func names(rs []Ranked) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func TestCounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		counts    Counts
		wantTotal int
		wantMean  float64
	}{
		{"empty", Counts{}, 0, 0},
		{"one of each", Counts{1, 1, 1, 1, 1}, 5, 3},
		{"all five", Counts{0, 0, 0, 0, 7}, 7, 5},
		{"negatives count as zero", Counts{-3, 0, 0, 2, -1}, 2, 4},
		{"saturates", Counts{math.MaxInt, math.MaxInt, 0, 0, 0}, math.MaxInt, 1.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.counts.Total(); got != tt.wantTotal {
				t.Errorf("Total() = %d, want %d", got, tt.wantTotal)
			}
			if got := tt.counts.Mean(); math.Abs(got-tt.wantMean) > 1e-9 {
				t.Errorf("Mean() = %v, want %v", got, tt.wantMean)
			}
		})
	}
}

// TestEvaluateReference pins the values from DESIGN.md (Evan Miller, a_k = 1, z = 1.65).
func TestEvaluateReference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		counts    Counts // 1★..5★
		wantLower float64
	}{
		{"5★..1★ = 60,80,75,20,25", Counts{25, 20, 75, 80, 60}, 3.37},
		{"ten 5★", Counts{0, 0, 0, 0, 10}, 3.82},
		{"five 5★", Counts{0, 0, 0, 0, 5}, 3.30},
		{"one 5★", Counts{0, 0, 0, 0, 1}, 2.40},
		{"none", Counts{}, 2.05},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Evaluate(tt.counts, UniformPrior())
			if math.Abs(got.Lower-tt.wantLower) >= 0.005 {
				t.Errorf("Lower = %.4f, want %.2f", got.Lower, tt.wantLower)
			}
			if got.N != tt.counts.Total() {
				t.Errorf("N = %d, want %d", got.N, tt.counts.Total())
			}
		})
	}
}

func TestEvaluateDegenerate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		counts Counts
		prior  Prior
		want   Score
	}{
		{"negative counts are zero", Counts{-5, -1, 0, 0, 0}, UniformPrior(), Evaluate(Counts{}, UniformPrior())},
		{"empty prior and no reviews falls back to uniform", Counts{}, Prior{}, Evaluate(Counts{}, UniformPrior())},
		{"bad pseudo-counts are zero", Counts{0, 0, 0, 0, 3}, Prior{math.NaN(), -1, math.Inf(1), math.Inf(-1), 0},
			Evaluate(Counts{0, 0, 0, 0, 3}, Prior{})},
		{"certain 5", Counts{0, 0, 0, 0, 3}, Prior{}, Score{N: 3, Mean: 5, Lower: 5, Upper: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Evaluate(tt.counts, tt.prior); got != tt.want {
				t.Errorf("Evaluate = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLinePrior(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		items []Counts
		m     float64
		want  Prior
	}{
		{"no items", nil, 5, UniformPrior()},
		{"no reviews", []Counts{{}, {-1, 0, 0, 0, 0}}, 5, UniformPrior()},
		{"only 5★ keeps a floor", []Counts{{0, 0, 0, 0, 10}}, 5, Prior{0.2, 0.2, 0.2, 0.2, 4.2}},
		{"sums over items", []Counts{{1, 0, 0, 0, 0}, {0, 0, 0, 0, 1}}, 5, Prior{2.2, 0.2, 0.2, 0.2, 2.2}},
		{"scales to m", []Counts{{1, 1, 1, 1, 1}}, 10, Prior{2, 2, 2, 2, 2}},
		{"bad m is the default", []Counts{{1, 1, 1, 1, 1}}, math.NaN(), Prior{1, 1, 1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := LinePrior(tt.items, tt.m)
			for k := range got {
				if math.Abs(got[k]-tt.want[k]) > 1e-9 {
					t.Fatalf("LinePrior = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestProbBetter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b Score
		want float64
	}{
		{"equal and certain", Score{Mean: 4}, Score{Mean: 4}, 0.5},
		{"better and certain", Score{Mean: 4.1}, Score{Mean: 4}, 1},
		{"worse and certain", Score{Mean: 3.9}, Score{Mean: 4}, 0},
		{"equal means", Score{Mean: 4, Sigma: 0.3}, Score{Mean: 4, Sigma: 0.1}, 0.5},
		{"one sigma apart", Score{Mean: 4, Sigma: 0.3}, Score{Mean: 3.5, Sigma: 0.4}, 0.8413},
		{"NaN input", Score{Mean: math.NaN()}, Score{Mean: 4}, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ProbBetter(tt.a, tt.b)
			if math.Abs(got-tt.want) > 1e-4 {
				t.Errorf("ProbBetter = %.4f, want %.4f", got, tt.want)
			}
			if back := ProbBetter(tt.b, tt.a); !math.IsNaN(tt.a.Mean) && math.Abs(got+back-1) > 1e-9 {
				t.Errorf("ProbBetter(a, b) + ProbBetter(b, a) = %v, want 1", got+back)
			}
		})
	}
}

// TestEvaluateMonotone checks that, with a fixed prior, a 5-star review never
// lowers μ and a 1-star review never raises it.
func TestEvaluateMonotone(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	priors := []Prior{UniformPrior(), {}, LinePrior([]Counts{{0, 0, 0, 0, 9}}, 5), LinePrior([]Counts{{40, 1, 0, 3, 2}}, 50)}
	const eps = 1e-12
	for range 2000 {
		c := randomCounts(r)
		for _, p := range priors {
			before := Evaluate(c, p).Mean
			up, down := c, c
			up[4]++
			down[0]++
			if after := Evaluate(up, p).Mean; after < before-eps {
				t.Errorf("counts %v prior %v: a 5★ review lowered μ from %v to %v", c, p, before, after)
			}
			if after := Evaluate(down, p).Mean; after > before+eps {
				t.Errorf("counts %v prior %v: a 1★ review raised μ from %v to %v", c, p, before, after)
			}
		}
	}
}

// TestRankMonotoneInLine checks the same promise as TestEvaluateMonotone where it
// matters: in a ranked line, whose prior moves with every review, a new 5-star
// review never lowers the item's μ and a new 1-star review never raises it.
func TestRankMonotoneInLine(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 12))
	meanOf := func(line []Entry, id int64) float64 {
		for _, rk := range Rank(line, SortRecommended) {
			if rk.ID == id {
				return rk.Mean
			}
		}
		t.Fatalf("item %d missing from its ranking", id)
		return 0
	}
	const eps = 1e-12
	for range 1000 {
		line := randomLine(r, 6)
		if len(line) == 0 {
			continue
		}
		i := r.IntN(len(line))
		id := line[i].ID
		before := meanOf(line, id)
		for _, tc := range []struct {
			star int
			up   bool
		}{{5, true}, {1, false}} {
			changed := slices.Clone(line)
			changed[i].Counts[tc.star-1]++
			after := meanOf(changed, id)
			if tc.up && after < before-eps {
				t.Errorf("line %v: a 5★ review of item %d lowered μ from %v to %v", line, id, before, after)
			}
			if !tc.up && after > before+eps {
				t.Errorf("line %v: a 1★ review of item %d raised μ from %v to %v", line, id, before, after)
			}
		}
	}
}

// TestRankOneFiveStarNeverBeatsTheCrowd checks the promise of DESIGN.md in any line.
func TestRankOneFiveStarNeverBeatsTheCrowd(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	crowd := Entry{ID: 1, Name: "Crowd", Counts: Counts{0, 0, 25, 100, 375}} // 4.7 from 500
	solo := Entry{ID: 2, Name: "Solo", Counts: Counts{0, 0, 0, 0, 1}}
	if got := crowd.Counts.Mean(); got != 4.7 {
		t.Fatalf("crowd mean = %v, want 4.7", got)
	}
	extras := [][]Entry{nil, {{ID: 3, Name: "Loud", Counts: Counts{0, 0, 0, 0, 100000}}}}
	for range 200 {
		extras = append(extras, randomLine(r, 6))
	}
	for _, extra := range extras {
		line := append([]Entry{solo, crowd}, extra...)
		for i := range extra {
			line[2+i].ID += 10
		}
		for _, s := range []Sort{SortRecommended, SortConservative} {
			ranked := Rank(line, s)
			if i, j := slices.IndexFunc(ranked, func(r Ranked) bool { return r.ID == solo.ID }),
				slices.IndexFunc(ranked, func(r Ranked) bool { return r.ID == crowd.ID }); i < j {
				t.Errorf("sort %s, line %v: one 5★ review ranks above 4.7 from 500", s, line)
			}
		}
	}
}

func TestParseSort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   Sort
		wantOK bool
	}{
		{"", SortRecommended, true},
		{"recommended", SortRecommended, true},
		{"conservative", SortConservative, true},
		{"average", SortAverage, true},
		{"reviews", SortReviews, true},
		{"Reviews", "", false},
		{"price", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseSort(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseSort(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestRankOrders(t *testing.T) {
	t.Parallel()
	line := []Entry{
		{ID: 1, Name: "Solo", Counts: Counts{0, 0, 0, 0, 1}},           // best raw average
		{ID: 2, Name: "Crowd", Counts: Counts{0, 0, 25, 100, 375}},     // most reviews, best μ
		{ID: 3, Name: "Steady", Counts: Counts{0, 0, 0, 20, 20}},       // second by μ and lower bound
		{ID: 4, Name: "Hyped", Counts: Counts{0, 0, 0, 2, 4}},          // third by μ, ahead of Steady by raw average
		{ID: 5, Name: "Twin", Counts: Counts{10, 10, 10, 10, 10}},      // ties with Twin 6 except ID
		{ID: 6, Name: "Twin", Counts: Counts{10, 10, 10, 10, 10}},      //
		{ID: 7, Name: "Also twin", Counts: Counts{10, 10, 10, 10, 10}}, // same score, name first
	}
	tests := []struct {
		sort Sort
		want []int64
	}{
		{SortRecommended, []int64{2, 3, 4, 1, 7, 5, 6}},
		{"unknown", []int64{2, 3, 4, 1, 7, 5, 6}},
		{SortConservative, []int64{2, 3, 4, 1, 7, 5, 6}},
		{SortAverage, []int64{1, 2, 4, 3, 7, 5, 6}},
		{SortReviews, []int64{2, 7, 5, 6, 3, 4, 1}},
	}
	wantRank := map[int64]int{2: 1, 3: 2, 4: 3, 1: 4, 7: 5, 5: 6, 6: 7}
	for _, tt := range tests {
		t.Run(string(tt.sort), func(t *testing.T) {
			t.Parallel()
			for perm := range 5 {
				in := slices.Clone(line)
				rand.New(rand.NewPCG(uint64(perm), 9)).Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
				ranked := Rank(in, tt.sort)
				var got []int64
				for _, r := range ranked {
					got = append(got, r.ID)
					if r.Rank != wantRank[r.ID] {
						t.Errorf("ID %d: Rank = %d, want %d", r.ID, r.Rank, wantRank[r.ID])
					}
				}
				if !slices.Equal(got, tt.want) {
					t.Fatalf("order = %v, want %v (input %v)", got, tt.want, in)
				}
			}
		})
	}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		entries    []Entry
		wantKind   Kind
		wantPick   string
		wantRunner string
		wantTied   []string
		wantBest   string
		wantReason string   // checked when not empty
		wantNew    []string // newcomers, by μ
		wantTooNew string
		wantProb   float64 // checked to 0.005 when not 0
	}{
		{
			name:       "no items",
			wantKind:   KindNoItems,
			wantReason: "No items in this line yet.",
		},
		{
			name: "clear pick",
			entries: []Entry{
				{ID: 1, Name: "Dipsy", Counts: Counts{2, 3, 5, 40, 150}, Price: 30},
				{ID: 2, Name: "Po", Counts: Counts{10, 15, 30, 30, 15}, Price: 10},
			},
			wantKind:   KindPick,
			wantPick:   "Dipsy",
			wantRunner: "Po",
			wantBest:   "Po",
			wantReason: "Tell your friends to buy Dipsy: 4.6 stars from 200 reviews, 99% likely better than Po.",
		},
		{
			name: "pick by 85%",
			entries: []Entry{
				{ID: 1, Name: `the iPad Air 11"`, Counts: Counts{2, 2, 6, 20, 30}, Price: 599},
				{ID: 2, Name: "the iPad mini", Counts: Counts{3, 3, 8, 20, 22}, Price: 499},
			},
			wantKind:   KindPick,
			wantPick:   `the iPad Air 11"`,
			wantRunner: "the iPad mini",
			wantBest:   "the iPad mini",
			wantReason: `Tell your friends to buy the iPad Air 11": 4.2 stars from 60 reviews, 85% likely better than the iPad mini.`,
		},
		{
			name: "close call",
			entries: []Entry{
				{ID: 1, Name: "Laa-Laa", Counts: Counts{5, 5, 20, 50, 40}},
				{ID: 2, Name: "Tinky Winky", Counts: Counts{5, 6, 20, 50, 38}},
			},
			wantKind:   KindTooClose,
			wantPick:   "Laa-Laa",
			wantRunner: "Tinky Winky",
			wantTied:   []string{"Laa-Laa", "Tinky Winky"},
			wantReason: "Too close to call between Laa-Laa (4.0 stars, 120 reviews) and Tinky Winky (3.9 stars, 119 reviews): Laa-Laa is only 58% likely to be the better one, Tinky Winky 42%.",
			wantProb:   0.58,
		},
		{
			name: "three-way close call leaves the clear loser out",
			entries: []Entry{
				{ID: 1, Name: "Laa-Laa", Counts: Counts{5, 5, 20, 50, 40}},
				{ID: 2, Name: "Tinky Winky", Counts: Counts{5, 6, 20, 50, 38}},
				{ID: 3, Name: "Dipsy", Counts: Counts{4, 6, 20, 52, 38}},
				{ID: 4, Name: "Po", Counts: Counts{40, 6, 20, 5, 3}},
			},
			wantKind:   KindTooClose,
			wantPick:   "Laa-Laa",
			wantRunner: "Dipsy",
			wantTied:   []string{"Laa-Laa", "Dipsy", "Tinky Winky"},
			wantReason: "Too close to call between Laa-Laa (3.9 stars, 120 reviews), Dipsy (3.9 stars, 120 reviews) and Tinky Winky (3.9 stars, 119 reviews): Laa-Laa is 40% likely the best of the 4 in this line, Dipsy 35% and Tinky Winky 25%; the other one under 1%.",
		},
		{
			name: "a top item with too few reviews neither blocks nor takes the call",
			entries: []Entry{
				{ID: 1, Name: "Po", Counts: Counts{0, 0, 0, 0, 4}},
				{ID: 2, Name: "Dipsy", Counts: Counts{0, 0, 5, 40, 150}},
				{ID: 3, Name: "Noo-Noo", Counts: Counts{30, 10, 5, 0, 0}},
				{ID: 4, Name: "Laa-Laa", Counts: Counts{}},
			},
			wantKind:   KindPick,
			wantPick:   "Dipsy",
			wantRunner: "Noo-Noo",
			wantReason: "Tell your friends to buy Dipsy: 4.7 stars from 195 reviews, 99% likely better than Noo-Noo, the only other one with enough reviews.",
			wantNew:    []string{"Po", "Laa-Laa"},
			wantTooNew: "Too new to judge: Po (4 reviews) and Laa-Laa (no reviews).",
		},
		{
			name: "pick of several judged items says of how many",
			entries: []Entry{
				{ID: 1, Name: "Dipsy", Counts: Counts{2, 3, 5, 40, 150}},
				{ID: 2, Name: "Po", Counts: Counts{10, 15, 30, 30, 15}},
				{ID: 3, Name: "Laa-Laa", Counts: Counts{5, 5, 20, 50, 40}},
				{ID: 4, Name: "Noo-Noo", Counts: Counts{0, 0, 0, 0, 3}},
			},
			wantKind:   KindPick,
			wantPick:   "Dipsy",
			wantRunner: "Laa-Laa",
			wantReason: "Tell your friends to buy Dipsy: 4.6 stars from 200 reviews, 99% likely the best of the 3 with enough reviews.",
			wantNew:    []string{"Noo-Noo"},
			wantTooNew: "Too new to judge: Noo-Noo (3 reviews).",
		},
		{
			name: "pairwise clear is not enough when a third item is close",
			entries: []Entry{
				{ID: 1, Name: "A", Counts: Counts{2, 2, 6, 20, 30}},
				{ID: 2, Name: "B", Counts: Counts{3, 3, 8, 20, 22}},
				{ID: 3, Name: "C", Counts: Counts{3, 3, 8, 20, 22}},
				{ID: 4, Name: "D", Counts: Counts{3, 3, 8, 20, 21}},
			},
			wantKind:   KindTooClose,
			wantPick:   "A",
			wantRunner: "B",
			wantTied:   []string{"A", "B", "C", "D"},
			wantReason: "Too close to call between A (4.2 stars, 60 reviews), B (4.0 stars, 56 reviews), C (4.0 stars, 56 reviews) and D (4.0 stars, 55 reviews): A is 60% likely the best of the 4 in this line, B 14%, C 14% and D 13%.",
			wantProb:   0.60,
		},
		{
			name: "a lone judged item among newcomers is not a pick",
			entries: []Entry{
				{ID: 1, Name: "Po", Counts: Counts{0, 0, 0, 0, 2}},
				{ID: 2, Name: "Dipsy", Counts: Counts{3, 5, 6, 4, 2}},
			},
			wantKind:   KindNotEnough,
			wantReason: "Not enough reviews yet to pick one: only Dipsy has the 5 or more we need to judge an item (2.9 stars from 20 reviews), so there is nothing yet to compare it with.",
			wantNew:    []string{"Po"},
			wantTooNew: "Too new to judge: Po (2 reviews).",
		},
		{
			name: "no item has enough reviews",
			entries: []Entry{
				{ID: 1, Name: "Po", Counts: Counts{0, 0, 0, 0, 2}},
				{ID: 2, Name: "Dipsy", Counts: Counts{0, 0, 0, 1, 0}},
			},
			wantKind:   KindNotEnough,
			wantReason: "Not enough reviews yet: we judge an item once it has 5 reviews, and none has so far.",
			wantNew:    []string{"Po", "Dipsy"},
			wantTooNew: "Too new to judge: Po (2 reviews) and Dipsy (1 review).",
		},
		{
			name: "many newcomers are counted, not all named",
			entries: []Entry{
				{ID: 1, Name: "A", Counts: Counts{0, 0, 0, 0, 4}},
				{ID: 2, Name: "B", Counts: Counts{0, 0, 0, 3, 0}},
				{ID: 3, Name: "C", Counts: Counts{0, 0, 2, 0, 0}},
				{ID: 4, Name: "D", Counts: Counts{0, 1, 0, 0, 0}},
				{ID: 5, Name: "E", Counts: Counts{1, 0, 0, 0, 0}},
				{ID: 6, Name: "F", Counts: Counts{4, 0, 0, 0, 0}},
				{ID: 7, Name: "G", Counts: Counts{4, 0, 0, 0, 0}},
			},
			wantKind:   KindNotEnough,
			wantNew:    []string{"A", "B", "C", "D", "E", "F", "G"},
			wantTooNew: "Too new to judge: A (4 reviews), B (3 reviews), C (2 reviews), D (1 review), E (1 review) and 2 more.",
		},
		{
			name:       "single item",
			entries:    []Entry{{ID: 1, Name: "Po", Counts: Counts{0, 0, 1, 3, 8}, Price: 20}},
			wantKind:   KindPick,
			wantPick:   "Po",
			wantReason: "Tell your friends to buy Po: 4.5 stars from 12 reviews, the only one in this line.",
			wantProb:   1,
		},
		{
			name:       "single item with one review",
			entries:    []Entry{{ID: 1, Name: "Po", Counts: Counts{0, 0, 0, 0, 1}}},
			wantKind:   KindNotEnough,
			wantReason: "Not enough reviews yet: Po has 1 review; we need at least 5 before recommending it.",
			wantNew:    []string{"Po"},
			wantTooNew: "Too new to judge: Po (1 review).",
		},
		{
			name: "best value is the pick",
			entries: []Entry{
				{ID: 1, Name: "Dipsy", Counts: Counts{2, 3, 5, 40, 150}, Price: 10},
				{ID: 2, Name: "Po", Counts: Counts{10, 15, 30, 30, 15}, Price: 30},
			},
			wantKind:   KindPick,
			wantPick:   "Dipsy",
			wantRunner: "Po",
			wantBest:   "Dipsy",
		},
		{
			name: "a close call leaves out items with too few reviews and names them",
			entries: []Entry{
				{ID: 1, Name: "Laa-Laa", Counts: Counts{5, 5, 20, 50, 40}},
				{ID: 2, Name: "Tinky Winky", Counts: Counts{5, 6, 20, 50, 38}},
				{ID: 3, Name: "Noo-Noo", Counts: Counts{}},
				{ID: 4, Name: "Dipsy", Counts: Counts{0, 0, 1, 2, 1}},
			},
			wantKind:   KindTooClose,
			wantPick:   "Laa-Laa",
			wantRunner: "Tinky Winky",
			wantTied:   []string{"Laa-Laa", "Tinky Winky"},
			wantReason: "Too close to call between Laa-Laa (4.0 stars, 120 reviews) and Tinky Winky (3.9 stars, 119 reviews): Laa-Laa is only 58% likely to be the better one, Tinky Winky 42%.",
			wantNew:    []string{"Dipsy", "Noo-Noo"},
			wantTooNew: "Too new to judge: Dipsy (4 reviews) and Noo-Noo (no reviews).",
		},
		{
			name: "best value skips unpriced items and items short of reviews",
			entries: []Entry{
				{ID: 1, Name: "Dipsy", Counts: Counts{2, 3, 5, 40, 150}, Price: 30},
				{ID: 2, Name: "Po", Counts: Counts{10, 15, 30, 30, 15}, Price: 10},
				{ID: 3, Name: "Noo-Noo", Counts: Counts{4, 0, 0, 0, 0}, Price: 1},
				{ID: 4, Name: "Tubby Custard", Counts: Counts{10, 15, 30, 30, 15}},
			},
			wantKind:   KindPick,
			wantPick:   "Dipsy",
			wantRunner: "Po",
			wantBest:   "Po",
			wantNew:    []string{"Noo-Noo"},
			wantTooNew: "Too new to judge: Noo-Noo (4 reviews).",
		},
		{
			name: "no best value with one priced item",
			entries: []Entry{
				{ID: 1, Name: "Dipsy", Counts: Counts{2, 3, 5, 40, 150}, Price: 30},
				{ID: 2, Name: "Po", Counts: Counts{10, 15, 30, 30, 15}},
			},
			wantKind:   KindPick,
			wantPick:   "Dipsy",
			wantRunner: "Po",
		},
		{
			name: "best value in a close call may be the top item",
			entries: []Entry{
				{ID: 1, Name: "Laa-Laa", Counts: Counts{5, 5, 20, 50, 40}, Price: 10},
				{ID: 2, Name: "Tinky Winky", Counts: Counts{5, 6, 20, 50, 38}, Price: 20},
			},
			wantKind:   KindTooClose,
			wantPick:   "Laa-Laa",
			wantRunner: "Tinky Winky",
			wantTied:   []string{"Laa-Laa", "Tinky Winky"},
			wantBest:   "Laa-Laa",
		},
	}
	nameOf := func(r *Ranked) string {
		if r == nil {
			return ""
		}
		return r.Name
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := Decide(tt.entries)
			if v.Kind != tt.wantKind {
				t.Errorf("Kind = %q, want %q", v.Kind, tt.wantKind)
			}
			if got := nameOf(v.Pick); got != tt.wantPick {
				t.Errorf("Pick = %q, want %q", got, tt.wantPick)
			}
			if got := nameOf(v.RunnerUp); got != tt.wantRunner {
				t.Errorf("RunnerUp = %q, want %q", got, tt.wantRunner)
			}
			if got := names(v.Tied); !slices.Equal(got, tt.wantTied) {
				t.Errorf("Tied = %q, want %q", got, tt.wantTied)
			}
			if got := nameOf(v.BestValue); got != tt.wantBest {
				t.Errorf("BestValue = %q, want %q", got, tt.wantBest)
			}
			if v.Pick == nil && v.Probability != 0 {
				t.Errorf("Probability = %v without a pick, want 0", v.Probability)
			}
			if tt.wantProb != 0 && math.Abs(v.Probability-tt.wantProb) > 0.005 {
				t.Errorf("Probability = %.4f, want %.2f", v.Probability, tt.wantProb)
			}
			if got := names(v.Newcomers); !slices.Equal(got, tt.wantNew) {
				t.Errorf("Newcomers = %q, want %q", got, tt.wantNew)
			}
			if v.TooNew != tt.wantTooNew {
				t.Errorf("TooNew = %q, want %q", v.TooNew, tt.wantTooNew)
			}
			if len(v.Judged)+len(v.Newcomers) != len(tt.entries) {
				t.Errorf("%d judged and %d newcomers, want %d items in all", len(v.Judged), len(v.Newcomers), len(tt.entries))
			}
			for _, r := range v.Judged {
				if r.N < MinReviews {
					t.Errorf("judged %s has %d reviews, fewer than %d", r.Name, r.N, MinReviews)
				}
			}
			if len(v.Chances) != len(v.Tied) {
				t.Errorf("%d chances for %d tied items", len(v.Chances), len(v.Tied))
			}
			if tt.wantReason != "" && v.Reason != tt.wantReason {
				t.Errorf("Reason =\n  %s\nwant\n  %s", v.Reason, tt.wantReason)
			}
		})
	}
}

// TestHeadToHeadAgreesWithTheVerdict checks that compare never contradicts the verdict: of the
// two items with enough reviews, beside newcomers or alone, the head-to-head chance is the
// verdict's, and its better one is the verdict's pick or first of the tie.
func TestHeadToHeadAgreesWithTheVerdict(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 10))
	checked := 0
	for range 2000 {
		line := randomLine(r, 6)
		v := Decide(line)
		if len(v.Judged) != 2 {
			continue
		}
		checked++
		m := HeadToHead(v.Judged[1], v.Judged[0], Rank(line, SortRecommended))
		if math.Abs(m.Probability-max(v.Probability, 1-v.Probability)) > 1e-12 {
			t.Fatalf("line %v: head-to-head %v, verdict %v", line, m.Probability, v.Probability)
		}
		if v.Probability >= 0.5 && m.Better.ID != v.Pick.ID {
			t.Fatalf("line %v: head-to-head says %s, the verdict %s", line, m.Better.Name, v.Pick.Name)
		}
	}
	if checked < 100 {
		t.Fatalf("only %d lines with two judged items: the test says little", checked)
	}
}

// TestDecideIgnoresOrder checks that shuffling a line never changes its verdict.
func TestDecideIgnoresOrder(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		line := randomLine(r, 8)
		want := Decide(line)
		for range 4 {
			r.Shuffle(len(line), func(i, j int) { line[i], line[j] = line[j], line[i] })
			if got := Decide(line); !reflect.DeepEqual(got, want) {
				t.Fatalf("line %v: verdict changed with order:\n got %+v\nwant %+v", line, got, want)
			}
		}
	}
}

// checkScore reports a score that breaks the invariants Evaluate promises.
func checkScore(t *testing.T, s Score) {
	t.Helper()
	for _, x := range []float64{s.Mean, s.Sigma, s.Lower, s.Upper} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("score %+v is not finite", s)
		}
	}
	if s.Mean < 1 || s.Mean > 5 || s.Sigma < 0 || s.Lower > s.Mean || s.Mean > s.Upper || s.N < 0 {
		t.Fatalf("score %+v breaks 1 ≤ μ ≤ 5, σ ≥ 0, Lower ≤ μ ≤ Upper, N ≥ 0", s)
	}
}

func FuzzEvaluate(f *testing.F) {
	f.Add(25, 20, 75, 80, 60, 1.0, 1.0, 1.0, 1.0, 1.0)
	f.Add(0, 0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(0, 0, 0, 0, 1, 0.2, 0.2, 0.2, 0.2, 4.2)
	f.Add(-3, 0, math.MaxInt, 0, math.MaxInt, math.NaN(), math.Inf(1), -1.0, 1e308, 5e-324)
	f.Fuzz(func(t *testing.T, n1, n2, n3, n4, n5 int, a1, a2, a3, a4, a5 float64) {
		c := Counts{n1, n2, n3, n4, n5}
		s := Evaluate(c, Prior{a1, a2, a3, a4, a5})
		checkScore(t, s)
		checkScore(t, Evaluate(c, UniformPrior()))
		if s.N != c.Total() {
			t.Fatalf("N = %d, want %d", s.N, c.Total())
		}
		if p := ProbBetter(s, Evaluate(Counts{}, UniformPrior())); !(p >= 0 && p <= 1) {
			t.Fatalf("ProbBetter = %v, want within [0, 1]", p)
		}

		line := []Entry{
			{ID: 1, Name: "A", Counts: c, Price: a1},
			{ID: 2, Name: "B", Counts: Counts{n5, n4, n3, n2, n1}, Price: a2},
			{ID: 3, Name: "C", Counts: Counts{n3, n1, n5, n2, n4}, Price: a3},
		}
		for n := range len(line) + 1 {
			v := Decide(line[:n])
			if math.IsNaN(v.Probability) || v.Probability < 0 || v.Probability > 1 || v.Reason == "" {
				t.Fatalf("Decide(%v) = %+v", line[:n], v)
			}
			ranked := Rank(line[:n], SortConservative)
			for _, r := range ranked {
				checkScore(t, r.Score)
			}
			if n >= 2 {
				m := HeadToHead(ranked[0], ranked[1], ranked)
				if !(m.Probability >= 0.5 && m.Probability <= 1) || m.Reason == "" || m.Better.ID == m.Worse.ID {
					t.Fatalf("HeadToHead(%v, %v) = %+v", ranked[0], ranked[1], m)
				}
			}
		}
	})
}

func BenchmarkDecide(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	line := make([]Entry, 50)
	for i := range line {
		line[i] = Entry{ID: int64(i + 1), Name: fmt.Sprintf("Item %d", i), Counts: randomCounts(r), Price: float64(10 + i)}
	}
	b.ReportAllocs()
	for b.Loop() {
		Decide(line)
	}
}

func TestHeadToHead(t *testing.T) {
	t.Parallel()
	line := []Entry{
		{ID: 1, Name: "Dipsy", Counts: Counts{2, 3, 5, 40, 150}},
		{ID: 2, Name: "Po", Counts: Counts{10, 15, 30, 30, 15}},
		{ID: 3, Name: "Laa-Laa", Counts: Counts{5, 5, 20, 50, 40}},
		{ID: 4, Name: "Tinky Winky", Counts: Counts{5, 6, 20, 50, 38}},
		{ID: 5, Name: "Noo-Noo", Counts: Counts{0, 0, 0, 1, 2}},
		{ID: 6, Name: "Twin", Counts: Counts{0, 0, 20, 30, 50}},
		{ID: 7, Name: "Twin", Counts: Counts{0, 0, 20, 30, 50}},
		{ID: 8, Name: "Steady", Counts: Counts{0, 3, 12, 50, 35}},
	}
	byID := map[int64]Ranked{}
	ranked := Rank(line, SortRecommended)
	for _, r := range ranked {
		byID[r.ID] = r
	}
	tests := []struct {
		name       string
		a, b       int64
		wantBetter int64
		wantReason string
	}{
		{"almost certain", 2, 1, 1, "Dipsy is almost certainly better than Po (99% likely)."},
		{"too close", 3, 4, 3, "Too close to tell apart: Laa-Laa is only 60% likely to be better than Tinky Winky."},
		{"likely", 6, 8, 6, "Twin is likely better than Steady (88% likely)."},
		{"too few reviews", 1, 5, 1, "Too early to tell: Noo-Noo has 3 reviews. So far Dipsy is 76% likely to be better than Noo-Noo."},
		{"identical items", 7, 6, 6, "Too close to tell apart: Twin is only 50% likely to be better than Twin."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, pair := range [][2]int64{{tt.a, tt.b}, {tt.b, tt.a}} {
				m := HeadToHead(byID[pair[0]], byID[pair[1]], ranked)
				if m.Better.ID != tt.wantBetter || m.Worse.ID == m.Better.ID {
					t.Errorf("HeadToHead(%d, %d): better %d, worse %d; want better %d", pair[0], pair[1], m.Better.ID, m.Worse.ID, tt.wantBetter)
				}
				if m.Probability < 0.5 || m.Probability > 1 {
					t.Errorf("Probability = %v, want within [0.5, 1]", m.Probability)
				}
				if m.Reason != tt.wantReason {
					t.Errorf("Reason =\n  %s\nwant\n  %s", m.Reason, tt.wantReason)
				}
			}
		})
	}
}

// TestDecidePicksTheMostLikelyBest checks that the pick is the item most likely to be the best,
// even when the line prior's fixed five votes rank another first by μ: in a line whose items
// are far apart, six 5-star reviews say more than five imaginary votes of a middling line
// allow. The runner-up is then the first by μ.
func TestDecidePicksTheMostLikelyBest(t *testing.T) {
	t.Parallel()
	line := []Entry{
		{ID: 1, Name: "Steady", Counts: Counts{2, 3, 10, 60, 125}},
		{ID: 2, Name: "Loved", Counts: Counts{0, 0, 0, 0, 6}},
		{ID: 3, Name: "Poor", Counts: Counts{120, 60, 15, 3, 2}},
		{ID: 4, Name: "Weak", Counts: Counts{60, 90, 40, 8, 2}},
	}
	ranked := Rank(line, SortRecommended)
	if ranked[0].ID != 1 {
		t.Fatalf("the test needs Steady first by μ; got %s", ranked[0].Name)
	}
	v := Decide(line)
	if v.Kind != KindPick || v.Pick.ID != 2 || v.RunnerUp.ID != 1 {
		t.Fatalf("verdict %s, pick %v, runner-up %v; want Loved picked over Steady", v.Kind, v.Pick, v.RunnerUp)
	}
	chances := ChanceBestInLine([]Counts{line[0].Counts, line[1].Counts, line[3].Counts, line[2].Counts}, nil)
	if math.Abs(v.Probability-chances[1]) > 1e-12 || chances[1] < chances[0] {
		t.Fatalf("probability %v; chances %v", v.Probability, chances)
	}
	t.Log(v.Reason)
}
