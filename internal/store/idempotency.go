package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// IdempotencyTTL is how long a stored response answers retries of its request. After it the key
// may be used afresh, and the sweep deletes it.
const IdempotencyTTL = 24 * time.Hour

// ErrKeyReused: an idempotency key came back with another request than the one it was first used
// for.
var ErrKeyReused = errors.New("idempotency key already used for another request")

// IdempotencyKey names one request a client may retry: the key the client chose, the member it is
// scoped to, and a digest of the request (method, path, body) that it was first sent with.
type IdempotencyKey struct {
	UserID  int64
	Key     string
	Request string
}

// SavedResponse is the response stored under an idempotency key.
type SavedResponse struct {
	Status int
	Body   string
}

// SavedResponse returns the response stored under the key within IdempotencyTTL. A key stored for
// another request is ErrKeyReused; a key never used, or expired, is ErrNotFound.
func (s *Store) SavedResponse(ctx context.Context, k IdempotencyKey) (SavedResponse, error) {
	var resp SavedResponse
	var request string
	err := s.r.QueryRowContext(ctx,
		`SELECT request, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at > $3`,
		k.UserID, k.Key, now().Add(-IdempotencyTTL)).Scan(&request, &resp.Status, &resp.Body)
	if err == nil && request != k.Request {
		err = ErrKeyReused
	}
	return resp, wrap("saved response", err)
}

// Tx is the write transaction Once runs a request's write in: what it creates commits together
// with the key's claim and response, or not at all.
type Tx struct {
	s   *Store
	ctx context.Context
	tx  *sql.Tx
	t   time.Time
}

// CreateReview inserts r like Store.CreateReview, inside the transaction.
func (t *Tx) CreateReview(r *Review) error {
	if err := checkRating(r.Rating); err != nil {
		return err
	}
	if err := t.s.insertReview(t.ctx, t.tx, r, itemByID{r.ItemID}, t.t); err != nil {
		return translate(err)
	}
	r.CreatedAt, r.UpdatedAt, r.HelpfulCount = t.t, t.t, 0
	return nil
}

// CreateCategory inserts c like Store.CreateCategory, inside the transaction.
func (t *Tx) CreateCategory(c *Category) error {
	if err := insertCategory(t.ctx, t.tx, c, t.t); err != nil {
		return translate(err)
	}
	c.CreatedAt, c.UpdatedAt = t.t, t.t
	return nil
}

// CreateItem inserts it like Store.CreateItem, inside the transaction.
func (t *Tx) CreateItem(it *Item) error {
	if err := t.s.insertItem(t.ctx, t.tx, it, t.t); err != nil {
		return translate(err)
	}
	it.CreatedAt, it.UpdatedAt, it.Stats = t.t, t.t, Stats{UpdatedAt: t.t}
	return nil
}

// Once runs write at most once per idempotency key and returns the response it made, or, when
// the key was already used for the same request, the response stored then (replayed true). A key
// used for another request is ErrKeyReused.
//
// The key is claimed first, in the same transaction as write and the storing of its response, so
// two concurrent requests with one key cannot both write: the second waits for the first's claim
// and then replays its response. When write fails the claim rolls back with it and nothing is
// stored; the next request with the key runs write again.
func (s *Store) Once(ctx context.Context, k IdempotencyKey, write func(*Tx) (SavedResponse, error)) (resp SavedResponse, replayed bool, err error) {
	t := now()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		replayed = false
		// An expired key is free again; the sweep would delete it later anyway.
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at <= $3`,
			k.UserID, k.Key, t.Add(-IdempotencyTTL)); err != nil {
			return err
		}
		// On PostgreSQL this waits for a concurrent claim of the same key to commit or roll back.
		res, err := tx.ExecContext(ctx,
			`INSERT INTO idempotency_keys (user_id, key, request, status, body, created_at) VALUES ($1, $2, $3, 0, '', $4)
			 ON CONFLICT (user_id, key) DO NOTHING`, k.UserID, k.Key, k.Request, t)
		if err != nil {
			return err
		}
		claimed, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if claimed == 0 {
			var request string
			if err := tx.QueryRowContext(ctx,
				`SELECT request, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
				k.UserID, k.Key).Scan(&request, &resp.Status, &resp.Body); err != nil {
				return err
			}
			if request != k.Request {
				return ErrKeyReused
			}
			replayed = true
			return nil
		}
		resp, err = write(&Tx{s: s, ctx: ctx, tx: tx, t: t})
		if err != nil {
			return err
		}
		return expectOne(tx.ExecContext(ctx,
			`UPDATE idempotency_keys SET status = $1, body = $2 WHERE user_id = $3 AND key = $4`,
			resp.Status, resp.Body, k.UserID, k.Key))
	})
	if err != nil {
		return SavedResponse{}, false, wrap("idempotent write", err)
	}
	return resp, replayed, nil
}

// DeleteExpiredIdempotencyKeys removes keys stored before the given time and returns how many.
func (s *Store) DeleteExpiredIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, before.UTC())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, wrap("delete expired idempotency keys", err)
}

// Write runs fn in one write transaction: what fn creates commits together, or not at all.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	t := now()
	return wrap("write", s.tx(ctx, func(tx *sql.Tx) error {
		return fn(&Tx{s: s, ctx: ctx, tx: tx, t: t})
	}))
}
