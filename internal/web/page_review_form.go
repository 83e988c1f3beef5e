package web

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/starboard/starboard/internal/store"
)

// Review text limits, in characters (not bytes).
const (
	SummaryMin = 3
	SummaryMax = 120
	DetailsMax = 10_000
)

// ratingNames are the star input's labels, 1 star first.
var ratingNames = [...]string{1: "Sucks big time", 2: "Kinda bad", 3: "Meh", 4: "Pretty good", 5: "Rocks!"}

// reviewForm is what a member typed into the review form, and what is wrong with it.
type reviewForm struct {
	Rating  int // 0 when no rating was chosen
	Summary string
	Details string
	Errors  fieldErrors // by field: "rating", "summary", "details", in that order
}

// reviewFormFrom reads the review form's fields. The text is kept as typed (line breaks
// normalised) so that a form with errors shows it again; validate checks it.
func reviewFormFrom(rating, summary, details string) reviewForm {
	f := reviewForm{Summary: summary, Details: strings.ReplaceAll(details, "\r\n", "\n")}
	if n, err := strconv.Atoi(strings.TrimSpace(rating)); err == nil {
		f.Rating = n
	} else if rating != "" {
		f.Rating = -1
	}
	return f
}

// reviewFormOf fills the form with a saved review, for editing.
func reviewFormOf(r store.Review) reviewForm {
	return reviewForm{Rating: r.Rating, Summary: r.Summary, Details: r.Details}
}

// validate trims the text, fills Errors and reports whether the form can be saved. Messages say
// what to do, for a person.
func (f *reviewForm) validate() bool {
	f.Errors = nil
	// Checked before the text is touched: strings.Map turns invalid bytes into U+FFFD.
	validSummary := utf8.ValidString(f.Summary)
	f.Summary = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, f.Summary))
	f.Details = strings.TrimSpace(f.Details)

	if f.Rating < 1 || f.Rating > 5 {
		f.Rating = 0
		f.Errors.add("rating", "Choose a rating from 1 to 5 stars.")
	}
	switch n := utf8.RuneCountInString(f.Summary); {
	case !validSummary || !storable(f.Summary):
		f.Errors.add("summary", "The summary contains characters that cannot be saved. Please retype it.")
	case n == 0:
		f.Errors.add("summary", "Write a summary: a few words that sum up your review.")
	case n < SummaryMin:
		f.Errors.add("summary", fmt.Sprintf("Write a summary of at least %d characters.", SummaryMin))
	case n > SummaryMax:
		f.Errors.add("summary", fmt.Sprintf("Keep the summary to %d characters or fewer; it has %s.", SummaryMax, thousands(n)))
	}
	switch n := utf8.RuneCountInString(f.Details); {
	case !storable(f.Details):
		f.Errors.add("details", "The details contain characters that cannot be saved. Please retype them.")
	case n > DetailsMax:
		f.Errors.add("details", fmt.Sprintf("Keep the details to %s characters or fewer; they have %s.", thousands(DetailsMax), thousands(n)))
	}
	return len(f.Errors) == 0
}

// storable reports whether s is text both databases keep as it is: valid UTF-8 with no control
// characters other than line breaks and tabs (PostgreSQL refuses NUL).
func storable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return false
		}
	}
	return true
}

// ratingOption is one radio of the star input.
type ratingOption struct {
	Value   int
	Label   string // "4 stars: Pretty good"
	Checked bool
}

// RatingOptions returns the five star radios, 1 star first, the chosen one checked.
func (f reviewForm) RatingOptions() []ratingOption {
	out := make([]ratingOption, 5)
	for k := 1; k <= 5; k++ {
		out[k-1] = ratingOption{Value: k, Label: ratingLabel(k), Checked: f.Rating == k}
	}
	return out
}

// ratingLabel names a rating: "1 star: Sucks big time", "4 stars: Pretty good".
func ratingLabel(k int) string {
	if k < 1 || k > 5 {
		return ""
	}
	return plural(k, "star", "stars") + ": " + ratingNames[k]
}
