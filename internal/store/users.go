package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// User is a member (or admin) account.
type User struct {
	ID           int64
	Email        string // stored lower-cased; unique
	DisplayName  string
	PasswordHash string
	IsAdmin      bool
	Disabled     bool
	// SessionVersion grows when the password changes; sessions made under an older one are void.
	SessionVersion int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// normalizeEmail returns the form emails are stored and compared in.
func normalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// userColumns are the columns of users u that userFields scans, in its order.
const userColumns = `u.id, u.email, u.display_name, u.password_hash, u.is_admin, u.disabled, u.session_version,
	u.created_at, u.updated_at`

// userFields returns where to scan userColumns into.
func userFields(u *User) []any {
	return []any{&u.ID, &u.Email, &u.DisplayName, &u.PasswordHash, &u.IsAdmin, &u.Disabled, &u.SessionVersion,
		&u.CreatedAt, &u.UpdatedAt}
}

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(userFields(&u)...)
	return u, err
}

// CreateUser inserts u and sets its ID and times. The email is normalised; a taken one is
// ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	t := now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		return insertUser(ctx, tx, u, t)
	})
	if err != nil {
		return wrap("create user", err)
	}
	u.CreatedAt, u.UpdatedAt = t, t
	return nil
}

// CreateUser inserts u like Store.CreateUser, inside the transaction.
func (t *Tx) CreateUser(u *User) error {
	if err := insertUser(t.ctx, t.tx, u, t.t); err != nil {
		return translate(err)
	}
	u.CreatedAt, u.UpdatedAt = t.t, t.t
	return nil
}

// insertUser normalises u's email and inserts u inside tx, setting its ID.
func insertUser(ctx context.Context, tx *sql.Tx, u *User, t time.Time) error {
	u.Email = normalizeEmail(u.Email)
	if u.SessionVersion == 0 {
		u.SessionVersion = 1
	}
	return tx.QueryRowContext(ctx,
		`INSERT INTO users (email, display_name, password_hash, is_admin, disabled, session_version, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
		u.Email, u.DisplayName, u.PasswordHash, u.IsAdmin, u.Disabled, u.SessionVersion, t).Scan(&u.ID)
}

// User returns the account with that id, or ErrNotFound.
func (s *Store) User(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.readRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	return u, wrap("user", err)
}

// UserByEmail returns the account with that email (in any case), or ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	if !storable(email) {
		return User{}, wrap("user by email", ErrNotFound)
	}
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email = $1`,
		normalizeEmail(email)))
	return u, wrap("user by email", err)
}

// Users returns every account, oldest first.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.id`)
	if err != nil {
		return nil, wrap("list users", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, wrap("list users", err)
		}
		out = append(out, u)
	}
	return out, wrap("list users", rows.Err())
}

// CreateUsers inserts many accounts in one transaction, for bulk loads, and sets their IDs.
func (s *Store) CreateUsers(ctx context.Context, users []User) error {
	t := now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx,
			`INSERT INTO users (email, display_name, password_hash, is_admin, disabled, session_version, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range users {
			u := &users[i]
			u.Email, u.SessionVersion, u.CreatedAt, u.UpdatedAt = normalizeEmail(u.Email), 1, t, t
			if err := stmt.QueryRowContext(ctx, u.Email, u.DisplayName, u.PasswordHash, u.IsAdmin, u.Disabled, t).Scan(&u.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("create users", err)
}

// SetDisplayName changes a member's display name, or returns ErrNotFound.
func (s *Store) SetDisplayName(ctx context.Context, userID int64, name string) error {
	return wrap("set display name", s.tx(ctx, func(tx *sql.Tx) error {
		if err := expectOne(tx.ExecContext(ctx, `UPDATE users SET display_name = $1, updated_at = $2 WHERE id = $3`,
			name, now(), userID)); err != nil {
			return err
		}
		// The name shows beside each of the member's reviews: those items' pages change.
		_, err := tx.ExecContext(ctx,
			`UPDATE item_stats SET version = version + 1 WHERE item_id IN (SELECT item_id FROM reviews WHERE user_id = $1)`, userID)
		return err
	}))
}

// SetPassword replaces a member's password hash and ends all their sessions by moving the session
// version on, and with revokeTokens deletes every API token of theirs, in one transaction. It
// returns the new session version, which the session that made the change takes on to stay
// signed in.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string, revokeTokens bool) (int64, error) {
	var version int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx,
			`UPDATE users SET password_hash = $1, session_version = session_version + 1, updated_at = $2
			 WHERE id = $3 RETURNING session_version`, hash, now(), userID).Scan(&version); err != nil {
			return err
		}
		if !revokeTokens {
			return nil
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = $1`, userID)
		return err
	})
	return version, wrap("set password", err)
}

// RehashPassword replaces a member's password hash with a stronger hash of the same password,
// leaving their sessions alone. It does nothing when the stored hash is no longer oldHash (the
// password changed meanwhile).
func (s *Store) RehashPassword(ctx context.Context, userID int64, oldHash, newHash string) error {
	return wrap("rehash password", s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3`,
			newHash, userID, oldHash)
		return err
	}))
}
