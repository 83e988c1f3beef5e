package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/starboard/starboard/internal/session"
	"github.com/starboard/starboard/internal/store"
)

// loadUser puts the signed-in member, if any, into the request context. A session whose account
// is gone, disabled, or whose password has changed since sign-in is ended here. API requests
// are authenticated by their bearer token instead (loadTokenUser), never by the cookie.
func (srv *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPI(r) {
			srv.loadTokenUser(next, w, r)
			return
		}
		ctx := r.Context()
		if ctx.Value(sessionLoaded{}) == nil {
			next.ServeHTTP(w, r)
			return
		}
		id := srv.sessions.GetInt64(ctx, session.UserID)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		var u store.User
		var err error
		if pre := session.Member(ctx, id); pre != nil {
			u = *pre
		} else {
			u, err = srv.store.User(ctx, id)
		}
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			srv.serveError(w, r, err)
			return
		case !u.Disabled && u.SessionVersion == srv.sessions.GetInt64(ctx, session.Version):
			next.ServeHTTP(w, r.WithContext(withUser(ctx, &u)))
			return
		}
		if err := srv.sessions.Destroy(ctx); err != nil {
			srv.serveError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// signIn starts a member's session afresh: under a new session id, so an id planted before
// sign-in is worthless after it, and empty, so nothing the browser's last user left in the
// session carries over. The browser becomes a known device of the account (device.go).
func (srv *Server) signIn(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := srv.sessions.Clear(r.Context()); err != nil {
		return err
	}
	if err := srv.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	if err := srv.rememberDevice(w, r, u.Email); err != nil {
		return err
	}
	srv.sessions.Put(r.Context(), session.UserID, u.ID)
	srv.sessions.Put(r.Context(), session.Version, u.SessionVersion)
	srv.sessions.Put(r.Context(), session.Seen, time.Now().Unix())
	return nil
}

// signOut ends the session and deletes it from the database.
func (srv *Server) signOut(r *http.Request) error {
	return srv.sessions.Destroy(r.Context())
}

// requireUser lets signed-in members through. Visitors are sent to sign in and brought back
// (HTML), or told 401 (API).
func (srv *Server) requireUser(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if userFrom(r.Context()) != nil {
			return next(w, r)
		}
		if isAPI(r) {
			return problemOf(http.StatusUnauthorized, "Authorization", "Sign in first: send Authorization: Bearer <token>.").
				with("WWW-Authenticate", `Bearer realm="starboard"`)
		}
		back := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			back = r.Referer()
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(back)), http.StatusSeeOther)
		return nil
	}
}

// requireAdmin lets admins through; anyone else signed in gets 404 so admin pages are not
// advertised, and visitors are sent to sign in.
func (srv *Server) requireAdmin(next handlerFunc) handlerFunc {
	return srv.requireUser(func(w http.ResponseWriter, r *http.Request) error {
		if !userFrom(r.Context()).IsAdmin {
			return errNotFound
		}
		return next(w, r)
	})
}

// safeNext returns target when it is a path on this site, else "/": a ?next= parameter must
// never send a member to another site. Control characters are refused outright: browsers drop
// tabs and line breaks from a URL, so "/\t/evil.example" would reach evil.example.
func safeNext(target string) string {
	if strings.ContainsFunc(target, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return "/"
	}
	if u, err := url.Parse(target); err == nil && u.Host != "" {
		// A full URL (a Referer): keep only its path and query.
		target = u.RequestURI()
	}
	if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") {
		return "/"
	}
	return target
}

type userKey struct{}

// withUser returns a context carrying the signed-in member.
func withUser(ctx context.Context, u *store.User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// userFrom returns the signed-in member of a request's context, or nil.
func userFrom(ctx context.Context) *store.User {
	u, _ := ctx.Value(userKey{}).(*store.User)
	return u
}
