package web

import (
	"html/template"
	"net/http"

	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
)

// templateFuncs are the functions every template may call. {{template "stars" (stars mean count)}}
// draws an average rating.
func templateFuncs(static *staticFiles, stars *starPainter) template.FuncMap {
	return template.FuncMap{
		"static": static.URL,
		"stars":  stars.average,
		// The item page and the review forms (page_item.go).
		"itemPath": itemPath,
		"plural":   plural,
	}
}

// lineSummary is a product line as the home page lists it.
type lineSummary struct {
	Category store.Category
	Counts   string // "6 items · 421 reviews"
	Verdict  verdictView
}

// home lists every product line with its verdict.
func (srv *Server) home(w http.ResponseWriter, r *http.Request) {
	cats, err := srv.store.Categories(r.Context())
	if err != nil {
		srv.serverError(w, r, err)
		return
	}
	lines := make([]lineSummary, 0, len(cats))
	for _, c := range cats {
		l, err := srv.lines.Line(r.Context(), c.Slug, rank.SortRecommended)
		if err != nil {
			srv.serverError(w, r, err)
			return
		}
		_, byID := lineViewsFor(l, nil)
		lines = append(lines, lineSummary{Category: l.Category, Counts: countsText(l.Category),
			Verdict: newVerdictView(l.Category.Slug, l.Verdict, byID)})
	}
	srv.render(w, r, http.StatusOK, "home", view{Title: "Which one should I tell my friends to buy?", Data: lines,
		Canonical: srv.canonicalURL(r, "/", 1)})
}
