package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// starRating is a rating as the "stars" partial draws it: five icons, one text alternative, and
// the HTML of both.
type starRating struct {
	Icons [5]string     // "full", "half" or "empty"
	Label string        // "Rated 4.5 out of 5, 212 reviews", or "No reviews yet"
	HTML  template.HTML // the drawing, filled by a starPainter
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

// starPainter draws ratings as one small inline SVG of five icons from the sprite, hidden from
// assistive technology, followed by the text alternative. Drawing in Go rather than in the
// template keeps a page of twenty reviews cheap to render.
type starPainter struct {
	sprite  string        // the sprite's fingerprinted address
	ratings [6]starRating // one review's rating of k stars, drawn once
}

func newStarPainter(static *staticFiles) (*starPainter, error) {
	sprite, err := static.URL("stars.svg")
	if err != nil {
		return nil, err
	}
	p := &starPainter{sprite: sprite}
	for k := 1; k <= 5; k++ {
		s := starsFor(float64(k), 1)
		s.Label = fmt.Sprintf("Rated %d out of 5", k)
		p.ratings[k] = p.draw(s)
	}
	return p, nil
}

// average returns the drawing of an average rating of count reviews.
func (p *starPainter) average(mean float64, count int) starRating {
	return p.draw(starsFor(mean, count))
}

// rating returns the drawing of one review's rating, 1..5.
func (p *starPainter) rating(k int) starRating {
	if k < 1 || k > 5 {
		return p.draw(starsFor(0, 0))
	}
	return p.ratings[k]
}

// draw fills s.HTML.
func (p *starPainter) draw(s starRating) starRating {
	var b strings.Builder
	b.WriteString(`<span class="stars"><svg viewBox="0 0 128 24" aria-hidden="true" focusable="false">`)
	for i, icon := range s.Icons {
		b.WriteString(`<use href="` + p.sprite + `#` + icon + `"`)
		if icon == "empty" {
			b.WriteString(` class="empty"`)
		}
		b.WriteString(` x="` + strconv.Itoa(26*i) + `" width="24" height="24"/>`)
	}
	b.WriteString(`</svg><span class="visually-hidden">` + template.HTMLEscapeString(s.Label) + `</span></span>`)
	s.HTML = template.HTML(b.String())
	return s
}
