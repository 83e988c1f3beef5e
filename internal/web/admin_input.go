package web

import "github.com/starboard/starboard/internal/catalog"

// checkLine applies the catalog's product line rules for the API and the admin forms: it
// returns the line normalised and what is wrong with each field ("slug", "name", "description").
func checkLine(in catalog.Line) (catalog.Line, fieldErrors) {
	in, errs := catalog.CheckLine(in)
	return in, catalogErrors(errs, nil)
}

// checkItem applies the catalog's item rules for the API and the admin forms: it returns the
// item normalised, with the attributes to store, and what is wrong with each field ("slug",
// "name", "description", "attributes", and each attribute's name or value as attrField names it).
func checkItem(in catalog.Item, attrField func(catalog.FieldError) string) (catalog.Item, fieldErrors) {
	in, errs := catalog.CheckItem(in)
	return in, catalogErrors(errs, attrField)
}

// catalogErrors returns the catalog's field errors as the forms' and the API's, naming an
// attribute's name or value with attrField. It is the one place they are converted.
func catalogErrors(errs []catalog.FieldError, attrField func(catalog.FieldError) string) fieldErrors {
	var out fieldErrors
	for _, e := range errs {
		field := e.Field
		if e.IsAttribute() {
			field = attrField(e)
		}
		out = append(out, fieldError{field, e.Message})
	}
	return out
}
