package catalog

import (
	"strings"
	"testing"
)

// FuzzImportCSV feeds arbitrary bytes to the CSV reader and validation. Neither may panic; every
// problem names where it is; and a file that passes gives items that keep every rule.
func FuzzImportCSV(f *testing.F) {
	for _, seed := range []string{
		"name,description,colour\nPo,Red one,Red\n",
		"name,slug\nA,a\nB,a\n",
		"\uFEFFname,description,slug,price\r\n\"Quoted, name\",\"multi\nline\",,12\r\n",
		"name\n\"unterminated\n",
		"name,colour,Colour\nx,y,z\n",
		"colour\nRed\n",
		"name\n\xff\xfe\n",
		"name,x\n" + strings.Repeat("a", 130) + ",b\n",
		"name,description\nBell\x07,\n",
		"",
		"name\n",
		"name,desc,\"a\"\"b\"\nx,y,z\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, problems := ReadCSV(data)
		checkImported(t, "f.csv", entries, problems)
	})
}

// FuzzImportJSON is FuzzImportCSV for JSON catalogues.
func FuzzImportJSON(f *testing.F) {
	for _, seed := range []string{
		`[{"name":"Po","description":"Red one","attributes":{"colour":"Red"}}]`,
		`[{"name":"A","slug":"a"},{"name":"B","slug":"a"}]`,
		"\uFEFF[{\"name\":\"x\"}]",
		`[{"name":1}]`, `{"name":"x"}`, `[`, `[]`, `null`, `[null]`, `[{"name":"x","attributes":{"":"y"}}]`,
		`[{"name":"x","attributes":{"k":["nested"]}}]`, `[{"name":"\u0000"}]`, "[{\"name\":\"\xff\"}]",
		`[{"name":"x","unknown":true}]`, `[{"name":"x"}] trailing`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, problems := ReadJSON(data)
		checkImported(t, "f.json", entries, problems)
	})
}

// checkImported checks what a reader made of a file: every problem names where it is, and a
// file without problems gives items that keep every rule.
func checkImported(t *testing.T, file string, entries []Entry, problems []RowProblem) {
	t.Helper()
	items, invalid := CheckEntries(entries, map[string]string{}, nil)
	problems = append(problems, invalid...)
	if len(problems) == 0 {
		if len(items) != len(entries) || len(items) == 0 {
			t.Fatalf("%d items from %d entries", len(items), len(entries))
		}
		seen := map[string]bool{}
		for _, it := range items {
			if name, p := Name(it.Name); p != nil || name != it.Name {
				t.Fatalf("bad name %q passed", it.Name)
			}
			if desc, p := Description(it.Description); p != nil || desc != it.Description {
				t.Fatalf("bad description %q passed", it.Description)
			}
			if _, p := Slug(it.Slug); p != nil || seen[it.Slug] {
				t.Fatalf("bad or repeated slug %q passed", it.Slug)
			}
			seen[it.Slug] = true
			for _, a := range it.Attributes {
				k, v := a.Key, a.Value
				if key, p := AttributeKey(k); p != nil || key != k {
					t.Fatalf("bad attribute name %q passed", k)
				}
				if value, p := AttributeValue(v); p != nil || value != v {
					t.Fatalf("bad attribute %q=%q passed", k, v)
				}
			}
		}
	}
	for _, p := range problems {
		if p.where == "" || p.problem == "" {
			t.Fatalf("problem without a place or text: %+v", p)
		}
	}
	if len(problems) > 0 {
		if msg := ImportReport(file, len(entries), problems).Error(); !strings.Contains(msg, "nothing was imported") {
			t.Fatalf("report %q", msg)
		}
	}
}
