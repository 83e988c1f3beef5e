// Package catalog holds the one set of rules for catalog input — product line and item slugs,
// names, descriptions, attributes and their limits — used alike by the admin pages, the JSON
// write API and `starboard import`, and it reads import files (CSV and JSON).
//
// Each per-value rule (Slug, Name, Description, AttributeKey, AttributeValue) returns the value
// normalised (trimmed) and, when it cannot be saved, a Problem that says why. CheckLine and
// CheckItem apply every rule to a whole line or item and return FieldErrors: the field, the
// Problem, and a sentence for a person, which the admin forms and the API show as they are;
// import words the same Problems for its per-row report (CheckEntries).
//
// An attribute with an empty value is no attribute: it is dropped, not refused, whether it is a
// blank value in an admin form row, "" in the API or an empty cell of an import file, and the
// limit of AttributesMax counts only attributes with a value. CheckItem says why.
package catalog

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of catalog input, in characters (a slug is ASCII, so in bytes too).
const (
	SlugMax           = 80
	NameMax           = 120
	DescriptionMax    = 2000
	AttributesMax     = 30 // attributes per item
	AttributeKeyMax   = 40
	AttributeValueMax = 200
)

// reserved are words a line or item slug may not be, because a URL beside the slugs uses them:
// /c/{line}/compare, /c/{line}/feed.atom, /admin/lines/new, …
var reserved = map[string]bool{
	"compare": true, "feed": true, "feed.atom": true, "new": true, "edit": true, "delete": true,
	"remove": true, "items": true, "reviews": true, "admin": true, "api": true, "static": true,
}

// Kind is the sort of problem a value has.
type Kind int

// The kinds of problem.
const (
	Empty       Kind = iota + 1 // nothing but spaces
	NotUTF8                     // not valid UTF-8
	TooLong                     // Length characters where at most Max are allowed
	Invisible                   // holds Rune: a control or invisible format character, or U+FFFD
	NotSlug                     // not lower-case a-z, digits and single inner hyphens
	Reserved                    // a slug the site's own pages use
	ItemField                   // an attribute name that is name, description or slug
	KeyChars                    // an attribute name with other than letters, digits, spaces and - _ . ( ) /
	Repeated                    // an attribute name given before as Other, perhaps in other letter case
	TooMany                     // an item with Length attributes where at most Max are allowed
	NotCurrency                 // not a currency code: three letters A-Z
)

// Problem is why a value cannot be saved.
type Problem struct {
	Kind   Kind
	Length int    // TooLong: the value's length; TooMany: how many attributes
	Max    int    // TooLong, TooMany: the limit
	Rune   rune   // Invisible: the first character refused
	Other  string // Repeated: the name as first given
}

// String returns the problem as the end of a sentence about the value: "is required",
// "is 121 characters long; at most 120".
func (p *Problem) String() string {
	switch p.Kind {
	case Empty:
		return "is required"
	case TooLong:
		return fmt.Sprintf("is %d characters long; at most %d", p.Length, p.Max)
	case Invisible:
		return fmt.Sprintf("contains the invisible character %U", p.Rune)
	case NotSlug:
		return fmt.Sprintf("is not a slug: use lower-case letters, digits and single hyphens, up to %d characters", SlugMax)
	case Reserved:
		return "is reserved for the site's own pages; choose another slug"
	case ItemField:
		return "is kept for the item itself"
	case KeyChars:
		return "may hold letters, digits, spaces and - _ . ( ) /, starting with a letter or digit"
	case Repeated:
		return fmt.Sprintf("repeats the attribute %q", p.Other)
	case TooMany:
		return fmt.Sprintf("has %d attributes; at most %d", p.Length, p.Max)
	case NotCurrency:
		return "is not a currency code: use the three letters of ISO 4217, such as USD, EUR or GBP"
	default:
		return "is not valid UTF-8"
	}
}

// Slug returns s trimmed, or why it is not a slug: 1 to 80 lower-case letters a-z, digits and
// single hyphens, not starting or ending with a hyphen, and not a reserved word.
func Slug(s string) (string, *Problem) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return s, &Problem{Kind: Empty}
	case strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" ||
		s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--"):
		return s, &Problem{Kind: NotSlug}
	case len(s) > SlugMax:
		return s, &Problem{Kind: TooLong, Length: len(s), Max: SlugMax}
	case reserved[s]:
		return s, &Problem{Kind: Reserved}
	}
	return s, nil
}

// Name returns a line or item name trimmed, or why it cannot be one.
func Name(s string) (string, *Problem) {
	s = strings.TrimSpace(s)
	return s, text(s, NameMax, printable, Invisible)
}

