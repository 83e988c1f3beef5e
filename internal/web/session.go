package web

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/starboard/starboard/internal/store"
)

// sessionStore keeps scs sessions in Starboard's database, so every instance on one database
// shares them and they can be revoked.
type sessionStore struct{ s *store.Store }

func (st sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	return st.s.SessionFind(ctx, token)
}

func (st sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return st.s.SessionCommit(ctx, token, b, expiry)
}

func (st sessionStore) DeleteCtx(ctx context.Context, token string) error {
	return st.s.SessionDelete(ctx, token)
}

// The context-free methods scs.Store requires; scs calls the Ctx ones above.
func (st sessionStore) Find(token string) ([]byte, bool, error) {
	return st.FindCtx(context.Background(), token)
}
func (st sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.CommitCtx(context.Background(), token, b, expiry)
}
func (st sessionStore) Delete(token string) error { return st.DeleteCtx(context.Background(), token) }

// newSessions returns the session manager. Behind a trusted HTTPS proxy the cookie is
// __Host- prefixed and Secure; on plain local HTTP it cannot be either.
func newSessions(s *store.Store, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = sessionStore{s}
	sm.Codec = sessionCodec{}
	sm.Lifetime = 30 * 24 * time.Hour
	sm.IdleTimeout = 7 * 24 * time.Hour
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

const flashKey = "flash"

// setFlash keeps a one-time message for the next page the member sees.
func (srv *Server) setFlash(r *http.Request, msg string) {
	srv.sessions.Put(r.Context(), flashKey, msg)
}

// popFlash returns and forgets the one-time message, if any. Without a session cookie it costs
// nothing; outside the session middleware (an error answered before it ran) there is none.
func (srv *Server) popFlash(r *http.Request) string {
	if r.Context().Value(sessionLoaded{}) == nil {
		return ""
	}
	return srv.sessions.PopString(r.Context(), flashKey)
}

type sessionLoaded struct{}

// loadSession loads the request's session (if it has a cookie) and saves it after the handler.
// The API has no sessions: it neither reads nor sets the cookie.
func (srv *Server) loadSession(next http.Handler) http.Handler {
	withSession := srv.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionLoaded{}, true)))
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPI(r) {
			next.ServeHTTP(w, r)
			return
		}
		withSession.ServeHTTP(w, r)
	})
}
