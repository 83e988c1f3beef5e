package web

import (
	"fmt"
	"strconv"
	"time"

	"github.com/starboard/starboard/internal/store"
)

// Numbers, counts and dates as pages write them.

// plural returns "1 review" or "212 reviews".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// countsText returns "6 items · 421 reviews".
func countsText(c store.Category) string {
	return plural(c.ItemCount, "item", "items") + " · " + plural(c.ReviewCount, "review", "reviews")
}

// thousands formats n with comma separators: 10000 → "10,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// waitText says a wait in words: "40 seconds", "1 minute", "5 minutes".
func waitText(secs int) string {
	switch {
	case secs < 60:
		return fmt.Sprintf("%d seconds", secs)
	case secs < 120:
		return "1 minute"
	default:
		return fmt.Sprintf("%d minutes", (secs+59)/60)
	}
}

// longDate formats a date as people read it: "2 October 2026".
func longDate(t time.Time) string { return t.UTC().Format("2 January 2006") }

// isoDate formats a date for a datetime attribute: "2026-10-02".
func isoDate(t time.Time) string { return t.UTC().Format("2006-01-02") }
