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

// SignInLimit bounds sign-in and sign-up attempts per client address, sign-in attempts per
// account from one address and per known device, and password changes per account.
var SignInLimit = Limit{Attempts: 10, Window: 5 * time.Minute}

// UnknownDeviceLimit bounds sign-in attempts at one account from all browsers that have not
// signed in to it before, whatever their addresses: the slow rate at which many addresses
// together can guess. Its owner's own browsers are not held to it.
var UnknownDeviceLimit = Limit{Attempts: 20, Window: time.Hour}

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
	return action + ":account:" + accountHash(email)
}

func accountHash(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:16])
}

// AddressKey returns the rate-limit key for an action from a client address. IPv6 clients are
// counted per /64, since one subscriber usually holds a whole /64.
func AddressKey(action, addr string) string {
	return action + ":ip:" + addressPart(addr)
}

// AccountAddressKey returns the rate-limit key for an action on an account from one client
// address.
func AccountAddressKey(action, email, addr string) string {
	return action + ":account-ip:" + accountHash(email) + ":" + addressPart(addr)
}

// DeviceKey returns the rate-limit key for an action from a known device (KnownDevice's id).
func DeviceKey(action, id string) string {
	return action + ":device:" + id
}

// addressPart returns the part of a key naming a client address: the IP (the /64 for IPv6), or
// for anything else a hash, so no key grows with its input.
func addressPart(addr string) string {
	if ip, err := netip.ParseAddr(addr); err == nil {
		ip = ip.Unmap().WithZone("")
		if ip.Is6() {
			p, _ := ip.Prefix(64)
			return p.String()
		}
		return ip.String()
	}
	sum := sha256.Sum256([]byte(addr))
	return "h" + hex.EncodeToString(sum[:16])
}
