package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// SessionFind returns the data of an unexpired session, and whether there is one.
func (s *Store) SessionFind(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.readRow(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`, token, now()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, wrap("find session", err)
	}
	return data, true, nil
}

// SessionAndUser returns an unexpired session's data, whether there is one, and the account it
// was saved for, read in the same query: nil when the session records no account (saved signed
// out, or saved before migration 00008) or its account is gone. A signed-in request needs both, and on
// PostgreSQL each query is a round trip; only a session without its account takes a second
// query, for its data alone.
func (s *Store) SessionAndUser(ctx context.Context, token string) ([]byte, *User, bool, error) {
	var data []byte
	var u User
	err := s.readRow(ctx, `SELECT s.data, `+userColumns+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token = $1 AND s.expiry > $2`, token, now()).
		Scan(append([]any{&data}, userFields(&u)...)...)
	if errors.Is(err, sql.ErrNoRows) {
		data, found, err := s.SessionFind(ctx, token)
		return data, nil, found, err
	}
	if err != nil {
		return nil, nil, false, wrap("find session", err)
	}
	return data, &u, true, nil
}

// SessionCommit saves a session's data and expiry, and the account it is for (0: signed out),
// adding it or replacing it. It is one statement, so it runs on its own without BEGIN and COMMIT
// around it: a session is saved on most POSTs, and on PostgreSQL each of those is a round trip.
func (s *Store) SessionCommit(ctx context.Context, token string, data []byte, expiry time.Time, userID int64) error {
	_, err := s.exec(ctx, `INSERT INTO sessions (token, data, expiry, user_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry, user_id = excluded.user_id`,
		token, data, expiry.UTC(), sql.Null[int64]{V: userID, Valid: userID != 0})
	return wrap("commit session", err)
}

// SessionDelete removes a session; a missing one is not an error.
func (s *Store) SessionDelete(ctx context.Context, token string) error {
	return wrap("delete session", s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token)
		return err
	}))
}

// DeleteExpiredSessions removes sessions past their expiry and returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, now())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, wrap("delete expired sessions", err)
}
