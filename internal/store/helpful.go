package store

import (
	"context"
	"fmt"
	"strings"
)

// HelpfulVotes returns which of the given reviews the member has marked helpful.
func (s *Store) HelpfulVotes(ctx context.Context, userID int64, reviewIDs []int64) (map[int64]bool, error) {
	return s.reviewsMarked(ctx, "helpful votes", "helpful_votes", userID, reviewIDs)
}

// reviewsMarked returns which of the given reviews have a row in table (helpful_votes,
// review_reports) for the member: the member's marks on one page of reviews, in one query.
func (s *Store) reviewsMarked(ctx context.Context, op, table string, userID int64, reviewIDs []int64) (map[int64]bool, error) {
	marked := make(map[int64]bool, len(reviewIDs))
	if len(reviewIDs) == 0 {
		return marked, nil
	}
	var b strings.Builder
	b.WriteString(`SELECT review_id FROM ` + table + ` WHERE user_id = $1 AND review_id IN (`)
	args := make([]any, 0, len(reviewIDs)+1)
	args = append(args, userID)
	for i, id := range reviewIDs {
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, id)
		fmt.Fprintf(&b, "$%d", len(args))
	}
	b.WriteString(`)`)
	rows, err := s.r.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrap(op, err)
		}
		marked[id] = true
	}
	return marked, wrap(op, rows.Err())
}
