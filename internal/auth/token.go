package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// TokenPrefix starts every API token, so a leaked one is easy to recognise (and to scan for).
const TokenPrefix = "sb_"

// NewToken returns a new API token (32 random bytes, base64url, after TokenPrefix) and the hash
// to store for it. The token itself is shown once and never stored.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken returns the hex SHA-256 of a token, the form it is stored and looked up in. A fast
// hash is enough: the token has 256 bits of entropy, so there is nothing to brute-force.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return hex.EncodeToString(sum[:])
}

// SetupTokenLifetime is how long a setup address works, at most: serve makes a new one at each
// start while the site has no admin.
const SetupTokenLifetime = 24 * time.Hour

// NewSetupToken returns a one-time setup token (32 random bytes, base64url) and the hash to
// store for it. Unlike an API token it has no prefix: it is never a credential for the API.
func NewSetupToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}
