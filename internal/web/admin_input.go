package web

import "github.com/starboard/starboard/internal/catalog"

// checkLine applies the catalog's product line rules for the API and the admin forms: it
// returns the line normalised and what is wrong with each field ("slug", "name", "description").
func checkLine(in catalog.Line) (catalog.Line, []fieldError) {
	in, errs := catalog.CheckLine(in)
	return in, fieldErrors(errs, nil)
}

// checkItem applies the catalog's item rules for the API and the admin forms: it returns the
// item normalised, with the attributes to store, and what is wrong with each field ("slug",
// "name", "description", "attributes", and each attribute's name or value as attrField names it).
func checkItem(in catalog.Item, attrField func(catalog.FieldError) string) (catalog.Item, []fieldError) {
	in, errs := catalog.CheckItem(in)
	return in, fieldErrors(errs, attrField)
}

// fieldErrors returns the catalog's field errors as the answer's, naming an attribute's name or
// value with attrField.
func fieldErrors(errs []catalog.FieldError, attrField func(catalog.FieldError) string) []fieldError {
	var out []fieldError
	for _, e := range errs {
		field := e.Field
		if e.IsAttribute() {
			field = attrField(e)
		}
		out = append(out, fieldError{field, e.Message})
	}
	return out
}
