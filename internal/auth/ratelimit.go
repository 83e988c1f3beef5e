package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
	"time"
)

// Limit allows Attempts within each fixed Window.
type Limit struct {
	Attempts int
	Window   time.Duration
}

// SignInLimit bounds sign-in and sign-up attempts, per client address and per account.
var SignInLimit = Limit{Attempts: 10, Window: 5 * time.Minute}

// Check reports whether the hits counted in a window that began at start are within the limit at
// time now and, when they are not, how long until the window ends.
func (l Limit) Check(hits int64, start, now time.Time) (ok bool, retryAfter time.Duration) {
	if hits <= int64(l.Attempts) {
		return true, 0
	}
	retryAfter = start.Add(l.Window).Sub(now)
	if retryAfter < time.Second {
		retryAfter = time.Second
	}
	return false, retryAfter
}

// AccountKey returns the rate-limit key for an action on an account (an email). The email is
// hashed so the counters table holds no addresses.
func AccountKey(action, email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return action + ":account:" + hex.EncodeToString(sum[:16])
}

// AddressKey returns the rate-limit key for an action from a client address. IPv6 clients are
// counted per /64, since one subscriber usually holds a whole /64.
func AddressKey(action, addr string) string {
	if ip, err := netip.ParseAddr(addr); err == nil {
		ip = ip.Unmap()
		if ip.Is6() {
			p, _ := ip.Prefix(64)
			return action + ":ip:" + p.String()
		}
		return action + ":ip:" + ip.String()
	}
	return action + ":ip:" + addr
}
