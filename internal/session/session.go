// Package session keeps members' sessions in Starboard's database: the scs session manager with
// its cookie, a store adapter that every instance on one database shares (so sessions can be
// revoked), a compact codec, and the account read along with a session so a signed-in request
// costs one query. What a session means for a request (who is signed in, when it ends) is the
// web package's.
package session

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/starboard/starboard/internal/store"
)

// Keys of the values a session holds.
const (
	UserID  = "user_id"         // the signed-in member's id (int64)
	Version = "session_version" // the member's session version at sign-in (int64)
	Seen    = "seen"            // the session's last recorded use, Unix seconds (int64)
)

// New returns the session manager over the store. Behind a trusted HTTPS proxy (secure) the
// cookie is __Host- prefixed and Secure; on plain local HTTP it cannot be either.
func New(s *store.Store, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = dbStore{s}
	sm.Codec = codec{}
	sm.Lifetime = 30 * 24 * time.Hour
	// No sm.IdleTimeout: scs would then save the session on every request that has one, a write
	// per page a member views. The web package's keepAlive does the same job with a write an
	// hour at most.
	sm.Cookie.Name = "starboard_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	if secure {
		sm.Cookie.Name = "__Host-starboard_session"
		sm.Cookie.Secure = true
	}
	return sm
}

// dbStore keeps scs sessions in Starboard's database.
type dbStore struct{ s *store.Store }

func (st dbStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	if m, ok := ctx.Value(memberKey{}).(*member); ok {
		data, u, found, err := st.s.SessionAndUser(ctx, token)
		m.user = u
		return data, found, err
	}
	return st.s.SessionFind(ctx, token)
}

// CommitCtx saves the session with the account it is for, read back from the session's own
// bytes (scs holds the session's lock while it commits, so its getters cannot be used here).
func (st dbStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	var userID int64
	if _, values, err := (codec{}).Decode(b); err == nil {
		userID, _ = values[UserID].(int64)
	}
	return st.s.SessionCommit(ctx, token, b, expiry, userID)
}

func (st dbStore) DeleteCtx(ctx context.Context, token string) error {
	return st.s.SessionDelete(ctx, token)
}

// The context-free methods scs.Store requires; scs calls the Ctx ones above.
func (st dbStore) Find(token string) ([]byte, bool, error) {
	return st.FindCtx(context.Background(), token)
}
func (st dbStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.CommitCtx(context.Background(), token, b, expiry)
}
func (st dbStore) Delete(token string) error { return st.DeleteCtx(context.Background(), token) }

// member carries the account read with the session (store.SessionAndUser) from the session
// store to whoever asks Member, so a signed-in request reads both in one query.
type member struct{ user *store.User }

type memberKey struct{}

// WithMember returns ctx marked so that loading the session under it also reads the account the
// session was saved for; Member returns that account.
func WithMember(ctx context.Context) context.Context {
	return context.WithValue(ctx, memberKey{}, &member{})
}

// Member returns the account read with the request's session if it is the one with that id,
// else nil.
func Member(ctx context.Context, id int64) *store.User {
	if m, ok := ctx.Value(memberKey{}).(*member); ok && m.user != nil && m.user.ID == id {
		return m.user
	}
	return nil
}
