package web

import (
	"fmt"
	"math"
	"strings"
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

func TestStarPainter(t *testing.T) {
	t.Parallel()
	static, err := loadStatic()
	if err != nil {
		t.Fatal(err)
	}
	p, err := newStarPainter(static)
	if err != nil {
		t.Fatal(err)
	}
	sprite, _ := static.URL("stars.svg")
	got := string(p.average(3.6, 12).HTML)
	want := `<span class="stars"><svg viewBox="0 0 128 24" aria-hidden="true" focusable="false">` +
		`<use href="` + sprite + `#full" x="0" width="24" height="24"/>` +
		`<use href="` + sprite + `#full" x="26" width="24" height="24"/>` +
		`<use href="` + sprite + `#full" x="52" width="24" height="24"/>` +
		`<use href="` + sprite + `#half" x="78" width="24" height="24"/>` +
		`<use href="` + sprite + `#empty" class="empty" x="104" width="24" height="24"/>` +
		`</svg><span class="visually-hidden">Rated 3.6 out of 5, 12 reviews</span></span>`
	if got != want {
		t.Errorf("average(3.6, 12) =\n%s\nwant\n%s", got, want)
	}
	for k := 1; k <= 5; k++ {
		r := p.rating(k)
		if full := strings.Count(string(r.HTML), "#full"); full != k || !strings.Contains(string(r.HTML), fmt.Sprintf(">Rated %d out of 5<", k)) {
			t.Errorf("rating(%d) = %s", k, r.HTML)
		}
	}
	if r := p.rating(0); !strings.Contains(string(r.HTML), "No reviews yet") || strings.Contains(string(r.HTML), "NaN") {
		t.Errorf("rating(0) = %s", r.HTML)
	}
}
