package web

import (
	"math"
	"testing"
)

func TestStarsFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mean  float64
		count int
		icons string
		label string
	}{
		{4.25, 10, "FFFFH", "Rated 4.2 out of 5, 10 reviews"},
		{4.75, 10, "FFFFF", "Rated 4.8 out of 5, 10 reviews"},
		{4.24, 10, "FFFFE", "Rated 4.2 out of 5, 10 reviews"},
		{3.5, 1, "FFFHE", "Rated 3.5 out of 5, 1 review"},
		{1, 3, "FEEEE", "Rated 1.0 out of 5, 3 reviews"},
		{0, 0, "EEEEE", "No reviews yet"},
		{math.NaN(), 5, "EEEEE", "No reviews yet"},
		{7, 2, "FFFFF", "Rated 5.0 out of 5, 2 reviews"},
	}
	for _, tt := range tests {
		got := starsFor(tt.mean, tt.count)
		icons := ""
		for _, ic := range got.Icons {
			icons += map[string]string{"full": "F", "half": "H", "empty": "E"}[ic]
		}
		if icons != tt.icons || got.Label != tt.label {
			t.Errorf("starsFor(%v, %d) = %s %q; want %s %q", tt.mean, tt.count, icons, got.Label, tt.icons, tt.label)
		}
	}
}
