package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// apiToken creates an API token for u directly in the store and returns it.
func apiToken(t *testing.T, s *store.Store, u store.User) string {
	t.Helper()
	token, hash := auth.NewToken()
	if err := s.CreateAPIToken(context.Background(), &store.APIToken{UserID: u.ID, Name: "test", Hash: hash}); err != nil {
		t.Fatal(err)
	}
	return token
}

// newAdmin creates an admin account directly in the store.
func newAdmin(t *testing.T, s *store.Store, email string) store.User {
	t.Helper()
	u := newMember(t, s, email)
	if err := s.SetAdmin(context.Background(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	u, err := s.User(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// call sends an API request with a bearer token ("" for none), a JSON body ("" for none) and
// extra headers, and checks the answer against the OpenAPI document.
func (ts *testServer) call(t *testing.T, token, method, path, body string, header ...string) (int, http.Header, string) {
	t.Helper()
	h := []string{}
	if body != "" {
		h = append(h, "Content-Type", "application/json")
	}
	if token != "" {
		h = append(h, "Authorization", "Bearer "+token)
	}
	code, hdr, out := ts.rawCall(t, method, path, body, append(h, header...)...)
	if code != http.StatusMethodNotAllowed {
		mustOpenAPI(t).checkAnswer(t, method, path, code, hdr.Get("Content-Type"), out)
	}
	return code, hdr, out
}

// rawCall sends a request with exactly the given headers.
func (ts *testServer) rawCall(t *testing.T, method, path, body string, header ...string) (int, http.Header, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	code, h, out, err := ts.request(method, path, rd, header...)
	if err != nil {
		t.Fatal(err)
	}
	return code, h, out
}

// request is the goroutine-safe core of the API helpers: it reports errors instead of failing.
func (ts *testServer) request(method, path string, body io.Reader, header ...string) (int, http.Header, string, error) {
	req, err := http.NewRequest(method, ts.URL+path, body)
	if err != nil {
		return 0, nil, "", err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b), err
}

// apiFixture is a small catalog with an admin and two members, each with a token.
type apiFixture struct {
	ts                         *testServer
	s                          *store.Store
	line                       store.Category
	po, dipsy                  store.Item
	admin, ann, bob            store.User
	adminTok, annTok, bobTok   string
	poPath, dipsyPath, revPath string
	bobReview                  store.Review
}

func newAPIFixture(t *testing.T, s *store.Store) apiFixture {
	t.Helper()
	ctx := context.Background()
	f := apiFixture{ts: newTestServer(t, s), s: s}
	f.line = store.Category{Slug: "tubbies", Name: "Tellytubbies"}
	if err := s.CreateCategory(ctx, &f.line); err != nil {
		t.Fatal(err)
	}
	f.po = store.Item{CategoryID: f.line.ID, Slug: "po", Name: "Po", Attributes: store.Attributes{"colour": "Red"}}
	f.dipsy = store.Item{CategoryID: f.line.ID, Slug: "dipsy", Name: "Dipsy"}
	for _, it := range []*store.Item{&f.po, &f.dipsy} {
		if err := s.CreateItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	f.admin = newAdmin(t, s, "admin@example.com")
	f.ann = newMember(t, s, "ann@example.com")
	f.bob = newMember(t, s, "bob@example.com")
	f.adminTok, f.annTok, f.bobTok = apiToken(t, s, f.admin), apiToken(t, s, f.ann), apiToken(t, s, f.bob)
	f.bobReview = store.Review{ItemID: f.dipsy.ID, UserID: f.bob.ID, Rating: 2, Summary: "Too green"}
	if err := s.CreateReview(ctx, &f.bobReview); err != nil {
		t.Fatal(err)
	}
	f.poPath, f.dipsyPath = "/api/v1/items/"+itoa(f.po.ID), "/api/v1/items/"+itoa(f.dipsy.ID)
	f.revPath = "/api/v1/reviews/" + itoa(f.bobReview.ID)
	return f
}

// counts returns how many lines, items and reviews there are, for "nothing changed" checks.
func (f apiFixture) counts(t *testing.T) string {
	t.Helper()
	cats, err := f.s.Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	items, reviews := 0, 0
	for _, c := range cats {
		items += c.ItemCount
		reviews += c.ReviewCount
	}
	return fmt.Sprintf("%d lines, %d items, %d reviews", len(cats), items, reviews)
}

func TestAPIWriteAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAPIFixture(t, s)
		before := f.counts(t)
		review := `{"rating": 5, "summary": "Eh-oh, lovely"}`
		tests := []struct {
			name, token, method, path, body string
			wantCode                        int
			wantBody                        string
		}{
			{"anonymous review", "", "POST", f.poPath + "/reviews", review, 401, `"field":"Authorization"`},
			{"bad token review", "sb_nope", "POST", f.poPath + "/reviews", review, 401, "not valid"},
			{"anonymous patch", "", "PATCH", f.revPath, `{"rating": 1}`, 401, ""},
			{"anonymous delete", "", "DELETE", f.revPath, "", 401, ""},
			{"other member patches", f.annTok, "PATCH", f.revPath, `{"rating": 1}`, 404, ""},
			{"other member deletes", f.annTok, "DELETE", f.revPath, "", 404, ""},
			{"admin edits another's words", f.adminTok, "PATCH", f.revPath, `{"summary": "Rewritten"}`, 404, ""},
			{"member patches a missing review", f.annTok, "PATCH", "/api/v1/reviews/999999", `{"rating": 1}`, 404, ""},
			{"malformed review id", f.annTok, "DELETE", "/api/v1/reviews/abc", "", 404, ""},
			{"review of a missing item", f.annTok, "POST", "/api/v1/items/999999/reviews", review, 404, ""},
			{"anonymous line", "", "POST", "/api/v1/categories", `{"slug": "toys", "name": "Toys"}`, 401, ""},
			{"member line", f.annTok, "POST", "/api/v1/categories", `{"slug": "toys", "name": "Toys"}`, 403, "Only admins"},
			{"member patches line", f.annTok, "PATCH", "/api/v1/categories/tubbies", `{"name": "Toys"}`, 403, ""},
			{"member deletes line", f.annTok, "DELETE", "/api/v1/categories/tubbies", "", 403, ""},
			{"anonymous deletes line", "", "DELETE", "/api/v1/categories/tubbies", "", 401, ""},
			{"member item", f.annTok, "POST", "/api/v1/items", `{"category": "tubbies", "slug": "laa-laa", "name": "Laa-Laa"}`, 403, ""},
			{"member patches item", f.annTok, "PATCH", f.poPath, `{"name": "Po!"}`, 403, ""},
			{"member deletes item", f.annTok, "DELETE", f.poPath, "", 403, ""},
			{"anonymous deletes item", "", "DELETE", f.poPath, "", 401, ""},
			{"admin patches a missing line", f.adminTok, "PATCH", "/api/v1/categories/toys", `{"name": "Toys"}`, 404, ""},
			{"admin deletes a missing item", f.adminTok, "DELETE", "/api/v1/items/999999", "", 404, ""},
		}
		for _, tt := range tests {
			code, _, body := f.ts.call(t, tt.token, tt.method, tt.path, tt.body)
			if code != tt.wantCode || !strings.Contains(body, tt.wantBody) {
				t.Errorf("%s: %s %s = %d %s; want %d with %s", tt.name, tt.method, tt.path, code, body, tt.wantCode, tt.wantBody)
			}
		}
		if after := f.counts(t); after != before {
			t.Errorf("refused requests changed the data: %s, was %s", after, before)
		}
		if rv, err := s.Review(context.Background(), f.bobReview.ID); err != nil || rv.Summary != "Too green" || rv.Rating != 2 {
			t.Errorf("Bob's review after others' attempts: %+v, %v", rv, err)
		}
		// A disabled member's token stops working.
		if err := s.SetDisabled(context.Background(), f.bob.ID, true); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := f.ts.call(t, f.bobTok, "DELETE", f.revPath, ""); code != 401 {
			t.Errorf("a disabled member's token = %d, want 401", code)
		}
	})
}

func TestAPIReviewWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAPIFixture(t, s)
		code, h, body := f.ts.call(t, f.annTok, "POST", f.poPath+"/reviews",
			`{"rating": 4, "summary": "  Pretty good\nreally ", "details": "Likes his scooter.\r\nAnd custard."}`)
		if code != 201 {
			t.Fatalf("create review = %d %s", code, body)
		}
		var rv apiReview
		if err := json.Unmarshal([]byte(body), &rv); err != nil {
			t.Fatal(err)
		}
		if rv.Rating != 4 || rv.Summary != "Pretty good really" || rv.Details != "Likes his scooter.\nAnd custard." || rv.Author != "ann" || rv.ItemID != f.po.ID {
			t.Errorf("created review %+v", rv)
		}
		loc := "/api/v1/reviews/" + itoa(rv.ID)
		if h.Get("Location") != loc {
			t.Errorf("Location = %q, want %q", h.Get("Location"), loc)
		}
		if code, _, got := f.ts.call(t, "", "GET", loc, ""); code != 200 || !strings.Contains(got, `"summary":"Pretty good really"`) {
			t.Errorf("GET Location = %d %s", code, got)
		}
		wantItemCounts(t, s, f.po.ID, [5]int{0, 0, 0, 1, 0})

		// A second review of the item by Ann is a conflict naming her review.
		code, _, body = f.ts.call(t, f.annTok, "POST", f.poPath+"/reviews", `{"rating": 1, "summary": "Changed my mind"}`)
		if code != 409 || !strings.Contains(body, `"field":"item"`) || !strings.Contains(body, "review "+itoa(rv.ID)) {
			t.Errorf("second review = %d %s", code, body)
		}
		wantItemCounts(t, s, f.po.ID, [5]int{0, 0, 0, 1, 0})

		// PATCH changes only what it sends; the stars follow.
		code, _, body = f.ts.call(t, f.annTok, "PATCH", loc, `{"rating": 2}`)
		if code != 200 || !strings.Contains(body, `"rating":2`) || !strings.Contains(body, `"summary":"Pretty good really"`) {
			t.Errorf("patch rating = %d %s", code, body)
		}
		wantItemCounts(t, s, f.po.ID, [5]int{0, 1, 0, 0, 0})
		code, _, body = f.ts.call(t, f.annTok, "PATCH", loc, `{"summary": "Meh after all", "details": ""}`)
		if code != 200 || !strings.Contains(body, `"summary":"Meh after all"`) || !strings.Contains(body, `"details":""`) || !strings.Contains(body, `"rating":2`) {
			t.Errorf("patch text = %d %s", code, body)
		}
		if code, _, _ := f.ts.call(t, f.annTok, "PATCH", f.revPath, `{"rating": 5}`); code != 404 {
			t.Errorf("Ann patching Bob's review = %d", code)
		}

		// The owner deletes her own; an admin removes anyone's; both uncount.
		if code, _, body := f.ts.call(t, f.annTok, "DELETE", loc, ""); code != 204 || body != "" {
			t.Errorf("owner delete = %d %q", code, body)
		}
		if _, err := s.Review(ctx, rv.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted review still there: %v", err)
		}
		if code, _, _ := f.ts.call(t, f.annTok, "DELETE", loc, ""); code != 404 {
			t.Errorf("second delete = %d", code)
		}
		wantItemCounts(t, s, f.po.ID, [5]int{})
		if code, _, _ := f.ts.call(t, f.adminTok, "DELETE", f.revPath, ""); code != 204 {
			t.Errorf("admin removing Bob's review = %d", code)
		}
		wantItemCounts(t, s, f.dipsy.ID, [5]int{})
		// Ann may review Po again now.
		if code, _, body := f.ts.call(t, f.annTok, "POST", f.poPath+"/reviews", `{"rating": 5, "summary": "Eh-oh!"}`); code != 201 {
			t.Errorf("review after delete = %d %s", code, body)
		}
	})
}

