package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Reports of reviews (migration 00014): a member reports another member's review once, with a
// reason and an optional note; admins work through the open ones, oldest first, and dismiss them
// (the review stays) or remove the review (RemoveReview; its reports go with it by the foreign
// key's cascade). Reports change nothing a cached page shows, so they move no change counter.

// ErrOwnReview: a member tried to report their own review.
var ErrOwnReview = errors.New("one's own review")

// ReportReason says why a review was reported.
type ReportReason string

// The reasons a review may be reported for, as stored (the table's CHECK rule lists them too).
const (
	ReasonSpam     ReportReason = "spam"
	ReasonAbuse    ReportReason = "abuse"
	ReasonOffTopic ReportReason = "off-topic"
	ReasonOther    ReportReason = "other"
)

// ReportReasons returns every reason, in the order forms offer them.
func ReportReasons() []ReportReason {
	return []ReportReason{ReasonSpam, ReasonAbuse, ReasonOffTopic, ReasonOther}
}

// Valid reports whether r is one of the reasons.
func (r ReportReason) Valid() bool {
	switch r {
	case ReasonSpam, ReasonAbuse, ReasonOffTopic, ReasonOther:
		return true
	}
	return false
}

// Report is one member's report of one review.
type Report struct {
	ID          int64
	ReviewID    int64
	UserID      int64
	UserName    string // the reporter's display name, filled by reads
	Reason      ReportReason
	Note        string
	CreatedAt   time.Time
	DismissedAt *time.Time // nil while the report is open
}

// ReasonCount is how many open reports of a review give one reason.
type ReasonCount struct {
	Reason ReportReason
	Count  int
}

// ReportedReview is one entry of the moderation queue: a review with open reports, its item and
// line, and those reports.
type ReportedReview struct {
	Review   Review
	ItemName string
	ItemSlug string
	LineName string
	LineSlug string
	// Reasons counts the open reports by reason, in the order of ReportReasons, leaving out
	// reasons nobody gave.
	Reasons []ReasonCount
	// Reports are the open reports, oldest first.
	Reports       []Report
	FirstReported time.Time
}

// Count returns the number of open reports.
func (rr ReportedReview) Count() int { return len(rr.Reports) }

// ReportReview records rep (ReviewID, UserID, Reason, Note) and sets its ID and CreatedAt. A
// second report of one review by one member is ErrConflict, even after the first was dismissed;
// a report of one's own review is ErrOwnReview; an unknown review or user is ErrNotFound; an
// unknown reason is ErrInvalid.
func (s *Store) ReportReview(ctx context.Context, rep *Report) error {
	if !rep.Reason.Valid() {
		return wrap("report review", fmt.Errorf("%w: reason %q", ErrInvalid, rep.Reason))
	}
	t := now()
	err := s.tx(ctx, func(tx *sql.Tx) error { return insertReport(ctx, tx, rep, t) })
	if err != nil {
		return wrap("report review", err)
	}
	rep.CreatedAt, rep.DismissedAt = t, nil
	return nil
}

// ReportReview records rep like Store.ReportReview, inside the transaction.
func (t *Tx) ReportReview(rep *Report) error {
	if !rep.Reason.Valid() {
		return fmt.Errorf("%w: reason %q", ErrInvalid, rep.Reason)
	}
	if err := insertReport(t.ctx, t.tx, rep, t.t); err != nil {
		return translate(err)
	}
	rep.CreatedAt, rep.DismissedAt = t.t, nil
	return nil
}

