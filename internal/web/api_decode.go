package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/starboard/starboard/internal/catalog"
)

// invalidFields is the 422 answer for field errors.
func invalidFields(errs fieldErrors) error {
	detail := "One field is not right: see errors."
	if len(errs) > 1 {
		detail = fmt.Sprintf("%d fields are not right: see errors.", len(errs))
	}
	return &httpError{Status: http.StatusUnprocessableEntity, Detail: detail, Errors: errs}
}

// badBody is the 400 answer for a body that is not one JSON object.
func badBody(detail string) error {
	return &httpError{Status: http.StatusBadRequest, Detail: detail}
}

// nothingToChange is the 422 answer for a patch that sends no field.
func nothingToChange(fields string) error {
	return &httpError{Status: http.StatusUnprocessableEntity, Detail: "Nothing to change: send one or more of " + fields + "."}
}

// member is one name/value pair of a JSON object, in the order sent.
type member struct {
	Name  string
	Value json.RawMessage
}

var (
	errEmptyBody = errors.New("empty")
	errNotObject = errors.New("not an object")
)

// objectMembers reads data as exactly one JSON object and returns its members in order, repeated
// names included. Anything else (another JSON value, bad syntax, trailing data) is an error.
func objectMembers(data []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err == io.EOF {
		return nil, errEmptyBody
	}
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errNotObject
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("object key is not a string")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, member{name, v})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more than one JSON value")
	}
	return out, nil
}

// jsonFields is a request body's JSON object, field by field, so that every problem can name its
// field: unknown and repeated fields, nulls and wrong types are field errors.
type jsonFields struct {
	values map[string]json.RawMessage
	errs   fieldErrors
}

// parseJSONFields reads a request body as one JSON object whose fields are among allowed; what
// names the kind of object in messages ("a review"). A body that is not valid UTF-8 or not one
// JSON object is a 400 problem; unknown or repeated fields are recorded as field errors.
func parseJSONFields(data []byte, what string, allowed []string) (*jsonFields, error) {
	if !utf8.Valid(data) {
		return nil, badBody("The body is not valid UTF-8 text.")
	}
	members, err := objectMembers(data)
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, errEmptyBody):
		return nil, badBody("The body is empty: send " + what + " as a JSON object.")
	case errors.Is(err, errNotObject):
		return nil, badBody("The body must be a JSON object: send " + what + " as {\"field\": value, …}.")
	case errors.As(err, &syntax):
		return nil, badBody(fmt.Sprintf("The body is not valid JSON (at byte %d): %v.", syntax.Offset, err))
	case err != nil:
		return nil, badBody(fmt.Sprintf("The body is not one valid JSON object: %v.", err))
	}
	f := &jsonFields{values: map[string]json.RawMessage{}}
	listed := false
	for _, m := range members {
		switch {
		case !slices.Contains(allowed, m.Name):
			// The fields are listed once, with the first unknown one: 80,000 unknown fields must
			// not make 80,000 copies of the list.
			msg := fmt.Sprintf("%q is not a field of %s.", m.Name, what)
			if !listed {
				msg = fmt.Sprintf("%q is not a field of %s; the fields are %s.", m.Name, what, strings.Join(allowed, ", "))
				listed = true
			}
			f.errs = append(f.errs, fieldError{m.Name, msg})
		case f.values[m.Name] != nil:
			f.errs = append(f.errs, fieldError{m.Name, m.Name + " is given twice; send it once."})
		default:
			f.values[m.Name] = m.Value
		}
	}
	return f, nil
}

// jsonKind names the type of a JSON value for messages: "a string", "null", …
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	}
	return "a number"
}

// has reports whether the body sent the field.
func (f *jsonFields) has(name string) bool { return f.values[name] != nil }

// require records an error for each of the fields the body lacks.
func (f *jsonFields) require(names ...string) {
	for _, n := range names {
		if !f.has(n) && !f.hasError(n) {
			f.errs = append(f.errs, fieldError{n, n + " is required."})
		}
	}
}

func (f *jsonFields) hasError(name string) bool { return f.errs.has(name) }

// text sets *dst to the field's string when the body sent one.
func (f *jsonFields) text(name string, dst *string) {
	raw := f.values[name]
	if raw == nil {
		return
	}
	if err := json.Unmarshal(raw, dst); err != nil || jsonKind(raw) != "a string" {
		f.errs = append(f.errs, fieldError{name, fmt.Sprintf("%s must be a string, not %s.", name, jsonKind(raw))})
	}
}

// wholeNumber sets *dst to the field's integer when the body sent one. 4.0 and "4" are refused:
// a whole number is written as one.
func (f *jsonFields) wholeNumber(name string, dst *int) {
	raw := f.values[name]
	if raw == nil {
		return
	}
	if kind := jsonKind(raw); kind != "a number" {
		f.errs = append(f.errs, fieldError{name, fmt.Sprintf("%s must be a whole number, not %s.", name, kind)})
		return
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 32)
	if err != nil {
		f.errs = append(f.errs, fieldError{name, fmt.Sprintf("%s must be a whole number in range, not %s.", name, bytes.TrimSpace(raw))})
		return
	}
	*dst = int(n)
}

