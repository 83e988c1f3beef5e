package web

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Review text limits, in characters (not bytes). They are the DESIGN's: a summary of 3 to 120
// characters, details up to 10,000.
const (
	reviewSummaryMin = 3
	reviewSummaryMax = 120
	reviewDetailsMax = 10_000
)

// reviewInput is a review's fields as a member sends them.
type reviewInput struct {
	Rating  int
	Summary string
	Details string
}

// checkReview is the one set of review rules, for the API and the forms: it returns the review
// normalised (text trimmed, the summary on one line, line breaks as \n) and what is wrong with
// each field ("rating", "summary", "details"), in that order, written for a person.
func checkReview(in reviewInput) (reviewInput, []fieldError) {
	var errs []fieldError
	// Checked before the text is touched: strings.Map would turn invalid bytes into U+FFFD.
	validSummary, validDetails := utf8.ValidString(in.Summary), utf8.ValidString(in.Details)
	in.Summary = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, in.Summary))
	in.Details = strings.TrimSpace(strings.ReplaceAll(in.Details, "\r\n", "\n"))

	if in.Rating < 1 || in.Rating > 5 {
		errs = append(errs, fieldError{"rating", "Choose a rating from 1 to 5 stars."})
	}
	switch n := utf8.RuneCountInString(in.Summary); {
	case !validSummary || !savableText(in.Summary, false):
		errs = append(errs, fieldError{"summary", "The summary contains characters that cannot be saved (invalid UTF-8 or control characters). Please retype it."})
	case n == 0:
		errs = append(errs, fieldError{"summary", "Write a summary: a few words that sum up your review."})
	case n < reviewSummaryMin:
		errs = append(errs, fieldError{"summary", fmt.Sprintf("Write a summary of at least %d characters.", reviewSummaryMin)})
	case n > reviewSummaryMax:
		errs = append(errs, fieldError{"summary", fmt.Sprintf("Keep the summary to %d characters or fewer; it has %d.", reviewSummaryMax, n)})
	}
	switch n := utf8.RuneCountInString(in.Details); {
	case !validDetails || !savableText(in.Details, true):
		errs = append(errs, fieldError{"details", "The details contain characters that cannot be saved (invalid UTF-8 or control characters). Please retype them."})
	case n > reviewDetailsMax:
		errs = append(errs, fieldError{"details", fmt.Sprintf("Keep the details to 10,000 characters or fewer; they have %d.", n)})
	}
	return in, errs
}

// savableText reports whether s is text both databases keep as it is and every page can show:
// valid UTF-8 without NUL or other control characters (line breaks and tabs too when multiline).
func savableText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) {
			return false
		}
	}
	return true
}
