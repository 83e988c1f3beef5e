package store

import (
	"context"
	"database/sql"
	"time"
)

// Category is a product line.
type Category struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	Currency    string // ISO 4217 code of the line's prices ("USD"), "" for none (migration 00018)
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Version moves with every change to what the line-up shows (see versions.go).
	Version int64
	// ItemCount and ReviewCount are filled by Categories and CategoryBySlug.
	ItemCount   int
	ReviewCount int
}

const categoryColumns = `c.id, c.slug, c.name, c.description, c.currency, c.created_at, c.updated_at, ` + categoryVersionOf + `,
	(SELECT COUNT(*) FROM items i WHERE i.category_id = c.id),
	(SELECT COALESCE(SUM(st.n1 + st.n2 + st.n3 + st.n4 + st.n5), 0)
	   FROM item_stats st JOIN items i ON i.id = st.item_id WHERE i.category_id = c.id)`

func scanCategory(row interface{ Scan(...any) error }) (Category, error) {
	var c Category
	err := row.Scan(&c.ID, &c.Slug, &c.Name, &c.Description, &c.Currency, &c.CreatedAt, &c.UpdatedAt, &c.Version, &c.ItemCount, &c.ReviewCount)
	return c, err
}

// Categories returns every product line, by name, with item and review counts.
func (s *Store) Categories(ctx context.Context) ([]Category, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+categoryColumns+` FROM categories c ORDER BY c.name, c.id`)
	if err != nil {
		return nil, wrap("list categories", err)
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, wrap("list categories", err)
		}
		out = append(out, c)
	}
	return out, wrap("list categories", rows.Err())
}

// CategoryBySlug returns the product line with that slug, or ErrNotFound.
func (s *Store) CategoryBySlug(ctx context.Context, slug string) (Category, error) {
	if !storable(slug) {
		return Category{}, wrap("category", ErrNotFound)
	}
	c, err := scanCategory(s.r.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM categories c WHERE c.slug = $1`, slug))
	return c, wrap("category", err)
}

// Category returns the product line with that id, or ErrNotFound.
func (s *Store) Category(ctx context.Context, id int64) (Category, error) {
	c, err := scanCategory(s.r.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM categories c WHERE c.id = $1`, id))
	return c, wrap("category", err)
}

// CreateCategory inserts c and sets its ID and times. A taken slug is ErrConflict.
func (s *Store) CreateCategory(ctx context.Context, c *Category) error {
	t := now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		return insertCategory(ctx, tx, c, t)
	})
	if err != nil {
		return wrap("create category", err)
	}
	c.CreatedAt, c.UpdatedAt = t, t
	return nil
}

// insertCategory inserts c inside tx and sets its ID.
func insertCategory(ctx context.Context, tx *sql.Tx, c *Category, t time.Time) error {
	// A line without a currency leaves the column to its default, so the statement also runs on
	// a schema from before migration 00018 (the migration tests build lines there).
	if c.Currency == "" {
		return tx.QueryRowContext(ctx,
			`INSERT INTO categories (slug, name, description, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, $4) RETURNING id`,
			c.Slug, c.Name, c.Description, t).Scan(&c.ID)
	}
	return tx.QueryRowContext(ctx,
		`INSERT INTO categories (slug, name, description, currency, created_at, updated_at)
		 VALUES ($1, $2, $3, $5, $4, $4) RETURNING id`,
		c.Slug, c.Name, c.Description, t, c.Currency).Scan(&c.ID)
}

// UpdateCategory saves c's slug, name, description and currency. A missing id is ErrNotFound. A new slug
// leaves the old one redirecting to the line (Moved).
func (s *Store) UpdateCategory(ctx context.Context, c *Category) error {
	t := now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		return updateCategory(ctx, tx, c, t)
	})
	if err != nil {
		return wrap("update category", err)
	}
	c.UpdatedAt = t
	return nil
}

// UpdateCategory saves c like Store.UpdateCategory, inside the transaction.
func (t *Tx) UpdateCategory(c *Category) error {
	if err := updateCategory(t.ctx, t.tx, c, t.t); err != nil {
		return translate(err)
	}
	c.UpdatedAt = t.t
	return nil
}

func updateCategory(ctx context.Context, tx *sql.Tx, c *Category, t time.Time) error {
	if err := recordCategoryRename(ctx, tx, c.ID, c.Slug, t); err != nil {
		return err
	}
	if err := expectOne(tx.ExecContext(ctx,
		`UPDATE categories SET slug = $1, name = $2, description = $3, currency = $6, updated_at = $4, version = version + 1 WHERE id = $5`,
		c.Slug, c.Name, c.Description, t, c.ID, c.Currency)); err != nil {
		return err
	}
	// Every item page names its line and lives under the line's slug.
	_, err := tx.ExecContext(ctx,
		`UPDATE item_stats SET version = version + 1 WHERE item_id IN (SELECT id FROM items WHERE category_id = $1)`, c.ID)
	return err
}

// DeleteCategory removes a product line with its items and their reviews.
func (s *Store) DeleteCategory(ctx context.Context, id int64) error {
	return wrap("delete category", s.tx(ctx, func(tx *sql.Tx) error {
		return deleteCategory(ctx, tx, id)
	}))
}

// DeleteCategory removes a product line like Store.DeleteCategory, inside the transaction.
func (t *Tx) DeleteCategory(id int64) error { return translate(deleteCategory(t.ctx, t.tx, id)) }

func deleteCategory(ctx context.Context, tx *sql.Tx, id int64) error {
	return expectOne(tx.ExecContext(ctx, `DELETE FROM categories WHERE id = $1`, id))
}

// expectOne turns an Exec result that touched no row into sql.ErrNoRows.
func expectOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}
