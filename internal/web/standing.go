package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/starboard/starboard/internal/lineup"
	"github.com/starboard/starboard/internal/rank"
)

// standing is where an item stands in its line's verdict.
type standing struct {
	Code  string // for the API: pick, runner_up, too_close, best_value
	Label string // for people: "Our pick", …
}

// itemStanding is everything the line's verdict says about one item: the search results and the
// item page both take it from standingOf, so they never disagree.
type itemStanding struct {
	Place     int // in the line's recommended order, 1-based; 0 if the line's ranking lacks it
	Of        int // items in the line
	Reviews   int
	Standings []standing
	TiedWith  []string // the other items too close to call with it, by μ
}

// standingOf returns where the item stands in the line l (ranked in the recommended order).
func standingOf(l lineup.Line, itemID int64) itemStanding {
	s := itemStanding{Of: len(l.Ranked)}
	for _, rk := range l.Ranked {
		if rk.ID == itemID {
			s.Place, s.Reviews = rk.Rank, rk.N
			break
		}
	}
	is := func(r *rank.Ranked) bool { return r != nil && r.ID == itemID }
	v := l.Verdict
	switch {
	case v.Kind == rank.KindPick && is(v.Pick):
		s.Standings = append(s.Standings, standing{"pick", "Our pick"})
	case v.Kind == rank.KindPick && is(v.RunnerUp):
		s.Standings = append(s.Standings, standing{"runner_up", "Runner-up"})
	}
	tied := false
	for i := range v.Tied {
		if is(&v.Tied[i]) {
			tied = true
		} else {
			s.TiedWith = append(s.TiedWith, v.Tied[i].Name)
		}
	}
	if tied {
		s.Standings = append(s.Standings, standing{"too_close", "Too close to call"})
	} else {
		s.TiedWith = nil
	}
	if is(v.BestValue) {
		s.Standings = append(s.Standings, standing{"best_value", "Best value"})
	}
	return s
}

// has reports whether the standing includes the code.
func (s itemStanding) has(code string) bool {
	for _, st := range s.Standings {
		if st.Code == code {
			return true
		}
	}
	return false
}

// Kind names the sentence the item page shows: pick, runner_up, best_value, too_close,
// not_enough or place.
func (s itemStanding) Kind() string {
	switch {
	case s.has("pick"):
		return "pick"
	case s.has("too_close"):
		return "too_close"
	case s.has("runner_up"):
		return "runner_up"
	case s.has("best_value"):
		return "best_value"
	case s.Place > 0 && s.Reviews < rank.MinReviews:
		return "not_enough"
	}
	return "place"
}

// Sentence says where the item stands, for the top of its page: "Our pick in iPads", "#4 of 6
// in Books", "Too close to call with Nineteen Eighty-Four", "Not enough reviews yet (3 of 5)".
// It is "" when the line's ranking does not list the item.
func (s itemStanding) Sentence(line string) string {
	if s.Place == 0 {
		return ""
	}
	value := ""
	if s.has("best_value") {
		value = ", and the best value"
	}
	switch s.Kind() {
	case "pick":
		return "Our pick in " + line + value
	case "too_close":
		return "Too close to call with " + joinAnd(s.TiedWith) + value
	case "runner_up":
		return "Runner-up in " + line + value
	case "best_value":
		return "Best value in " + line
	case "not_enough":
		return fmt.Sprintf("Not enough reviews yet (%d of %d)", s.Reviews, rank.MinReviews)
	}
	return "#" + strconv.Itoa(s.Place) + " of " + strconv.Itoa(s.Of) + " in " + line
}

// joinAnd joins names as a person would: "A", "A and B", "A, B and C".
func joinAnd(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
