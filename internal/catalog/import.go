package catalog

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits of an import file; those of its items are the catalog's.
const (
	MaxImportBytes   = 32 << 20 // the largest file starboard import reads
	maxImportItems   = 50000
	maxReportedLines = 100
)

// Entry is one item as read from an import file, before validation.
type Entry struct {
	pos         int    // line or item number
	where       string // "line 4" in a CSV file, "item 3" in a JSON one
	unreadable  bool   // its shape is wrong (reported when read): it is not validated
	name        field
	description field
	slug        field // slug.given is false when the file has none for this item
	picture     field // a picture file's path, relative to the import file
	pictureAlt  field
	attrs       []attrField
}

// field is one value from the file and the label of where it was.
type field struct {
	value, label string // label: `column "name"` or `field "name"`
	given        bool
	unreadable   bool // of the wrong JSON type (reported when read): not validated
}

type attrField struct {
	key, value, label string
}

// RowProblem is one thing wrong in an import file.
type RowProblem struct {
	pos                   int // line or item number, to report problems in file order
	where, label, problem string
}

func (p RowProblem) String() string {
	if p.label == "" {
		return p.where + ": " + p.problem
	}
	return p.where + ", " + p.label + ": " + p.problem
}

// importError is the per-row report of an invalid import file.
type importError struct {
	path     string
	rows     int
	problems []RowProblem
}

func ImportReport(path string, rows int, problems []RowProblem) error {
	slices.SortStableFunc(problems, func(a, b RowProblem) int { return a.pos - b.pos })
	return importError{path: path, rows: rows, problems: problems}
}

func (e importError) Error() string {
	var b strings.Builder
	bad := map[string]bool{}
	for _, p := range e.problems {
		bad[p.where] = true
	}
	noun := "problems"
	if len(e.problems) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "%s: %d %s", e.path, len(e.problems), noun)
	if e.rows > 0 {
		fmt.Fprintf(&b, " in %d of %d items", min(len(bad), e.rows), e.rows)
	}
	b.WriteString("; nothing was imported:")
	for i, p := range e.problems {
		if i == maxReportedLines {
			fmt.Fprintf(&b, "\n  ... and %d more", len(e.problems)-i)
			break
		}
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// checkUTF8 reports every line of data that is not valid UTF-8.
func checkUTF8(data []byte) []RowProblem {
	if utf8.Valid(data) {
		return nil
	}
	var out []RowProblem
	for i, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) {
			out = append(out, RowProblem{pos: i + 1, where: fmt.Sprintf("line %d", i+1),
				problem: "is not valid UTF-8 text; save the file as UTF-8"})
		}
	}
	return out
}

