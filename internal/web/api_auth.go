package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
)

// loadTokenUser authenticates an API request by its Authorization: Bearer token and puts the
// token's owner into the context. The API never reads the session cookie, so a cross-site form
// cannot ride on a browser's session there. No header means a visitor; a header that does not
// name a valid token is 401.
func (srv *Server) loadTokenUser(next http.Handler, w http.ResponseWriter, r *http.Request) {
	h := r.Header.Get("Authorization")
	if h == "" {
		next.ServeHTTP(w, r)
		return
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		srv.serveError(w, r, unauthorized("invalid_request", "Send the API token as Authorization: Bearer <token>."))
		return
	}
	u, tok, err := srv.store.UserByAPIToken(r.Context(), auth.HashToken(token))
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && u.Disabled:
		srv.serveError(w, r, unauthorized("invalid_token", "That API token is not valid: it may have been revoked. Create a new one on your account page."))
		return
	case err != nil:
		srv.serveError(w, r, err)
		return
	}
	now := time.Now()
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) >= store.TokenTouchInterval {
		if err := srv.store.TouchAPIToken(r.Context(), tok.ID, now); err != nil {
			srv.log.Warn("touch api token", "token", tok.ID, "err", err)
		}
	}
	next.ServeHTTP(w, r.WithContext(withUser(r.Context(), &u)))
}

// unauthorized is the 401 answer with the RFC 6750 challenge.
func unauthorized(code, msg string) error {
	return problemOf(http.StatusUnauthorized, "Authorization", msg).
		with("WWW-Authenticate", `Bearer realm="starboard", error="`+code+`"`)
}

type apiUser struct {
	ID          int64  `json:"id"`
	Email       string `json:"email"`
	DisplayName string `json:"display_name"`
	IsAdmin     bool   `json:"is_admin"`
}

// apiMe returns the account the request's token belongs to.
func (srv *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, apiUser{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, IsAdmin: u.IsAdmin})
}
