package web

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestReviewFormValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                     string
		rating, summary, details string
		wantErrs                 string // the fields at fault, in order
		wantSummary, wantDetails string
		wantRating               int
	}{
		{"valid", "4", "Pretty good", "Nice.", "", "Pretty good", "Nice.", 4},
		{"trimmed", " 5 ", "  Spaces  ", "\n\n Body \n", "", "Spaces", "Body", 5},
		{"line breaks in summary", "3", "one\ntwo\tthree", "", "", "one two three", "", 3},
		{"CRLF counts once", "3", "Fine", strings.Repeat("ab\r\n", 3333) + "x", "", "Fine", strings.Repeat("ab\n", 3333) + "x", 3},
		{"empty", "", "", "", "rating summary", "", "", 0},
		{"rating 0", "0", "Fine", "", "rating", "Fine", "", 0},
		{"rating 6", "6", "Fine", "", "rating", "Fine", "", 0},
		{"rating -1", "-1", "Fine", "", "rating", "Fine", "", 0},
		{"rating words", "four", "Fine", "", "rating", "Fine", "", 0},
		{"rating fraction", "4.5", "Fine", "", "rating", "Fine", "", 0},
		{"summary 2", "1", "ab", "", "summary", "ab", "", 1},
		{"summary 3", "1", "abc", "", "", "abc", "", 1},
		{"summary 120 runes", "1", strings.Repeat("ß", 120), "", "", strings.Repeat("ß", 120), "", 1},
		{"summary 121 runes", "1", strings.Repeat("ß", 121), "", "summary", strings.Repeat("ß", 121), "", 1},
		{"details 10000", "2", "Fine", strings.Repeat("€", 10_000), "", "Fine", strings.Repeat("€", 10_000), 2},
		{"details 10001", "2", "Fine", strings.Repeat("€", 10_001), "details", "Fine", strings.Repeat("€", 10_001), 2},
		{"NUL", "2", "Fine\x00", "", "summary", "Fine\x00", "", 2},
		{"bell in details", "2", "Fine", "ding\a", "details", "Fine", "ding\a", 2},
		{"invalid UTF-8", "2", "Fine", "\xc3\x28", "details", "Fine", "\xc3\x28", 2},
		{"invalid UTF-8 in summary", "2", "Fi\xffne", "", "summary", "Fi\uFFFDne", "", 2},
		{"everything wrong", "9", "x", strings.Repeat("y", 10_001), "rating summary details", "x", strings.Repeat("y", 10_001), 0},
	}
	for _, tt := range tests {
		f := reviewFormFrom(tt.rating, tt.summary, tt.details)
		ok := f.validate()
		var errs []string
		for _, field := range []string{"rating", "summary", "details"} {
			if msg := f.Errors.For(field); msg != "" {
				errs = append(errs, field)
				if !strings.HasSuffix(msg, ".") || len(msg) < 20 {
					t.Errorf("%s: message for %s is not a sentence: %q", tt.name, field, msg)
				}
			}
		}
		if got := strings.Join(errs, " "); got != tt.wantErrs || ok != (tt.wantErrs == "") {
			t.Errorf("%s: errors %q (ok %v), want %q", tt.name, got, ok, tt.wantErrs)
		}
		if f.Summary != tt.wantSummary || f.Details != tt.wantDetails || f.Rating != tt.wantRating {
			t.Errorf("%s: kept rating %d summary %q details(%d) %.20q, want %d %q %.20q", tt.name, f.Rating, f.Summary,
				len(f.Details), f.Details, tt.wantRating, tt.wantSummary, tt.wantDetails)
		}
	}
}

func TestRatingLabels(t *testing.T) {
	t.Parallel()
	want := []string{"1 star: Sucks big time", "2 stars: Kinda bad", "3 stars: Meh", "4 stars: Pretty good", "5 stars: Rocks!"}
	opts := reviewForm{Rating: 4}.RatingOptions()
	for i, o := range opts {
		if o.Value != i+1 || o.Label != want[i] || o.Checked != (i == 3) {
			t.Errorf("option %d = %+v, want %d %q", i, o, i+1, want[i])
		}
	}
	if thousands(10000) != "10,000" || thousands(999) != "999" || thousands(1234567) != "1,234,567" {
		t.Error("thousands separators")
	}
}

func FuzzReviewForm(f *testing.F) {
	f.Add("4", "Pretty good", "Nice")
	f.Add("", "<script>", "\x00")
	f.Add("4", "Good \xff\xfe stuff", "ok") // was saved with U+FFFD in place of the bytes
	f.Fuzz(func(t *testing.T, rating, summary, details string) {
		form := reviewFormFrom(rating, summary, details)
		if !form.validate() {
			return
		}
		if !utf8.ValidString(summary) || !utf8.ValidString(details) {
			t.Errorf("accepted invalid UTF-8: %q / %q", summary, details)
		}
		if form.Rating < 1 || form.Rating > 5 || !storable(form.Summary) || !storable(form.Details) ||
			len([]rune(form.Summary)) < SummaryMin || len([]rune(form.Summary)) > SummaryMax || len([]rune(form.Details)) > DetailsMax {
			t.Errorf("accepted %+v", form)
		}
	})
}
