package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Review is one member's rating and words about one item.
type Review struct {
	ID           int64
	ItemID       int64
	UserID       int64
	UserName     string // the reviewer's display name, filled by reads
	Rating       int    // 1..5
	Summary      string
	Details      string
	HelpfulCount int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ReviewSort orders an item's reviews.
type ReviewSort string

// The review orders.
const (
	SortNewest  ReviewSort = "newest"
	SortHighest ReviewSort = "highest"
	SortLowest  ReviewSort = "lowest"
	SortHelpful ReviewSort = "helpful"
)

var reviewOrder = map[ReviewSort]string{
	SortNewest:  "r.created_at DESC, r.id DESC",
	SortHighest: "r.rating DESC, r.created_at DESC, r.id DESC",
	SortLowest:  "r.rating ASC, r.created_at DESC, r.id DESC",
	SortHelpful: "r.helpful_count DESC, r.created_at DESC, r.id DESC",
}

// ParseReviewSort returns the order named s ("" is newest) and whether s names one.
func ParseReviewSort(s string) (ReviewSort, bool) {
	if s == "" {
		return SortNewest, true
	}
	_, ok := reviewOrder[ReviewSort(s)]
	return ReviewSort(s), ok
}

// ReviewQuery selects one page of an item's reviews.
type ReviewQuery struct {
	ItemID int64
	Sort   ReviewSort
	Stars  int // 1..5 keeps only reviews with that rating; 0 keeps all
	Limit  int
	Offset int
}

// The times are read through COALESCE so that SQLite hands them over as the text it stores,
// which dbTime parses with the one layout we write, rather than the driver trying several
// (a failed parse and an error allocated per time: a tenth of an uncached item page).
// PostgreSQL returns a timestamp either way.
const reviewColumns = `r.id, r.item_id, r.user_id, u.display_name, r.rating, r.summary, r.details,
	r.helpful_count, COALESCE(r.created_at, r.created_at), COALESCE(r.updated_at, r.updated_at)`

func scanReview(row interface{ Scan(...any) error }) (Review, error) {
	var r Review
	err := row.Scan(&r.ID, &r.ItemID, &r.UserID, &r.UserName, &r.Rating, &r.Summary, &r.Details,
		&r.HelpfulCount, (*dbTime)(&r.CreatedAt), (*dbTime)(&r.UpdatedAt))
	return r, err
}

// Reviews returns one page of an item's reviews with their reviewers' names. The number of
// matching reviews is in the item's Stats, so no count is run here.
func (s *Store) Reviews(ctx context.Context, q ReviewQuery) ([]Review, error) {
	order, ok := reviewOrder[q.Sort]
	if !ok {
		order = reviewOrder[SortNewest]
	}
	var b strings.Builder
	b.WriteString(`SELECT ` + reviewColumns + ` FROM reviews r JOIN users u ON u.id = r.user_id WHERE r.item_id = $1`)
	args := []any{q.ItemID}
	if q.Stars >= 1 && q.Stars <= 5 {
		args = append(args, q.Stars)
		fmt.Fprintf(&b, ` AND r.rating = $%d`, len(args))
	}
	args = append(args, q.Limit, q.Offset)
	fmt.Fprintf(&b, ` ORDER BY %s LIMIT $%d OFFSET $%d`, order, len(args)-1, len(args))
	// One text per order and filter (eight in all), so each is prepared once on SQLite.
	rows, err := s.readQuery(ctx, b.String(), args...)
	if err != nil {
		return nil, wrap("list reviews", err)
	}
	defer rows.Close()
	out := make([]Review, 0, q.Limit)
	for rows.Next() {
		r, err := scanReview(rows)
		if err != nil {
			return nil, wrap("list reviews", err)
		}
		out = append(out, r)
	}
	return out, wrap("list reviews", rows.Err())
}

// Review returns the review with that id, or ErrNotFound.
func (s *Store) Review(ctx context.Context, id int64) (Review, error) {
	r, err := scanReview(s.r.QueryRowContext(ctx,
		`SELECT `+reviewColumns+` FROM reviews r JOIN users u ON u.id = r.user_id WHERE r.id = $1`, id))
	return r, wrap("review", err)
}

// ReviewByUser returns the member's review of an item, or ErrNotFound.
func (s *Store) ReviewByUser(ctx context.Context, itemID, userID int64) (Review, error) {
	r, err := scanReview(s.r.QueryRowContext(ctx,
		`SELECT `+reviewColumns+` FROM reviews r JOIN users u ON u.id = r.user_id
		 WHERE r.item_id = $1 AND r.user_id = $2`, itemID, userID))
	return r, wrap("review by user", err)
}

func checkRating(k int) error {
	if k < 1 || k > 5 {
		return fmt.Errorf("%w: rating %d is not 1..5", ErrInvalid, k)
	}
	return nil
}

// CreateReview inserts r, counts its rating in item_stats in the same transaction, and sets its
// ID and times. A second review of one item by one member is ErrConflict; an unknown item or user
// is ErrNotFound; a rating outside 1..5 is ErrInvalid.
func (s *Store) CreateReview(ctx context.Context, r *Review) error {
	return wrap("create review", s.createReview(ctx, r, itemByID{r.ItemID}))
}

// CreateReviewOf is CreateReview for the item its product line's slug and its own slug name, as
// the review form posts it. The item is looked up inside the write, so on PostgreSQL the whole
// review is one round trip; it sets r.ItemID. An unknown line or item is ErrNotFound.
func (s *Store) CreateReviewOf(ctx context.Context, lineSlug, itemSlug string, r *Review) error {
	if !storable(lineSlug) || !storable(itemSlug) {
		return wrap("create review", ErrNotFound)
	}
	return wrap("create review", s.createReview(ctx, r, itemBySlugs{lineSlug, itemSlug}))
}

// An itemRef names the item a new review is for: by id (the API) or by slugs (the form).
type itemRef interface {
	// query returns a query whose one row is the item's id and its line's id, with its arguments
	// numbered from $first.
	query(first int) (string, []any)
}

type itemByID struct{ id int64 }

func (ref itemByID) query(first int) (string, []any) {
	return `SELECT id, category_id FROM items WHERE id = $` + strconv.Itoa(first), []any{ref.id}
}

type itemBySlugs struct{ line, item string }

func (ref itemBySlugs) query(first int) (string, []any) {
	return `SELECT i.id, i.category_id FROM items i JOIN categories c ON c.id = i.category_id
		WHERE c.slug = $` + strconv.Itoa(first) + ` AND i.slug = $` + strconv.Itoa(first+1), []any{ref.line, ref.item}
}

func (s *Store) createReview(ctx context.Context, r *Review, ref itemRef) error {
	if err := checkRating(r.Rating); err != nil {
		return err
	}
	t := now()
	var err error
	if s.dialect == Postgres {
		err = s.createReviewOneStatement(ctx, r, ref, t)
	} else {
		err = s.createReviewInGroup(ctx, r, ref, t)
	}
	if err != nil {
		return err
	}
	r.CreatedAt, r.UpdatedAt, r.HelpfulCount = t, t, 0
	return nil
}

// insertReview finds the item ref names, inserts r for it, counts its rating in item_stats and
// moves its line's change counter, inside tx: the one way a review is written on SQLite, and on
// either database through the API's idempotent writes. It sets r.ItemID and r.ID.
func (s *Store) insertReview(ctx context.Context, tx *sql.Tx, r *Review, ref itemRef, t time.Time) error {
	q, args := ref.query(1)
	var lineID int64
	if err := s.txRow(ctx, tx, q, args...).Scan(&r.ItemID, &lineID); err != nil {
		return err
	}
	if err := s.txRow(ctx, tx,
		`INSERT INTO reviews (item_id, user_id, rating, summary, details, helpful_count, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, 0, $6, $6) RETURNING id`,
		r.ItemID, r.UserID, r.Rating, r.Summary, r.Details, t).Scan(&r.ID); err != nil {
		return err
	}
	if err := s.addStat(ctx, tx, r.ItemID, r.Rating, 1, t); err != nil {
		return err
	}
	return s.bumpCategory(ctx, tx, lineID, r.ItemID)
}

// UpdateReview saves r's rating, summary and details, moving the rating in item_stats in the same
// transaction. Only the author (r.UserID) may: another member's review is ErrNotFound.
func (s *Store) UpdateReview(ctx context.Context, r *Review) error {
	if err := checkRating(r.Rating); err != nil {
		return wrap("update review", err)
	}
	t := now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var itemID int64
		var old int
		if err := tx.QueryRowContext(ctx,
			`SELECT item_id, rating FROM reviews WHERE id = $1 AND user_id = $2`+s.forUpdate(),
			r.ID, r.UserID).Scan(&itemID, &old); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE reviews SET rating = $1, summary = $2, details = $3, updated_at = $4 WHERE id = $5`,
			r.Rating, r.Summary, r.Details, t, r.ID); err != nil {
			return err
		}
		r.ItemID = itemID
		if old == r.Rating {
			return bumpItem(ctx, tx, itemID)
		}
		if err := s.addStat(ctx, tx, itemID, old, -1, t); err != nil {
			return err
		}
		if err := s.addStat(ctx, tx, itemID, r.Rating, 1, t); err != nil {
			return err
		}
		return s.bumpCategoryOfItem(ctx, tx, itemID)
	})
	if err != nil {
		return wrap("update review", err)
	}
	r.UpdatedAt = t
	return nil
}

// DeleteReview removes a member's own review and uncounts it. Another member's review is
// ErrNotFound.
func (s *Store) DeleteReview(ctx context.Context, id, userID int64) error {
	return wrap("delete review", s.deleteReview(ctx, ` AND user_id = $2`, id, userID))
}

// RemoveReview removes any review and uncounts it: the admin's moderation.
func (s *Store) RemoveReview(ctx context.Context, id int64) error {
	return wrap("remove review", s.deleteReview(ctx, ``, id))
}

// RemoveReview removes any review like Store.RemoveReview, inside the transaction.
func (t *Tx) RemoveReview(id int64) error {
	return translate(t.s.deleteReviewIn(t.ctx, t.tx, t.t, ``, id))
}

func (s *Store) deleteReview(ctx context.Context, owner string, args ...any) error {
	t := now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		return s.deleteReviewIn(ctx, tx, t, owner, args...)
	})
}

// deleteReviewIn removes the review args[0] inside tx, when owner (a condition on its author,
// with args[1]) holds, and uncounts it.
func (s *Store) deleteReviewIn(ctx context.Context, tx *sql.Tx, t time.Time, owner string, args ...any) error {
	var itemID int64
	var rating int
	if err := tx.QueryRowContext(ctx,
		`SELECT item_id, rating FROM reviews WHERE id = $1`+owner+s.forUpdate(), args...).Scan(&itemID, &rating); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM reviews WHERE id = $1`, args[0]); err != nil {
		return err
	}
	if err := s.addStat(ctx, tx, itemID, rating, -1, t); err != nil {
		return err
	}
	return s.bumpCategoryOfItem(ctx, tx, itemID)
}

