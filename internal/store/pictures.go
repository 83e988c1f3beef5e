package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Items' pictures (item_pictures and picture_files, migration 00017). A picture belongs to one
// item; its position orders the item's pictures, 0 being the main one. Each picture is kept in a
// few widths, the bytes already made safe (internal/picture). Every write moves the item's and
// its line's change counters, so kept pages show the change.

// Picture is one of an item's pictures, with its files' descriptions (not their bytes).
type Picture struct {
	ID        int64
	ItemID    int64
	Position  int // 0 for the item's main picture
	Alt       string
	Width     int // the upright size of the upload
	Height    int
	CreatedAt time.Time
	Files     []PictureFile // narrowest first
}

// PictureFile is a picture encoded at one width. Bytes is nil except where said.
type PictureFile struct {
	Width, Height int
	ContentType   string // image/jpeg or image/png
	SHA256        string // hex
	Size          int    // len of the bytes
	Bytes         []byte
}

// MaxPicturesPerItem bounds an item's pictures.
const MaxPicturesPerItem = 20

// ErrTooManyPictures: the item already has MaxPicturesPerItem pictures.
var ErrTooManyPictures = fmt.Errorf("%w: an item has at most %d pictures", ErrInvalid, MaxPicturesPerItem)

const pictureColumns = `p.id, p.item_id, p.position, p.alt, p.width, p.height, p.created_at`

func scanPicture(row interface{ Scan(...any) error }) (Picture, error) {
	var p Picture
	err := row.Scan(&p.ID, &p.ItemID, &p.Position, &p.Alt, &p.Width, &p.Height, &p.CreatedAt)
	p.CreatedAt = p.CreatedAt.UTC()
	return p, err
}

// ItemPictures returns an item's pictures, main one first, each with its files' descriptions.
func (s *Store) ItemPictures(ctx context.Context, itemID int64) ([]Picture, error) {
	pics, err := s.pictures(ctx, `p.item_id = $1`, itemID)
	return pics, wrap("item pictures", err)
}

// MainPictures returns the main picture of each of the items that has one, by item id, with its
// files' descriptions: what a list of items (a line-up, search results) shows.
func (s *Store) MainPictures(ctx context.Context, itemIDs []int64) (map[int64]Picture, error) {
	out := map[int64]Picture{}
	for len(itemIDs) > 0 {
		batch := itemIDs[:min(len(itemIDs), 500)]
		itemIDs = itemIDs[len(batch):]
		ph := make([]string, len(batch))
		args := make([]any, len(batch))
		for i, id := range batch {
			ph[i], args[i] = placeholder(i+1), id
		}
		pics, err := s.pictures(ctx, `p.item_id IN (`+strings.Join(ph, ",")+`) AND p.position = 0`, args...)
		if err != nil {
			return nil, wrap("main pictures", err)
		}
		for _, p := range pics {
			out[p.ItemID] = p
		}
	}
	return out, nil
}

// Picture returns one picture with its files' descriptions, or ErrNotFound.
func (s *Store) Picture(ctx context.Context, id int64) (Picture, error) {
	pics, err := s.pictures(ctx, `p.id = $1`, id)
	if err == nil && len(pics) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return Picture{}, wrap("picture", err)
	}
	return pics[0], nil
}

// pictures reads the pictures matching cond, by item and position, with their files.
func (s *Store) pictures(ctx context.Context, cond string, args ...any) ([]Picture, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+pictureColumns+`, f.width, f.height, f.content_type, f.sha256, LENGTH(f.bytes)
		FROM item_pictures p JOIN picture_files f ON f.picture_id = p.id
		WHERE `+cond+` ORDER BY p.item_id, p.position, p.id, f.width`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Picture
	for rows.Next() {
		var p Picture
		var f PictureFile
		if err := rows.Scan(&p.ID, &p.ItemID, &p.Position, &p.Alt, &p.Width, &p.Height, &p.CreatedAt,
			&f.Width, &f.Height, &f.ContentType, &f.SHA256, &f.Size); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != p.ID {
			p.CreatedAt = p.CreatedAt.UTC()
			out = append(out, p)
		}
		last := &out[len(out)-1]
		last.Files = append(last.Files, f)
	}
	return out, rows.Err()
}

// PictureFile returns a picture's file of that width, with its bytes, or ErrNotFound.
func (s *Store) PictureFile(ctx context.Context, pictureID int64, width int) (PictureFile, error) {
	f := PictureFile{Width: width}
	err := s.readRow(ctx, `SELECT height, content_type, sha256, bytes FROM picture_files WHERE picture_id = $1 AND width = $2`,
		pictureID, width).Scan(&f.Height, &f.ContentType, &f.SHA256, &f.Bytes)
	f.Size = len(f.Bytes)
	return f, wrap("picture file", err)
}

