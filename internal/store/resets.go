package store

import (
	"context"
	"database/sql"
	"time"
)

// What a mailed link does when opened (EmailLink.Purpose).
const (
	// LinkReset sets a new password for the account, and ends its sessions.
	LinkReset = "reset"
	// LinkVerify marks the account's address as verified.
	LinkVerify = "verify"
	// LinkSignup creates the account the link describes: until its address's owner opens it,
	// the account does not exist.
	LinkSignup = "signup"
)

// EmailLink is a single-use link mailed to an address. Only the SHA-256 of its token is stored.
type EmailLink struct {
	Purpose string
	UserID  int64  // the account it acts on; 0 for LinkSignup
	Email   string // the address it was mailed to
	// The account a LinkSignup creates; empty otherwise.
	DisplayName, PasswordHash string
	ExpiresAt                 time.Time
}

// CreateEmailLink stores a link under the hash of its token, and deletes every expired link. An
// unknown user is ErrNotFound.
func (s *Store) CreateEmailLink(ctx context.Context, tokenHash string, l EmailLink) error {
	return wrap("create email link", s.tx(ctx, func(tx *sql.Tx) error { return insertEmailLink(ctx, tx, tokenHash, l, now()) }))
}

// CreateEmailLink stores a link like Store.CreateEmailLink, inside the transaction.
func (t *Tx) CreateEmailLink(tokenHash string, l EmailLink) error {
	return translate(insertEmailLink(t.ctx, t.tx, tokenHash, l, t.t))
}

// insertEmailLink sweeps expired links and stores l under tokenHash inside tx.
func insertEmailLink(ctx context.Context, tx *sql.Tx, tokenHash string, l EmailLink, t time.Time) error {
	var user any
	if l.UserID != 0 {
		user = l.UserID
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM email_links WHERE expires_at <= $1`, t); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO email_links (token_hash, purpose, user_id, email, display_name, password_hash, expires_at, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		tokenHash, l.Purpose, user, normalizeEmail(l.Email), l.DisplayName, l.PasswordHash, l.ExpiresAt.UTC(), t)
	return err
}

// FindEmailLink returns the link with that token hash and purpose if it is unused and still valid
// at time at, without using it; else ErrNotFound.
func (s *Store) FindEmailLink(ctx context.Context, tokenHash, purpose string, at time.Time) (EmailLink, error) {
	if !storable(tokenHash) {
		return EmailLink{}, wrap("find email link", ErrNotFound)
	}
	l, err := scanEmailLink(s.r.QueryRowContext(ctx,
		`SELECT purpose, user_id, email, display_name, password_hash, expires_at FROM email_links
		 WHERE token_hash = $1 AND purpose = $2 AND expires_at > $3`, tokenHash, purpose, at.UTC()))
	return l, wrap("find email link", err)
}

func scanEmailLink(row interface{ Scan(...any) error }) (EmailLink, error) {
	var l EmailLink
	var user sql.NullInt64
	err := row.Scan(&l.Purpose, &user, &l.Email, &l.DisplayName, &l.PasswordHash, &l.ExpiresAt)
	l.UserID, l.ExpiresAt = user.Int64, l.ExpiresAt.UTC()
	return l, err
}

// useEmailLink deletes the link with that token hash and purpose, if valid at time at, and
// returns it; else ErrNotFound. Deleting is what makes the link single-use: of two requests
// racing with one link, one gets the row.
func useEmailLink(ctx context.Context, tx *sql.Tx, tokenHash, purpose string, at time.Time) (EmailLink, error) {
	if !storable(tokenHash) {
		return EmailLink{}, ErrNotFound
	}
	return scanEmailLink(tx.QueryRowContext(ctx,
		`DELETE FROM email_links WHERE token_hash = $1 AND purpose = $2 AND expires_at > $3
		 RETURNING purpose, user_id, email, display_name, password_hash, expires_at`, tokenHash, purpose, at.UTC()))
}

// ResetPassword uses a LinkReset valid at time at: in one transaction it deletes the link (and
// the account's other reset links), sets the account's password hash, ends all its sessions by
// moving the session version on, and marks its address verified (the link reached it). It
// returns the account as changed. A link unknown, used, expired, or for a disabled account is
// ErrNotFound.
func (s *Store) ResetPassword(ctx context.Context, tokenHash string, at time.Time, passwordHash string) (User, error) {
	var u User
	err := s.tx(ctx, func(tx *sql.Tx) error {
		l, err := useEmailLink(ctx, tx, tokenHash, LinkReset, at)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM email_links WHERE user_id = $1 AND purpose = $2`, l.UserID, LinkReset); err != nil {
			return err
		}
		t := now()
		u, err = scanUser(tx.QueryRowContext(ctx,
			`UPDATE users SET password_hash = $1, session_version = session_version + 1, updated_at = $2,
			        email_verified_at = COALESCE(email_verified_at, $4)
			 WHERE id = $3 AND NOT disabled
			 RETURNING id, email, display_name, password_hash, is_admin, disabled, session_version, created_at, updated_at`,
			passwordHash, t, l.UserID, t))
		return err
	})
	return u, wrap("reset password", err)
}

// VerifyEmail uses a LinkVerify valid at time at, marking its account's address verified, and
// returns the account. A link unknown, used or expired is ErrNotFound.
func (s *Store) VerifyEmail(ctx context.Context, tokenHash string, at time.Time) (User, error) {
	var u User
	err := s.tx(ctx, func(tx *sql.Tx) error {
		l, err := useEmailLink(ctx, tx, tokenHash, LinkVerify, at)
		if err != nil {
			return err
		}
		// The address must still be the one the link was mailed to.
		u, err = scanUser(tx.QueryRowContext(ctx,
			`UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1) WHERE id = $2 AND email = $3
			 RETURNING id, email, display_name, password_hash, is_admin, disabled, session_version, created_at, updated_at`,
			now(), l.UserID, l.Email))
		return err
	})
	return u, wrap("verify email", err)
}

// CompleteSignup uses a LinkSignup valid at time at and, in the same transaction, creates the
// member it describes with the address verified, and voids the other sign-up links to that
// address. A link unknown, used or expired is ErrNotFound; an address that has an account by now
// is ErrConflict, and nothing changes.
func (s *Store) CompleteSignup(ctx context.Context, tokenHash string, at time.Time) (User, error) {
	var u User
	t := now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		l, err := useEmailLink(ctx, tx, tokenHash, LinkSignup, at)
		if err != nil {
			return err
		}
		u = User{Email: l.Email, DisplayName: l.DisplayName, PasswordHash: l.PasswordHash}
		if err := insertUser(ctx, tx, &u, t); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM email_links WHERE purpose = $1 AND email = $2`, LinkSignup, u.Email); err != nil {
			return err
		}
		return expectOne(tx.ExecContext(ctx, `UPDATE users SET email_verified_at = $1 WHERE id = $2`, t, u.ID))
	})
	if err != nil {
		return User{}, wrap("complete signup", err)
	}
	u.CreatedAt, u.UpdatedAt = t, t
	return u, nil
}

// EmailVerified reports whether the account's address has been verified.
func (s *Store) EmailVerified(ctx context.Context, userID int64) (bool, error) {
	var at sql.NullTime
	err := s.r.QueryRowContext(ctx, `SELECT email_verified_at FROM users WHERE id = $1`, userID).Scan(&at)
	return at.Valid, wrap("email verified", err)
}