// addStat moves one item's count of k-star ratings by delta, and its change counter.
func (s *Store) addStat(ctx context.Context, tx *sql.Tx, itemID int64, k, delta int, t time.Time) error {
	col := statColumn(k)
	return expectOne(s.txExec(ctx, tx,
		`UPDATE item_stats SET `+col+` = `+col+` + $1, updated_at = $2, version = version + 1 WHERE item_id = $3`, delta, t, itemID))
}

// MarkHelpful records that a member found a review helpful. A second vote by the same member is
// ErrConflict; an unknown review is ErrNotFound.
func (s *Store) MarkHelpful(ctx context.Context, reviewID, userID int64) error {
	t := now()
	return wrap("mark helpful", s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO helpful_votes (review_id, user_id, created_at) VALUES ($1, $2, $3)`, reviewID, userID, t); err != nil {
			return err
		}
		if err := expectOne(tx.ExecContext(ctx,
			`UPDATE reviews SET helpful_count = helpful_count + 1 WHERE id = $1`, reviewID)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx,
			`UPDATE item_stats SET version = version + 1 WHERE item_id = (SELECT item_id FROM reviews WHERE id = $1)`, reviewID)
		return err
	}))
}

// CreateReviews inserts many reviews in few transactions, counting them in item_stats as it
// goes, for bulk loads. It sets each review's ID; CreatedAt is kept when set.
func (s *Store) CreateReviews(ctx context.Context, reviews []Review) error {
	batch := s.insertBatchParams() / 8 // rows per INSERT, 8 parameters each
	t := now()
	for i := range reviews {
		r := &reviews[i]
		if err := checkRating(r.Rating); err != nil {
			return wrap("create reviews", err)
		}
		if r.CreatedAt.IsZero() {
			r.CreatedAt = t
		}
		if r.UpdatedAt.IsZero() {
			r.UpdatedAt = r.CreatedAt
		}
	}
	for start := 0; start < len(reviews); start += 10 * batch {
		txChunk := reviews[start:min(start+10*batch, len(reviews))]
		err := s.tx(ctx, func(tx *sql.Tx) error {
			for from := 0; from < len(txChunk); from += batch {
				if err := insertReviews(ctx, tx, txChunk[from:min(from+batch, len(txChunk))]); err != nil {
					return err
				}
			}
			return addStats(ctx, tx, txChunk, t)
		})
		if err != nil {
			return wrap("create reviews", err)
		}
	}
	return nil
}

// insertReviews inserts rows with one multi-row INSERT and sets their IDs, matched back through
// the (item, user) key since RETURNING promises no order.
func insertReviews(ctx context.Context, tx *sql.Tx, rows []Review) error {
	var b strings.Builder
	b.WriteString(`INSERT INTO reviews (item_id, user_id, rating, summary, details, helpful_count, created_at, updated_at) VALUES `)
	args := make([]any, 0, len(rows)*8)
	for i, r := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		n := len(args)
		fmt.Fprintf(&b, "($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8)
		args = append(args, r.ItemID, r.UserID, r.Rating, r.Summary, r.Details, r.HelpfulCount, r.CreatedAt, r.UpdatedAt)
	}
	b.WriteString(` RETURNING id, item_id, user_id`)
	res, err := tx.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return err
	}
	defer res.Close()
	type key struct{ item, user int64 }
	ids := make(map[key]int64, len(rows))
	for res.Next() {
		var id int64
		var k key
		if err := res.Scan(&id, &k.item, &k.user); err != nil {
			return err
		}
		ids[k] = id
	}
	if err := res.Err(); err != nil {
		return err
	}
	for i := range rows {
		rows[i].ID = ids[key{rows[i].ItemID, rows[i].UserID}]
	}
	return nil
}

// addStats counts the reviews in item_stats, one UPDATE per item.
func addStats(ctx context.Context, tx *sql.Tx, reviews []Review, t time.Time) error {
	deltas := map[int64]*[5]int{}
	for _, r := range reviews {
		d := deltas[r.ItemID]
		if d == nil {
			d = new([5]int)
			deltas[r.ItemID] = d
		}
		d[r.Rating-1]++
	}
	for itemID, d := range deltas {
		if err := expectOne(tx.ExecContext(ctx,
			`UPDATE item_stats SET n1 = n1 + $1, n2 = n2 + $2, n3 = n3 + $3, n4 = n4 + $4, n5 = n5 + $5,
			 updated_at = $6, version = version + 1 WHERE item_id = $7`, d[0], d[1], d[2], d[3], d[4], t, itemID)); err != nil {
			return err
		}
	}
	ids := make([]int64, 0, len(deltas))
	for id := range deltas {
		ids = append(ids, id)
	}
	return bumpCategoriesOfItems(ctx, tx, ids)
}
