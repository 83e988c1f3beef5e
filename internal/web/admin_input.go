package web

import (
	"cmp"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/starboard/starboard/internal/catalog"
	"github.com/starboard/starboard/internal/store"
)

// check applies a catalog rule to a field's value and returns the value normalised, or what is
// wrong with it as a sentence beside the field: noun names the field ("name", "attribute name")
// and empty is the sentence for a missing value.
func check(rule func(string) (string, *catalog.Problem), s, noun, empty string) (string, string) {
	s, p := rule(s)
	if p == nil {
		return s, ""
	}
	switch p.Kind {
	case catalog.Empty:
		return s, empty
	case catalog.TooLong:
		return s, fmt.Sprintf("Keep the %s to %d characters or fewer; it has %d.", noun, p.Max, p.Length)
	case catalog.NotSlug:
		return s, fmt.Sprintf("Use only lower-case letters a-z, digits and single hyphens between words in the slug, such as %s.",
			cmp.Or(catalog.Slugify(s), "ipad-air-11"))
	}
	return s, fmt.Sprintf("The %s %q %s.", noun, truncate(s, 40), p)
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
	if in.Slug, msg = check(catalog.Slug, in.Slug, "slug", "Enter a slug: the name in the address, such as ipad-air-11."); msg != "" {
		errs = append(errs, fieldError{"slug", msg})
	}
	if in.Name, msg = check(catalog.Name, in.Name, "name", "Enter a name."); msg != "" {
		errs = append(errs, fieldError{"name", msg})
	}
	if in.Description, msg = check(catalog.Description, in.Description, "description", ""); msg != "" {
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
	line, errs := checkLine(lineInput{in.Slug, in.Name, in.Description})
	in.Slug, in.Name, in.Description = line.Slug, line.Name, line.Description
	attrs := store.Attributes{}
	sent := in.Attributes
	in.Attributes = []attributePair{}
	for _, a := range sent {
		if a.Key, a.Value = strings.TrimSpace(a.Key), strings.TrimSpace(a.Value); a.Key != "" || a.Value != "" {
			in.Attributes = append(in.Attributes, a)
		}
	}
	if len(in.Attributes) > catalog.AttributesMax {
		errs = append(errs, fieldError{"attributes", fmt.Sprintf("An item has at most %d attributes; this one has %d.", catalog.AttributesMax, len(in.Attributes))})
		return in, attrs, errs
	}
	seen := map[string]bool{} // lower-cased: "Colour" and "colour" are one attribute to a reader
	for i, a := range sent {
		a.Key, a.Value = strings.TrimSpace(a.Key), strings.TrimSpace(a.Value)
		if a.Key == "" && a.Value == "" {
			continue
		}
		keyField, valField := fieldName(i, a, "key"), fieldName(i, a, "value")
		_, msg := check(catalog.AttributeKey, a.Key, "attribute name", fmt.Sprintf("Name the attribute whose value is %q, such as colour or price.", truncate(a.Value, 40)))
		if msg == "" && seen[strings.ToLower(a.Key)] {
			msg = fmt.Sprintf("The attribute %q is given twice; keep one.", a.Key)
		}
		if msg != "" {
			errs = append(errs, fieldError{keyField, msg})
		}
		if _, msg := check(catalog.AttributeValue, a.Value, "value", fmt.Sprintf("Give %s a value, or clear its name to drop it.", truncate(a.Key, 40))); msg != "" {
			errs = append(errs, fieldError{valField, msg})
		}
		if a.Key != "" {
			seen[strings.ToLower(a.Key)] = true
			attrs[a.Key] = a.Value
		}
	}
	return in, attrs, errs
}

// truncate returns s cut to at most n characters, with an ellipsis when cut.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