// attributes sets *dst to the field's object of strings, in the order sent, when the body sent
// one.
func (f *jsonFields) attributes(name string, dst *[]catalog.Attribute) {
	raw := f.values[name]
	if raw == nil {
		return
	}
	members, err := objectMembers(raw)
	if err != nil {
		f.errs = append(f.errs, fieldError{name, fmt.Sprintf("%s must be an object of text values, such as {\"colour\": \"Purple\"}, not %s.", name, jsonKind(raw))})
		return
	}
	out := make([]catalog.Attribute, 0, len(members))
	seen := map[string]bool{}
	for _, m := range members {
		field := name + "." + m.Name
		var v string
		switch {
		case seen[m.Name]:
			f.errs = append(f.errs, fieldError{field, fmt.Sprintf("The attribute %q is given twice; send it once.", m.Name)})
			continue
		case jsonKind(m.Value) != "a string" || json.Unmarshal(m.Value, &v) != nil:
			f.errs = append(f.errs, fieldError{field, fmt.Sprintf("Attribute values are text: send %s as a string, not %s.", field, jsonKind(m.Value))})
			continue
		}
		seen[m.Name] = true
		out = append(out, catalog.Attribute{Key: m.Name, Value: v})
	}
	*dst = out
}

// problems returns the recorded field errors as a 422, or nil when there are none.
func (f *jsonFields) problems() error {
	if len(f.errs) == 0 {
		return nil
	}
	return invalidFields(f.errs)
}

// reviewInput is a review's fields as a member sends them.
type reviewInput struct {
	Rating  int
	Summary string
	Details string
}

var reviewFields = []string{"rating", "summary", "details"}

// checkReview checks a review with the review form's own rules (reviewForm.validate), so that
// the API and the form refuse and normalise alike: it returns the review normalised (text
// trimmed, the summary on one line, line breaks as \n) and what is wrong, field by field in the
// order rating, summary, details.
func checkReview(in reviewInput) (reviewInput, fieldErrors) {
	f := reviewForm{Rating: in.Rating, Summary: in.Summary, Details: strings.ReplaceAll(in.Details, "\r\n", "\n")}
	f.validate()
	return reviewInput{Rating: f.Rating, Summary: f.Summary, Details: f.Details}, f.Errors
}

// decodeReview reads a review from a JSON body and checks it with checkReview. A new review
// (patch false) needs rating and summary; a patch changes only the fields it sends on base.
func decodeReview(data []byte, base reviewInput, patch bool) (reviewInput, error) {
	f, err := parseJSONFields(data, "a review", reviewFields)
	if err != nil {
		return base, err
	}
	if !patch {
		f.require("rating", "summary")
	} else if len(f.values) == 0 && len(f.errs) == 0 {
		return base, nothingToChange("rating, summary, details")
	}
	in := base
	f.wholeNumber("rating", &in.Rating)
	f.text("summary", &in.Summary)
	f.text("details", &in.Details)
	if p := f.problems(); p != nil {
		return base, p
	}
	in, errs := checkReview(in)
	if len(errs) > 0 {
		return base, invalidFields(errs)
	}
	return in, nil
}

var lineFields = []string{"slug", "name", "description", "currency"}

// decodeLine reads a product line from a JSON body and checks it with checkLine. A new line
// (patch false) needs slug and name; a patch changes only the fields it sends on base.
func decodeLine(data []byte, base catalog.Line, patch bool) (catalog.Line, error) {
	f, err := parseJSONFields(data, "a product line", lineFields)
	if err != nil {
		return base, err
	}
	if !patch {
		f.require("slug", "name")
	} else if len(f.values) == 0 && len(f.errs) == 0 {
		return base, nothingToChange("slug, name, description, currency")
	}
	in := base
	f.text("slug", &in.Slug)
	f.text("name", &in.Name)
	f.text("description", &in.Description)
	f.text("currency", &in.Currency)
	if p := f.problems(); p != nil {
		return base, p
	}
	in, errs := checkLine(in)
	if len(errs) > 0 {
		return base, invalidFields(errs)
	}
	return in, nil
}

var (
	itemFields      = []string{"category", "slug", "name", "description", "attributes"}
	itemPatchFields = []string{"slug", "name", "description", "attributes", "category"}
)

// apiAttributeField names an attribute in API errors: "attributes.colour".
func apiAttributeField(e catalog.FieldError) string {
	if e.Key == "" {
		return "attributes"
	}
	return "attributes." + e.Key
}

// decodeItem reads an item from a JSON body and checks it with checkItem. A new item (patch
// false) needs category (the line's slug), slug and name; a patch changes only the fields it
// sends on base, and attributes, when sent, replace the item's attributes whole. An item cannot
// move to another line.
func decodeItem(data []byte, base catalog.Item, patch bool) (category string, in catalog.Item, err error) {
	allowed := itemFields
	if patch {
		allowed = itemPatchFields
	}
	f, err := parseJSONFields(data, "an item", allowed)
	if err != nil {
		return "", base, err
	}
	if !patch {
		f.require("category", "slug", "name")
		f.text("category", &category)
		if f.has("category") && !f.hasError("category") && strings.TrimSpace(category) == "" {
			f.errs = append(f.errs, fieldError{"category", "category must name the item's product line by its slug, such as \"ipads\"."})
		}
	} else {
		if f.has("category") {
			f.errs = append(f.errs, fieldError{"category", "An item cannot move to another product line: create it there and delete this one."})
		}
		if len(f.values) == 0 && len(f.errs) == 0 {
			return "", base, nothingToChange("slug, name, description, attributes")
		}
	}
	in = base
	f.text("slug", &in.Slug)
	f.text("name", &in.Name)
	f.text("description", &in.Description)
	f.attributes("attributes", &in.Attributes)
	if p := f.problems(); p != nil {
		return "", base, p
	}
	in, errs := checkItem(in, apiAttributeField)
	if len(errs) > 0 {
		return "", base, invalidFields(errs)
	}
	return strings.TrimSpace(category), in, nil
}
