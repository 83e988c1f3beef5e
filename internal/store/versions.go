package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// Change counters (migration 00007). Caches in front of the store compare a counter read in one
// small query with the one they cached under, so a write made through any instance shows on
// every instance's next request. Every write that changes what a cached answer shows moves the
// matching counter in its own transaction:
//   - the line's counter, categories.version plus its parts in category_versions (migration
//     00009; item writes move the part of their item): the line's items (added, renamed,
//     removed) and their star counts;
//   - item_stats.version: everything the item's page shows: the item itself, its line's name and
//     slug, its reviews (text, stars, helpful counts, reviewers' names). It starts at the
//     item's creation time in microseconds, not 0, so an item made again under an id SQLite
//     reuses never meets the counter its predecessor had (that one could only have reached its
//     own creation time plus its number of writes, each taking more than a microsecond).
//
// A new write to items, reviews, helpful votes, display names or lines must move the matching
// counter in the same transaction, or another instance's cache will not see it.

// CategoryStamp identifies one state of a product line: a line removed and made again under the
// same slug (even with the same id, which SQLite may reuse) has another CreatedAt.
type CategoryStamp struct {
	ID        int64
	Version   int64
	CreatedAt time.Time
}

// CategoryVersion returns the stamp of the product line with that slug, or ErrNotFound. It reads
// one row by a unique index; on PostgreSQL, concurrent calls share one query (postgres.go).
func (s *Store) CategoryVersion(ctx context.Context, slug string) (CategoryStamp, error) {
	var st CategoryStamp
	if !storable(slug) {
		return st, wrap("line version", ErrNotFound)
	}
	if s.categoryVersions != nil {
		st, ok, err := s.categoryVersions.get(ctx, slug)
		if err == nil && !ok {
			err = ErrNotFound
		}
		return st, wrap("line version", err)
	}
	err := s.readRow(ctx, `SELECT c.id, `+categoryVersionOf+`, c.created_at FROM categories c WHERE c.slug = $1`, slug).
		Scan(&st.ID, &st.Version, &st.CreatedAt)
	return st, wrap("line version", err)
}

// Equal reports whether two stamps name the same state of the same line.
func (st CategoryStamp) Equal(o CategoryStamp) bool {
	return st.ID == o.ID && st.Version == o.Version && st.CreatedAt.Equal(o.CreatedAt)
}

// Stamp returns the line's stamp as read with it.
func (c Category) Stamp() CategoryStamp {
	return CategoryStamp{ID: c.ID, Version: c.Version, CreatedAt: c.CreatedAt}
}

// ItemVersion returns an item's change counter (item_stats.version), or ErrNotFound. It reads
// one row by its primary key: the cheapest check that a page kept for the item is still right.
// On PostgreSQL, concurrent calls share one query (postgres.go).
func (s *Store) ItemVersion(ctx context.Context, itemID int64) (int64, error) {
	if s.itemVersions != nil {
		v, ok, err := s.itemVersions.get(ctx, itemID)
		if err == nil && !ok {
			err = ErrNotFound
		}
		return v, wrap("item version", err)
	}
	var v int64
	err := s.readRow(ctx, `SELECT version FROM item_stats WHERE item_id = $1`, itemID).Scan(&v)
	return v, wrap("item version", err)
}

// categoryVersionShards is how many parts a line's change counter is kept in (migration 00009).
const categoryVersionShards = "16"

// categoryVersionOf is the SQL for line c's change counter: its own row's part plus the parts item
// writes move.
const categoryVersionOf = `(c.version + COALESCE((SELECT SUM(cv.version) FROM category_versions cv WHERE cv.category_id = c.id), 0))`

// bumpCategoryPartsSQL returns the statement that moves, once each, the parts of the line counters
// that the (line_id, item_id) rows of the query pairs fall in: an item's writes move the part of
// its id, so writes to different items of one line seldom wait for each other's row lock.
func bumpCategoryPartsSQL(pairs string) string {
	// "WHERE true" tells SQLite's parser that ON CONFLICT is not a join's ON.
	return `INSERT INTO category_versions (category_id, shard, version)
		SELECT DISTINCT line_id, item_id % ` + categoryVersionShards + `, 1 FROM (` + pairs + `) AS bumped WHERE true
		ON CONFLICT (category_id, shard) DO UPDATE SET version = category_versions.version + 1`
}

// bumpCategoryOfItem moves the change counter of the line holding an item.
func (s *Store) bumpCategoryOfItem(ctx context.Context, tx *sql.Tx, itemID int64) error {
	_, err := s.txExec(ctx, tx,
		bumpCategoryPartsSQL(`SELECT category_id AS line_id, id AS item_id FROM items WHERE id = $1`), itemID)
	return err
}

// bumpCategory moves the change counter of a line for a write to one of its items, both known.
func (s *Store) bumpCategory(ctx context.Context, tx *sql.Tx, lineID, itemID int64) error {
	_, err := s.txExec(ctx, tx,
		bumpCategoryPartsSQL(`SELECT CAST($1 AS BIGINT) AS line_id, CAST($2 AS BIGINT) AS item_id`), lineID, itemID)
	return err
}

// bumpCategoriesOfItems moves the change counters of the lines holding any of the items.
func bumpCategoriesOfItems(ctx context.Context, tx *sql.Tx, itemIDs []int64) error {
	if len(itemIDs) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`SELECT category_id AS line_id, id AS item_id FROM items WHERE id IN (`)
	args := make([]any, len(itemIDs))
	for i, id := range itemIDs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(placeholder(i + 1))
		args[i] = id
	}
	b.WriteString(`)`)
	_, err := tx.ExecContext(ctx, bumpCategoryPartsSQL(b.String()), args...)
	return err
}

// bumpItem moves an item's review counter without changing its star counts.
func bumpItem(ctx context.Context, tx *sql.Tx, itemID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE item_stats SET version = version + 1 WHERE item_id = $1`, itemID)
	return err
}

func placeholder(n int) string { return "$" + strconv.Itoa(n) }
