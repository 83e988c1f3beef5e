package store

import (
	"context"
	"fmt"
	"strings"
)

// HelpfulVotes returns which of the given reviews the member has marked helpful.
func (s *Store) HelpfulVotes(ctx context.Context, userID int64, reviewIDs []int64) (map[int64]bool, error) {
	voted := make(map[int64]bool, len(reviewIDs))
	if len(reviewIDs) == 0 {
		return voted, nil
	}
	var b strings.Builder
	b.WriteString(`SELECT review_id FROM helpful_votes WHERE user_id = $1 AND review_id IN (`)
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
		return nil, wrap("helpful votes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrap("helpful votes", err)
		}
		voted[id] = true
	}
	return voted, wrap("helpful votes", rows.Err())
}
