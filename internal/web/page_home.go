package web

import (
	"net/http"

	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
)

// lineSummary is a product line as the home page lists it.
type lineSummary struct {
	Category store.Category
	Counts   string // "6 items · 421 reviews"
	Verdict  verdictView
}

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
	return srv.render(w, r, http.StatusOK, "home", view{Title: "Which one should I tell my friends to buy?", Data: lines,
		Canonical: srv.canonicalURL(r, "/", 1)})
}
