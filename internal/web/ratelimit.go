package web

import (
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/starboard/starboard/internal/auth"
)

// allowAttempt counts one attempt at action (login, signup, password) from the client's address
// and for the account named by email, in the database so every instance shares the counts. It
// reports whether both counts are within the limit and, when not, how long to wait.
func (srv *Server) allowAttempt(r *http.Request, action, email string) (bool, time.Duration, error) {
	at := time.Now()
	limit := srv.opt.SignInLimit
	windows, err := srv.store.HitRateLimits(r.Context(), at, limit.Window,
		auth.AddressKey(action, srv.remoteAddress(r)), auth.AccountKey(action, email))
	if err != nil {
		return false, 0, err
	}
	var wait time.Duration
	for _, w := range windows {
		if ok, d := limit.Check(w.Hits, w.Start, at); !ok {
			wait = max(wait, d)
		}
	}
	if wait > 0 {
		srv.log.Warn("rate limited", "action", action, "addr", srv.remoteAddress(r), "retry_after", wait.Round(time.Second))
		return false, wait, nil
	}
	return true, 0, nil
}

// limitAttempts counts one attempt at action. When the limit is reached it shows the form
// again through page with 429, Retry-After and the wait explained under "form" in errs, and
// reports true: the caller is done, with page's error.
func (srv *Server) limitAttempts(w http.ResponseWriter, r *http.Request, action, email string, errs *fieldErrors, page func(status int) error) (bool, error) {
	ok, wait, err := srv.allowAttempt(r, action, email)
	if err != nil {
		return true, err
	}
	if ok {
		return false, nil
	}
	errs.add("form", tooManyAttempts(w, wait))
	return true, page(http.StatusTooManyRequests)
}

// remoteAddress returns the client's IP address. Behind a trusted proxy (TRUST_PROXY=1) that is
// the last address in X-Forwarded-For, the one the proxy itself saw; earlier entries come from
// the client and may be forged.
func (srv *Server) remoteAddress(r *http.Request) string {
	if srv.opt.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if last = strings.TrimSpace(last); last != "" {
				return last
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