// ReadCSV reads a header line (name, optional description and slug, then one column per
// attribute) and one item per line.
func ReadCSV(data []byte) ([]Entry, []RowProblem) {
	if p := checkUTF8(data); p != nil {
		return nil, p
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	h, problems := readCSVHeader(r)
	if problems != nil {
		return nil, problems
	}
	var entries []Entry
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// The rest of the file cannot be read reliably after a quoting error.
			return entries, append(problems, csvProblem(err))
		}
		line, _ := r.FieldPos(0)
		if len(entries) == maxImportItems {
			return entries, append(problems, RowProblem{pos: line, where: fmt.Sprintf("line %d", line),
				problem: fmt.Sprintf("more than %d items; split the file", maxImportItems)})
		}
		e, p := h.entry(line, rec)
		if p != nil {
			problems = append(problems, *p)
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 && len(problems) == 0 {
		problems = append(problems, RowProblem{pos: 2, where: "line 2", problem: "the file has a header but no items"})
	}
	return entries, problems
}

// csvHeader is a CSV file's header: each column's name, trimmed, and what it holds.
type csvHeader struct {
	names []string
	kinds []string // "name", "description", "slug" or "" for an attribute
}

// readCSVHeader reads and checks the header line, the first of the file.
func readCSVHeader(r *csv.Reader) (csvHeader, []RowProblem) {
	names, err := r.Read()
	if errors.Is(err, io.EOF) {
		return csvHeader{}, []RowProblem{{where: "line 1", problem: "the file is empty; want a header such as name,description,colour"}}
	}
	if err != nil {
		return csvHeader{}, []RowProblem{csvProblem(err)}
	}
	var problems []RowProblem
	line, _ := r.FieldPos(0)
	where := fmt.Sprintf("line %d", line)
	h := csvHeader{names: names, kinds: make([]string, len(names))}
	seen := map[string]int{}
	for i, name := range names {
		name = strings.TrimSpace(name)
		names[i] = name
		label := fmt.Sprintf("column %d", i+1)
		lower := strings.ToLower(name)
		if j, dup := seen[lower]; dup {
			problems = append(problems, RowProblem{line, where, label, fmt.Sprintf("%q repeats the header of column %d", name, j+1)})
			continue
		}
		seen[lower] = i
		switch lower {
		case "name", "description", "slug", "picture", "picture_alt":
			h.kinds[i] = lower
		default:
			if _, p := AttributeKey(name); p != nil {
				problems = append(problems, RowProblem{line, where, label, attrKeyProblem(name, p)})
			}
		}
	}
	if _, ok := seen["name"]; !ok {
		problems = append(problems, RowProblem{pos: line, where: where,
			problem: "the header has no name column; want a header such as name,description,colour"})
	}
	return h, problems
}

// entry returns the item on a line of the file, and what is wrong with its shape.
func (h csvHeader) entry(line int, rec []string) (Entry, *RowProblem) {
	e := Entry{pos: line, where: fmt.Sprintf("line %d", line)}
	var problem *RowProblem
	if len(rec) != len(h.names) {
		e.unreadable = true
		problem = &RowProblem{pos: line, where: e.where,
			problem: fmt.Sprintf("has %d fields but the header has %d (quote values that contain commas)", len(rec), len(h.names))}
	}
	for i, v := range rec[:min(len(rec), len(h.names))] {
		label := fmt.Sprintf("column %q", h.names[i])
		f := field{value: v, label: label, given: true}
		switch h.kinds[i] {
		case "name":
			e.name = f
		case "description":
			e.description = f
		case "slug":
			e.slug = f
			e.slug.given = strings.TrimSpace(v) != ""
		case "picture":
			e.picture = f
			e.picture.given = strings.TrimSpace(v) != ""
		case "picture_alt":
			e.pictureAlt = f
			e.pictureAlt.given = strings.TrimSpace(v) != ""
		default:
			e.attrs = append(e.attrs, attrField{key: h.names[i], value: v, label: label})
		}
	}
	if e.name.label == "" {
		e.name.label = `column "name"`
	}
	if e.slug.label == "" {
		e.slug.label = `column "slug"`
	}
	if e.pictureAlt.label == "" {
		e.pictureAlt.label = `column "picture_alt"`
	}
	return e, problem
}

func csvProblem(err error) RowProblem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return RowProblem{pos: pe.Line, where: fmt.Sprintf("line %d", pe.Line), label: fmt.Sprintf("column %d", pe.Column),
			problem: "cannot be read as CSV: " + pe.Err.Error() + "; the lines after it were not checked"}
	}
	return RowProblem{where: "file", problem: err.Error()}
}

// ReadJSON reads an array of {"name", "description", "slug", "picture", "picture_alt",
// "attributes": {key: value}}, where attribute values are text or numbers.
func ReadJSON(data []byte) ([]Entry, []RowProblem) {
	if p := checkUTF8(data); p != nil {
		return nil, p
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
			return nil, []RowProblem{{pos: line, where: fmt.Sprintf("line %d", line), problem: "is not valid JSON: " + se.Error()}}
		}
		return nil, []RowProblem{{where: "file", problem: `want a JSON array of items: [{"name": "...", "description": "...", "attributes": {"colour": "Red"}}]`}}
	}
	if len(raw) == 0 {
		return nil, []RowProblem{{where: "file", problem: "the array has no items"}}
	}
	if len(raw) > maxImportItems {
		return nil, []RowProblem{{where: "file", problem: fmt.Sprintf("%d items; at most %d, split the file", len(raw), maxImportItems)}}
	}
	var entries []Entry
	var problems []RowProblem
	for i, m := range raw {
		e, p := jsonEntry(i+1, m)
		entries, problems = append(entries, e), append(problems, p...)
	}
	return entries, problems
}

