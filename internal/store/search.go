package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"
)

// Searching items by the words of their name, description and attribute values. The index is
// the item_search table of migration 00013, kept current by triggers in the same transaction as
// every item write: on SQLite an FTS5 table (unicode61, accents removed, prefix indexes), on
// PostgreSQL a tsvector per item under a GIN index (accents folded by search_fold, a built-in
// normalize(NFD) without the unaccent extension). The two dialects' queries differ only here.

// Search limits, checked by SearchItems and by the pages before it.
const (
	// MaxSearchLength is the longest search text, in characters.
	MaxSearchLength = 200
	// MaxSearchWords is the most words a search may have; each must match.
	MaxSearchWords = 10
)

// SearchWords returns the words of a search text: runs of letters and digits (with their
// accents), as the index splits names and descriptions. Everything else separates words.
func SearchWords(q string) []string {
	words := strings.FieldsFunc(q, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
	out := words[:0]
	for _, w := range words {
		// A run of accents alone is no word: folded, it would be empty.
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			out = append(out, w)
		}
	}
	return out
}

// SearchResult is one page of items matching a search, best first, and how many match in all.
type SearchResult struct {
	Items []Item
	Total int
}

// SearchItems returns the items whose name, description or attribute values contain every word
// of q, each word as a whole word or the start of one, without regard to case or accents, ranked
// by relevance (a name match above an attribute match above a description match), then by id
// (oldest first).
// It returns limit items from offset, and the total. A q with no word, more than MaxSearchWords
// or longer than MaxSearchLength is ErrInvalid.
func (s *Store) SearchItems(ctx context.Context, q string, limit, offset int) (SearchResult, error) {
	var res SearchResult
	words := SearchWords(q)
	switch {
	case len([]rune(q)) > MaxSearchLength:
		return res, fmt.Errorf("store: search: %w: longer than %d characters", ErrInvalid, MaxSearchLength)
	case len(words) == 0:
		return res, fmt.Errorf("store: search: %w: no word to look for", ErrInvalid)
	case len(words) > MaxSearchWords:
		return res, fmt.Errorf("store: search: %w: more than %d words", ErrInvalid, MaxSearchWords)
	}
	// Matches are ranked and counted in the index alone; only the page's items are then read.
	// FTS5's bm25 (smaller is better) weighs a name match 10, an attribute value 3, a
	// description 1; ts_rank weighs A (name) 1.0, B (attributes) 0.4, C (description) 0.2.
	query := `WITH m AS MATERIALIZED (
			SELECT rowid AS id, bm25(item_search, 10.0, 1.0, 3.0) AS score FROM item_search WHERE item_search MATCH $1),
		pg AS MATERIALIZED (
			SELECT id, score, (SELECT COUNT(*) FROM m) AS total FROM m ORDER BY score, id LIMIT $2 OFFSET $3)
		SELECT ` + itemColumns + `, pg.total
		FROM pg JOIN items i ON i.id = pg.id
		JOIN categories c ON c.id = i.category_id JOIN item_stats st ON st.item_id = i.id
		ORDER BY pg.score, pg.id`
	match := ftsMatch(words)
	if s.dialect == Postgres {
		query = `SELECT ` + itemColumns + `, pg.total
			FROM (SELECT se.item_id, ts_rank(se.document, q.query) AS score, COUNT(*) OVER () AS total
				FROM item_search se, to_tsquery('simple', search_fold($1)) AS q(query)
				WHERE se.document @@ q.query
				ORDER BY score DESC, se.item_id LIMIT $2 OFFSET $3) pg
			JOIN items i ON i.id = pg.item_id
			JOIN categories c ON c.id = i.category_id JOIN item_stats st ON st.item_id = i.id
			ORDER BY pg.score DESC, pg.item_id`
		match = tsQuery(words)
	}
	rows, err := s.r.QueryContext(ctx, query, match, limit, offset)
	if err != nil {
		return res, wrap("search", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it Item
		c := &it.Stats.Counts
		err := rows.Scan(&it.ID, &it.CategoryID, &it.CategorySlug, &it.CategoryName, &it.Slug, &it.Name, &it.Description,
			&it.Attributes, &it.CreatedAt, &it.UpdatedAt, &c[0], &c[1], &c[2], &c[3], &c[4], &it.Stats.UpdatedAt,
			&it.Stats.Version, &res.Total)
		if err != nil {
			return res, wrap("search", err)
		}
		res.Items = append(res.Items, it)
	}
	if err := rows.Err(); err != nil {
		return res, wrap("search", err)
	}
	if len(res.Items) == 0 && offset > 0 {
		// Past the last page the window count has no row to ride on.
		return s.searchCount(ctx, res, match)
	}
	return res, nil
}

// searchCount fills in the total of a search whose page came back empty.
func (s *Store) searchCount(ctx context.Context, res SearchResult, match string) (SearchResult, error) {
	query := `SELECT COUNT(*) FROM item_search WHERE item_search MATCH $1`
	if s.dialect == Postgres {
		query = `SELECT COUNT(*) FROM item_search WHERE document @@ to_tsquery('simple', search_fold($1))`
	}
	err := s.r.QueryRowContext(ctx, query, match).Scan(&res.Total)
	return res, wrap("search", err)
}

// ftsMatch returns an FTS5 query asking for every word as a prefix: "ipa"* "pro"*. The words
// hold only letters, digits and marks, so quoting them is enough; the tokenizer folds case and
// accents as it did for the index.
func ftsMatch(words []string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`"` + w + `"*`)
	}
	return b.String()
}

// tsQuery returns a PostgreSQL tsquery asking for every word as a prefix: 'ipa':* & 'pro':*.
// search_fold then drops the accents, as it did for the index.
func tsQuery(words []string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteString(`'` + w + `':*`)
	}
	return b.String()
}

// searchIndexTable reports whether a table is part of the search index: derived from items by
// triggers, so neither compared between dialects nor copied (copying items fills it on the
// target). SQLite's FTS5 keeps its index in shadow tables named after it.
func searchIndexTable(name string) bool {
	return name == "item_search" || strings.HasPrefix(name, "item_search_")
}
