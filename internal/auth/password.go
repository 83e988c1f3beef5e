// Package auth holds Starboard's account rules that need no database: password rules and
// hashing (argon2id), API token generation and hashing, email and display name rules, and the
// arithmetic of rate limits. The web handlers and the command line share it.
package auth

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password length bounds, in characters. There are no composition rules (NIST SP 800-63B).
const (
	MinPasswordLen = 8
	MaxPasswordLen = 256
)

// Reasons a password is refused. Their text is written for the person choosing it.
var (
	ErrPasswordTooShort  = &Refusal{fmt.Sprintf("Use at least %d characters.", MinPasswordLen)}
	ErrPasswordTooLong   = &Refusal{fmt.Sprintf("Use at most %d characters.", MaxPasswordLen)}
	ErrPasswordCommon    = &Refusal{"This password is one of the most common ones, so it is among the first an attacker tries. Choose another."}
	ErrPasswordBadText   = &Refusal{"The password contains characters that cannot be read (invalid UTF-8 or control characters)."}
	ErrPasswordIsAccount = &Refusal{"The password must not be your email address or display name."}
)

// commonPasswordList is Openwall's password.lst (public domain, compiled by Solar Designer,
// 3546 entries, most common first) as shipped by Debian's john-data 1.9.0-2 package at
// /usr/share/john/password.lst. Regenerate with `apt-get install john-data && go generate`.
//
//go:generate cp /usr/share/john/password.lst common-passwords.txt
//go:embed common-passwords.txt
var commonPasswordList string

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 3600)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordList))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#!comment:") {
			continue
		}
		set[strings.ToLower(line)] = struct{}{}
	}
	// The site's own name is among the first guesses against it.
	set["starboard"] = struct{}{}
	return set
})

// CommonPasswordCount returns how many distinct (case-folded) passwords the embedded list holds.
func CommonPasswordCount() int { return len(commonPasswords()) }

// IsCommonPassword reports whether pw, ignoring case, is on the embedded list, or is a listed
// password with only digits and punctuation added at the end ("dragon2024!"), or one character
// repeated.
func IsCommonPassword(pw string) bool {
	set := commonPasswords()
	lower := strings.ToLower(pw)
	if _, ok := set[lower]; ok {
		return true
	}
	base := strings.TrimRightFunc(lower, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
	if utf8.RuneCountInString(base) >= 4 {
		if _, ok := set[base]; ok {
			return true
		}
	}
	first, _ := utf8.DecodeRuneInString(pw)
	return strings.Trim(pw, string(first)) == ""
}

// ValidatePassword returns nil when pw may be chosen as a new password, else one of the ErrPassword
// errors. account lists words the password must not equal (the email, the display name).
func ValidatePassword(pw string, account ...string) error {
	if !utf8.ValidString(pw) || strings.ContainsFunc(pw, unicode.IsControl) {
		return ErrPasswordBadText
	}
	switch n := utf8.RuneCountInString(pw); {
	case n < MinPasswordLen:
		return ErrPasswordTooShort
	case n > MaxPasswordLen:
		return ErrPasswordTooLong
	}
	for _, a := range account {
		if a != "" && strings.EqualFold(pw, a) {
			return ErrPasswordIsAccount
		}
	}
	if IsCommonPassword(pw) {
		return ErrPasswordCommon
	}
	return nil
}

// Params are the argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams follow OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane), which keeps a
// hash near 40 ms on one core of a small server while costing an attacker 19 MiB per guess.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds on parameters read back from a stored hash, so a corrupt row cannot make one sign-in
// allocate gigabytes.
const (
	maxMemory  = 1 << 20 // 1 GiB in KiB
	maxTime    = 64
	maxKeyLen  = 128
	maxSaltLen = 64
)

var b64 = base64.RawStdEncoding

// HashPassword returns pw hashed with argon2id under DefaultParams and a fresh random salt, in the
// PHC string format: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPassword(pw string) string { return DefaultParams.Hash(pw) }

// Hash returns pw hashed with argon2id under p, in the PHC string format.
func (p Params) Hash(pw string) string {
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decodeHash splits a PHC argon2id string into its parameters, salt and key.
func decodeHash(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, &Refusal{"auth: not an argon2id hash"}
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, &Refusal{"auth: unsupported argon2 version"}
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil || n != 3 {
		return p, nil, nil, &Refusal{"auth: bad argon2 parameters"}
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, &Refusal{"auth: bad salt"}
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return p, nil, nil, &Refusal{"auth: bad key"}
	}
	if p.Memory < 8 || p.Memory > maxMemory || p.Time < 1 || p.Time > maxTime || threads < 1 || threads > 255 ||
		len(key) < 16 || len(key) > maxKeyLen || len(salt) < 8 || len(salt) > maxSaltLen {
		return p, nil, nil, &Refusal{"auth: argon2 parameters out of range"}
	}
	p.Threads, p.SaltLen, p.KeyLen = uint8(threads), uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// VerifyPassword reports whether pw matches the encoded hash, comparing in constant time. A hash
// it cannot read (an unusable placeholder, another scheme) matches nothing.
func VerifyPassword(pw, encoded string) bool {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1
}

// NeedsRehash reports whether the encoded hash was made with other parameters than
// DefaultParams (or cannot be read), so it should be replaced at the next successful sign-in.
func NeedsRehash(encoded string) bool {
	p, _, _, err := decodeHash(encoded)
	return err != nil || p != DefaultParams
}

// dummyHash is a hash of a random password, computed once, for SpendVerifyTime.
var dummyHash = sync.OnceValue(func() string { return HashPassword(rand.Text()) })

// WarmUp computes the hash SpendVerifyTime compares against, so that even the first sign-in with
// an unknown email takes no longer than one with a wrong password.
func WarmUp() { dummyHash() }

// SpendVerifyTime does the work of one VerifyPassword against a hash no password matches. A
// sign-in with an unknown email calls it so that it takes as long as one with a wrong password,
// and response times do not tell which emails have accounts.
func SpendVerifyTime(pw string) {
	VerifyPassword(pw, dummyHash())
}