// jsonEntry returns the pos-th item of a JSON file, and what is wrong with its shape.
func jsonEntry(pos int, m json.RawMessage) (Entry, []RowProblem) {
	e := Entry{pos: pos, where: fmt.Sprintf("item %d", pos),
		name: field{label: `field "name"`}, description: field{label: `field "description"`}, slug: field{label: `field "slug"`},
		picture: field{label: `field "picture"`}, pictureAlt: field{label: `field "picture_alt"`}}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(m, &obj); err != nil || obj == nil {
		e.unreadable = true
		return e, []RowProblem{{pos: e.pos, where: e.where, problem: `want an object such as {"name": "...", "attributes": {...}}`}}
	}
	var problems []RowProblem
	bad := func(label, problem string) { problems = append(problems, RowProblem{e.pos, e.where, label, problem}) }
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		v := obj[k]
		switch k {
		case "name":
			jsonText(&e.name, v, bad)
		case "description":
			jsonText(&e.description, v, bad)
		case "slug":
			jsonText(&e.slug, v, bad)
		case "picture":
			jsonText(&e.picture, v, bad)
			e.picture.given = e.picture.given && strings.TrimSpace(e.picture.value) != ""
		case "picture_alt":
			jsonText(&e.pictureAlt, v, bad)
		case "attributes":
			e.attrs = jsonAttributes(v, bad)
		default:
			bad(fmt.Sprintf("field %q", k), "unknown; an item has name, description, slug, picture, picture_alt and attributes")
		}
	}
	return e, problems
}

// jsonText sets f from a JSON string; null leaves it unset.
func jsonText(f *field, v json.RawMessage, bad func(label, problem string)) {
	if string(v) == "null" {
		return
	}
	if err := json.Unmarshal(v, &f.value); err != nil {
		bad(f.label, "want text in quotes")
		f.unreadable = true
		return
	}
	f.given = true
}

// jsonAttributes returns the attributes of a JSON object of text and numbers, by name; null is
// none.
func jsonAttributes(v json.RawMessage, bad func(label, problem string)) []attrField {
	var attrs map[string]json.RawMessage
	if string(v) == "null" {
		return nil
	}
	if err := json.Unmarshal(v, &attrs); err != nil {
		bad(`field "attributes"`, `want an object such as {"colour": "Red", "price": 349}`)
		return nil
	}
	var out []attrField
	for _, key := range slices.Sorted(maps.Keys(attrs)) {
		label := fmt.Sprintf("field %q", "attributes."+key)
		var text string
		var num json.Number
		switch raw := attrs[key]; {
		case json.Unmarshal(raw, &text) == nil:
		case json.Unmarshal(raw, &num) == nil:
			text = num.String()
		default:
			bad(label, "want text or a number")
			continue
		}
		out = append(out, attrField{key: key, value: text, label: label})
	}
	return out
}

// PictureCheck reads and checks the picture file at a path an import file names (as written in
// it), and returns why it cannot be used, in words for a person, or nil.
type PictureCheck func(path string) error

// CheckEntries checks every entry with CheckItem and returns the items to insert, or every
// problem found. existing maps the slugs already in the line to their items' names. An entry
// without a slug takes one made from its name. An entry with a picture needs its alt text, and
// checkPicture (when not nil) must accept its file.
func CheckEntries(entries []Entry, existing map[string]string, checkPicture PictureCheck) ([]Item, []RowProblem) {
	c := entryChecker{existing: existing, firstUse: map[string]string{}, checkPicture: checkPicture}
	items := make([]Item, 0, len(entries))
	for _, e := range entries {
		if !e.unreadable {
			items = append(items, c.check(e))
		}
	}
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	return items, nil
}

// entryChecker checks the entries of one file, whose slugs must differ from each other and from
// those already in the line.
type entryChecker struct {
	existing map[string]string // slug → name of the line's items
	firstUse map[string]string // slug → where in the file it was first used
	problems []RowProblem
	// checkPicture checks a picture file; nil checks none.
	checkPicture PictureCheck
}

func (c *entryChecker) bad(e Entry, label, problem string) {
	c.problems = append(c.problems, RowProblem{e.pos, e.where, label, problem})
}

