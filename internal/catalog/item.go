package catalog

import (
	"cmp"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Line is a product line's fields as an admin sends them.
type Line struct {
	Slug, Name, Description string
	Currency                string // ISO 4217 code of its prices, "" for none
}

// Attribute is one name/value pair of an item's attributes, in the order it was given.
type Attribute struct {
	Key, Value string
}

// Item is an item's fields as an admin or an import file gives them.
type Item struct {
	Slug, Name, Description string
	Attributes              []Attribute
	// Picture is the path of a picture file an import file names for the item, as written
	// there, and PictureAlt its alt text; "" for none. Only import reads them.
	Picture, PictureAlt string
}

// AttributeMap returns the item's attributes by name, as the store keeps them.
func (it Item) AttributeMap() map[string]string {
	m := make(map[string]string, len(it.Attributes))
	for _, a := range it.Attributes {
		m[a.Key] = a.Value
	}
	return m
}

// The fields a FieldError names. FieldKey and FieldValue are one attribute's name and value.
const (
	FieldSlug        = "slug"
	FieldName        = "name"
	FieldDescription = "description"
	FieldCurrency    = "currency"
	FieldAttributes  = "attributes"
	FieldKey         = "key"
	FieldValue       = "value"
)

// FieldError is what is wrong with one field of a line or an item.
type FieldError struct {
	Field   string // one of the Field constants
	Index   int    // FieldKey and FieldValue: the attribute's position in Item.Attributes
	Key     string // FieldKey and FieldValue: the attribute's name, trimmed
	Problem *Problem
	Message string // a sentence for a person, such as "Enter a name."
}

// IsAttribute reports whether the error is about one attribute's name or value.
func (e FieldError) IsAttribute() bool { return e.Field == FieldKey || e.Field == FieldValue }

// CheckLine applies every product line rule: it returns the line normalised and what is wrong
// with each field, in the order slug, name, description, currency.
func CheckLine(in Line) (Line, []FieldError) {
	var errs []FieldError
	add := func(field, noun, empty string, s string, p *Problem) {
		if p != nil {
			errs = append(errs, FieldError{Field: field, Problem: p, Message: message(p, s, noun, empty)})
		}
	}
	var p *Problem
	in.Slug, p = Slug(in.Slug)
	add(FieldSlug, "slug", "Enter a slug: the name in the address, such as ipad-air-11.", in.Slug, p)
	in.Name, p = Name(in.Name)
	add(FieldName, "name", "Enter a name.", in.Name, p)
	in.Description, p = Description(in.Description)
	add(FieldDescription, "description", "", in.Description, p)
	in.Currency, p = Currency(in.Currency)
	add(FieldCurrency, "currency", "", in.Currency, p)
	return in, errs
}

// CheckItem applies every item rule: it returns the item normalised, with the attributes to
// store, and what is wrong with each field, in the order slug, name, description, then the
// attributes as given.
//
// An attribute whose value is empty (or only spaces) is absent: the item has no such attribute,
// and it is dropped, the way an empty cell of an import file is, a row of the admin form whose
// value is left blank, or "" in the JSON API. A line's items share attribute names (the
// columns of an import file, the rows of the compare table) and not every item has a value for
// each, so a blank value is an answer, "none", rather than a mistake; clearing a value is also
// how an admin removes an attribute. A name that is given is still checked, blank value or not,
// because a misspelt or repeated name is a mistake the admin would want to hear about. A value
// without a name is refused: there is nothing to file it under. The limit of AttributesMax
// counts the attributes kept, those with a value.
func CheckItem(in Item) (Item, []FieldError) {
	line, errs := CheckLine(Line{Slug: in.Slug, Name: in.Name, Description: in.Description})
	attrs, attrErrs := checkAttributes(in.Attributes)
	return Item{Slug: line.Slug, Name: line.Name, Description: line.Description, Attributes: attrs}, append(errs, attrErrs...)
}

// checkAttributes returns the attributes to store, by CheckItem's rule, and what is wrong with
// them. Over the limit, that is all it says.
func checkAttributes(given []Attribute) ([]Attribute, []FieldError) {
	kept := 0
	for _, a := range given {
		if strings.TrimSpace(a.Value) != "" {
			kept++
		}
	}
	if kept > AttributesMax {
		p := &Problem{Kind: TooMany, Length: kept, Max: AttributesMax}
		return nil, []FieldError{{Field: FieldAttributes, Problem: p,
			Message: fmt.Sprintf("An item has at most %d attributes; this one has %d.", AttributesMax, kept)}}
	}
	attrs := []Attribute{}
	var errs []FieldError
	seen := map[string]string{} // lower-cased: "Colour" and "colour" are one attribute to a reader
	for i, a := range given {
		key, value := strings.TrimSpace(a.Key), strings.TrimSpace(a.Value)
		if key == "" && value == "" {
			continue
		}
		key, p := AttributeKey(key)
		if p == nil {
			if first, dup := seen[strings.ToLower(key)]; dup {
				p = &Problem{Kind: Repeated, Other: first}
			} else {
				seen[strings.ToLower(key)] = key
			}
		}
		if p != nil {
			errs = append(errs, FieldError{Field: FieldKey, Index: i, Key: key, Problem: p, Message: keyMessage(p, key, value)})
		}
		if value == "" {
			continue
		}
		value, vp := AttributeValue(value)
		if vp != nil {
			errs = append(errs, FieldError{Field: FieldValue, Index: i, Key: key, Problem: vp, Message: message(vp, value, "value", "")})
		}
		if p == nil && vp == nil {
			attrs = append(attrs, Attribute{key, value})
		}
	}
	return attrs, errs
}

// keyMessage words what is wrong with an attribute's name for a person.
func keyMessage(p *Problem, key, value string) string {
	switch p.Kind {
	case Empty:
		return fmt.Sprintf("Name the attribute whose value is %q, such as colour or price.", truncate(value, 40))
	case Repeated:
		return fmt.Sprintf("The attribute %q is given twice; keep one.", key)
	}
	return message(p, key, "attribute name", "")
}

// message words what is wrong with a field's value s for a person: noun names the field
// ("name", "attribute name") and empty is the sentence for a missing value.
func message(p *Problem, s, noun, empty string) string {
	switch p.Kind {
	case Empty:
		return empty
	case TooLong:
		return fmt.Sprintf("Keep the %s to %d characters or fewer; it has %d.", noun, p.Max, p.Length)
	case NotSlug:
		return fmt.Sprintf("Use only lower-case letters a-z, digits and single hyphens between words in the slug, such as %s.",
			cmp.Or(Slugify(s), "ipad-air-11"))
	}
	return fmt.Sprintf("The %s %q %s.", noun, truncate(s, 40), p)
}

// truncate returns s cut to at most n characters, with an ellipsis when cut.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
