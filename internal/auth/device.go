package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Device cookies (OWASP's "Slow down online guessing attacks with device cookies"): a browser
// that signed in to an account gets a cookie, signed with the site's key, naming that account
// and a random device id. Sign-ins to the account from that browser are limited per device
// only, so guesses from elsewhere never lock its owner out; every other browser is limited per
// address and, slowly, per account.

const (
	deviceIDLen      = 16
	deviceAccountLen = 16
	deviceMACLen     = sha256.Size
	deviceLen        = deviceIDLen + deviceAccountLen + deviceMACLen
)

// deviceAccount returns the part of a device cookie that names the account (an email).
func deviceAccount(email string) []byte {
	sum := sha256.Sum256([]byte("starboard device account\x00" + strings.ToLower(strings.TrimSpace(email))))
	return sum[:deviceAccountLen]
}

func deviceMAC(key, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("starboard device v1\x00"))
	m.Write(body)
	return m.Sum(nil)
}

// NewDeviceCookie returns the value of a new device cookie for the account with that email,
// signed with key.
func NewDeviceCookie(key []byte, email string) string {
	body := make([]byte, deviceIDLen, deviceLen)
	rand.Read(body)
	body = append(body, deviceAccount(email)...)
	return base64.RawURLEncoding.EncodeToString(append(body, deviceMAC(key, body)...))
}

// KnownDevice returns the device id of a device cookie value when key signed it for the account
// with that email; ok is false for any other value.
func KnownDevice(key []byte, value, email string) (id string, ok bool) {
	if base64.RawURLEncoding.EncodedLen(deviceLen) != len(value) {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(b) != deviceLen {
		return "", false
	}
	body, mac := b[:deviceIDLen+deviceAccountLen], b[deviceIDLen+deviceAccountLen:]
	if !hmac.Equal(mac, deviceMAC(key, body)) || !hmac.Equal(body[deviceIDLen:], deviceAccount(email)) {
		return "", false
	}
	return hex.EncodeToString(body[:deviceIDLen]), true
}

// NewSiteKey returns a new random key for signing device cookies, as stored (hex).
func NewSiteKey() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}
