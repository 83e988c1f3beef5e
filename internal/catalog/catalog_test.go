package catalog

import (
	"strings"
	"testing"
)

// rule is one of the package's per-value rules.
type rule func(string) (string, *Problem)

type ruleCase struct {
	in, want string // want: the value normalised, when it is kept
	kind     Kind   // 0 when the value is kept
}

func checkRule(t *testing.T, name string, f rule, tests []ruleCase) {
	t.Helper()
	for _, tt := range tests {
		got, p := f(tt.in)
		switch {
		case tt.kind == 0 && p != nil:
			t.Errorf("%s(%q) refused: %s", name, tt.in, p)
		case tt.kind == 0 && got != tt.want:
			t.Errorf("%s(%q) = %q, want %q", name, tt.in, got, tt.want)
		case tt.kind != 0 && (p == nil || p.Kind != tt.kind):
			t.Errorf("%s(%q) = %q, %v; want problem kind %d", name, tt.in, got, p, tt.kind)
		case p != nil && p.String() == "":
			t.Errorf("%s(%q): a problem without words", name, tt.in)
		}
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	checkRule(t, "Slug", Slug, []ruleCase{
		{"ipads", "ipads", 0}, {"ipad-air-11", "ipad-air-11", 0}, {"a", "a", 0}, {"9", "9", 0}, {" po ", "po", 0},
		{strings.Repeat("a", 80), strings.Repeat("a", 80), 0}, {"compared", "compared", 0},
		{"", "", Empty}, {"   ", "", Empty},
		{strings.Repeat("a", 81), "", TooLong},
		{"iPads", "", NotSlug}, {"ipad air", "", NotSlug}, {"ipad_air", "", NotSlug}, {"-ipad", "", NotSlug},
		{"ipad-", "", NotSlug}, {"ipad--air", "", NotSlug}, {"café", "", NotSlug}, {"a/b", "", NotSlug},
		{"..", "", NotSlug}, {"ipad\x00", "", NotSlug}, {"feed.atom", "", NotSlug}, {strings.Repeat("é", 50), "", NotSlug},
		{"compare", "", Reserved}, {"new", "", Reserved}, {"edit", "", Reserved}, {" feed ", "", Reserved},
		{"admin", "", Reserved}, {"api", "", Reserved}, {"static", "", Reserved},
	})
}

func TestName(t *testing.T) {
	t.Parallel()
	checkRule(t, "Name", Name, []ruleCase{
		{"  Tinky Winky ", "Tinky Winky", 0}, {strings.Repeat("é", 120), strings.Repeat("é", 120), 0},
		{"👩\u200d💻 desk", "👩\u200d💻 desk", 0}, {"می\u200cخواهم", "می\u200cخواهم", 0},
		{"", "", Empty}, {" \t\n ", "", Empty},
		{strings.Repeat("é", 121), "", TooLong},
		{"Cr\xe8me", "", NotUTF8},
		{"Bell\x07", "", Invisible}, {"two\nlines", "", Invisible}, {"tab\there", "", Invisible}, {"nul\x00", "", Invisible},
		{"evil\u202egnp.exe", "", Invisible}, {"zero\u200bwidth", "", Invisible}, {"soft\u00adhyphen", "", Invisible},
		{"broken \ufffd text", "", Invisible},
	})
	if _, p := Name("Bell\x07"); p.Rune != '\x07' || p.String() != "contains the invisible character U+0007" {
		t.Errorf("Name(Bell\\x07) = %+v, %q", p, p)
	}
	if _, p := Name(strings.Repeat("n", 121)); p.Length != 121 || p.Max != NameMax || p.String() != "is 121 characters long; at most 120" {
		t.Errorf("Name(121 n) = %+v, %q", p, p)
	}
}

func TestDescription(t *testing.T) {
	t.Parallel()
	checkRule(t, "Description", Description, []ruleCase{
		{"", "", 0}, {"  ", "", 0}, {" Two lines:\r\nburnt\tsugar \r\n", "Two lines:\nburnt\tsugar", 0},
		{strings.Repeat("ü", 2000), strings.Repeat("ü", 2000), 0},
		{strings.Repeat("ü", 2001), "", TooLong},
		{"lone\rreturn", "", Invisible}, {"nul\x00", "", Invisible}, {"bidi\u2066", "", Invisible},
		{"\xff", "", NotUTF8},
	})
}

func TestAttributeKey(t *testing.T) {
	t.Parallel()
	checkRule(t, "AttributeKey", AttributeKey, []ruleCase{
		{" colour ", "colour", 0}, {"Screen size (in)", "Screen size (in)", 0}, {"Wi-Fi 6/6E", "Wi-Fi 6/6E", 0},
		{"e_mail.x", "e_mail.x", 0}, {"Farbe", "Farbe", 0}, {"रंग", "रंग", 0}, {"cafe\u0301", "cafe\u0301", 0}, {"2nd", "2nd", 0},
		{strings.Repeat("k", 40), strings.Repeat("k", 40), 0},
		{"", "", Empty}, {"  ", "", Empty},
		{strings.Repeat("k", 41), "", TooLong},
		{"\xff", "", NotUTF8},
		{"name", "", ItemField}, {"Description", "", ItemField}, {" SLUG ", "", ItemField},
		{"-x", "", KeyChars}, {"(x)", "", KeyChars}, {"price €", "", KeyChars}, {"a,b", "", KeyChars},
		{"a\x00", "", KeyChars}, {"zero\u200bwidth", "", KeyChars}, {"\u0301e", "", KeyChars},
	})
}

func TestAttributeValue(t *testing.T) {
	t.Parallel()
	checkRule(t, "AttributeValue", AttributeValue, []ruleCase{
		{" Red ", "Red", 0}, {"349.00 €", "349.00 €", 0}, {strings.Repeat("v", 200), strings.Repeat("v", 200), 0},
		{"", "", Empty}, {strings.Repeat("v", 201), "", TooLong}, {"a\nb", "", Invisible}, {"\xc3", "", NotUTF8},
	})
}

func TestSlugify(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, want string }{
		{`iPad Pro 13"`, "ipad-pro-13"},
		{"Crème Brûlée", "creme-brulee"},
		{"  Tolkien's  Hobbit ", "tolkiens-hobbit"},
		{"Laa-Laa", "laa-laa"},
		{"日本", ""},
		{"", ""},
		{"Nineteen Eighty-Four!", "nineteen-eighty-four"},
		{"Compare", "compare"}, // a reserved word: Slug refuses it
		{strings.Repeat("ab ", 40), strings.TrimRight(strings.Repeat("ab-", 27)[:80], "-")},
	}
	for _, tt := range tests {
		got := Slugify(tt.name)
		if got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.name, got, tt.want)
		}
		if _, p := Slug(got); got != "" && p != nil && p.Kind != Reserved {
			t.Errorf("Slugify(%q) = %q is not a slug: %s", tt.name, got, p)
		}
	}
}

// FuzzSlugify checks that every slug made from a name has the shape Slug wants.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"iPad Pro 13\"", "Crème Brûlée", "--a--b--", "日本", strings.Repeat("é ", 60), "Feed.Atom"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		s := Slugify(name)
		if _, p := Slug(s); s != "" && p != nil && p.Kind != Reserved {
			t.Fatalf("Slugify(%q) = %q: %s", name, s, p)
		}
	})
}
