package store

import (
	"context"
	"database/sql"
)

// ImportItems adds items to a product line in one transaction, each with empty star counts, and
// sets their IDs and times: all of them are added or none. With create the line itself is
// inserted first from line's slug, name and description (a taken slug is ErrConflict); without it
// the line with line.Slug must exist (else ErrNotFound). Either way line.ID is set. An item slug
// already in the line is ErrConflict.
func (s *Store) ImportItems(ctx context.Context, line *Category, create bool, items []Item) error {
	return s.ImportItemsWithPictures(ctx, line, create, items, nil)
}

// ImportItemsWithPictures is ImportItems that also gives items pictures, in the same
// transaction: pictures[i] (with its files' bytes) becomes the first picture of items[i].
func (s *Store) ImportItemsWithPictures(ctx context.Context, line *Category, create bool, items []Item, pictures map[int]Picture) error {
	t := now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if create {
			err = tx.QueryRowContext(ctx,
				`INSERT INTO categories (slug, name, description, created_at, updated_at)
				 VALUES ($1, $2, $3, $4, $4) RETURNING id`,
				line.Slug, line.Name, line.Description, t).Scan(&line.ID)
		} else {
			err = tx.QueryRowContext(ctx, `SELECT id FROM categories WHERE slug = $1`, line.Slug).Scan(&line.ID)
		}
		if err != nil {
			return err
		}
		for i := range items {
			items[i].CategoryID = line.ID
			if err := s.insertItem(ctx, tx, &items[i], t); err != nil {
				return err
			}
			if p, ok := pictures[i]; ok {
				p.ItemID = items[i].ID
				if err := (&Tx{s: s, ctx: ctx, tx: tx, t: t}).AddPicture(&p); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return wrap("import items", err)
	}
	if create {
		line.CreatedAt, line.UpdatedAt = t, t
	}
	for i := range items {
		items[i].CreatedAt, items[i].UpdatedAt, items[i].Stats = t, t, Stats{UpdatedAt: t}
	}
	return nil
}
