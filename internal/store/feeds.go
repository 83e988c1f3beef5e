package store

import (
	"context"
)

// CategoryReview is a review with the item it is about, for a product line's feed.
type CategoryReview struct {
	Review
	ItemSlug string
	ItemName string
}

// NewestReviews returns the newest reviews of every item in a product line, newest first, at
// most limit of them, with their reviewers' and items' names.
func (s *Store) NewestReviews(ctx context.Context, categoryID int64, limit int) ([]CategoryReview, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT `+reviewColumns+`, i.slug, i.name
		 FROM reviews r JOIN users u ON u.id = r.user_id JOIN items i ON i.id = r.item_id
		 WHERE i.category_id = $1
		 ORDER BY r.created_at DESC, r.id DESC LIMIT $2`, categoryID, limit)
	if err != nil {
		return nil, wrap("newest reviews", err)
	}
	defer rows.Close()
	out := make([]CategoryReview, 0, limit)
	for rows.Next() {
		var lr CategoryReview
		r := &lr.Review
		if err := rows.Scan(&r.ID, &r.ItemID, &r.UserID, &r.UserName, &r.Rating, &r.Summary, &r.Details,
			&r.HelpfulCount, (*dbTime)(&r.CreatedAt), (*dbTime)(&r.UpdatedAt), &lr.ItemSlug, &lr.ItemName); err != nil {
			return nil, wrap("newest reviews", err)
		}
		out = append(out, lr)
	}
	return out, wrap("newest reviews", rows.Err())
}