func wantItemCounts(t *testing.T, s *store.Store, itemID int64, want [5]int) {
	t.Helper()
	it, err := s.Item(context.Background(), itemID)
	if err != nil {
		t.Fatal(err)
	}
	if it.Stats.Counts != want {
		t.Errorf("item %d counts %v, want %v", itemID, it.Stats.Counts, want)
	}
}

func TestAPICatalogWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAPIFixture(t, s)
		tok := f.adminTok
		code, h, body := f.ts.call(t, tok, "POST", "/api/v1/categories", `{"slug": "toys", "name": " Toys ", "description": "Things to play with."}`)
		if code != 201 || h.Get("Location") != "/api/v1/categories/toys" || !strings.Contains(body, `"name":"Toys"`) {
			t.Fatalf("create line = %d %q %s", code, h.Get("Location"), body)
		}
		if code, _, body := f.ts.call(t, tok, "POST", "/api/v1/categories", `{"slug": "toys", "name": "Toys again"}`); code != 409 || !strings.Contains(body, `"field":"slug"`) {
			t.Errorf("taken line slug = %d %s", code, body)
		}
		code, h, body = f.ts.call(t, tok, "POST", "/api/v1/items",
			`{"category": "toys", "slug": "yo-yo", "name": "Yo-yo", "attributes": {"colour": "Blue", "price": "3"}}`)
		if code != 201 || !strings.Contains(body, `"category":"toys"`) || !strings.Contains(body, `"price":"3"`) || !strings.Contains(body, `"review_count":0`) {
			t.Fatalf("create item = %d %s", code, body)
		}
		var it apiItem
		json.Unmarshal([]byte(body), &it)
		itemPath := "/api/v1/items/" + itoa(it.ID)
		if h.Get("Location") != itemPath {
			t.Errorf("item Location = %q", h.Get("Location"))
		}
		if code, _, body := f.ts.call(t, tok, "POST", "/api/v1/items", `{"category": "toys", "slug": "yo-yo", "name": "Yo-yo 2"}`); code != 409 || !strings.Contains(body, `"field":"slug"`) {
			t.Errorf("taken item slug = %d %s", code, body)
		}
		// The same item slug in another line is fine.
		if code, _, body := f.ts.call(t, tok, "POST", "/api/v1/items", `{"category": "tubbies", "slug": "yo-yo", "name": "Tubby yo-yo"}`); code != 201 {
			t.Errorf("item slug in another line = %d %s", code, body)
		}
		// PATCH replaces attributes whole, keeps what it does not send; an empty value is no attribute.
		code, _, body = f.ts.call(t, tok, "PATCH", itemPath, `{"attributes": {"colour": "Red", "price": " "}, "slug": "yoyo"}`)
		if code != 200 || strings.Contains(body, "price") || !strings.Contains(body, `"colour":"Red"`) || !strings.Contains(body, `"name":"Yo-yo"`) || !strings.Contains(body, `"slug":"yoyo"`) {
			t.Errorf("patch item = %d %s", code, body)
		}
		if got, err := s.ItemBySlug(ctx, "toys", "yoyo"); err != nil || len(got.Attributes) != 1 {
			t.Errorf("stored item %+v, %v", got, err)
		}
		if code, _, body := f.ts.call(t, tok, "PATCH", f.poPath, `{"slug": "dipsy"}`); code != 409 || !strings.Contains(body, `"field":"slug"`) {
			t.Errorf("patch to a taken item slug = %d %s", code, body)
		}
		// Rename the line; its old address is gone.
		code, _, body = f.ts.call(t, tok, "PATCH", "/api/v1/categories/toys", `{"slug": "games", "description": ""}`)
		if code != 200 || !strings.Contains(body, `"slug":"games"`) || !strings.Contains(body, `"item_count":1`) || !strings.Contains(body, `"description":""`) {
			t.Errorf("patch line = %d %s", code, body)
		}
		if code, _, _ := f.ts.call(t, "", "GET", "/api/v1/categories/toys", ""); code != 404 {
			t.Errorf("old slug = %d", code)
		}
		if code, _, body := f.ts.call(t, tok, "PATCH", "/api/v1/categories/games", `{"slug": "tubbies"}`); code != 409 || !strings.Contains(body, `"field":"slug"`) {
			t.Errorf("rename to a taken slug = %d %s", code, body)
		}
		// Deletes: an item, then a line with everything in it.
		if code, _, _ := f.ts.call(t, tok, "DELETE", itemPath, ""); code != 204 {
			t.Errorf("delete item = %d", code)
		}
		if _, err := s.Item(ctx, it.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted item: %v", err)
		}
		if code, _, _ := f.ts.call(t, tok, "DELETE", "/api/v1/categories/tubbies", ""); code != 204 {
			t.Errorf("delete line = %d", code)
		}
		if _, err := s.Review(ctx, f.bobReview.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a deleted line's review survived: %v", err)
		}
		if got := f.counts(t); got != "1 lines, 0 items, 0 reviews" {
			t.Errorf("after deletes: %s", got)
		}
	})
}

func TestAPIWriteValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAPIFixture(t, s)
		before := f.counts(t)
		rev := f.poPath + "/reviews"
		long := strings.Repeat("x", 121)
		tests := []struct {
			name, method, path, contentType, body string
			wantCode                              int
			wantField                             string
			token                                 string // the admin's when empty
		}{
			{"no content type", "POST", rev, "-", `{"rating": 5, "summary": "Eh-oh"}`, 415, "Content-Type", ""},
			{"form content type", "POST", rev, "application/x-www-form-urlencoded", `rating=5`, 415, "Content-Type", ""},
			{"latin-1 JSON", "POST", rev, "application/json; charset=latin1", `{"rating": 5, "summary": "Eh-oh"}`, 415, "Content-Type", ""},
			{"patch as text", "PATCH", f.revPath, "text/plain", `{"rating": 5}`, 415, "Content-Type", f.bobTok},
			{"empty body", "POST", rev, "", ``, 400, "", ""},
			{"malformed JSON", "POST", rev, "", `{"rating": 5,`, 400, "", ""},
			{"not an object", "POST", rev, "", `[{"rating": 5}]`, 400, "", ""},
			{"a string", "POST", rev, "", `"review"`, 400, "", ""},
			{"two objects", "POST", rev, "", `{"rating": 5, "summary": "Eh-oh"} {}`, 400, "", ""},
			{"invalid UTF-8", "POST", rev, "", "{\"rating\": 5, \"summary\": \"Eh\xff-oh\"}", 400, "", ""},
			{"unknown field", "POST", rev, "", `{"rating": 5, "summary": "Eh-oh", "stars": 5}`, 422, "stars", ""},
			{"field in another case", "POST", rev, "", `{"Rating": 5, "summary": "Eh-oh"}`, 422, "Rating", ""},
			{"repeated field", "POST", rev, "", `{"rating": 5, "rating": 1, "summary": "Eh-oh"}`, 422, "rating", ""},
			{"rating as text", "POST", rev, "", `{"rating": "5", "summary": "Eh-oh"}`, 422, "rating", ""},
			{"rating fraction", "POST", rev, "", `{"rating": 4.5, "summary": "Eh-oh"}`, 422, "rating", ""},
			{"rating huge", "POST", rev, "", `{"rating": 1e40, "summary": "Eh-oh"}`, 422, "rating", ""},
			{"rating 6", "POST", rev, "", `{"rating": 6, "summary": "Eh-oh"}`, 422, "rating", ""},
			{"rating 0", "POST", rev, "", `{"rating": 0, "summary": "Eh-oh"}`, 422, "rating", ""},
			{"no rating", "POST", rev, "", `{"summary": "Eh-oh"}`, 422, "rating", ""},
			{"null summary", "POST", rev, "", `{"rating": 5, "summary": null}`, 422, "summary", ""},
			{"summary a number", "POST", rev, "", `{"rating": 5, "summary": 12345}`, 422, "summary", ""},
			{"short summary", "POST", rev, "", `{"rating": 5, "summary": "  ok  "}`, 422, "summary", ""},
			{"long summary", "POST", rev, "", `{"rating": 5, "summary": "` + long + `"}`, 422, "summary", ""},
			{"NUL in summary", "POST", rev, "", `{"rating": 5, "summary": "Eh\u0000oh"}`, 422, "summary", ""},
			{"long details", "POST", rev, "", `{"rating": 5, "summary": "Eh-oh", "details": "` + strings.Repeat("é", 10_001) + `"}`, 422, "details", ""},
			{"empty patch", "PATCH", f.revPath, "", `{}`, 422, "", f.bobTok},
			{"patch null rating", "PATCH", f.revPath, "", `{"rating": null}`, 422, "rating", f.bobTok},
			{"patch short summary", "PATCH", f.revPath, "", `{"summary": "no"}`, 422, "summary", f.bobTok},
			{"line slug with capitals", "POST", "/api/v1/categories", "", `{"slug": "Toys", "name": "Toys"}`, 422, "slug", ""},
			{"line slug with space", "POST", "/api/v1/categories", "", `{"slug": "my toys", "name": "Toys"}`, 422, "slug", ""},
			{"line slug reserved", "POST", "/api/v1/categories", "", `{"slug": "new", "name": "New"}`, 422, "slug", ""},
			{"line slug too long", "POST", "/api/v1/categories", "", `{"slug": "` + strings.Repeat("a", 81) + `", "name": "A"}`, 422, "slug", ""},
			{"line slug hyphen end", "POST", "/api/v1/categories", "", `{"slug": "toys-", "name": "Toys"}`, 422, "slug", ""},
			{"line without name", "POST", "/api/v1/categories", "", `{"slug": "toys"}`, 422, "name", ""},
			{"line blank name", "POST", "/api/v1/categories", "", `{"slug": "toys", "name": "   "}`, 422, "name", ""},
			{"line long description", "POST", "/api/v1/categories", "", `{"slug": "toys", "name": "Toys", "description": "` + strings.Repeat("d", 2001) + `"}`, 422, "description", ""},
			{"line patch reserved slug", "PATCH", "/api/v1/categories/tubbies", "", `{"slug": "compare"}`, 422, "slug", ""},
			{"item without line", "POST", "/api/v1/items", "", `{"slug": "laa-laa", "name": "Laa-Laa"}`, 422, "category", ""},
			{"item in unknown line", "POST", "/api/v1/items", "", `{"category": "toys", "slug": "laa-laa", "name": "Laa-Laa"}`, 422, "category", ""},
			{"item slug reserved", "POST", "/api/v1/items", "", `{"category": "tubbies", "slug": "compare", "name": "Compare"}`, 422, "slug", ""},
			{"attributes a list", "POST", "/api/v1/items", "", `{"category": "tubbies", "slug": "laa-laa", "name": "Laa-Laa", "attributes": ["Yellow"]}`, 422, "attributes", ""},
			{"attribute value a number", "POST", "/api/v1/items", "", `{"category": "tubbies", "slug": "laa-laa", "name": "Laa-Laa", "attributes": {"price": 349}}`, 422, "attributes.price", ""},
			{"attribute name twice, one without value", "POST", "/api/v1/items", "", `{"category": "tubbies", "slug": "laa-laa", "name": "Laa-Laa", "attributes": {"colour": "Yellow", "Colour": " "}}`, 422, "attributes.Colour", ""},
			{"attribute twice in two cases", "POST", "/api/v1/items", "", `{"category": "tubbies", "slug": "laa-laa", "name": "Laa-Laa", "attributes": {"colour": "Yellow", "Colour": "Gold"}}`, 422, "attributes.Colour", ""},
			{"attribute key too long", "POST", "/api/v1/items", "", `{"category": "tubbies", "slug": "laa-laa", "name": "Laa-Laa", "attributes": {"` + strings.Repeat("k", 41) + `": "v"}}`, 422, "attributes." + strings.Repeat("k", 41), ""},
			{"attribute key with a symbol", "POST", "/api/v1/items", "", `{"category": "tubbies", "slug": "laa-laa", "name": "Laa-Laa", "attributes": {"price €": "3"}}`, 422, "attributes.price €", ""},
			{"attribute key an item field", "POST", "/api/v1/items", "", `{"category": "tubbies", "slug": "laa-laa", "name": "Laa-Laa", "attributes": {"Slug": "x"}}`, 422, "attributes.Slug", ""},
			{"item name with a bidi override", "POST", "/api/v1/items", "", `{"category": "tubbies", "slug": "laa-laa", "name": "Laa\u202eaaL"}`, 422, "name", ""},
			{"line description with a zero-width space", "POST", "/api/v1/categories", "", `{"slug": "toys", "name": "Toys", "description": "a\u200bb"}`, 422, "description", ""},
			{"too many attributes", "POST", "/api/v1/items", "", `{"category": "tubbies", "slug": "laa-laa", "name": "Laa-Laa", "attributes": {` + manyAttributes(31) + `}}`, 422, "attributes", ""},
			{"item patch moves line", "PATCH", f.poPath, "", `{"category": "books"}`, 422, "category", ""},
			{"item patch empty", "PATCH", f.poPath, "", `{}`, 422, "", ""},
			{"item patch null attributes", "PATCH", f.poPath, "", `{"attributes": null}`, 422, "attributes", ""},
		}
		for _, tt := range tests {
			var h []string
			switch tt.contentType {
			case "":
				h = []string{"Content-Type", "application/json"}
			case "-":
			default:
				h = []string{"Content-Type", tt.contentType}
			}
			tok := tt.token
			if tok == "" {
				tok = f.adminTok
			}
			code, hdr, body := f.ts.rawCall(t, tt.method, tt.path, tt.body, append(h, "Authorization", "Bearer "+tok)...)
			mustOpenAPI(t).checkAnswer(t, tt.method, tt.path, code, hdr.Get("Content-Type"), body)
			if code != tt.wantCode || hdr.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: %d %s, want %d problem+json", tt.name, code, body, tt.wantCode)
				continue
			}
			var p problem
			if err := json.Unmarshal([]byte(body), &p); err != nil || p.Detail == "" {
				t.Errorf("%s: problem %s, %v", tt.name, body, err)
			}
			if tt.wantField != "" {
				found := false
				for _, e := range p.Errors {
					found = found || e.Field == tt.wantField && e.Detail != ""
				}
				if !found {
					t.Errorf("%s: errors do not name %q: %s", tt.name, tt.wantField, body)
				}
			}
		}
		// Over 1 MiB: 413 whether the length is declared or not.
		big := `{"rating": 5, "summary": "Eh-oh", "details": "` + strings.Repeat("x", MaxBodyBytes) + `"}`
		if code, h, _ := f.ts.call(t, f.annTok, "POST", rev, big); code != 413 || h.Get("Content-Type") != "application/problem+json" {
			t.Errorf("oversized body = %d %s", code, h.Get("Content-Type"))
		}
		req, _ := http.NewRequest("POST", f.ts.URL+rev, io.MultiReader(strings.NewReader(big)))
		req.ContentLength = -1
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+f.annTok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("oversized chunked body: %v", err)
		}
		res.Body.Close()
		if res.StatusCode != 413 || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("oversized chunked body = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if after := f.counts(t); after != before {
			t.Errorf("refused writes changed the data: %s, was %s", after, before)
		}
	})
}

