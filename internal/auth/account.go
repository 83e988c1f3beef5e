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

// Refusal is why an input was refused, written for the person who typed it: its text is a
// sentence to show beside the field, not a Go error string to wrap, so it is capitalised and
// ends with a full stop. Compare with errors.Is against the Err values.
type Refusal struct{ msg string }

func (r *Refusal) Error() string { return r.msg }

// Reasons an email, display name or token name is refused.
var (
	ErrEmailMissing       = &Refusal{"Enter your email address."}
	ErrEmailInvalid       = &Refusal{"Enter an email address like name@example.com."}
	ErrEmailTooLong       = &Refusal{"That email address is too long (at most 254 characters)."}
	ErrDisplayNameMissing = &Refusal{"Enter the name to show beside your reviews."}
	ErrDisplayNameTooLong = &Refusal{"Use at most 50 characters for your display name."}
	ErrDisplayNameBadText = &Refusal{"The name contains characters that cannot be shown (invalid UTF-8 or control characters)."}
	ErrTokenNameMissing   = &Refusal{"Name the token after what will use it, such as \"laptop script\"."}
	ErrTokenNameTooLong   = &Refusal{"Use at most 100 characters for the token name."}
	ErrTokenNameBadText   = &Refusal{"The token name contains characters that cannot be shown (invalid UTF-8 or control characters)."}
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
	errMissing = &Refusal{"missing"}
	errTooLong = &Refusal{"too long"}
	errBadText = &Refusal{"bad text"}
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
