package store

import (
	"context"
	"fmt"
	"time"
)

// SitemapPage is one public page for the sitemap: a product line (ItemSlug "") or an item, with
// when what it shows last changed.
type SitemapPage struct {
	LineSlug string
	ItemSlug string
	Modified time.Time
}

// SitemapCounts returns how many product lines and items there are.
func (s *Store) SitemapCounts(ctx context.Context) (lines, items int, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM categories), (SELECT COUNT(*) FROM items)`).Scan(&lines, &items)
	return lines, items, wrap("sitemap counts", err)
}

// SitemapLines returns every product line by id, each modified when it, one of its items or one
// of its items' star counts last changed.
func (s *Store) SitemapLines(ctx context.Context) ([]SitemapPage, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT c.slug, c.updated_at,
		   (SELECT MAX(i.updated_at) FROM items i WHERE i.category_id = c.id),
		   (SELECT MAX(st.updated_at) FROM item_stats st JOIN items i ON i.id = st.item_id WHERE i.category_id = c.id)
		 FROM categories c ORDER BY c.id`)
	if err != nil {
		return nil, wrap("sitemap lines", err)
	}
	defer rows.Close()
	var out []SitemapPage
	for rows.Next() {
		var p SitemapPage
		var items, stats anyTime
		if err := rows.Scan(&p.LineSlug, &p.Modified, &items, &stats); err != nil {
			return nil, wrap("sitemap lines", err)
		}
		p.Modified = latest(p.Modified, items.t, stats.t)
		out = append(out, p)
	}
	return out, wrap("sitemap lines", rows.Err())
}

// SitemapItems returns limit items by id from offset on, each modified when it or its star counts
// (a review added, removed or re-rated) last changed.
func (s *Store) SitemapItems(ctx context.Context, offset, limit int) ([]SitemapPage, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT c.slug, i.slug, i.updated_at, st.updated_at`+itemFrom+` ORDER BY i.id LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, wrap("sitemap items", err)
	}
	defer rows.Close()
	out := make([]SitemapPage, 0, min(limit, 1024))
	for rows.Next() {
		var p SitemapPage
		var stats time.Time
		if err := rows.Scan(&p.LineSlug, &p.ItemSlug, &p.Modified, &stats); err != nil {
			return nil, wrap("sitemap items", err)
		}
		p.Modified = latest(p.Modified, stats)
		out = append(out, p)
	}
	return out, wrap("sitemap items", rows.Err())
}

func latest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out.UTC()
}

// anyTime scans a time that SQLite returns as text where it cannot know the column's type (an
// aggregate such as MAX), and PostgreSQL as a time; NULL is the zero time.
type anyTime struct{ t time.Time }

// Scan implements sql.Scanner.
func (a *anyTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		a.t = time.Time{}
		return nil
	case time.Time:
		a.t = v
		return nil
	case []byte:
		return a.Scan(string(v))
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00",
			time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
			if t, err := time.Parse(layout, v); err == nil {
				a.t = t
				return nil
			}
		}
		return fmt.Errorf("time: cannot parse %q", v)
	}
	return fmt.Errorf("time: cannot scan %T", src)
}
