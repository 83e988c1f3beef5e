package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ErrLastAdmin: the change would leave the site without an active admin.
var ErrLastAdmin = errors.New("the site would have no active admin left")

// Member is an account as the admin's member list shows it.
type Member struct {
	User
	ReviewCount int
}

// MemberQuery selects one page of accounts.
type MemberQuery struct {
	// Search keeps accounts whose email or display name contains it, in any case; "" keeps all.
	Search string
	Limit  int
	Offset int
}

// memberWhere returns the WHERE clause and its argument for a member search.
func memberWhere(search string) (string, []any) {
	search = strings.TrimSpace(search)
	if search == "" {
		return "", nil
	}
	pattern := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(search) + "%"
	return ` WHERE lower(u.email) LIKE lower($1) ESCAPE '\' OR lower(u.display_name) LIKE lower($1) ESCAPE '\'`, []any{pattern}
}

// Members returns one page of accounts, oldest first, each with the number of reviews it wrote,
// and how many accounts match the query in all.
func (s *Store) Members(ctx context.Context, q MemberQuery) ([]Member, int, error) {
	where, args := memberWhere(q.Search)
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u`+where, args...).Scan(&total); err != nil {
		return nil, 0, wrap("count members", err)
	}
	n := len(args)
	rows, err := s.r.QueryContext(ctx,
		`SELECT `+userColumns+`, (SELECT COUNT(*) FROM reviews r WHERE r.user_id = u.id)
		 FROM users u`+where+fmt.Sprintf(` ORDER BY u.id LIMIT $%d OFFSET $%d`, n+1, n+2),
		append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, wrap("list members", err)
	}
	defer rows.Close()
	out := make([]Member, 0, q.Limit)
	for rows.Next() {
		var m Member
		if err := rows.Scan(append(userFields(&m.User), &m.ReviewCount)...); err != nil {
			return nil, 0, wrap("list members", err)
		}
		out = append(out, m)
	}
	return out, total, wrap("list members", rows.Err())
}

// SetAdmin grants or revokes an account's admin rights. A change ends every session of the account
// (a privilege change starts a new session), in the same statement; asking for what already holds
// changes nothing. Revoking the last active admin is ErrLastAdmin; an unknown id is ErrNotFound.
func (s *Store) SetAdmin(ctx context.Context, userID int64, admin bool) error {
	return wrap("set admin", s.tx(ctx, func(tx *sql.Tx) error {
		_, err := s.setAccountFlags(ctx, tx, userID, setAdmin(admin))
		return err
	}))
}

// SetAdmin grants or revokes admin rights like Store.SetAdmin, inside the transaction, and
// reports whether anything changed.
func (t *Tx) SetAdmin(userID int64, admin bool) (changed bool, err error) {
	changed, err = t.s.setAccountFlags(t.ctx, t.tx, userID, setAdmin(admin))
	return changed, translate(err)
}

func setAdmin(admin bool) func(isAdmin, disabled bool) (bool, bool) {
	return func(_, disabled bool) (bool, bool) { return admin, disabled }
}

func setDisabled(disabled bool) func(isAdmin, disabled bool) (bool, bool) {
	return func(isAdmin, _ bool) (bool, bool) { return isAdmin, disabled }
}

// SetDisabled disables or enables an account. Disabling ends every session of the account and its
// API tokens are refused while it stays disabled (the tokens are kept: enabling lets them work
// again, but sessions stay ended). Disabling the last active admin is ErrLastAdmin; an unknown id
// is ErrNotFound.
func (s *Store) SetDisabled(ctx context.Context, userID int64, disabled bool) error {
	return wrap("set disabled", s.tx(ctx, func(tx *sql.Tx) error {
		_, err := s.setAccountFlags(ctx, tx, userID, setDisabled(disabled))
		return err
	}))
}

// SetDisabled disables or enables an account like Store.SetDisabled, inside the transaction,
// and reports whether anything changed.
func (t *Tx) SetDisabled(userID int64, disabled bool) (changed bool, err error) {
	changed, err = t.s.setAccountFlags(t.ctx, t.tx, userID, setDisabled(disabled))
	return changed, translate(err)
}

// setAccountFlags moves an account's admin and disabled flags to what change returns for the
// current ones, inside tx, moving its session version on when they change, and reports whether
// they did.
func (s *Store) setAccountFlags(ctx context.Context, tx *sql.Tx, userID int64, change func(isAdmin, disabled bool) (bool, bool)) (bool, error) {
	// Two admins demoting each other at once must not both succeed: see lockUsers.
	if err := s.lockUsers(ctx, tx); err != nil {
		return false, err
	}
	var isAdmin, disabled bool
	if err := tx.QueryRowContext(ctx, `SELECT is_admin, disabled FROM users WHERE id = $1`+s.forUpdate(), userID).
		Scan(&isAdmin, &disabled); err != nil {
		return false, err
	}
	toAdmin, toDisabled := change(isAdmin, disabled)
	if toAdmin == isAdmin && toDisabled == disabled {
		return false, nil
	}
	if isAdmin && !disabled && (!toAdmin || toDisabled) {
		var others bool
		if err := tx.QueryRowContext(ctx,
			`SELECT EXISTS (SELECT 1 FROM users WHERE is_admin AND NOT disabled AND id <> $1)`, userID).Scan(&others); err != nil {
			return false, err
		}
		if !others {
			return false, ErrLastAdmin
		}
	}
	return true, expectOne(tx.ExecContext(ctx,
		`UPDATE users SET is_admin = $1, disabled = $2, session_version = session_version + 1, updated_at = $3 WHERE id = $4`,
		toAdmin, toDisabled, now(), userID))
}
