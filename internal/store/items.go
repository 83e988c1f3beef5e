package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Attributes is an item's small key/value map ("colour": "Purple", "price": "349"), stored as a
// JSON object.
type Attributes map[string]string

// Value stores the attributes as a JSON object.
func (a Attributes) Value() (driver.Value, error) {
	if a == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]string(a))
	return string(b), err
}

// Scan reads a JSON object.
func (a *Attributes) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
		*a = Attributes{}
		return nil
	default:
		return fmt.Errorf("attributes: cannot scan %T", src)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("attributes: %w", err)
	}
	*a = m
	return nil
}

// Stats are an item's star counts: Counts[0] is the number of 1-star reviews, Counts[4] of 5-star.
type Stats struct {
	Counts    [5]int
	UpdatedAt time.Time
	// Version moves with every change to the item's reviews or their authors' names (see
	// versions.go).
	Version int64
}

// Total returns the number of reviews.
func (st Stats) Total() int {
	return st.Counts[0] + st.Counts[1] + st.Counts[2] + st.Counts[3] + st.Counts[4]
}

// Item is one thing people review, in one product line.
type Item struct {
	ID           int64
	CategoryID   int64
	CategorySlug string
	CategoryName string
	Slug         string
	Name         string
	Description  string
	Attributes   Attributes
	Stats        Stats
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

const itemColumns = `i.id, i.category_id, c.slug, c.name, i.slug, i.name, i.description, i.attributes,
	i.created_at, i.updated_at, st.n1, st.n2, st.n3, st.n4, st.n5, st.updated_at, st.version`

const itemFrom = ` FROM items i JOIN categories c ON c.id = i.category_id JOIN item_stats st ON st.item_id = i.id`

func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var it Item
	c := &it.Stats.Counts
	err := row.Scan(&it.ID, &it.CategoryID, &it.CategorySlug, &it.CategoryName, &it.Slug, &it.Name, &it.Description, &it.Attributes,
		&it.CreatedAt, &it.UpdatedAt, &c[0], &c[1], &c[2], &c[3], &c[4], &it.Stats.UpdatedAt, &it.Stats.Version)
	return it, err
}

// Item returns the item with that id, with its star counts, or ErrNotFound.
func (s *Store) Item(ctx context.Context, id int64) (Item, error) {
	it, err := scanItem(s.readRow(ctx, `SELECT `+itemColumns+itemFrom+` WHERE i.id = $1`, id))
	return it, wrap("item", err)
}

// ItemBySlug returns the item with that slug in the product line with that slug, or ErrNotFound.
func (s *Store) ItemBySlug(ctx context.Context, categorySlug, slug string) (Item, error) {
	if !storable(categorySlug) || !storable(slug) {
		return Item{}, wrap("item", ErrNotFound)
	}
	it, err := scanItem(s.readRow(ctx,
		`SELECT `+itemColumns+itemFrom+` WHERE c.slug = $1 AND i.slug = $2`, categorySlug, slug))
	return it, wrap("item", err)
}

// ItemsByCategory returns every item of a product line, by name, with star counts. It reads one
// row per item and never the reviews.
func (s *Store) ItemsByCategory(ctx context.Context, categoryID int64) ([]Item, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT `+itemColumns+itemFrom+` WHERE i.category_id = $1 ORDER BY i.name, i.id`, categoryID)
	if err != nil {
		return nil, wrap("list items", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, wrap("list items", err)
		}
		out = append(out, it)
	}
	return out, wrap("list items", rows.Err())
}

// CreateItem inserts it with empty star counts and sets its ID and times. A slug taken in the
// line is ErrConflict; an unknown category is ErrNotFound.
func (s *Store) CreateItem(ctx context.Context, it *Item) error {
	t := now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		return s.insertItem(ctx, tx, it, t)
	})
	if err != nil {
		return wrap("create item", err)
	}
	it.CreatedAt, it.UpdatedAt = t, t
	it.Stats = Stats{UpdatedAt: t}
	return nil
}

func (s *Store) insertItem(ctx context.Context, tx *sql.Tx, it *Item, t time.Time) error {
	if it.Attributes == nil {
		it.Attributes = Attributes{}
	}
	err := tx.QueryRowContext(ctx,
		`INSERT INTO items (category_id, slug, name, description, attributes, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
		it.CategoryID, it.Slug, it.Name, it.Description, it.Attributes, t).Scan(&it.ID)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx,
		`INSERT INTO item_stats (item_id, n1, n2, n3, n4, n5, updated_at, version) VALUES ($1, 0, 0, 0, 0, 0, $2, $3)`,
		it.ID, t, t.UnixMicro())
	if err != nil {
		return err
	}
	return s.bumpCategoryOfItem(ctx, tx, it.ID)
}

// UpdateItem saves it's slug, name, description and attributes. A missing id is ErrNotFound. A
// new slug leaves the old one redirecting to the item (Moved).
func (s *Store) UpdateItem(ctx context.Context, it *Item) error {
	t := now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		return s.updateItem(ctx, tx, it, t)
	})
	if err != nil {
		return wrap("update item", err)
	}
	it.UpdatedAt = t
	return nil
}

// UpdateItem saves it like Store.UpdateItem, inside the transaction.
func (t *Tx) UpdateItem(it *Item) error {
	if err := t.s.updateItem(t.ctx, t.tx, it, t.t); err != nil {
		return translate(err)
	}
	it.UpdatedAt = t.t
	return nil
}

func (s *Store) updateItem(ctx context.Context, tx *sql.Tx, it *Item, t time.Time) error {
	if err := recordItemRename(ctx, tx, it.ID, it.Slug, t); err != nil {
		return err
	}
	if err := expectOne(tx.ExecContext(ctx,
		`UPDATE items SET slug = $1, name = $2, description = $3, attributes = $4, updated_at = $5 WHERE id = $6`,
		it.Slug, it.Name, it.Description, it.Attributes, t, it.ID)); err != nil {
		return err
	}
	if err := bumpItem(ctx, tx, it.ID); err != nil {
		return err
	}
	return s.bumpCategoryOfItem(ctx, tx, it.ID)
}

// DeleteItem removes an item with its reviews and counts.
func (s *Store) DeleteItem(ctx context.Context, id int64) error {
	return wrap("delete item", s.tx(ctx, func(tx *sql.Tx) error {
		return s.deleteItem(ctx, tx, id)
	}))
}

// DeleteItem removes an item like Store.DeleteItem, inside the transaction.
func (t *Tx) DeleteItem(id int64) error { return translate(t.s.deleteItem(t.ctx, t.tx, id)) }

func (s *Store) deleteItem(ctx context.Context, tx *sql.Tx, id int64) error {
	if err := s.bumpCategoryOfItem(ctx, tx, id); err != nil {
		return err
	}
	return expectOne(tx.ExecContext(ctx, `DELETE FROM items WHERE id = $1`, id))
}

// CreateItems inserts many items, each with empty star counts, in one transaction, for bulk
// loads, and sets their IDs.
func (s *Store) CreateItems(ctx context.Context, items []Item) error {
	t := now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for i := range items {
			if err := s.insertItem(ctx, tx, &items[i], t); err != nil {
				return err
			}
			items[i].CreatedAt, items[i].UpdatedAt, items[i].Stats = t, t, Stats{UpdatedAt: t}
		}
		return nil
	})
	return wrap("create items", err)
}
