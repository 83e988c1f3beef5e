package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Old addresses of renamed product lines and items. A rename records the old slug in the same
// transaction (category_redirects, item_redirects), so every instance, now and after a restart,
// can send a visitor from the old address to the current one. A redirect names the line or item
// by id, so a line renamed twice answers from either old slug with its current one.

// recordCategoryRename notes, before a line's slug changes to slug, that its current slug now
// redirects to it. The new slug belongs to the line from now on: a redirect from it is dropped.
func recordCategoryRename(ctx context.Context, tx *sql.Tx, id int64, slug string, t time.Time) error {
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO category_redirects (old_slug, category_id, created_at)
		 SELECT slug, id, $2 FROM categories WHERE id = $1 AND slug <> $3
		 ON CONFLICT (old_slug) DO UPDATE SET category_id = excluded.category_id, created_at = excluded.created_at`,
		id, t, slug); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM category_redirects WHERE old_slug = $1`, slug)
	return err
}

// recordItemRename notes, before an item's slug changes to slug, that its current slug in its
// line now redirects to it. The new slug belongs to the item from now on.
func recordItemRename(ctx context.Context, tx *sql.Tx, id int64, slug string, t time.Time) error {
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO item_redirects (category_id, old_slug, item_id, created_at)
		 SELECT category_id, slug, id, $2 FROM items WHERE id = $1 AND slug <> $3
		 ON CONFLICT (category_id, old_slug) DO UPDATE SET item_id = excluded.item_id, created_at = excluded.created_at`,
		id, t, slug); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx,
		`DELETE FROM item_redirects WHERE old_slug = $1 AND category_id = (SELECT category_id FROM items WHERE id = $2)`,
		slug, id)
	return err
}

// Moved returns the current slugs of the product line lineSlug and, when itemSlug is not "", of
// the item itemSlug in it, for an address that no longer answers: a slug that belongs to a line
// or item now is kept, an old one is replaced by its line's or item's current slug. itemSlug may
// name no item at all (a page of the line such as "compare"); it is then kept as it is. When
// neither slug was renamed the answer is ErrNotFound.
func (s *Store) Moved(ctx context.Context, lineSlug, itemSlug string) (line, item string, err error) {
	if !storable(lineSlug) || !storable(itemSlug) {
		return "", "", wrap("moved", ErrNotFound)
	}
	var lineID int64
	err = s.r.QueryRowContext(ctx,
		`SELECT id, slug FROM (
		   SELECT c.id, c.slug, 0 AS rank FROM categories c WHERE c.slug = $1
		   UNION ALL
		   SELECT c.id, c.slug, 1 AS rank FROM category_redirects r JOIN categories c ON c.id = r.category_id WHERE r.old_slug = $1
		 ) found ORDER BY rank LIMIT 1`, lineSlug).Scan(&lineID, &line)
	if err != nil {
		return "", "", wrap("moved", err)
	}
	item = itemSlug
	if itemSlug != "" {
		err = s.r.QueryRowContext(ctx,
			`SELECT slug FROM (
			   SELECT i.slug, 0 AS rank FROM items i WHERE i.category_id = $1 AND i.slug = $2
			   UNION ALL
			   SELECT i.slug, 1 AS rank FROM item_redirects r JOIN items i ON i.id = r.item_id
			   WHERE r.category_id = $1 AND r.old_slug = $2
			 ) found ORDER BY rank LIMIT 1`, lineID, itemSlug).Scan(&item)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", "", wrap("moved", err)
		}
		if err != nil {
			item = itemSlug
		}
	}
	if line == lineSlug && item == itemSlug {
		return "", "", wrap("moved", ErrNotFound)
	}
	return line, item, nil
}
