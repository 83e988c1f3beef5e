package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/starboard/starboard/internal/auth"
)

// Sign-in, sign-up and password changes are rate limited by counters in the database, so every
// instance shares them. Which counters an attempt hits:
//
//   - sign-in from a known device of the account (device.go): that device's counter only, so
//     guesses from anywhere else never lock the owner's own browsers out;
//   - sign-in from any other browser: its address's counter and the (account, address) counter,
//     then, only when those allow it, the account's counter for unknown devices, held to the
//     slow UnknownDeviceLimit. One address is stopped after a few guesses without touching the
//     account's counter, so one noisy address cannot lock an owner out of a new browser either;
//     many addresses together get UnknownDeviceLimit guesses at an account, no more;
//   - sign-up: the address's counter only. A counter per chosen email would let anyone keep its
//     owner from signing up, and guards nothing: the form gives no password to guess;
//   - a password change: the address's and the account's (only its own sessions can reach it).
//
// A successful sign-in gives back what it counted, so the counters count failures.

// signInAttempt is a counted sign-in attempt: the counters to give back when it succeeds.
type signInAttempt struct {
	device         string // the known device's counter, "" for an unknown browser
	address, pair  string // an unknown browser's address and (account, address) counters
	account        string // the account's counter for unknown browsers
	accountCounted bool
}

// hit counts one attempt against each key under limit, and returns how long to wait when any is
// over it (0 when all are within).
func (srv *Server) hit(r *http.Request, limit auth.Limit, keys ...string) (time.Duration, error) {
	at := time.Now()
	windows, err := srv.store.HitRateLimits(r.Context(), at, limit.Window, keys...)
	if err != nil {
		return 0, err
	}
	var wait time.Duration
	for _, w := range windows {
		if ok, d := limit.Check(w.Hits, w.Start, at); !ok {
			wait = max(wait, d)
		}
	}
	return wait, nil
}

// countSignIn counts a sign-in attempt at the account with that email (see the top of this
// file) and returns it, with how long to wait when it is over a limit.
func (srv *Server) countSignIn(r *http.Request, email string) (signInAttempt, time.Duration, error) {
	id, known, err := srv.knownDevice(r, email)
	if err != nil {
		return signInAttempt{}, 0, err
	}
	if known {
		a := signInAttempt{device: auth.DeviceKey("login", id)}
		wait, err := srv.hit(r, srv.opt.SignInLimit, a.device)
		return a, wait, err
	}
	addr := srv.remoteAddress(r)
	a := signInAttempt{address: auth.AddressKey("login", addr), pair: auth.AccountAddressKey("login", email, addr),
		account: auth.AccountKey("login", email)}
	if wait, err := srv.hit(r, srv.opt.SignInLimit, a.address, a.pair); err != nil || wait > 0 {
		return a, wait, err
	}
	a.accountCounted = true
	wait, err := srv.hit(r, srv.opt.UnknownDeviceLimit, a.account)
	return a, wait, err
}

// signInSucceeded gives back what a successful sign-in counted: the device's and the (account,
// address) counters start afresh, and the address and the account get their attempt back, so
// many people behind one NAT can still sign in and the owner's own sign-ins never use up the
// account's allowance.
func (srv *Server) signInSucceeded(r *http.Request, a signInAttempt) {
	ctx := r.Context()
	var errs []error
	for _, key := range []string{a.device, a.pair} {
		if key != "" {
			errs = append(errs, srv.store.ClearRateLimit(ctx, key))
		}
	}
	if a.address != "" {
		errs = append(errs, srv.store.UndoRateLimitHit(ctx, a.address))
	}
	if a.accountCounted {
		errs = append(errs, srv.store.UndoRateLimitHit(ctx, a.account))
	}
	for _, err := range errs {
		if err != nil {
			srv.log.Warn("give back rate limit hit", "err", err)
		}
	}
}

// limitAttempts counts an attempt at action against the client's address and against the
// account with that email, under SignInLimit, and when either is over it shows the form again
// through page with 429 (refuseAttempt). done reports whether it answered; err is page's error
// then, or the database's.
func (srv *Server) limitAttempts(w http.ResponseWriter, r *http.Request, action, email string, errs *fieldErrors, page func(status int) error) (done bool, err error) {
	wait, err := srv.hit(r, srv.opt.SignInLimit, auth.AddressKey(action, srv.remoteAddress(r)), auth.AccountKey(action, email))
	if err != nil {
		return true, err
	}
	if wait > 0 {
		return true, srv.refuseAttempt(w, r, action, wait, errs, page)
	}
	return false, nil
}

// refuseAttempt shows a rate-limited form again through page with 429, Retry-After and the wait
// explained under "form" in errs, and returns page's error.
func (srv *Server) refuseAttempt(w http.ResponseWriter, r *http.Request, action string, wait time.Duration, errs *fieldErrors, page func(status int) error) error {
	srv.metrics.rateLimited(action)
	srv.log.Warn("rate limited", "action", action, "addr", srv.remoteAddress(r), "retry_after", wait.Round(time.Second))
	errs.add("form", tooManyAttempts(w, wait))
	return page(http.StatusTooManyRequests)
}

// remoteAddress returns the client's IP address. Behind a trusted proxy (TRUST_PROXY=1) that is
// the last address in X-Forwarded-For, the one the proxy itself saw; earlier entries come from
// the client and may be forged. Only a valid IP address is taken from the header (else the
// connection's address stands in), so no string a client sends becomes a rate-limit key.
func (srv *Server) remoteAddress(r *http.Request) string {
	if srv.opt.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip, ok := parseIP(strings.TrimSpace(last)); ok {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip, ok := parseIP(host); ok {
		return ip
	}
	return "unknown"
}

// parseIP returns s as a plain IP address (IPv4-mapped IPv6 as IPv4, without a zone), accepting
// an address with a port too.
func parseIP(s string) (string, bool) {
	if len(s) > len("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535") {
		return "", false
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return "", false
		}
		ip = ap.Addr()
	}
	return ip.Unmap().WithZone("").String(), true
}
