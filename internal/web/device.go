package web

import (
	"context"
	"encoding/hex"
	"net/http"
	"sync"

	"github.com/starboard/starboard/internal/auth"
)

// Device cookies (auth.NewDeviceCookie) mark the browsers that signed in to an account, so that
// a flood of wrong passwords from elsewhere never locks the account's owner out of them.

const (
	deviceCookie    = "starboard_device"
	deviceCookieAge = 180 * 24 * 60 * 60 // seconds
	deviceKeyName   = "device-cookie"
)

// deviceKeys holds the site's device-cookie key once read: every instance reads the same row.
type deviceKeys struct {
	mu  sync.Mutex
	key []byte
}

// deviceKey returns the key device cookies are signed with, made and stored on first use.
func (srv *Server) deviceKey(ctx context.Context) ([]byte, error) {
	srv.devices.mu.Lock()
	defer srv.devices.mu.Unlock()
	if srv.devices.key != nil {
		return srv.devices.key, nil
	}
	secret, err := srv.store.SiteKey(ctx, deviceKeyName, auth.NewSiteKey())
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(secret)
	if err != nil || len(key) < 16 {
		key = []byte(secret)
	}
	srv.devices.key = key
	return key, nil
}

func (srv *Server) deviceCookieName() string {
	if srv.sessions.Cookie.Secure {
		return "__Host-" + deviceCookie
	}
	return deviceCookie
}

// knownDevice returns the device id of the request's browser when it signed in to the account
// with that email before.
func (srv *Server) knownDevice(r *http.Request, email string) (string, bool, error) {
	c, err := r.Cookie(srv.deviceCookieName())
	if err != nil {
		return "", false, nil
	}
	key, err := srv.deviceKey(r.Context())
	if err != nil {
		return "", false, err
	}
	id, ok := auth.KnownDevice(key, c.Value, email)
	return id, ok, nil
}

// rememberDevice gives the browser a device cookie for the account with that email, unless it
// has one already. A browser holds one: signing in to another account replaces it.
func (srv *Server) rememberDevice(w http.ResponseWriter, r *http.Request, email string) error {
	if _, ok, err := srv.knownDevice(r, email); err != nil || ok {
		return err
	}
	key, err := srv.deviceKey(r.Context())
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: srv.deviceCookieName(), Value: auth.NewDeviceCookie(key, email), Path: "/",
		MaxAge: deviceCookieAge, HttpOnly: true, Secure: srv.sessions.Cookie.Secure, SameSite: http.SameSiteStrictMode})
	return nil
}
