package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// HasAdmin reports whether the site has an admin account (active or not).
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	var has bool
	err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE is_admin)`).Scan(&has)
	return has, wrap("has admin", err)
}

// CreateSetupToken stores the hash of a new one-time setup token made at time at, unless the site
// already has an admin, and reports whether it did. Tokens made before staleBefore are deleted
// on the way: each start of serve makes a new one, and old ones stop working.
func (s *Store) CreateSetupToken(ctx context.Context, hash string, at, staleBefore time.Time) (bool, error) {
	created := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var hasAdmin bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE is_admin)`).Scan(&hasAdmin); err != nil {
			return err
		}
		if hasAdmin {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM setup_tokens WHERE created_at < $1`, staleBefore.UTC()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)`,
			hash, at.UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		created = true
		return nil
	})
	return created, wrap("create setup token", err)
}

// setupTokenWorks asks whether the setup token with hash $1, made at or after $2, still works:
// only while the site has no admin.
const setupTokenWorks = `SELECT EXISTS (SELECT 1 FROM setup_tokens WHERE token_hash = $1 AND created_at >= $2)
	AND NOT EXISTS (SELECT 1 FROM users WHERE is_admin)`

// SetupTokenValid reports whether hash is that of a setup token made at or after since, on a
// site that still has no admin.
func (s *Store) SetupTokenValid(ctx context.Context, hash string, since time.Time) (bool, error) {
	if !storable(hash) {
		return false, nil
	}
	var ok bool
	err := s.r.QueryRowContext(ctx,
		setupTokenWorks, hash, since.UTC()).Scan(&ok)
	return ok, wrap("setup token valid", err)
}

// CreateFirstAdmin creates u as the site's first admin with the setup token whose hash is given,
// made at or after since, and deletes every setup token, all in one transaction. A token that
// is unknown, too old or already used, or a site that has an admin by now, is ErrNotFound; a
// taken email is ErrConflict. Two setups at once make one admin.
func (s *Store) CreateFirstAdmin(ctx context.Context, hash string, since time.Time, u *User) error {
	t := now()
	u.Email, u.IsAdmin, u.Disabled = normalizeEmail(u.Email), true, false
	if u.SessionVersion == 0 {
		u.SessionVersion = 1
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockUsers(ctx, tx); err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRowContext(ctx,
			setupTokenWorks, hash, since.UTC()).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO users (email, display_name, password_hash, is_admin, disabled, session_version, created_at, updated_at)
			 VALUES ($1, $2, $3, TRUE, FALSE, $4, $5, $5) RETURNING id`,
			u.Email, u.DisplayName, u.PasswordHash, u.SessionVersion, t).Scan(&u.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM setup_tokens`)
		return err
	})
	if err != nil {
		return wrap("create first admin", err)
	}
	u.CreatedAt, u.UpdatedAt = t, t
	return nil
}

// SiteKey returns the secret stored under name, storing fresh (a new random secret) first when
// there is none yet. Every instance sharing the database gets the same secret: the first to
// store one wins.
func (s *Store) SiteKey(ctx context.Context, name, fresh string) (string, error) {
	var secret string
	err := s.r.QueryRowContext(ctx, `SELECT secret FROM site_keys WHERE name = $1`, name).Scan(&secret)
	if err == nil {
		return secret, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", wrap("site key", err)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO site_keys (name, secret, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO NOTHING`, name, fresh, now()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT secret FROM site_keys WHERE name = $1`, name).Scan(&secret)
	})
	return secret, wrap("site key", err)
}
