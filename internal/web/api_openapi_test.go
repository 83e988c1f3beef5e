package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// openAPI is the parsed OpenAPI document, for tests.
type openAPI struct {
	doc   map[string]any
	paths []docPath
}

// docPath is a documented path with a pattern matching its concrete addresses.
type docPath struct {
	template string
	re       *regexp.Regexp
}

var loadOpenAPI = sync.OnceValues(func() (*openAPI, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(openAPIDocument))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	o := &openAPI{doc: doc}
	for p := range obj(doc["paths"]) {
		re := regexp.MustCompile(`^` + regexp.MustCompile(`\\\{[a-z_]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + `$`)
		o.paths = append(o.paths, docPath{p, re})
	}
	return o, nil
})

func mustOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	o, err := loadOpenAPI()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return o
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// resolve follows a local $ref.
func (o *openAPI) resolve(v map[string]any) map[string]any {
	for i := 0; i < 10; i++ {
		ref, ok := v["$ref"].(string)
		if !ok {
			return v
		}
		cur := any(o.doc)
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = obj(cur)[part]
		}
		v = obj(cur)
	}
	return v
}

// operation returns the documented operation answering method on a concrete API path
// ("/api/v1/items/3"), its path template, or nil.
func (o *openAPI) operation(method, path string) (map[string]any, string) {
	path = strings.TrimPrefix(path, apiPrefix)
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	// Prefer a literal match over a template, as the mux does.
	var best string
	for _, p := range o.paths {
		if p.re.MatchString(path) && (best == "" || strings.Count(p.template, "{") < strings.Count(best, "{")) {
			best = p.template
		}
	}
	if best == "" {
		return nil, ""
	}
	return obj(obj(obj(o.doc["paths"])[best])[strings.ToLower(method)]), best
}

// checkAnswer fails the test when an API answer is not what the document says that operation
// answers with that status: status undocumented, wrong content type, or a body off its schema.
func (o *openAPI) checkAnswer(t *testing.T, method, path string, status int, contentType, body string) {
	t.Helper()
	op, tmpl := o.operation(method, path)
	if op == nil {
		t.Errorf("openapi: %s %s is not documented", method, path)
		return
	}
	resp := obj(obj(op["responses"])[fmt.Sprint(status)])
	if resp == nil {
		t.Errorf("openapi: %s %s answered %d, which the document does not list", method, tmpl, status)
		return
	}
	resp = o.resolve(resp)
	content := obj(resp["content"])
	if content == nil {
		if body != "" {
			t.Errorf("openapi: %s %s %d documents no body but answered %q", method, tmpl, status, body)
		}
		return
	}
	mt, _, _ := strings.Cut(contentType, ";")
	media := obj(content[mt])
	if media == nil {
		t.Errorf("openapi: %s %s %d answered %s, documented %v", method, tmpl, status, mt, keys(content))
		return
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Errorf("openapi: %s %s %d: body is not JSON: %v", method, tmpl, status, err)
		return
	}
	for _, p := range o.validate(obj(media["schema"]), v, "body") {
		t.Errorf("openapi: %s %s %d: %s", method, tmpl, status, p)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// validate checks v against the subset of JSON Schema the document uses: $ref, type (one or a
// list), properties, required, additionalProperties, items, enum, minimum, maximum, minLength,
// maxLength, pattern and format date-time.
func (o *openAPI) validate(schema map[string]any, v any, at string) []string {
	schema = o.resolve(schema)
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, at+": "+fmt.Sprintf(format, args...)) }
	var types []string
	switch ty := schema["type"].(type) {
	case string:
		types = []string{ty}
	case []any:
		for _, x := range ty {
			types = append(types, x.(string))
		}
	}
	if len(types) > 0 && !slices.Contains(types, jsonTypeOf(v)) && !(jsonTypeOf(v) == "integer" && slices.Contains(types, "number")) {
		bad("is %s, want %v", jsonTypeOf(v), types)
		return probs
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		bad("%v is not one of %v", v, enum)
	}
	switch x := v.(type) {
	case map[string]any:
		props := obj(schema["properties"])
		for _, r := range asSlice(schema["required"]) {
			if _, ok := x[r.(string)]; !ok {
				bad("lacks required %q", r)
			}
		}
		for k, val := range x {
			if ps := obj(props[k]); ps != nil {
				probs = append(probs, o.validate(ps, val, at+"."+k)...)
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					bad("has undocumented %q", k)
				}
			case map[string]any:
				probs = append(probs, o.validate(ap, val, at+"."+k)...)
			default:
				if props != nil {
					bad("has undocumented %q", k)
				}
			}
		}
	case []any:
		if items := obj(schema["items"]); items != nil {
			for i, e := range x {
				probs = append(probs, o.validate(items, e, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	case json.Number:
		f, _ := x.Float64()
		if m, ok := schema["minimum"].(json.Number); ok {
			if mf, _ := m.Float64(); f < mf {
				bad("%v is below the minimum %v", x, m)
			}
		}
		if m, ok := schema["maximum"].(json.Number); ok {
			if mf, _ := m.Float64(); f > mf {
				bad("%v is above the maximum %v", x, m)
			}
		}
	case string:
		n := len([]rune(x))
		if m, ok := schema["maxLength"].(json.Number); ok {
			if mi, _ := m.Int64(); int64(n) > mi {
				bad("is %d characters, more than %v", n, m)
			}
		}
		if m, ok := schema["minLength"].(json.Number); ok {
			if mi, _ := m.Int64(); int64(n) < mi {
				bad("is %d characters, fewer than %v", n, m)
			}
		}
		if p, ok := schema["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(x) {
			bad("%q does not match %s", x, p)
		}
		if schema["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, x); err != nil {
				bad("%q is not a date-time", x)
			}
		}
	}
	return probs
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func jsonTypeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case json.Number:
		if f, err := x.Float64(); err == nil && f == math.Trunc(f) && !strings.ContainsAny(x.String(), ".eE") {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// TestOpenAPIMatchesRoutes holds the document to the route table the mux registers: every
// registered route is documented and every documented operation is registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	o := mustOpenAPI(t)
	if v := o.doc["openapi"]; v != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", v)
	}
	if servers := asSlice(o.doc["servers"]); len(servers) != 1 || obj(servers[0])["url"] != apiPrefix {
		t.Errorf("servers = %v, want one at %s", servers, apiPrefix)
	}
	srv := &Server{}
	registered := map[string]bool{}
	for _, rt := range srv.apiRouteTable() {
		k := rt.Method + " " + rt.Path
		if registered[k] {
			t.Errorf("route %s is in the table twice", k)
		}
		registered[k] = true
	}
	documented := map[string]bool{}
	for p, item := range obj(o.doc["paths"]) {
		for _, m := range httpMethods {
			if op := obj(obj(item)[m]); op != nil {
				documented[strings.ToUpper(m)+" "+p] = true
			}
		}
	}
	for k := range registered {
		if !documented[k] {
			t.Errorf("registered route %s is not in openapi.json", k)
		}
	}
	for k := range documented {
		if !registered[k] {
			t.Errorf("openapi.json documents %s, which the server does not register", k)
		}
	}
	if len(registered) < 18 {
		t.Errorf("only %d routes registered", len(registered))
	}
}

// TestOpenAPIWellFormed checks what a client generator relies on: every $ref resolves, every
// path parameter is declared, every operation has an id and responses, writes name the bearer
// scheme and a request body, and POSTs take Idempotency-Key.
func TestOpenAPIWellFormed(t *testing.T) {
	t.Parallel()
	o := mustOpenAPI(t)
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if len(o.resolve(x)) == 0 || o.resolve(x)["$ref"] != nil {
					t.Errorf("%s: $ref %s does not resolve", at, ref)
				}
			}
			for k, e := range x {
				walk(e, at+"/"+k)
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", at, i))
			}
		}
	}
	walk(o.doc, "#")
	schemes := obj(obj(o.doc["components"])["securitySchemes"])
	if b := obj(schemes["bearer"]); b["type"] != "http" || b["scheme"] != "bearer" {
		t.Errorf("bearer security scheme = %v", b)
	}
	ids := map[string]bool{}
	wildcard := regexp.MustCompile(`\{([a-z_]+)\}`)
	for p, item := range obj(o.doc["paths"]) {
		pathParams := map[string]bool{}
		collect := func(list any, into map[string]bool) {
			for _, prm := range asSlice(list) {
				prm := o.resolve(obj(prm))
				if prm["in"] == "path" {
					into[prm["name"].(string)] = true
				}
			}
		}
		collect(obj(item)["parameters"], pathParams)
		for _, m := range httpMethods {
			op := obj(obj(item)[m])
			if op == nil {
				continue
			}
			where := strings.ToUpper(m) + " " + p
			declared := map[string]bool{}
			for k := range pathParams {
				declared[k] = true
			}
			collect(op["parameters"], declared)
			for _, w := range wildcard.FindAllStringSubmatch(p, -1) {
				if !declared[w[1]] {
					t.Errorf("%s: path parameter %s is not declared", where, w[1])
				}
			}
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s: operationId %q missing or repeated", where, id)
			}
			ids[id] = true
			if len(obj(op["responses"])) == 0 {
				t.Errorf("%s: no responses", where)
			}
			if m == "get" {
				if _, ok := obj(op["responses"])["200"]; !ok {
					t.Errorf("%s: no 200 response", where)
				}
				continue
			}
			if sec := asSlice(op["security"]); len(sec) != 1 || obj(sec[0])["bearer"] == nil {
				t.Errorf("%s: a write must name the bearer scheme, has %v", where, op["security"])
			}
			if _, ok := obj(op["responses"])["401"]; !ok {
				t.Errorf("%s: a write must document 401", where)
			}
			if m == "post" || m == "patch" {
				if obj(op["requestBody"]) == nil {
					t.Errorf("%s: no request body", where)
				}
				for _, code := range []string{"400", "413", "415", "422"} {
					if _, ok := obj(op["responses"])[code]; !ok {
						t.Errorf("%s: a JSON write must document %s", where, code)
					}
				}
			}
			if m == "post" {
				found := false
				for _, prm := range asSlice(op["parameters"]) {
					found = found || o.resolve(obj(prm))["name"] == "Idempotency-Key"
				}
				if !found {
					t.Errorf("%s: POST does not take Idempotency-Key", where)
				}
			}
		}
	}
}

// TestOpenAPIDescribesReadAnswers checks the read routes' real answers against the document's
// schemas, so that a field added to a handler without the document fails here.
func TestOpenAPIDescribesReadAnswers(t *testing.T) {
	t.Parallel()
	o := mustOpenAPI(t)
	s := storetest.Open(t, store.SQLite)
	withDemo(t, s)
	ts := newTestServer(t, s)
	ctx := context.Background()
	po, err := s.ItemBySlug(ctx, "tellytubbies", "po")
	if err != nil {
		t.Fatal(err)
	}
	reviews, err := s.Reviews(ctx, store.ReviewQuery{ItemID: po.ID, Limit: 1})
	if err != nil || len(reviews) == 0 {
		t.Fatalf("no reviews of Po: %v", err)
	}
	for _, path := range []string{
		"/api/v1/categories", "/api/v1/categories/ipads", "/api/v1/categories/books?sort=conservative",
		"/api/v1/categories/tellytubbies", "/api/v1/categories/nothing", "/api/v1/categories/ipads?sort=x",
		"/api/v1/categories/tellytubbies/items?limit=2", "/api/v1/categories/tellytubbies/items?limit=0",
		"/api/v1/categories/ipads/compare?items=ipad-air-11,ipad-mini", "/api/v1/categories/ipads/compare?items=ipad-mini",
		"/api/v1/items/" + itoa(po.ID), "/api/v1/items/999999", "/api/v1/items/" + itoa(po.ID) + "/reviews?stars=5",
		"/api/v1/reviews/" + itoa(reviews[0].ID), "/api/v1/reviews/999999", "/api/v1/me", "/api/v1/openapi.json",
		"/api/v1/search?q=ipad", "/api/v1/search?q=", "/api/v1/search?q=ipad&page=9", "/api/v1/search?q=walrus",
		"/api/v1/items/" + itoa(po.ID) + "/pictures", "/api/v1/items/999999/pictures", "/api/v1/pictures/999999",
		"/api/v1/pictures/" + itoa(mainPicture(t, s, po.ID).ID),
	} {
		code, h, body := ts.get(t, path)
		o.checkAnswer(t, http.MethodGet, path, code, h.Get("Content-Type"), body)
		o.checkETag(t, http.MethodGet, path, code, h)
	}
	// The served document is the embedded one.
	if _, _, body := ts.get(t, "/api/v1/openapi.json"); body != string(openAPIDocument) {
		t.Error("GET /api/v1/openapi.json does not serve the document")
	}
}

// mainPicture returns an item's main picture.
func mainPicture(t *testing.T, s *store.Store, itemID int64) store.Picture {
	t.Helper()
	pics, err := s.ItemPictures(context.Background(), itemID)
	if err != nil || len(pics) == 0 {
		t.Fatalf("no picture of item %d: %v", itemID, err)
	}
	return pics[0]
}

// The checker itself: a body off its schema is caught.
func TestOpenAPICheckerCatchesDrift(t *testing.T) {
	t.Parallel()
	o := mustOpenAPI(t)
	review := map[string]any{"$ref": "#/components/schemas/Review"}
	var v any
	dec := json.NewDecoder(strings.NewReader(`{"id": 1, "item_id": 2.5, "author": "Ann", "rating": 6, "summary": "ok",
		"details": "", "helpful_count": 0, "created_at": "yesterday", "updated_at": "2026-01-02T03:04:05Z", "mood": "happy"}`))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	probs := o.validate(review, v, "body")
	for _, want := range []string{"body.item_id: is number", "body.rating: 6 is above", "body.created_at", `undocumented "mood"`} {
		if !slices.ContainsFunc(probs, func(p string) bool { return strings.Contains(p, want) }) {
			t.Errorf("no problem reported like %q; got %v", want, probs)
		}
	}
	if got := o.validate(review, map[string]any{}, "body"); len(got) != 9 {
		t.Errorf("an empty object lacks 9 required fields; got %v", got)
	}
}

// checkETag fails the test when an answer carries an ETag its documented response does not
// declare, or lacks one it does.
func (o *openAPI) checkETag(t *testing.T, method, path string, status int, h http.Header) {
	t.Helper()
	op, tmpl := o.operation(method, path)
	resp := o.resolve(obj(obj(op["responses"])[fmt.Sprint(status)]))
	_, documented := obj(resp["headers"])["ETag"]
	if sent := h.Get("ETag") != ""; sent != documented {
		t.Errorf("openapi: %s %s %d sent ETag %v, documented %v", method, tmpl, status, sent, documented)
	}
}

// operations calls f with every documented operation.
func (o *openAPI) operations(f func(method, path string, op map[string]any)) {
	for _, p := range slices.Sorted(maps.Keys(obj(o.doc["paths"]))) {
		for _, m := range httpMethods {
			if op := obj(obj(obj(o.doc["paths"])[p])[m]); op != nil {
				f(m, p, op)
			}
		}
	}
}

// TestOpenAPIForGenerators checks what the client generators and Redocly's recommended rules
// ask of the document (clients/go/check.sh runs the real tools): decimals are doubles, every
// operation says whether it needs a token and has a client-error answer and an example, and
// every example fits its schema.
func TestOpenAPIForGenerators(t *testing.T) {
	t.Parallel()
	o := mustOpenAPI(t)
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			types := []any{x["type"]}
			if list, ok := x["type"].([]any); ok {
				types = list
			}
			if slices.Contains(types, any("number")) && x["format"] != "double" {
				t.Errorf("%s: a decimal without format double (generators make it a float32)", at)
			}
			for k, e := range x {
				if k != "example" {
					walk(e, at+"/"+k)
				}
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", at, i))
			}
		}
	}
	walk(o.doc, "#")
	names := map[string]string{}
	for kind, set := range obj(o.doc["components"]) {
		for name := range obj(set) {
			if kind == "securitySchemes" || kind == "headers" {
				continue
			}
			// Generators make a type of each schema, parameter and response component: two
			// names differing only in case are one type.
			key := strings.ToLower(name)
			if prev, ok := names[key]; ok && kind != "responses" && !strings.HasPrefix(prev, "responses") {
				t.Errorf("components %s/%s and %s clash as a generated type name", kind, name, prev)
			}
			names[key] = kind + "/" + name
		}
	}
	checkExample := func(where string, media map[string]any) bool {
		example, ok := media["example"]
		if !ok {
			return false
		}
		// Through JSON again, so that numbers are json.Number as in an answer.
		b, _ := json.Marshal(example)
		var v any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		dec.Decode(&v)
		for _, p := range o.validate(obj(media["schema"]), v, "example") {
			t.Errorf("%s: %s", where, p)
		}
		return true
	}
	o.operations(func(m, p string, op map[string]any) {
		where := strings.ToUpper(m) + " " + p
		if _, ok := op["security"]; !ok {
			t.Errorf("%s: no security (a read that needs no token says security: [])", where)
		}
		if len(asSlice(op["security"])) == 0 && m != "get" {
			t.Errorf("%s: a write without a token", where)
		}
		examples, clientError := 0, false
		for code, resp := range obj(op["responses"]) {
			clientError = clientError || strings.HasPrefix(code, "4")
			for mt, media := range obj(o.resolve(obj(resp))["content"]) {
				if checkExample(fmt.Sprintf("%s %s %s", where, code, mt), obj(media)) {
					examples++
				} else if strings.HasPrefix(code, "2") {
					t.Errorf("%s: %s answer has no example", where, code)
				}
			}
		}
		if examples == 0 {
			t.Errorf("%s: no example", where)
		}
		if !clientError {
			t.Errorf("%s: no 4xx answer", where)
		}
		if _, ok := obj(op["responses"])["405"]; !ok {
			t.Errorf("%s: 405 (another method on this path) is not listed", where)
		}
		for mt, media := range obj(obj(op["requestBody"])["content"]) {
			if !checkExample(where+" request "+mt, obj(media)) {
				t.Errorf("%s: request body has no example", where)
			}
		}
	})
}

// TestOpenAPIConditionalAndMethods holds the document to what the server does beyond bodies:
// the operations documenting 304 send an ETag and answer 304 to it (and no other read sends
// one), and every path answers another method with the documented 405 and an Allow header
// naming exactly its documented methods.
func TestOpenAPIConditionalAndMethods(t *testing.T) {
	t.Parallel()
	o := mustOpenAPI(t)
	s := storetest.Open(t, store.SQLite)
	withDemo(t, s)
	ts := newTestServer(t, s)
	ctx := context.Background()
	po, err := s.ItemBySlug(ctx, "tellytubbies", "po")
	if err != nil {
		t.Fatal(err)
	}
	reviews, err := s.Reviews(ctx, store.ReviewQuery{ItemID: po.ID, Limit: 1})
	if err != nil || len(reviews) == 0 {
		t.Fatalf("no reviews of Po: %v", err)
	}
	picture := mainPicture(t, s, po.ID)
	concrete := func(p string) string {
		p = strings.ReplaceAll(p, "{line}", "tellytubbies")
		if strings.HasPrefix(p, "/reviews/") {
			return apiPrefix + strings.ReplaceAll(p, "{id}", itoa(reviews[0].ID))
		}
		if strings.HasPrefix(p, "/pictures/") {
			return apiPrefix + strings.ReplaceAll(p, "{id}", itoa(picture.ID))
		}
		return apiPrefix + strings.ReplaceAll(p, "{id}", itoa(po.ID))
	}
	conditional := 0
	o.operations(func(m, p string, op map[string]any) {
		if m != "get" {
			return
		}
		path := concrete(p)
		if p == "/categories/{line}/compare" {
			path += "?items=po,dipsy"
		}
		if p == "/search" {
			path += "?q=po"
		}
		if len(asSlice(op["security"])) > 0 {
			return // needs a token (/me, the admins' reports); it sends no ETag either way
		}
		code, h, _ := ts.get(t, path)
		if code != http.StatusOK {
			t.Errorf("GET %s = %d", path, code)
			return
		}
		o.checkETag(t, "GET", path, code, h)
		if _, ok := obj(op["responses"])["304"]; !ok {
			return
		}
		conditional++
		code, h2, body := ts.getWith(t, path, "If-None-Match", h.Get("ETag"))
		if code != http.StatusNotModified || body != "" || h2.Get("ETag") != h.Get("ETag") {
			t.Errorf("GET %s with If-None-Match: %d %q, ETag %q; want 304, no body, ETag %q", path, code, body, h2.Get("ETag"), h.Get("ETag"))
		}
		o.checkAnswer(t, "GET", path, code, h2.Get("Content-Type"), body)
	})
	if conditional < 2 {
		t.Errorf("only %d operations document 304", conditional)
	}
	notAllowed := o.resolve(map[string]any{"$ref": "#/components/responses/MethodNotAllowed"})
	for _, p := range slices.Sorted(maps.Keys(obj(o.doc["paths"]))) {
		var want []string
		for _, m := range httpMethods {
			if obj(obj(obj(o.doc["paths"])[p])[m]) != nil {
				want = append(want, strings.ToUpper(m))
				if m == "get" {
					want = append(want, "HEAD")
				}
			}
		}
		path := concrete(p)
		code, h, body := ts.do(t, http.MethodPut, path, "application/json", strings.NewReader("{}"))
		allow := strings.Split(h.Get("Allow"), ", ")
		slices.Sort(allow)
		slices.Sort(want)
		if code != http.StatusMethodNotAllowed || !slices.Equal(allow, want) {
			t.Errorf("PUT %s = %d, Allow %v; want 405, Allow %v", path, code, allow, want)
		}
		if _, ok := obj(notAllowed["headers"])["Allow"]; !ok {
			t.Error("the 405 answer does not document Allow")
		}
		var v any
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Errorf("PUT %s: %v", path, err)
		}
		for _, prob := range o.validate(obj(obj(obj(notAllowed["content"])["application/problem+json"])["schema"]), v, "body") {
			t.Errorf("PUT %s: %s", path, prob)
		}
	}
}

// TestAPIListsHonourPaging: every documented operation taking limit answers that many
// entries, the next page holds others, and page.total counts them all.
func TestAPIListsHonourPaging(t *testing.T) {
	t.Parallel()
	o := mustOpenAPI(t)
	s := storetest.Open(t, store.SQLite)
	withDemo(t, s)
	ts := newTestServer(t, s)
	ipadAir, err := s.ItemBySlug(context.Background(), "ipads", "ipad-air-11")
	if err != nil {
		t.Fatal(err)
	}
	lists := 0
	o.operations(func(m, p string, op map[string]any) {
		takes := map[string]bool{}
		for _, prm := range asSlice(op["parameters"]) {
			takes[fmt.Sprint(o.resolve(obj(prm))["name"])] = true
		}
		if len(asSlice(op["security"])) > 0 {
			return // a list behind a token is paged in its own test (TestAPIReports)
		}
		if !takes["limit"] || !takes["page"] {
			if schema := o.resolve(obj(obj(obj(obj(obj(op["responses"])["200"])["content"])["application/json"])["schema"])); obj(schema["properties"])["page"] != nil {
				t.Errorf("%s %s answers a page but does not take limit and page", m, p)
			}
			return
		}
		lists++
		path := apiPrefix + strings.NewReplacer("{line}", "ipads", "{id}", itoa(ipadAir.ID)).Replace(p)
		if p == "/search" {
			// The one list that needs a parameter of its own; the queries below add theirs.
			path += "?q=ipad"
		}
		type list struct {
			entries []json.RawMessage
			page    page
		}
		get := func(query string) list {
			t.Helper()
			if strings.Contains(path, "?") {
				query = "&" + strings.TrimPrefix(query, "?")
			}
			code, h, body := ts.get(t, path+query)
			o.checkAnswer(t, "GET", path+query, code, h.Get("Content-Type"), body)
			var raw map[string]json.RawMessage
			if err := json.Unmarshal([]byte(body), &raw); err != nil || code != 200 {
				t.Fatalf("GET %s%s = %d %s", path, query, code, body)
			}
			var l list
			json.Unmarshal(raw["page"], &l.page)
			for k, v := range raw {
				if k != "page" && k != "total" && strings.HasPrefix(string(v), "[") {
					json.Unmarshal(v, &l.entries)
				}
			}
			return l
		}
		first, second := get("?limit=1"), get("?limit=1&page=2")
		all := get("?limit=100")
		if len(first.entries) != 1 || len(second.entries) != 1 || string(first.entries[0]) == string(second.entries[0]) {
			t.Errorf("GET %s: limit=1 pages 1 and 2 hold %d and %d entries, want one each, different", path, len(first.entries), len(second.entries))
		}
		if first.page != (page{Total: all.page.Total, Page: 1, Limit: 1}) || second.page.Page != 2 {
			t.Errorf("GET %s: pages %+v and %+v", path, first.page, second.page)
		}
		if len(all.entries) != min(all.page.Total, 100) || all.page.Total < 2 {
			t.Errorf("GET %s?limit=100: %d entries, total %d", path, len(all.entries), all.page.Total)
		}
		if code, _, body := ts.get(t, path+strings.Replace("?limit=101", "?", "&", strings.Count(path, "?"))); code != http.StatusBadRequest || !strings.Contains(body, `"field":"limit"`) {
			t.Errorf("GET %s?limit=101 = %d %s", path, code, body)
		}
	})
	if lists < 4 {
		t.Errorf("only %d lists take limit and page", lists)
	}
}

// TestProblemTitles: a problem's title is the status's RFC 9110 name, not Go's older phrase.
func TestProblemTitles(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]string{
		413: "Content Too Large", 414: "URI Too Long", 416: "Range Not Satisfiable", 422: "Unprocessable Content",
		400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
	} {
		rec := httptest.NewRecorder()
		writeProblem(rec, status, "x", nil)
		var p problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Title != want || p.Status != status {
			t.Errorf("problem for %d = %+v, %v; want title %q", status, p, err, want)
		}
	}
	// And as answered: an oversized body, and a review the API refuses, both on both databases.
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAPIFixture(t, s)
		big := `{"summary": "` + strings.Repeat("x", MaxBodyBytes) + `"}`
		for _, c := range []struct {
			body, want string
		}{{big, "Content Too Large"}, {`{"rating": 6, "summary": "Eh-oh"}`, "Unprocessable Content"}} {
			code, h, body := f.ts.call(t, f.annTok, "POST", f.poPath+"/reviews", c.body)
			var p problem
			json.Unmarshal([]byte(body), &p)
			if p.Title != c.want || p.Status != code || h.Get("Content-Type") != "application/problem+json" {
				t.Errorf("POST %s/reviews = %d %s; want title %q", f.poPath, code, body, c.want)
			}
		}
	})
}