// Description returns a description trimmed with \n line breaks, or why it cannot be one. It may
// be empty.
func Description(s string) (string, *Problem) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return s, nil
	}
	return s, text(s, DescriptionMax, printableLines, Invisible)
}

// Currency returns a currency code trimmed and in capitals ("usd" → "USD"), or why it cannot be
// one. It may be empty: a line whose prices have no currency. Any three letters A-Z are taken,
// not only the codes the site has a symbol for, so that every ISO 4217 code works (shown as its
// code, "CHF 599"); a mistyped code shows as typed, where the admin sees it.
func Currency(s string) (string, *Problem) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return s, nil
	}
	if len(s) != 3 || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return s, &Problem{Kind: NotCurrency}
	}
	return s, nil
}

// AttributeValue returns an attribute's value trimmed, or why it cannot be one.
func AttributeValue(s string) (string, *Problem) {
	s = strings.TrimSpace(s)
	return s, text(s, AttributeValueMax, printable, Invisible)
}

// AttributeKey returns an attribute's name trimmed, or why it cannot be one: up to 40 letters,
// digits, spaces and - _ . ( ) /, starting with a letter or digit, and not the name of one of
// an item's own fields (name, description, slug), which an import file's header holds beside
// the attributes.
func AttributeKey(s string) (string, *Problem) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "name", "description", "slug":
		return s, &Problem{Kind: ItemField}
	}
	return s, text(s, AttributeKeyMax, func(i int, r rune) bool {
		// Marks after the first character: "रंग" and a decomposed "é" are letters to a reader.
		return unicode.IsLetter(r) || unicode.IsDigit(r) || i > 0 && (unicode.IsMark(r) || strings.ContainsRune(" -_.()/", r))
	}, KeyChars)
}

// text returns what is wrong with a required value of at most max characters, or nil: it must
// be valid UTF-8 of characters ok allows (i is the character's byte offset); the first it does
// not is a problem of the kind given.
func text(s string, max int, ok func(i int, r rune) bool, kind Kind) *Problem {
	switch n := utf8.RuneCountInString(s); {
	case s == "":
		return &Problem{Kind: Empty}
	case !utf8.ValidString(s):
		return &Problem{Kind: NotUTF8}
	case n > max:
		return &Problem{Kind: TooLong, Length: n, Max: max}
	}
	for i, r := range s {
		if !ok(i, r) {
			return &Problem{Kind: kind, Rune: r}
		}
	}
	return nil
}

// printable reports whether r is a character every page can show as it is: not a control
// character, not an invisible format character other than the joiners ZWJ and ZWNJ (which some
// scripts and emoji need), and not U+FFFD, the trace of text already broken by a wrong encoding.
func printable(_ int, r rune) bool {
	return !unicode.IsControl(r) && r != utf8.RuneError && (!unicode.Is(unicode.Cf, r) || r == '\u200c' || r == '\u200d')
}

// printableLines is printable with line breaks and tabs.
func printableLines(i int, r rune) bool { return r == '\n' || r == '\t' || printable(i, r) }

// latinFold spells common accented letters without their accents, for slugs.
var latinFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c", 'è': "e", 'é': "e",
	'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ð': "d", 'ñ': "n", 'ò': "o", 'ó': "o",
	'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y",
	'þ': "th", 'ß': "ss", 'œ': "oe", 'ł': "l", 'ś': "s", 'š': "s", 'ž': "z", 'ź': "z", 'ż': "z", 'č': "c",
	'ć': "c", 'ř': "r", 'ń': "n", 'ě': "e", 'ę': "e", 'ą': "a", 'ğ': "g", 'ı': "i", 'ş': "s",
}

// Slugify returns a slug made from a name: "iPad Pro 13\"" → "ipad-pro-13", "Crème brûlée" →
// "creme-brulee", or "" when the name has no letter or digit it can spell. The slug has the
// shape Slug wants but may be a reserved word ("Compare" → "compare"): check it with Slug.
func Slugify(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(name) {
		var part string
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			part = string(r)
		case latinFold[r] != "":
			part = latinFold[r]
		case r == '\'' || r == '’':
			continue // "Tolkien's" → "tolkiens"
		default:
			gap = b.Len() > 0
			continue
		}
		if gap {
			b.WriteByte('-')
			gap = false
		}
		b.WriteString(part)
	}
	s := b.String()
	if len(s) > SlugMax {
		s = strings.TrimRight(s[:SlugMax], "-")
	}
	return s
}