// insertReport inserts rep unless its review is the reporter's own, and sets its ID.
func insertReport(ctx context.Context, tx *sql.Tx, rep *Report, t time.Time) error {
	var author int64
	if err := tx.QueryRowContext(ctx, `SELECT user_id FROM reviews WHERE id = $1`, rep.ReviewID).Scan(&author); err != nil {
		return err
	}
	if author == rep.UserID {
		return ErrOwnReview
	}
	return tx.QueryRowContext(ctx,
		`INSERT INTO review_reports (review_id, user_id, reason, note, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		rep.ReviewID, rep.UserID, string(rep.Reason), rep.Note, t).Scan(&rep.ID)
}

// ReportsBy returns which of the given reviews the member has reported, open or dismissed.
func (s *Store) ReportsBy(ctx context.Context, userID int64, reviewIDs []int64) (map[int64]bool, error) {
	return s.reviewsMarked(ctx, "reports by", "review_reports", userID, reviewIDs)
}

// OpenReportCount returns how many reviews have open reports: the length of the queue.
func (s *Store) OpenReportCount(ctx context.Context) (int, error) {
	var n int
	err := s.readRow(ctx, `SELECT COUNT(DISTINCT review_id) FROM review_reports WHERE dismissed_at IS NULL`).Scan(&n)
	return n, wrap("open report count", err)
}

// ReportQueue returns one page of the reviews with open reports, the one first reported longest
// ago first, and how many such reviews there are.
func (s *Store) ReportQueue(ctx context.Context, limit, offset int) ([]ReportedReview, int, error) {
	total, err := s.OpenReportCount(ctx)
	if err != nil || total == 0 {
		return nil, total, err
	}
	rows, err := s.r.QueryContext(ctx,
		`SELECT review_id FROM review_reports WHERE dismissed_at IS NULL
		 GROUP BY review_id ORDER BY MIN(created_at), review_id LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, wrap("report queue", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, 0, wrap("report queue", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, wrap("report queue", err)
	}
	out, err := s.reportedReviews(ctx, ids)
	return out, total, err
}

// ReportedReview returns the review with that id as the queue shows it, or ErrNotFound when it
// has no open report.
func (s *Store) ReportedReview(ctx context.Context, reviewID int64) (ReportedReview, error) {
	out, err := s.reportedReviews(ctx, []int64{reviewID})
	if err == nil && len(out) == 0 {
		err = wrap("reported review", ErrNotFound)
	}
	if err != nil {
		return ReportedReview{}, err
	}
	return out[0], nil
}

// reportedReviews loads the queue entries of the given reviews, in that order, leaving out
// those without open reports.
func (s *Store) reportedReviews(ctx context.Context, ids []int64) ([]ReportedReview, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		in[i], args[i] = placeholder(i+1), id
	}
	list := strings.Join(in, ", ")
	byID := make(map[int64]*ReportedReview, len(ids))
	rows, err := s.r.QueryContext(ctx,
		`SELECT `+reviewColumns+`, i.name, i.slug, c.name, c.slug
		 FROM reviews r JOIN users u ON u.id = r.user_id JOIN items i ON i.id = r.item_id JOIN categories c ON c.id = i.category_id
		 WHERE r.id IN (`+list+`)`, args...)
	if err != nil {
		return nil, wrap("reported reviews", err)
	}
	for rows.Next() {
		var rr ReportedReview
		rv := &rr.Review
		if err := rows.Scan(&rv.ID, &rv.ItemID, &rv.UserID, &rv.UserName, &rv.Rating, &rv.Summary, &rv.Details,
			&rv.HelpfulCount, (*dbTime)(&rv.CreatedAt), (*dbTime)(&rv.UpdatedAt), &rr.ItemName, &rr.ItemSlug, &rr.LineName, &rr.LineSlug); err != nil {
			rows.Close()
			return nil, wrap("reported reviews", err)
		}
		byID[rv.ID] = &rr
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("reported reviews", err)
	}
	rows, err = s.r.QueryContext(ctx,
		`SELECT p.id, p.review_id, p.user_id, u.display_name, p.reason, p.note, p.created_at
		 FROM review_reports p JOIN users u ON u.id = p.user_id
		 WHERE p.dismissed_at IS NULL AND p.review_id IN (`+list+`) ORDER BY p.created_at, p.id`, args...)
	if err != nil {
		return nil, wrap("reported reviews", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p Report
		var reason string
		if err := rows.Scan(&p.ID, &p.ReviewID, &p.UserID, &p.UserName, &reason, &p.Note, &p.CreatedAt); err != nil {
			return nil, wrap("reported reviews", err)
		}
		p.Reason, p.CreatedAt = ReportReason(reason), p.CreatedAt.UTC()
		if rr := byID[p.ReviewID]; rr != nil {
			rr.Reports = append(rr.Reports, p)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("reported reviews", err)
	}
	out := make([]ReportedReview, 0, len(ids))
	for _, id := range ids {
		rr := byID[id]
		if rr == nil || len(rr.Reports) == 0 {
			continue // removed or dismissed between the queries
		}
		rr.FirstReported = rr.Reports[0].CreatedAt
		for _, reason := range ReportReasons() {
			n := 0
			for _, p := range rr.Reports {
				if p.Reason == reason {
					n++
				}
			}
			if n > 0 {
				rr.Reasons = append(rr.Reasons, ReasonCount{reason, n})
			}
		}
		out = append(out, *rr)
	}
	return out, nil
}

// DismissReports closes the open reports of a review, keeping the review, and returns how many
// it closed. A review with no open report is ErrNotFound.
func (s *Store) DismissReports(ctx context.Context, reviewID int64) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = dismissReports(ctx, tx, reviewID, now())
		return err
	})
	return n, wrap("dismiss reports", err)
}

// DismissReports closes a review's open reports like Store.DismissReports, inside the transaction.
func (t *Tx) DismissReports(reviewID int64) (int, error) {
	n, err := dismissReports(t.ctx, t.tx, reviewID, t.t)
	return n, translate(err)
}

func dismissReports(ctx context.Context, tx *sql.Tx, reviewID int64, t time.Time) (int, error) {
	res, err := tx.ExecContext(ctx,
		`UPDATE review_reports SET dismissed_at = $1 WHERE review_id = $2 AND dismissed_at IS NULL`, t, reviewID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = ErrNotFound
	}
	return int(n), err
}
