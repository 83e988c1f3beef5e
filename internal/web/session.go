package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/starboard/starboard/internal/session"
	"github.com/starboard/starboard/internal/store"
)

const flashKey = "flash"

// The thanks after a new review travel in a short-lived cookie naming the item, not in the
// session: saving the session for it would be a second database write on every review POST. The
// cookie can only ever say the one fixed sentence, about the item whose page shows it.
const (
	postedCookie = "starboard_posted"
	postedValue  = "review-posted."
)

func (srv *Server) postedCookieName(r *http.Request) string {
	if srv.sessions.Cookie.Secure {
		return "__Host-" + postedCookie
	}
	return postedCookie
}

// setPostedNotice asks the item's page to thank the member for their new review, once.
func (srv *Server) setPostedNotice(w http.ResponseWriter, r *http.Request, it store.Item) {
	http.SetCookie(w, &http.Cookie{Name: srv.postedCookieName(r), Value: postedValue + strconv.FormatInt(it.ID, 10),
		Path: "/", MaxAge: 60, HttpOnly: true, Secure: srv.sessions.Cookie.Secure, SameSite: http.SameSiteLaxMode})
}

// postedNotice returns the thanks for a review of it just posted, and forgets it; "" if none.
func (srv *Server) postedNotice(w http.ResponseWriter, r *http.Request, it store.Item) string {
	c, err := r.Cookie(srv.postedCookieName(r))
	if err != nil || c.Value != postedValue+strconv.FormatInt(it.ID, 10) {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: c.Name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: srv.sessions.Cookie.Secure, SameSite: http.SameSiteLaxMode})
	return "Thank you! Your review of " + it.Name + " is up."
}

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

// A session unused for sessionIdle ends; its last use is recorded at most every sessionSeenEvery.
const (
	sessionIdle      = 7 * 24 * time.Hour
	sessionSeenEvery = time.Hour
)

// keepAlive ends a session idle for longer than sessionIdle, and records the session's use when
// the last record is older than sessionSeenEvery, so that a member active every day stays
// signed in without a database write on each request. It reports false when it ended the
// session.
func (srv *Server) keepAlive(r *http.Request) bool {
	ctx := r.Context()
	if _, err := r.Cookie(srv.sessions.Cookie.Name); err != nil || len(srv.sessions.Keys(ctx)) == 0 {
		return true
	}
	now := time.Now().Unix()
	seen := srv.sessions.GetInt64(ctx, session.Seen)
	switch {
	case seen != 0 && now-seen > int64(sessionIdle/time.Second):
		if err := srv.sessions.Destroy(ctx); err != nil {
			srv.log.Warn("end idle session", "err", err)
		}
		return false
	case now-seen >= int64(sessionSeenEvery/time.Second):
		srv.sessions.Put(ctx, session.Seen, now)
	}
	return true
}

// loadSession loads the request's session (if it has a cookie) and saves it after the handler.
// The API has no sessions: it neither reads nor sets the cookie.
func (srv *Server) loadSession(next http.Handler) http.Handler {
	withSession := srv.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.keepAlive(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionLoaded{}, true)))
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPI(r) {
			next.ServeHTTP(w, r)
			return
		}
		if _, err := r.Cookie(srv.sessions.Cookie.Name); err == nil {
			r = r.WithContext(session.WithMember(r.Context()))
		}
		withSession.ServeHTTP(&sessionAnswer{ResponseWriter: w}, r)
	})
}

// sessionAnswer is the response under scs. scs saves a changed session when the handler first
// writes, and if the save fails it calls ErrorFunc (sessionFailed) with this writer, then goes
// on with the handler's write. Once the failure is answered, the handler's own status and body
// are dropped: the client gets the error page alone, not the error page followed by the page.
type sessionAnswer struct {
	http.ResponseWriter
	answered bool
}

func (a *sessionAnswer) WriteHeader(code int) {
	if !a.answered {
		a.ResponseWriter.WriteHeader(code)
	}
}

func (a *sessionAnswer) Write(b []byte) (int, error) {
	if a.answered {
		return len(b), nil
	}
	return a.ResponseWriter.Write(b)
}

func (a *sessionAnswer) Unwrap() http.ResponseWriter { return a.ResponseWriter }

// sessionFailed answers a session that could not be loaded or saved.
func (srv *Server) sessionFailed(w http.ResponseWriter, r *http.Request, err error) {
	srv.serveError(w, r, err)
	if a, ok := w.(*sessionAnswer); ok {
		a.answered = true
	}
}
