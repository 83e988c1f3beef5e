package auth

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Account field bounds.
const (
	MaxEmailLen       = 254 // RFC 5321's limit on a forward path
	MaxDisplayNameLen = 50
	MaxTokenNameLen   = 100
)

// Reasons an email, display name or token name is refused, written for a person.
var (
	ErrEmailMissing       = errors.New("Enter your email address.")
	ErrEmailInvalid       = errors.New("Enter an email address like name@example.com.")
	ErrEmailTooLong       = errors.New("That email address is too long (at most 254 characters).")
	ErrDisplayNameMissing = errors.New("Enter the name to show beside your reviews.")
	ErrDisplayNameTooLong = errors.New("Use at most 50 characters for your display name.")
	ErrDisplayNameBadText = errors.New("The name contains characters that cannot be shown (invalid UTF-8 or control characters).")
	ErrTokenNameMissing   = errors.New("Name the token after what will use it, such as \"laptop script\".")
	ErrTokenNameTooLong   = errors.New("Use at most 100 characters for the token name.")
	ErrTokenNameBadText   = errors.New("The token name contains characters that cannot be shown (invalid UTF-8 or control characters).")
)

// CheckEmail returns email trimmed and lower-cased when it looks like a deliverable address:
// one @, a non-empty local part, a dotted domain, no spaces or control characters. It does not
// try to be RFC 5322; the address is an identifier here, not a mailbox we write to.
func CheckEmail(email string) (string, error) {
	if !utf8.ValidString(email) {
		return "", ErrEmailInvalid
	}
	email = strings.ToLower(strings.TrimSpace(email))
	switch {
	case email == "":
		return "", ErrEmailMissing
	case utf8.RuneCountInString(email) > MaxEmailLen:
		return "", ErrEmailTooLong
	}
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") ||
		!strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.Contains(domain, "..") || strings.ContainsFunc(email, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '<' || r == '>' || r == ',' || r == ';'
	}) {
		return "", ErrEmailInvalid
	}
	return email, nil
}

// CheckDisplayName returns name with surrounding space trimmed, or why it cannot be used.
func CheckDisplayName(name string) (string, error) {
	name, err := checkLabel(name, MaxDisplayNameLen)
	switch {
	case errors.Is(err, errMissing):
		return "", ErrDisplayNameMissing
	case errors.Is(err, errTooLong):
		return "", ErrDisplayNameTooLong
	case err != nil:
		return "", ErrDisplayNameBadText
	}
	return name, nil
}

// CheckTokenName returns an API token's name trimmed, or why it cannot be used.
func CheckTokenName(name string) (string, error) {
	name, err := checkLabel(name, MaxTokenNameLen)
	switch {
	case errors.Is(err, errMissing):
		return "", ErrTokenNameMissing
	case errors.Is(err, errTooLong):
		return "", ErrTokenNameTooLong
	case err != nil:
		return "", ErrTokenNameBadText
	}
	return name, nil
}

var (
	errMissing = errors.New("missing")
	errTooLong = errors.New("too long")
	errBadText = errors.New("bad text")
)

// checkLabel trims s and checks it is 1..max characters of printable text.
func checkLabel(s string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", errBadText
	}
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errMissing
	case utf8.RuneCountInString(s) > max:
		return "", errTooLong
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }):
		return "", errBadText
	}
	return s, nil
}