// AddPicture adds p, with its files (their bytes set), after the item's other pictures, and
// sets p.ID, p.Position and p.CreatedAt. An unknown item is ErrNotFound; an item with
// MaxPicturesPerItem pictures already is ErrTooManyPictures.
func (t *Tx) AddPicture(p *Picture) error {
	if len(p.Files) == 0 || p.Width <= 0 || p.Height <= 0 {
		return fmt.Errorf("%w: a picture needs its size and at least one file", ErrInvalid)
	}
	ctx, tx := t.ctx, t.tx
	var n int
	var next sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MAX(position) + 1 FROM item_pictures WHERE item_id = $1`, p.ItemID).
		Scan(&n, &next); err != nil {
		return translate(err)
	}
	if n >= MaxPicturesPerItem {
		return ErrTooManyPictures
	}
	if err := t.touchItem(p.ItemID); err != nil {
		return err
	}
	p.Position, p.CreatedAt = int(next.Int64), t.t
	if err := tx.QueryRowContext(ctx,
		`INSERT INTO item_pictures (item_id, position, alt, width, height, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		p.ItemID, p.Position, p.Alt, p.Width, p.Height, t.t).Scan(&p.ID); err != nil {
		return translate(err)
	}
	for i := range p.Files {
		f := &p.Files[i]
		f.Size = len(f.Bytes)
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO picture_files (picture_id, width, height, content_type, bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6)`,
			p.ID, f.Width, f.Height, f.ContentType, f.Bytes, f.SHA256); err != nil {
			return translate(err)
		}
	}
	return nil
}

// DeletePicture deletes a picture with its files and closes the gap in its item's order. It
// returns the picture as it was; a missing one is ErrNotFound.
func (t *Tx) DeletePicture(id int64) (Picture, error) {
	p, err := scanPicture(t.tx.QueryRowContext(t.ctx, `SELECT `+pictureColumns+` FROM item_pictures p WHERE p.id = $1`, id))
	if err != nil {
		return p, translate(err)
	}
	if err := t.touchItem(p.ItemID); err != nil {
		return p, err
	}
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM item_pictures WHERE id = $1`, id); err != nil {
		return p, translate(err)
	}
	return p, t.renumberPictures(p.ItemID, nil)
}

// MovePicture puts a picture at position to (0 makes it the main one; past the end puts it
// last) among its item's pictures, and returns it as it was and the position it has now; a
// missing one is ErrNotFound.
func (t *Tx) MovePicture(id int64, to int) (Picture, int, error) {
	p, err := scanPicture(t.tx.QueryRowContext(t.ctx, `SELECT `+pictureColumns+` FROM item_pictures p WHERE p.id = $1`, id))
	if err != nil {
		return p, 0, translate(err)
	}
	if err := t.touchItem(p.ItemID); err != nil {
		return p, 0, err
	}
	err = t.renumberPictures(p.ItemID, func(ids []int64) []int64 {
		rest := make([]int64, 0, len(ids))
		for _, x := range ids {
			if x != id {
				rest = append(rest, x)
			}
		}
		to = max(0, min(to, len(rest)))
		return append(rest[:to], append([]int64{id}, rest[to:]...)...)
	})
	return p, to, err
}

// renumberPictures numbers an item's pictures 0, 1, … in their order, after reorder (when set)
// changes it.
func (t *Tx) renumberPictures(itemID int64, reorder func([]int64) []int64) error {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id FROM item_pictures WHERE item_id = $1 ORDER BY position, id`, itemID)
	if err != nil {
		return translate(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return translate(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return translate(err)
	}
	if reorder != nil {
		ids = reorder(ids)
	}
	for i, id := range ids {
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE item_pictures SET position = $1 WHERE id = $2 AND position <> $1`, i, id); err != nil {
			return translate(err)
		}
	}
	return nil
}

// touchItem moves an item's and its line's change counters for a change to its pictures; a
// missing item is ErrNotFound.
func (t *Tx) touchItem(itemID int64) error {
	if err := expectOne(t.tx.ExecContext(t.ctx, `UPDATE item_stats SET version = version + 1 WHERE item_id = $1`, itemID)); err != nil {
		return translate(err)
	}
	return translate(t.s.bumpCategoryOfItem(t.ctx, t.tx, itemID))
}
