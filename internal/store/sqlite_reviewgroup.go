package store

import (
	"context"
	"database/sql"
	"time"
)

// New reviews on SQLite are committed in groups. SQLite has one writer, and each commit appends
// every page the transaction touched to the write-ahead log: the reviews table's last page, its
// indexes' pages, the item's star counts, the line's counter. Reviews that arrive while another
// group commits wait for the next group, which writes the pages they share once. Each review
// keeps its own outcome (a savepoint each: a second review of one item by one member fails
// alone), and its caller hears of it only after the group's commit, so a review reported saved
// is as durable as before. Alone, a review commits at once in a transaction of its own.
// PostgreSQL needs none of this: it already flushes concurrent commits together.

type pendingReview struct {
	r   *Review
	ref itemRef
	t   time.Time
	err error
}

func (s *Store) createReviewInGroup(ctx context.Context, r *Review, ref itemRef, t time.Time) error {
	p := &pendingReview{r: r, ref: ref, t: t}
	// Waits for the commit even if ctx ends: the review may be saved, and the answer must say so.
	<-s.reviewGroup.join(ctx, p)
	return p.err
}

// commitReviews writes a group of new reviews in one transaction.
func (s *Store) commitReviews(ctx context.Context, group []*pendingReview) {
	if len(group) == 1 {
		p := group[0]
		p.err = s.tx(ctx, func(tx *sql.Tx) error { return s.insertReview(ctx, tx, p.r, p.ref, p.t) })
		return
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, p := range group {
			if _, err := s.txExec(ctx, tx, `SAVEPOINT review`); err != nil {
				return err
			}
			p.err = s.insertReview(ctx, tx, p.r, p.ref, p.t)
			if p.err != nil {
				if _, err := s.txExec(ctx, tx, `ROLLBACK TO review`); err != nil {
					return err
				}
			}
			if _, err := s.txExec(ctx, tx, `RELEASE review`); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, p := range group {
			p.err = err
		}
	}
}
