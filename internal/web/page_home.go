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
	pickID  int64
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
	var picks []int64
	for _, c := range cats {
		l, err := srv.lines.Line(r.Context(), c.Slug, rank.SortRecommended)
		if err != nil {
			return err
		}
		_, byID := lineViewsFor(l, nil)
		lines = append(lines, lineSummary{Category: l.Category, Counts: countsText(l.Category),
			Verdict: newVerdictView(l.Category.Slug, l.Verdict, byID)})
		if l.Verdict.Kind == rank.KindPick && l.Verdict.Pick != nil {
			picks = append(picks, l.Verdict.Pick.ID)
			lines[len(lines)-1].pickID = l.Verdict.Pick.ID
		}
	}
	pics, err := srv.store.MainPictures(r.Context(), picks)
	if err != nil {
		return err
	}
	sortLines(lines)
	for i := range lines {
		if lines[i].pickID != 0 {
			where := aboveFold
			if i >= 3 {
				where = belowFold
			}
			p := srv.pictureView(pics[lines[i].pickID], homePictureWidth, where)
			lines[i].Picture = &p
		}
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
