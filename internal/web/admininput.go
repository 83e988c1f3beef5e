package web

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/starboard/starboard/internal/store"
)

// Catalog limits, in characters. They match `starboard import`'s.
const (
	slugMax         = 80
	catalogNameMax  = 120
	catalogDescMax  = 2000
	attributesMax   = 30
	attributeKeyMax = 40
	attributeValMax = 200
)

// reservedSlugs are words a line or item slug may not be, because a URL beside the slugs uses
// them: /c/{line}/compare, /c/{line}/feed.atom, /admin/lines/new, …
var reservedSlugs = map[string]bool{
	"compare": true, "feed": true, "feed.atom": true, "new": true, "edit": true, "delete": true,
	"remove": true, "items": true, "reviews": true, "admin": true, "api": true, "static": true,
}

// checkSlug returns a slug trimmed, or why it cannot be one: 1 to 80 lower-case letters a-z,
// digits and single hyphens, not starting or ending with a hyphen, and not a reserved word.
func checkSlug(s string) (string, string) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return s, "Enter a slug: the name in the address, such as ipad-air-11."
	case len(s) > slugMax:
		return s, fmt.Sprintf("Keep the slug to %d characters or fewer.", slugMax)
	case reservedSlugs[s]:
		return s, fmt.Sprintf("%q is reserved for the site's own pages; choose another slug.", s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return s, "Use only lower-case letters a-z, digits and hyphens in the slug, such as ipad-air-11."
		}
	}
	if s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return s, "Start and end the slug with a letter or digit, with single hyphens between words."
	}
	return s, ""
}

// checkName returns a line or item name trimmed, or why it cannot be one.
func checkName(s string) (string, string) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case !savableText(s, false):
		return s, "The name contains characters that cannot be saved (invalid UTF-8 or control characters)."
	case n == 0:
		return s, "Enter a name."
	case n > catalogNameMax:
		return s, fmt.Sprintf("Keep the name to %d characters or fewer; it has %d.", catalogNameMax, n)
	}
	return s, ""
}

// checkDescription returns a description trimmed with \n line breaks, or why it cannot be one.
// It may be empty.
func checkDescription(s string) (string, string) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	switch n := utf8.RuneCountInString(s); {
	case !savableText(s, true):
		return s, "The description contains characters that cannot be saved (invalid UTF-8 or control characters)."
	case n > catalogDescMax:
		return s, fmt.Sprintf("Keep the description to %d characters or fewer; it has %d.", catalogDescMax, n)
	}
	return s, ""
}

// lineInput is a product line's fields as an admin sends them.
type lineInput struct {
	Slug, Name, Description string
}

// checkLine is the one set of product line rules, for the API and the admin forms: it returns
// the line normalised and what is wrong with each field ("slug", "name", "description").
func checkLine(in lineInput) (lineInput, []fieldError) {
	var errs []fieldError
	var msg string
	if in.Slug, msg = checkSlug(in.Slug); msg != "" {
		errs = append(errs, fieldError{"slug", msg})
	}
	if in.Name, msg = checkName(in.Name); msg != "" {
		errs = append(errs, fieldError{"name", msg})
	}
	if in.Description, msg = checkDescription(in.Description); msg != "" {
		errs = append(errs, fieldError{"description", msg})
	}
	return in, errs
}

// attribute is one key/value row of an item's attributes, in the order it was sent.
type attributePair struct {
	Key, Value string
}

// itemInput is an item's fields as an admin sends them.
type itemInput struct {
	Slug, Name, Description string
	Attributes              []attributePair
}

// attributeFields names the fields of an attribute row in errors: the API says
// "attributes.colour", the admin form names the row's inputs.
type attributeFields func(i int, a attributePair, part string) string

// checkItem is the one set of item rules, for the API and the admin forms: it returns the item
// normalised, its attributes as stored, and what is wrong with each field ("slug", "name",
// "description", "attributes" and each attribute's key or value as fieldName says). Rows with
// neither key nor value are dropped.
func checkItem(in itemInput, fieldName attributeFields) (itemInput, store.Attributes, []fieldError) {
	var errs []fieldError
	var msg string
	if in.Slug, msg = checkSlug(in.Slug); msg != "" {
		errs = append(errs, fieldError{"slug", msg})
	}
	if in.Name, msg = checkName(in.Name); msg != "" {
		errs = append(errs, fieldError{"name", msg})
	}
	if in.Description, msg = checkDescription(in.Description); msg != "" {
		errs = append(errs, fieldError{"description", msg})
	}
	attrs := store.Attributes{}
	type row struct {
		i int
		a attributePair
	}
	var rows []row
	for i, a := range in.Attributes {
		a.Key, a.Value = strings.TrimSpace(a.Key), strings.TrimSpace(a.Value)
		if a.Key != "" || a.Value != "" {
			rows = append(rows, row{i, a})
		}
	}
	in.Attributes = make([]attributePair, len(rows))
	for j, r := range rows {
		in.Attributes[j] = r.a
	}
	if len(rows) > attributesMax {
		errs = append(errs, fieldError{"attributes", fmt.Sprintf("An item has at most %d attributes; this one has %d.", attributesMax, len(rows))})
		return in, attrs, errs
	}
	seen := map[string]bool{} // lower-cased: "Colour" and "colour" are one attribute to a reader
	for _, r := range rows {
		a := r.a
		keyField, valField := fieldName(r.i, a, "key"), fieldName(r.i, a, "value")
		switch n := utf8.RuneCountInString(a.Key); {
		case !savableText(a.Key, false):
			errs = append(errs, fieldError{keyField, "The attribute name contains characters that cannot be saved."})
		case n == 0:
			errs = append(errs, fieldError{keyField, fmt.Sprintf("Name the attribute whose value is %q, such as colour or price.", truncate(a.Value, 40))})
		case n > attributeKeyMax:
			errs = append(errs, fieldError{keyField, fmt.Sprintf("Keep attribute names to %d characters or fewer.", attributeKeyMax)})
		case seen[strings.ToLower(a.Key)]:
			errs = append(errs, fieldError{keyField, fmt.Sprintf("The attribute %q is given twice; keep one.", a.Key)})
		}
		switch n := utf8.RuneCountInString(a.Value); {
		case !savableText(a.Value, false):
			errs = append(errs, fieldError{valField, "The value contains characters that cannot be saved."})
		case n == 0 && a.Key != "":
			errs = append(errs, fieldError{valField, fmt.Sprintf("Give %s a value, or clear its name to drop it.", truncate(a.Key, 40))})
		case n > attributeValMax:
			errs = append(errs, fieldError{valField, fmt.Sprintf("Keep attribute values to %d characters or fewer.", attributeValMax)})
		}
		if a.Key != "" {
			seen[strings.ToLower(a.Key)] = true
			attrs[a.Key] = a.Value
		}
	}
	return in, attrs, errs
}

// savableText reports whether s is text both databases keep as it is and every page can show:
// valid UTF-8 without NUL or other control characters (line breaks and tabs too when multiline).
func savableText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) {
			return false
		}
	}
	return true
}

// truncate returns s cut to at most n characters, with an ellipsis when cut.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
