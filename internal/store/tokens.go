package store

import (
	"context"
	"database/sql"
	"time"
)

// APIToken is a member's API token. Only the SHA-256 hash of the token is stored.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Hash       string
	CreatedAt  time.Time
	LastUsedAt *time.Time // nil until first used
}

const tokenColumns = `t.id, t.user_id, t.name, t.token_hash, t.created_at, t.last_used_at`

func scanToken(row interface{ Scan(...any) error }, extra ...any) (APIToken, error) {
	var t APIToken
	var used sql.NullTime
	err := row.Scan(append([]any{&t.ID, &t.UserID, &t.Name, &t.Hash, &t.CreatedAt, &used}, extra...)...)
	if used.Valid {
		u := used.Time.UTC()
		t.LastUsedAt = &u
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return t, err
}

// CreateAPIToken stores a token for t.UserID under t.Name and t.Hash, and sets its ID and
// creation time. A hash already stored is ErrConflict; an unknown user is ErrNotFound.
func (s *Store) CreateAPIToken(ctx context.Context, t *APIToken) error {
	at := now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx,
			`INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			t.UserID, t.Name, t.Hash, at).Scan(&t.ID)
	})
	if err != nil {
		return wrap("create api token", err)
	}
	t.CreatedAt, t.LastUsedAt = at, nil
	return nil
}

// APITokens returns a member's tokens, newest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT `+tokenColumns+` FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.created_at DESC, t.id DESC`, userID)
	if err != nil {
		return nil, wrap("list api tokens", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, wrap("list api tokens", err)
		}
		out = append(out, t)
	}
	return out, wrap("list api tokens", rows.Err())
}

// DeleteAPIToken revokes the token with that id if it belongs to userID. Another member's token
// is ErrNotFound, exactly like a missing one.
func (s *Store) DeleteAPIToken(ctx context.Context, id, userID int64) error {
	return wrap("delete api token", s.tx(ctx, func(tx *sql.Tx) error {
		return expectOne(tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = $1 AND user_id = $2`, id, userID))
	}))
}

// UserByAPIToken returns the token with that hash and its owner, or ErrNotFound.
func (s *Store) UserByAPIToken(ctx context.Context, hash string) (User, APIToken, error) {
	var u User
	t, err := scanToken(s.r.QueryRowContext(ctx,
		`SELECT `+tokenColumns+`, u.email, u.display_name, u.password_hash, u.is_admin, u.disabled,
		        u.session_version, u.created_at, u.updated_at
		 FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, hash),
		&u.Email, &u.DisplayName, &u.PasswordHash, &u.IsAdmin, &u.Disabled, &u.SessionVersion, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return User{}, APIToken{}, wrap("user by api token", err)
	}
	u.ID = t.UserID
	return u, t, nil
}

// TokenTouchInterval is how stale a token's last-used time may get before TouchAPIToken writes it.
const TokenTouchInterval = time.Minute

// TouchAPIToken records that a token was used at time at, unless it was already recorded less
// than TokenTouchInterval before, so a busy token costs at most one write a minute.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	at = at.UTC().Truncate(time.Microsecond)
	return wrap("touch api token", s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)`,
			at, id, at.Add(-TokenTouchInterval))
		return err
	}))
}