func manyAttributes(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"k%d": "v"`, i)
	}
	return strings.Join(parts, ", ")
}

func TestAPIMethodNotAllowed(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, storetest.Open(t, store.SQLite))
	for path, allow := range map[string]string{
		"/api/v1/items/1":      "GET, HEAD, PATCH, DELETE",
		"/api/v1/categories":   "GET, HEAD, POST",
		"/api/v1/openapi.json": "GET, HEAD",
	} {
		code, h, body := ts.call(t, "", "PUT", path, `{}`)
		if code != 405 || h.Get("Allow") != allow || h.Get("Content-Type") != "application/problem+json" {
			t.Errorf("PUT %s = %d, Allow %q %s; want 405 with Allow %q", path, code, h.Get("Allow"), body, allow)
		}
	}
}

func TestAPIIdempotency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAPIFixture(t, s)
		rev := f.poPath + "/reviews"
		review := `{"rating": 5, "summary": "Eh-oh, lovely"}`
		key := "Idempotency-Key"
		code, h1, first := f.ts.call(t, f.annTok, "POST", rev, review, key, "req-1")
		if code != 201 || h1.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first = %d %s", code, first)
		}
		code, h2, again := f.ts.call(t, f.annTok, "POST", rev, review, key, "req-1")
		if code != 201 || again != first || h2.Get("Location") != h1.Get("Location") || h2.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry = %d %s %v; want the first answer replayed", code, again, h2)
		}
		wantItemCounts(t, s, f.po.ID, [5]int{0, 0, 0, 0, 1})

		// The same key with another body or path is refused, and writes nothing.
		for _, tt := range []struct{ path, body string }{
			{rev, `{"rating": 4, "summary": "Eh-oh, lovely"}`},
			{f.dipsyPath + "/reviews", review},
		} {
			code, _, body := f.ts.call(t, f.annTok, "POST", tt.path, tt.body, key, "req-1")
			if code != 422 || !strings.Contains(body, `"field":"Idempotency-Key"`) {
				t.Errorf("key reused for %s %s = %d %s", tt.path, tt.body, code, body)
			}
		}
		wantItemCounts(t, s, f.dipsy.ID, [5]int{0, 1, 0, 0, 0})

		// Bad keys.
		for _, k := range []string{strings.Repeat("k", 256), "two words", "ключ"} {
			if code, _, body := f.ts.call(t, f.annTok, "POST", f.dipsyPath+"/reviews", review, key, k); code != 400 || !strings.Contains(body, `"field":"Idempotency-Key"`) {
				t.Errorf("key %q = %d %s", k, code, body)
			}
		}
		// Keys are per member: Bob's req-1 is his own.
		if code, h, body := f.ts.call(t, f.bobTok, "POST", rev, review, key, "req-1"); code != 201 || h.Get("Idempotent-Replayed") != "" || body == first {
			t.Errorf("Bob with Ann's key = %d %s", code, body)
		}
		// A refused create is not stored: its retry is refused again, not replayed.
		for range 2 {
			if code, _, body := f.ts.call(t, f.annTok, "POST", rev, `{"rating": 1, "summary": "Second go"}`, key, "req-2"); code != 409 {
				t.Errorf("conflicting create with a key = %d %s", code, body)
			}
		}
		if _, err := s.SavedResponse(ctx, store.IdempotencyKey{UserID: f.ann.ID, Key: "req-2"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a refused create was stored: %v", err)
		}
		// Lines and items too.
		for _, tt := range []struct{ path, body, loc string }{
			{"/api/v1/categories", `{"slug": "toys", "name": "Toys"}`, "/api/v1/categories/toys"},
			{"/api/v1/items", `{"category": "toys", "slug": "yo-yo", "name": "Yo-yo"}`, "/api/v1/items/"},
		} {
			code, h, body := f.ts.call(t, f.adminTok, "POST", tt.path, tt.body, key, "cat-"+tt.path)
			code2, h2, body2 := f.ts.call(t, f.adminTok, "POST", tt.path, tt.body, key, "cat-"+tt.path)
			if code != 201 || code2 != 201 || body != body2 || !strings.HasPrefix(h2.Get("Location"), tt.loc) || h.Get("Location") != h2.Get("Location") {
				t.Errorf("%s twice = %d %s / %d %s", tt.path, code, body, code2, body2)
			}
		}
		if got := f.counts(t); got != "2 lines, 3 items, 3 reviews" {
			t.Errorf("after retries: %s", got)
		}
	})
}

func TestAPIIdempotentConcurrentRetries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAPIFixture(t, s)
		const n = 8
		type answer struct {
			code     int
			replayed string
			body     string
			err      error
		}
		answers := make([]answer, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				a := &answers[i]
				var h http.Header
				a.code, h, a.body, a.err = f.ts.request("POST", f.poPath+"/reviews", strings.NewReader(`{"rating": 3, "summary": "Same again"}`),
					"Content-Type", "application/json", "Authorization", "Bearer "+f.annTok, "Idempotency-Key", "race")
				if h != nil {
					a.replayed = h.Get("Idempotent-Replayed")
				}
			})
		}
		close(start)
		wg.Wait()
		fresh := 0
		for i, a := range answers {
			if a.err != nil || a.code != 201 || a.body != answers[0].body {
				t.Errorf("retry %d = %d %s %v; retry 0 = %s", i, a.code, a.body, a.err, answers[0].body)
			}
			if a.replayed == "" {
				fresh++
			}
		}
		if fresh != 1 {
			t.Errorf("%d of %d concurrent retries were answered first-hand, want 1", fresh, n)
		}
		wantItemCounts(t, s, f.po.ID, [5]int{0, 0, 1, 0, 0})
	})
}
