package web

import (
	"fmt"
	"math"
)

// starRating is what the "stars" partial draws: five icons and one text alternative.
type starRating struct {
	Icons [5]string // "full", "half" or "empty"
	Label string    // "Rated 4.5 out of 5, 212 reviews", or "No reviews yet"
}

// starsFor rounds an average to the nearest half star (x.25 → x.5, x.75 → x+1) and labels it.
// With no reviews every star is empty and the label says so; a NaN or out-of-range mean is
// clamped, never drawn as NaN.
func starsFor(mean float64, count int) starRating {
	var s starRating
	if count <= 0 || math.IsNaN(mean) {
		s.Label = "No reviews yet"
		for i := range s.Icons {
			s.Icons[i] = "empty"
		}
		return s
	}
	mean = min(max(mean, 0), 5)
	halves := int(math.Round(mean * 2))
	for i := range s.Icons {
		switch {
		case halves >= 2*(i+1):
			s.Icons[i] = "full"
		case halves == 2*i+1:
			s.Icons[i] = "half"
		default:
			s.Icons[i] = "empty"
		}
	}
	s.Label = fmt.Sprintf("Rated %.1f out of 5, %s", mean, plural(count, "review", "reviews"))
	return s
}

// plural returns "1 review" or "212 reviews".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
