package catalog

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestCheckLine(t *testing.T) {
	t.Parallel()
	got, errs := CheckLine(Line{" ipads ", " iPads ", " Tablets.\r\n", ""})
	if len(errs) != 0 || got != (Line{"ipads", "iPads", "Tablets.", ""}) {
		t.Errorf("CheckLine = %+v, %v", got, errs)
	}
	_, errs = CheckLine(Line{"Not A Slug", "", strings.Repeat("d", DescriptionMax+1), "US"})
	want := []string{
		"slug: Use only lower-case letters a-z, digits and single hyphens between words in the slug, such as not-a-slug.",
		"name: Enter a name.",
		"description: Keep the description to 2000 characters or fewer; it has 2001.",
		`currency: The currency "US" is not a currency code: use the three letters of ISO 4217, such as USD, EUR or GBP.`,
	}
	if got := errorList(errs); !reflect.DeepEqual(got, want) {
		t.Errorf("CheckLine errors\n%q\nwant\n%q", got, want)
	}
}

func TestCurrency(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"": "", " usd ": "USD", "EUR": "EUR", "chf": "CHF"} {
		if got, p := Currency(in); got != want || p != nil {
			t.Errorf("Currency(%q) = %q, %v; want %q", in, got, p, want)
		}
	}
	for _, in := range []string{"US", "USDX", "U$D", "€", "12A"} {
		if _, p := Currency(in); p == nil || p.Kind != NotCurrency {
			t.Errorf("Currency(%q) = %v, want NotCurrency", in, p)
		}
	}
}

// errorList returns errs as "field: message", with an attribute's position: "key 3: …".
func errorList(errs []FieldError) []string {
	var out []string
	for _, e := range errs {
		if e.Problem == nil || e.Message == "" {
			out = append(out, fmt.Sprintf("%s: without a problem or message", e.Field))
			continue
		}
		if e.IsAttribute() {
			out = append(out, fmt.Sprintf("%s %d: %s", e.Field, e.Index, e.Message))
		} else {
			out = append(out, e.Field+": "+e.Message)
		}
	}
	return out
}

// filled returns n attributes with values, named k0, k1, …
func filled(n int) []Attribute {
	out := make([]Attribute, n)
	for i := range out {
		out[i] = Attribute{fmt.Sprintf("k%d", i), "v"}
	}
	return out
}

// TestCheckItem pins the attribute rules, the empty value among them: a value left empty is no
// attribute, whichever entrance it came by (the admin form, the API, an import file).
func TestCheckItem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		attrs []Attribute
		want  []Attribute // kept, when there are no errors
		errs  []string
	}{
		{"trimmed", []Attribute{{" colour ", " Red "}, {"price", "349"}}, []Attribute{{"colour", "Red"}, {"price", "349"}}, nil},
		{"empty value dropped", []Attribute{{"colour", "Red"}, {"size", ""}}, []Attribute{{"colour", "Red"}}, nil},
		{"spaces value dropped", []Attribute{{"size", " \t "}, {"colour", "Red"}}, []Attribute{{"colour", "Red"}}, nil},
		{"empty row dropped", []Attribute{{"", ""}, {" ", " "}}, []Attribute{}, nil},
		{"value without name", []Attribute{{"", "orphan"}}, nil,
			[]string{`key 0: Name the attribute whose value is "orphan", such as colour or price.`}},
		{"name checked without value", []Attribute{{"price €", ""}}, nil,
			[]string{`key 0: The attribute name "price €" may hold letters, digits, spaces and - _ . ( ) /, starting with a letter or digit.`}},
		{"item field without value", []Attribute{{"slug", ""}}, nil,
			[]string{`key 0: The attribute name "slug" is kept for the item itself.`}},
		{"repeated without value", []Attribute{{"colour", "Red"}, {"Colour", ""}}, nil,
			[]string{`key 1: The attribute "Colour" is given twice; keep one.`}},
		{"long value", []Attribute{{"k", strings.Repeat("v", AttributeValueMax+1)}}, nil,
			[]string{"value 0: Keep the value to 200 characters or fewer; it has 201."}},
		{"long name and bad value", []Attribute{{strings.Repeat("k", AttributeKeyMax+1), "a\nb"}}, nil, []string{
			"key 0: Keep the attribute name to 40 characters or fewer; it has 41.",
			`value 0: The value "a\nb" contains the invisible character U+000A.`}},
		{"mixed", []Attribute{{"colour", " Red "}, {"", ""}, {" price ", "349"}, {"", "orphan"}, {"Colour", "Gold"}, {"size", ""}, {"", "  "}}, nil, []string{
			`key 3: Name the attribute whose value is "orphan", such as colour or price.`,
			`key 4: The attribute "Colour" is given twice; keep one.`}},
		{"limit counts values", append(filled(AttributesMax), Attribute{"blank", ""}, Attribute{"", ""}), filled(AttributesMax), nil},
		{"over the limit", filled(AttributesMax + 1), nil, []string{"attributes: An item has at most 30 attributes; this one has 31."}},
	}
	for _, tt := range tests {
		got, errs := CheckItem(Item{Slug: "po", Name: "Po", Attributes: tt.attrs})
		if e := errorList(errs); !reflect.DeepEqual(e, tt.errs) {
			t.Errorf("%s: errors\n%q\nwant\n%q", tt.name, e, tt.errs)
		}
		if tt.errs == nil && !reflect.DeepEqual(got.Attributes, tt.want) {
			t.Errorf("%s: kept %q, want %q", tt.name, got.Attributes, tt.want)
		}
	}
	if _, errs := CheckItem(Item{Attributes: filled(AttributesMax + 1)}); errs[len(errs)-1].Problem.String() != "has 31 attributes; at most 30" {
		t.Errorf("over the limit: %s", errs[len(errs)-1].Problem)
	}
}
