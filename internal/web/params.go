package web

import (
	"math"
	"net/http"
	"strconv"

	"github.com/starboard/starboard/internal/rank"
	"github.com/starboard/starboard/internal/store"
)

// Paging limits.
const (
	DefaultLimit = 20
	MaxLimit     = 100
	maxPage      = 1_000_000
)

// page is a position in a paginated list.
type page struct {
	Total int `json:"total"`
	Page  int `json:"page"`
	Limit int `json:"limit"`
}

func (p page) offset() int { return (p.Page - 1) * p.Limit }

// Pages returns the number of pages, at least 1.
func (p page) Pages() int { return max(1, (p.Total+p.Limit-1)/p.Limit) }

// parsePage reads ?limit= and ?page=; a wrong one is a 400 naming the parameter.
func parsePage(r *http.Request) (page, error) {
	p, field, msg := parsePageValues(r.URL.Query().Get("limit"), r.URL.Query().Get("page"), DefaultLimit)
	if field != "" {
		return p, problemOf(http.StatusBadRequest, field, msg)
	}
	return p, nil
}

// parsePageValues is the pure part of parsePage: it returns the page, or the field at fault
// and a message.
func parsePageValues(limit, pageNum string, defaultLimit int) (p page, field, msg string) {
	p = page{Page: 1, Limit: defaultLimit}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > MaxLimit {
			return p, "limit", "limit must be a whole number from 1 to 100."
		}
		p.Limit = n
	}
	if pageNum != "" {
		n, err := strconv.Atoi(pageNum)
		if err != nil || n < 1 || n > maxPage {
			return p, "page", "page must be a whole number from 1 to 1000000."
		}
		p.Page = n
	}
	return p, "", ""
}

// reviewQuery is a parsed ?sort=&stars=&limit=&page= for an item's reviews.
type reviewQuery struct {
	store.ReviewQuery
	page page
}

// parseReviewQuery reads the review list parameters (?sort=&stars=&page=, and ?limit= with
// limit true); a wrong one is a 400 naming the parameter.
func parseReviewQuery(r *http.Request, limit bool) (reviewQuery, error) {
	q := r.URL.Query()
	lim := ""
	if limit {
		lim = q.Get("limit")
	}
	pg, field, msg := parsePageValues(lim, q.Get("page"), DefaultLimit)
	var rq reviewQuery
	if field == "" {
		rq, field, msg = reviewQueryValues(q.Get("sort"), q.Get("stars"), pg)
	}
	if field != "" {
		return rq, problemOf(http.StatusBadRequest, field, msg)
	}
	return rq, nil
}

func reviewQueryValues(sort, stars string, pg page) (rq reviewQuery, field, msg string) {
	s, ok := store.ParseReviewSort(sort)
	if !ok {
		return rq, "sort", "sort must be one of newest, highest, lowest, helpful."
	}
	n := 0
	if stars != "" {
		var err error
		n, err = strconv.Atoi(stars)
		if err != nil || n < 1 || n > 5 {
			return rq, "stars", "stars must be a whole number from 1 to 5."
		}
	}
	rq = reviewQuery{ReviewQuery: store.ReviewQuery{Sort: s, Stars: n, Limit: pg.Limit, Offset: pg.offset()}, page: pg}
	return rq, "", ""
}

// parseLineSort reads the ?sort= of a line's ranking; a wrong one is a 400 naming it.
func parseLineSort(r *http.Request) (rank.Sort, error) {
	sort, ok := rank.ParseSort(r.URL.Query().Get("sort"))
	if !ok {
		return sort, problemOf(http.StatusBadRequest, "sort", "sort must be one of recommended, conservative, average, reviews.")
	}
	return sort, nil
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
