package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/starboard/starboard/internal/catalog"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

func TestCheckReview(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         reviewInput
		wantFields string
		want       reviewInput
	}{
		{reviewInput{5, "Eh-oh", ""}, "", reviewInput{5, "Eh-oh", ""}},
		{reviewInput{1, "  two\r\nlines\t ", " a\r\nb "}, "", reviewInput{1, "two  lines", "a\nb"}},
		{reviewInput{0, "Eh-oh", ""}, "rating", reviewInput{}},
		{reviewInput{6, "ab", ""}, "rating summary", reviewInput{}},
		{reviewInput{3, strings.Repeat("é", 120), strings.Repeat("ü", 10_000)}, "", reviewInput{3, strings.Repeat("é", 120), strings.Repeat("ü", 10_000)}},
		{reviewInput{3, strings.Repeat("é", 121), strings.Repeat("ü", 10_001)}, "summary details", reviewInput{}},
		{reviewInput{3, "Eh\x00oh", "bad\x00"}, "summary details", reviewInput{}},
		{reviewInput{3, "Eh\xffoh", "tab\tok"}, "summary", reviewInput{}},
		{reviewInput{3, "", ""}, "summary", reviewInput{}},
	}
	for _, tt := range tests {
		got, errs := checkReview(tt.in)
		var fields []string
		for _, e := range errs {
			fields = append(fields, e.Field)
			if e.Detail == "" {
				t.Errorf("checkReview(%+v): %s without a message", tt.in, e.Field)
			}
		}
		if strings.Join(fields, " ") != tt.wantFields {
			t.Errorf("checkReview(%+v) fields %v, want %q", tt.in, fields, tt.wantFields)
		}
		if tt.wantFields == "" && got != tt.want {
			t.Errorf("checkReview(%+v) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// checkProblem fails unless e is a problem a client can act on.
func checkProblem(t *testing.T, err error) {
	t.Helper()
	var e *httpError
	if !errors.As(err, &e) {
		t.Fatalf("%v is no problem for the client", err)
	}
	switch e.Status {
	case http.StatusBadRequest:
		if len(e.Errors) != 0 {
			t.Errorf("a 400 names fields: %+v", e)
		}
	case http.StatusUnprocessableEntity:
	default:
		t.Errorf("status %d, want 400 or 422", e.Status)
	}
	if e.Detail == "" {
		t.Errorf("problem without a detail: %+v", e)
	}
	for _, fe := range e.Errors {
		if fe.Detail == "" {
			t.Errorf("field %q refused without a message", fe.Field)
		}
	}
}

// decodeSeeds are JSON bodies for the fuzz targets: good, bad and odd.
var decodeSeeds = []string{
	`{"rating": 5, "summary": "Eh-oh", "details": "Lovely"}`,
	`{"rating": 4}`, `{"summary": "  two\nlines  "}`, `{}`, `[]`, `null`, `"x"`, ``, `{"rating": 4.0}`, `{"rating": "5"}`,
	`{"rating": 1e400}`, `{"rating": -0}`, `{"summary": "\u0000"}`, `{"summary": "\ud800"}`, `{"a": 1, "a": 2}`,
	`{"slug": "ipads", "name": "iPads", "description": "Tablets"}`, `{"slug": "New"}`, `{"slug": "compare", "name": "x"}`,
	`{"category": "ipads", "slug": "ipad-mini", "name": "iPad mini", "attributes": {"price": "499", "colour": "Space grey"}}`,
	`{"attributes": {"price": 499}}`, `{"attributes": {"a": "1", "A": "2"}}`, `{"attributes": []}`, `{"attributes": {"": ""}}`,
	`{"category": "books"}`, `{"x": 1} trailing`, "{\"summary\": \"\xff\"}", `{"rating": 5, "summary": "Eh-oh"}{}`,
}

func FuzzReviewJSON(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	base := reviewInput{Rating: 3, Summary: "Meh", Details: "It is fine."}
	f.Fuzz(func(t *testing.T, data []byte, patch bool) {
		in, perr := decodeReview(data, base, patch)
		if perr != nil {
			checkProblem(t, perr)
			if in != base {
				t.Errorf("a refused body changed the review: %+v", in)
			}
			return
		}
		if again, errs := checkReview(in); len(errs) > 0 || again != in {
			t.Fatalf("accepted %+v, which the rules refuse or change: %+v %v", in, again, errs)
		}
		if n := utf8.RuneCountInString(in.Summary); in.Rating < 1 || in.Rating > 5 || n < SummaryMin || n > SummaryMax ||
			strings.ContainsRune(in.Summary+in.Details, 0) || !utf8.ValidString(in.Details) {
			t.Fatalf("accepted out-of-rule review %+v", in)
		}
		// What was accepted round-trips through its own JSON.
		b, _ := json.Marshal(map[string]any{"rating": in.Rating, "summary": in.Summary, "details": in.Details})
		if again, perr := decodeReview(b, reviewInput{}, false); perr != nil || again != in {
			t.Fatalf("round trip of %+v = %+v, %+v", in, again, perr)
		}
	})
}

func FuzzLineJSON(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	base := catalog.Line{Slug: "ipads", Name: "iPads", Description: "Tablets."}
	f.Fuzz(func(t *testing.T, data []byte, patch bool) {
		in, perr := decodeLine(data, base, patch)
		if perr != nil {
			checkProblem(t, perr)
			return
		}
		if again, errs := checkLine(in); len(errs) > 0 || again != in {
			t.Fatalf("accepted %+v, which the rules refuse or change: %v", in, errs)
		}
		if _, p := catalog.Slug(in.Slug); p != nil || in.Name == "" {
			t.Fatalf("accepted a bad line %+v", in)
		}
		b, _ := json.Marshal(map[string]any{"slug": in.Slug, "name": in.Name, "description": in.Description})
		if again, perr := decodeLine(b, catalog.Line{}, false); perr != nil || again != in {
			t.Fatalf("round trip of %+v = %+v, %+v", in, again, perr)
		}
	})
}

func FuzzItemJSON(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	base := catalog.Item{Slug: "ipad-mini", Name: "iPad mini", Attributes: []catalog.Attribute{{Key: "price", Value: "499"}}}
	f.Fuzz(func(t *testing.T, data []byte, patch bool) {
		line, in, perr := decodeItem(data, base, patch)
		if perr != nil {
			checkProblem(t, perr)
			return
		}
		if !patch && line == "" {
			t.Fatal("accepted a new item without a line")
		}
		again, errs := checkItem(in, apiAttributeField)
		if len(errs) > 0 || !reflect.DeepEqual(again, in) {
			t.Fatalf("accepted %+v, which the rules refuse or change: %v", in, errs)
		}
		attrs := again.AttributeMap()
		if len(attrs) != len(in.Attributes) || len(attrs) > catalog.AttributesMax {
			t.Fatalf("attributes %v from rows %v", attrs, in.Attributes)
		}
		b, _ := json.Marshal(map[string]any{"category": "x", "slug": in.Slug, "name": in.Name, "description": in.Description,
			"attributes": attrs})
		_, round, perr := decodeItem(b, catalog.Item{}, false)
		if perr != nil || round.Slug != in.Slug || round.Name != in.Name || !maps.Equal(round.AttributeMap(), attrs) {
			t.Fatalf("round trip of %+v = %+v, %+v", in, round, perr)
		}
	})
}

// TestProblemStaysSmall: however much is wrong with a request, its problem document names at
// most 20 fields, counts the rest, lists the allowed fields once, and stays a few KiB.
func TestProblemStaysSmall(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAPIFixture(t, s)
		var b strings.Builder
		b.WriteString(`{"rating":4,"summary":"Fine enough","details":""`)
		for i := range 80000 {
			fmt.Fprintf(&b, `,"f%d":10`, i)
		}
		b.WriteString("}")
		long := `{"` + strings.Repeat("n", 500000) + `":1,"attributes":{"` + strings.Repeat("a", 400000) + `":"x"}}`
		for _, tt := range []struct{ name, path, body string }{
			{"80,000 unknown fields", f.poPath + "/reviews", b.String()},
			{"a 500,000-character field name", f.poPath + "/reviews", long},
		} {
			if len(tt.body) < 900000 || len(tt.body) > MaxBodyBytes {
				t.Fatalf("%s: the body is %d bytes", tt.name, len(tt.body))
			}
			code, h, body := f.ts.call(t, f.annTok, "POST", tt.path, tt.body)
			if code != http.StatusUnprocessableEntity || h.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%s: %d %s", tt.name, code, h.Get("Content-Type"))
			}
			if len(body) > 4096 {
				t.Errorf("%s: a problem of %d bytes, want under 4 KiB", tt.name, len(body))
			}
			var p struct {
				Detail     string       `json:"detail"`
				Errors     []fieldError `json:"errors"`
				MoreErrors int          `json:"more_errors"`
			}
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				t.Fatal(err)
			}
			if tt.name == "80,000 unknown fields" {
				if len(p.Errors) != 20 || p.MoreErrors != 79980 || !strings.Contains(p.Detail, "79980 more") ||
					p.Errors[0].Field != "f0" || p.Errors[19].Field != "f19" {
					t.Errorf("%s: %d errors, %d more, %q", tt.name, len(p.Errors), p.MoreErrors, p.Detail)
				}
				if n := strings.Count(body, "rating, summary"); n != 1 {
					t.Errorf("%s: the allowed fields are listed %d times, want once:\n%s", tt.name, n, body)
				}
			} else if p.MoreErrors != 0 || len(p.Errors) == 0 || len(p.Errors[0].Field) > 4*maxProblemText {
				t.Errorf("%s: %+v", tt.name, p)
			}
		}
	})
}