// check checks one entry and returns it as an item, reporting its problems in the order name,
// description, slug, attributes. A field whose problem was reported when it was read is not
// reported again.
func (c *entryChecker) check(e Entry) Item {
	derived := !e.slug.given && !e.slug.unreadable
	in := Item{Slug: e.slug.value, Name: e.name.value, Description: e.description.value, Attributes: make([]Attribute, len(e.attrs))}
	if derived {
		in.Slug = Slugify(strings.TrimSpace(e.name.value))
	}
	for i, a := range e.attrs {
		in.Attributes[i] = Attribute{a.key, a.value}
	}
	it, errs := CheckItem(in)
	fieldErr := func(field string) *Problem {
		for _, fe := range errs {
			if fe.Field == field {
				return fe.Problem
			}
		}
		return nil
	}
	if p := fieldErr(FieldName); p != nil && !e.name.unreadable {
		c.bad(e, e.name.label, p.String())
	}
	if p := fieldErr(FieldDescription); p != nil && !e.description.unreadable {
		c.bad(e, e.description.label, p.String())
	}
	slugLabel := e.slug.label
	if derived {
		slugLabel = e.name.label
	}
	if p := fieldErr(FieldSlug); p != nil {
		c.slugProblem(e, slugLabel, derived, it, p)
	} else {
		c.checkUnique(e, slugLabel, it.Slug)
	}
	c.attributeProblems(e, errs)
	c.pictureProblems(e, &it)
	return it
}

// pictureProblems checks an entry's picture path and alt text, and its file, and sets them on
// the item.
func (c *entryChecker) pictureProblems(e Entry, it *Item) {
	if !e.picture.given {
		if e.pictureAlt.given && !e.pictureAlt.unreadable {
			c.bad(e, e.pictureAlt.label, "an alt text without a picture; add the picture's path or leave it empty")
		}
		return
	}
	it.Picture = strings.TrimSpace(e.picture.value)
	alt, p := PictureAlt(e.pictureAlt.value)
	switch {
	case e.pictureAlt.unreadable:
	case p != nil && p.Kind == Empty:
		c.bad(e, e.pictureAlt.label, "is required with a picture: say what the picture shows, for those who cannot see it")
	case p != nil:
		c.bad(e, e.pictureAlt.label, p.String())
	}
	it.PictureAlt = alt
	if c.checkPicture != nil {
		if err := c.checkPicture(it.Picture); err != nil {
			c.bad(e, e.picture.label, it.Picture+": "+err.Error())
		}
	}
}

// slugProblem reports what is wrong with an entry's slug, given or made from its name.
func (c *entryChecker) slugProblem(e Entry, label string, derived bool, it Item, p *Problem) {
	switch {
	case e.slug.unreadable:
	case !derived:
		c.bad(e, label, SlugMessage(it.Slug, p))
	case p.Kind == Empty && it.Name != "":
		c.bad(e, label, "no slug can be made from this name; add a slug for it")
	case p.Kind == Reserved:
		c.bad(e, label, fmt.Sprintf("makes the slug %q, which is reserved for the site's own pages; add another slug for it", it.Slug))
	}
}

// checkUnique reports a slug used earlier in the file or by an item already in the line.
func (c *entryChecker) checkUnique(e Entry, label, slug string) {
	if where, dup := c.firstUse[slug]; dup {
		c.bad(e, label, fmt.Sprintf("the slug %q is also used by %s; give one of them another slug", slug, where))
	} else {
		c.firstUse[slug] = e.where
	}
	if other, taken := c.existing[slug]; taken {
		c.bad(e, label, fmt.Sprintf("the line already has an item with the slug %q (%s)", slug, other))
	}
}

// attributeProblems reports the attribute problems among errs, one per attribute.
func (c *entryChecker) attributeProblems(e Entry, errs []FieldError) {
	reported := map[int]bool{}
	for _, fe := range errs {
		switch {
		case fe.Field == FieldAttributes:
			c.bad(e, "", fe.Problem.String())
		case !fe.IsAttribute() || reported[fe.Index]:
		case fe.Field == FieldKey && fe.Problem.Kind != Repeated:
			reported[fe.Index] = true
			c.bad(e, e.attrs[fe.Index].label, attrKeyProblem(fe.Key, fe.Problem))
		default:
			reported[fe.Index] = true
			c.bad(e, e.attrs[fe.Index].label, fe.Problem.String())
		}
	}
}

// SlugMessage words what is wrong with a slug from the file or the command line, suggesting one
// made from it.
func SlugMessage(slug string, p *Problem) string {
	if p.Kind != Empty && p.Kind != NotSlug {
		return fmt.Sprintf("%q %s", slug, p)
	}
	msg := fmt.Sprintf("%q %s", slug, &Problem{Kind: NotSlug})
	if s := Slugify(slug); s != "" {
		msg += fmt.Sprintf(", such as %q", s)
	}
	return msg
}

// attrKeyProblem words what is wrong with an attribute name.
func attrKeyProblem(key string, p *Problem) string {
	if p.Kind == Empty {
		return "the attribute name is empty"
	}
	return fmt.Sprintf("the attribute name %q %s", key, p)
}
