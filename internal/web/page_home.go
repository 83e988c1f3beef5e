package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
)

// lineSummary is a product line as the home page lists it.
type lineSummary struct {
	Category store.Category
	Counts   string // "6 items · 421 reviews"
	Verdict  verdictView
	// Picture is the pick's main picture (or the placeholder), for lines with a pick; nil else.
	Picture *pictureView
}

// homePictureWidth is the width of a pick's picture on its home-page card, in CSS pixels.
const homePictureWidth = 160

// home lists every product line with its verdict.
func (srv *Server) home(w http.ResponseWriter, r *http.Request) error {
	cats, err := srv.store.Categories(r.Context())
	if err != nil {
		return err
	}
	lines := make([]lineSummary, 0, len(cats))
	for _, c := range cats {
		l, err := srv.lines.Line(r.Context(), c.Slug, rank.SortRecommended)
		if err != nil {
			return err
		}
		_, byID := lineViewsFor(l, nil)
		lines = append(lines, lineSummary{Category: l.Category, Counts: countsText(l.Category),
			Verdict: newVerdictView(l.Category.Slug, l.Verdict, byID)})
	}
	sortLines(lines)
	// Lines with a pick come first: their cards show the pick's picture.
	var withPick []*lineSummary
	var picks []int64
	for i := range lines {
		if v := lines[i].Verdict; v.Kind == rank.KindPick && v.Pick != nil {
			withPick, picks = append(withPick, &lines[i]), append(picks, v.Pick.ID)
		}
	}
	pics, err := srv.mainPictures(r.Context(), picks, homePictureWidth, 3)
	if err != nil {
		return err
	}
	for i, l := range withPick {
		l.Picture = &pics[i]
	}
	return srv.render(w, r, http.StatusOK, "home", view{Title: "Which one should I tell my friends to buy?", Data: lines,
		Canonical: srv.canonicalURL(r, "/", 1)})
}

// sortLines puts the lines with a pick first, then orders them by name as a person reads it,
// without regard to case ("Books, iPads, Tellytubbies").
func sortLines(lines []lineSummary) {
	slices.SortStableFunc(lines, func(a, b lineSummary) int {
		ap, bp := a.Verdict.Kind == rank.KindPick, b.Verdict.Kind == rank.KindPick
		if ap != bp {
			if ap {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(strings.ToLower(a.Category.Name), strings.ToLower(b.Category.Name)),
			cmp.Compare(a.Category.Name, b.Category.Name))
	})
}
