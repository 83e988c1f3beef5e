package web

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// clientFor returns a new browser (its own cookie jar) signed in as u.
func (ts *testServer) clientFor(t *testing.T, u store.User) *http.Client {
	t.Helper()
	c := ts.newClient()
	h := ts.srv.loadSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := ts.srv.signIn(w, r, u); err != nil {
			t.Error(err)
		}
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, ts.URL+"/", nil))
	base, _ := url.Parse(ts.URL)
	c.Jar.SetCookies(base, rec.Result().Cookies())
	return c
}

// adminFixture is apiFixture with a browser signed in as the admin and one as Ann.
type adminFixture struct {
	apiFixture
	adminC, annC *http.Client
}

func newAdminFixture(t *testing.T, s *store.Store) adminFixture {
	t.Helper()
	f := adminFixture{apiFixture: newAPIFixture(t, s)}
	f.adminC, f.annC = f.ts.clientFor(t, f.admin), f.ts.clientFor(t, f.ann)
	return f
}

// form posts a form as the browser c.
func (f adminFixture) form(t *testing.T, c *http.Client, path string, v url.Values) (int, http.Header, string) {
	t.Helper()
	return f.ts.send(t, c, http.MethodPost, path, v)
}

func (f adminFixture) page(t *testing.T, c *http.Client, path string) (int, string) {
	t.Helper()
	code, _, body := f.ts.send(t, c, http.MethodGet, path, nil)
	return code, body
}

// flash follows the admin browser to a page and returns its one-time message.
func (f adminFixture) flashOn(t *testing.T, c *http.Client, path string) string {
	t.Helper()
	_, body := f.page(t, c, path)
	i := strings.Index(body, `<p class="flash" role="status">`)
	if i < 0 {
		return ""
	}
	rest := body[i+len(`<p class="flash" role="status">`):]
	return html.UnescapeString(rest[:strings.Index(rest, "</p>")])
}

func TestAdminAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAdminFixture(t, s)
		po, rev, ann := itoa(f.po.ID), itoa(f.bobReview.ID), itoa(f.ann.ID)
		routes := []struct {
			method, path string
			form         url.Values
			adminCode    int
		}{
			{"GET", "/admin", nil, 200},
			{"GET", "/admin/lines/new", nil, 200},
			{"GET", "/admin/lines/tubbies", nil, 200},
			{"GET", "/admin/lines/tubbies/items/new", nil, 200},
			{"GET", "/admin/lines/tubbies/delete", nil, 200},
			{"GET", "/admin/items/" + po, nil, 200},
			{"GET", "/admin/items/" + po + "/delete", nil, 200},
			{"GET", "/admin/reviews/" + rev + "/remove", nil, 200},
			{"GET", "/admin/members", nil, 200},
			{"POST", "/admin/lines", url.Values{"slug": {"toys"}, "name": {"Toys"}}, 303},
			{"POST", "/admin/lines/tubbies", url.Values{"slug": {"tubbies"}, "name": {"Tellytubbies!"}}, 303},
			{"POST", "/admin/lines/tubbies/items", url.Values{"slug": {"laa-laa"}, "name": {"Laa-Laa"}}, 303},
			{"POST", "/admin/items/" + po, url.Values{"slug": {"po"}, "name": {"Po!"}}, 303},
			{"POST", "/admin/members/" + ann + "/role", url.Values{"admin": {"true"}}, 303},
			{"POST", "/admin/members/" + ann + "/status", url.Values{"disabled": {"false"}}, 303},
			{"POST", "/admin/reviews/" + rev + "/remove", url.Values{}, 303},
			{"POST", "/admin/items/" + po + "/delete", url.Values{}, 303},
			{"POST", "/admin/lines/tubbies/delete", url.Values{}, 303},
		}
		before := f.counts(t)
		// Visitors are sent to sign in; members see nothing there. Neither changes anything.
		for _, rt := range routes {
			code, h, _ := f.ts.send(t, f.ts.newClient(), rt.method, rt.path, rt.form)
			if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login?next=") {
				t.Errorf("visitor %s %s = %d to %q, want a redirect to sign in", rt.method, rt.path, code, h.Get("Location"))
			}
			code, _, body := f.ts.send(t, f.annC, rt.method, rt.path, rt.form)
			if code != http.StatusNotFound || !strings.Contains(body, "nothing at this address") {
				t.Errorf("member %s %s = %d, want 404", rt.method, rt.path, code)
			}
		}
		if after := f.counts(t); after != before {
			t.Fatalf("refused admin requests changed the data: %s, was %s", after, before)
		}
		if u, _ := s.User(context.Background(), f.ann.ID); u.IsAdmin {
			t.Fatal("a member made herself an admin")
		}
		// The visitor's sign-in link brings them back.
		if _, h, _ := f.ts.send(t, f.ts.newClient(), "GET", "/admin/members", nil); h.Get("Location") != "/login?next=%2Fadmin%2Fmembers" {
			t.Errorf("sign-in redirect %q", h.Get("Location"))
		}
		// The admin gets every page, and every change, in this order.
		for _, rt := range routes {
			code, _, body := f.ts.send(t, f.adminC, rt.method, rt.path, rt.form)
			if code != rt.adminCode {
				t.Errorf("admin %s %s = %d, want %d\n%s", rt.method, rt.path, code, rt.adminCode, body)
			}
		}
		// Only admins see the Admin link.
		if _, body := f.page(t, f.adminC, "/"); !strings.Contains(body, `<a href="/admin">Admin</a>`) {
			t.Error("no Admin link for an admin")
		}
		if _, body := f.page(t, f.ts.clientFor(t, f.bob), "/"); strings.Contains(body, `href="/admin"`) {
			t.Error("an Admin link for a member")
		}
	})
}

func TestAdminLines(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAdminFixture(t, s)
		code, body := f.page(t, f.adminC, "/admin")
		if code != 200 || !strings.Contains(body, `<a href="/admin/lines/tubbies">Tellytubbies</a>`) || !strings.Contains(body, `<td class="num" data-label="Items">2</td>`) {
			t.Errorf("admin home = %d\n%s", code, body)
		}
		code, body = f.page(t, f.adminC, "/admin/lines/new")
		for _, want := range []string{`action="/admin/lines"`, `name="slug"`, `name="name"`, `<textarea id="description" name="description"`, `<label for="slug">`} {
			if code != 200 || !strings.Contains(body, want) {
				t.Errorf("new line form lacks %s", want)
			}
		}
		tests := []struct {
			name, slug, lineName, desc string
			field                      string
		}{
			{"no slug", "", "Toys", "", "slug"},
			{"capitals", "Toys", "Toys", "", "slug"},
			{"spaces", "my toys", "Toys", "", "slug"},
			{"reserved", "new", "New things", "", "slug"},
			{"too long", strings.Repeat("t", 81), "Toys", "", "slug"},
			{"no name", "toys", "  ", "", "name"},
			{"long name", "toys", strings.Repeat("n", 121), "", "name"},
			{"long description", "toys", "Toys", strings.Repeat("d", 2001), "description"},
			{"taken slug", "tubbies", "More tubbies", "", "slug"},
		}
		for _, tt := range tests {
			code, _, body := f.form(t, f.adminC, "/admin/lines", url.Values{"slug": {tt.slug}, "name": {tt.lineName}, "description": {tt.desc}})
			if code != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", tt.name, code)
				continue
			}
			for _, want := range []string{`id="` + tt.field + `-error"`, `aria-invalid="true"`, `id="form-error"`} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: form lacks %s", tt.name, want)
				}
			}
			// What was typed is shown again.
			if tt.lineName != "" && strings.TrimSpace(tt.lineName) != "" && !strings.Contains(body, `value="`+html.EscapeString(tt.lineName)+`"`) {
				t.Errorf("%s: the name typed is not kept", tt.name)
			}
			if tt.slug != "" && !strings.Contains(body, `value="`+html.EscapeString(tt.slug)+`"`) {
				t.Errorf("%s: the slug typed is not kept", tt.name)
			}
		}
		if cats, _ := s.Categories(ctx); len(cats) != 1 {
			t.Fatalf("refused forms made lines: %d", len(cats))
		}

		code, h, _ := f.form(t, f.adminC, "/admin/lines", url.Values{"slug": {" toys "}, "name": {" Toys "}, "description": {"Things\r\nto play with."}})
		if code != http.StatusSeeOther || h.Get("Location") != "/admin/lines/toys" {
			t.Fatalf("create line = %d to %q", code, h.Get("Location"))
		}
		if msg := f.flashOn(t, f.adminC, "/admin/lines/toys"); !strings.Contains(msg, "Added the product line Toys") {
			t.Errorf("flash %q", msg)
		}
		c, err := s.CategoryBySlug(ctx, "toys")
		if err != nil || c.Name != "Toys" || c.Description != "Things\nto play with." {
			t.Errorf("stored line %+v, %v", c, err)
		}
		// Edit: rename the slug; the old address is gone.
		code, h, _ = f.form(t, f.adminC, "/admin/lines/toys", url.Values{"slug": {"games"}, "name": {"Games"}, "description": {""}})
		if code != http.StatusSeeOther || h.Get("Location") != "/admin/lines/games" {
			t.Fatalf("update line = %d to %q", code, h.Get("Location"))
		}
		if code, _ := f.page(t, f.adminC, "/admin/lines/toys"); code != 404 {
			t.Errorf("old slug = %d", code)
		}
		code, _, body = f.form(t, f.adminC, "/admin/lines/games", url.Values{"slug": {"tubbies"}, "name": {"Games"}})
		if code != 422 || !strings.Contains(body, `id="slug-error"`) || !strings.Contains(body, `action="/admin/lines/games"`) {
			t.Errorf("rename to a taken slug = %d", code)
		}
		// Delete asks first, saying what goes with it.
		code, body = f.page(t, f.adminC, "/admin/lines/tubbies/delete")
		if code != 200 || !strings.Contains(body, "Delete the product line Tellytubbies?") || !strings.Contains(body, "its 2 items and their 1 review") ||
			!strings.Contains(body, `<form method="post" action="/admin/lines/tubbies/delete"`) {
			t.Errorf("confirm delete = %d\n%s", code, body)
		}
		if _, err := s.CategoryBySlug(ctx, "tubbies"); err != nil {
			t.Fatal("the confirmation page deleted the line")
		}
		code, h, _ = f.form(t, f.adminC, "/admin/lines/tubbies/delete", url.Values{})
		if code != http.StatusSeeOther || h.Get("Location") != "/admin" {
			t.Errorf("delete line = %d to %q", code, h.Get("Location"))
		}
		if msg := f.flashOn(t, f.adminC, "/admin"); !strings.Contains(msg, "Deleted the product line Tellytubbies with its 2 items and 1 review") {
			t.Errorf("flash %q", msg)
		}
		if _, err := s.Item(ctx, f.po.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the line's item survived: %v", err)
		}
		if code, _, _ := f.form(t, f.adminC, "/admin/lines/tubbies/delete", url.Values{}); code != 404 {
			t.Errorf("deleting a deleted line = %d", code)
		}
	})
}

func TestAdminItems(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAdminFixture(t, s)
		code, body := f.page(t, f.adminC, "/admin/lines/tubbies/items/new")
		if code != 200 || strings.Count(body, `name="attr_key"`) != blankAttributeRows || !strings.Contains(body, `<label class="visually-hidden" for="attr-key-1">Attribute 1 name</label>`) {
			t.Errorf("new item form = %d, %d attribute rows", code, strings.Count(body, `name="attr_key"`))
		}
		item := func(slug, name string, attrs ...string) url.Values {
			v := url.Values{"slug": {slug}, "name": {name}, "description": {"A Teletubby."}}
			for i := 0; i+1 < len(attrs); i += 2 {
				v["attr_key"] = append(v["attr_key"], attrs[i])
				v["attr_value"] = append(v["attr_value"], attrs[i+1])
			}
			return v
		}
		tests := []struct {
			name  string
			form  url.Values
			field string // the id prefix of the error shown
		}{
			{"no slug", item("", "Laa-Laa"), "slug"},
			{"reserved slug", item("compare", "Laa-Laa"), "slug"},
			{"taken slug", item("po", "Po again"), "slug"},
			{"no name", item("laa-laa", ""), "name"},
			{"value without name", item("laa-laa", "Laa-Laa", "colour", "Yellow", "", "Ball"), "attr-key-2"},
			{"bad name without value", item("laa-laa", "Laa-Laa", "", "", "colour €", " "), "attr-key-2"},
			{"name twice", item("laa-laa", "Laa-Laa", "colour", "Yellow", "Colour", "Gold"), "attr-key-2"},
			{"long name", item("laa-laa", "Laa-Laa", strings.Repeat("k", 41), "v"), "attr-key-1"},
			{"long value", item("laa-laa", "Laa-Laa", "k", strings.Repeat("v", 201)), "attr-value-1"},
			{"too many", item("laa-laa", "Laa-Laa", strings.Split(strings.Repeat("k,v,", 31), ",")...), "attributes"},
		}
		for _, tt := range tests {
			if tt.name == "too many" {
				for i := range tt.form["attr_key"] {
					tt.form["attr_key"][i] += itoa(int64(i))
				}
			}
			code, _, body := f.form(t, f.adminC, "/admin/lines/tubbies/items", tt.form)
			if code != 422 || !strings.Contains(body, `id="`+tt.field+`-error"`) {
				t.Errorf("%s: %d, want 422 with %s-error\n", tt.name, code, tt.field)
				continue
			}
			// The rows typed come back, plus empty ones to fill.
			for _, k := range tt.form["attr_key"] {
				if k != "" && !strings.Contains(body, `value="`+html.EscapeString(k)+`"`) {
					t.Errorf("%s: attribute %q not kept", tt.name, k)
				}
			}
			if n := strings.Count(body, `name="attr_key"`); n < len(tt.form["attr_key"])+1 {
				t.Errorf("%s: %d rows for %d typed", tt.name, n, len(tt.form["attr_key"]))
			}
		}
		if items, _ := s.ItemsByCategory(ctx, f.line.ID); len(items) != 2 {
			t.Fatalf("refused forms made items: %d", len(items))
		}

		// A row whose value is left blank is no attribute.
		code, h, _ := f.form(t, f.adminC, "/admin/lines/tubbies/items", item("laa-laa", "Laa-Laa", "colour", " Yellow ", "", "", "toy", "Ball", "size", " "))
		if code != http.StatusSeeOther || h.Get("Location") != "/admin/lines/tubbies" {
			t.Fatalf("create item = %d to %q", code, h.Get("Location"))
		}
		if msg := f.flashOn(t, f.adminC, "/admin/lines/tubbies"); msg != "Added Laa-Laa to Tellytubbies." {
			t.Errorf("flash %q", msg)
		}
		it, err := s.ItemBySlug(ctx, "tubbies", "laa-laa")
		if err != nil || len(it.Attributes) != 2 || it.Attributes["colour"] != "Yellow" || it.Attributes["toy"] != "Ball" || it.Description != "A Teletubby." {
			t.Fatalf("stored item %+v, %v", it, err)
		}
		path := "/admin/items/" + itoa(it.ID)
		code, body = f.page(t, f.adminC, path)
		if code != 200 || strings.Count(body, `name="attr_key"`) != 2+blankAttributeRows || !strings.Contains(body, `value="Yellow"`) {
			t.Errorf("edit form = %d with %d rows", code, strings.Count(body, `name="attr_key"`))
		}
		// Clearing a row removes that attribute; a new row adds one.
		code, h, _ = f.form(t, f.adminC, path, item("laa-laa", "Laa-Laa", "colour", "Yellow", "", "", "", "", "price", "12"))
		if code != http.StatusSeeOther || h.Get("Location") != path {
			t.Fatalf("update item = %d to %q", code, h.Get("Location"))
		}
		if it, _ := s.Item(ctx, it.ID); len(it.Attributes) != 2 || it.Attributes["price"] != "12" || it.Attributes["toy"] != "" {
			t.Errorf("attributes after update %v", it.Attributes)
		}
		if code, _, body := f.form(t, f.adminC, path, item("po", "Laa-Laa")); code != 422 || !strings.Contains(body, `id="slug-error"`) {
			t.Errorf("update to a taken slug = %d", code)
		}
		// Delete asks first.
		code, body = f.page(t, f.adminC, "/admin/items/"+itoa(f.dipsy.ID)+"/delete")
		if code != 200 || !strings.Contains(body, "Delete Dipsy from Tellytubbies?") || !strings.Contains(body, "its 1 review too") {
			t.Errorf("confirm item delete = %d\n%s", code, body)
		}
		code, h, _ = f.form(t, f.adminC, "/admin/items/"+itoa(f.dipsy.ID)+"/delete", url.Values{})
		if code != http.StatusSeeOther || h.Get("Location") != "/admin/lines/tubbies" {
			t.Errorf("delete item = %d to %q", code, h.Get("Location"))
		}
		if _, err := s.Review(ctx, f.bobReview.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the item's review survived: %v", err)
		}
		if code, _ := f.page(t, f.adminC, "/admin/items/999999"); code != 404 {
			t.Errorf("missing item = %d", code)
		}
		if code, _ := f.page(t, f.adminC, "/admin/lines/nope/items/new"); code != 404 {
			t.Errorf("new item in a missing line = %d", code)
		}
	})
}

func TestAdminRemoveReview(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAdminFixture(t, s)
		// Enough reviews for two pages.
		for i := range adminReviewsPerPage + 2 {
			u := newMember(t, s, "fan"+itoa(int64(i))+"@example.com")
			if err := s.CreateReview(ctx, &store.Review{ItemID: f.dipsy.ID, UserID: u.ID, Rating: 5, Summary: "Fan number " + itoa(int64(i))}); err != nil {
				t.Fatal(err)
			}
		}
		path := "/admin/items/" + itoa(f.dipsy.ID)
		code, body := f.page(t, f.adminC, path)
		if code != 200 || !strings.Contains(body, "Reviews (23)") || strings.Count(body, `/remove">Remove`) != adminReviewsPerPage || !strings.Contains(body, `href="?page=2"`) {
			t.Errorf("item page = %d, %d remove links", code, strings.Count(body, `/remove">Remove`))
		}
		if _, body := f.page(t, f.adminC, path+"?page=2"); strings.Count(body, `/remove">Remove`) != 3 || !strings.Contains(body, "Too green") {
			t.Errorf("page 2 has %d reviews", strings.Count(body, `/remove">Remove`))
		}
		confirm := "/admin/reviews/" + itoa(f.bobReview.ID) + "/remove"
		code, body = f.page(t, f.adminC, confirm)
		if code != 200 || !strings.Contains(body, "Remove bob&#39;s review of Dipsy: 2 stars, &#34;Too green&#34;?") || !strings.Contains(body, `action="`+confirm+`"`) {
			t.Errorf("confirm removal = %d\n%s", code, body)
		}
		code, h, _ := f.form(t, f.adminC, confirm, url.Values{})
		if code != http.StatusSeeOther || h.Get("Location") != path {
			t.Fatalf("remove = %d to %q", code, h.Get("Location"))
		}
		if msg := f.flashOn(t, f.adminC, path); msg != "Removed bob's review of Dipsy." {
			t.Errorf("flash %q", msg)
		}
		wantItemCounts(t, s, f.dipsy.ID, [5]int{0, 0, 0, 0, 22})
		if code, _, _ := f.form(t, f.adminC, confirm, url.Values{}); code != 404 {
			t.Errorf("removing a removed review = %d", code)
		}
	})
}

func TestAdminMembers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAdminFixture(t, s)
		code, body := f.page(t, f.adminC, "/admin/members")
		for _, want := range []string{"3 accounts", "admin (you)", "ann@example.com", `<td class="num" data-label="Reviews">1</td>`, "Make admin", "Disable"} {
			if code != 200 || !strings.Contains(body, want) {
				t.Errorf("members page lacks %q", want)
			}
		}
		if strings.Contains(body, `action="/admin/members/`+itoa(f.admin.ID)+`/role"`) {
			t.Error("the admin is offered to revoke herself")
		}
		if _, body := f.page(t, f.adminC, "/admin/members?q=BOB"); !strings.Contains(body, "1 account matching") || strings.Contains(body, "ann@example.com") {
			t.Errorf("search for bob:\n%s", body)
		}
		if code, _ := f.page(t, f.adminC, "/admin/members?page=0"); code != 400 {
			t.Errorf("page 0 = %d", code)
		}
		if f.ts.signedInAs(t, f.annC) != "ann" {
			t.Fatal("Ann is not signed in")
		}
		ann := itoa(f.ann.ID)

		// Making Ann an admin ends her sessions; signed in again she has the admin pages.
		code, h, _ := f.form(t, f.adminC, "/admin/members/"+ann+"/role", url.Values{"admin": {"true"}, "back": {"/admin/members?q=ann"}})
		if code != http.StatusSeeOther || h.Get("Location") != "/admin/members?q=ann" {
			t.Fatalf("make admin = %d to %q", code, h.Get("Location"))
		}
		if msg := f.flashOn(t, f.adminC, "/admin/members"); !strings.Contains(msg, "ann is now an admin") {
			t.Errorf("flash %q", msg)
		}
		if got := f.ts.signedInAs(t, f.annC); got != "" {
			t.Errorf("Ann's session survived her promotion (signed in as %q)", got)
		}
		annAdmin, _ := s.User(ctx, f.ann.ID)
		if !annAdmin.IsAdmin {
			t.Fatal("Ann is not an admin")
		}
		if code, _ := f.page(t, f.ts.clientFor(t, annAdmin), "/admin"); code != 200 {
			t.Errorf("Ann's new session on /admin = %d", code)
		}
		// Asking again changes nothing and says so.
		f.form(t, f.adminC, "/admin/members/"+ann+"/role", url.Values{"admin": {"true"}})
		if msg := f.flashOn(t, f.adminC, "/admin/members"); !strings.Contains(msg, "Nothing changed") {
			t.Errorf("flash %q", msg)
		}
		// Revoking.
		if code, _, _ := f.form(t, f.adminC, "/admin/members/"+ann+"/role", url.Values{"admin": {"false"}}); code != http.StatusSeeOther {
			t.Errorf("revoke = %d", code)
		}
		if u, _ := s.User(ctx, f.ann.ID); u.IsAdmin {
			t.Error("revoke did not revoke")
		}

		// Disabling Bob signs him out, refuses his token and his sign-in; enabling restores the token.
		bobC := f.ts.clientFor(t, f.bob)
		bob := itoa(f.bob.ID)
		if code, h, _ := f.form(t, f.adminC, "/admin/members/"+bob+"/status", url.Values{"disabled": {"true"}, "back": {"https://evil.example/x"}}); code != http.StatusSeeOther || h.Get("Location") != "/admin/members" {
			t.Fatalf("disable = %d to %q", code, h.Get("Location"))
		}
		if got := f.ts.signedInAs(t, bobC); got != "" {
			t.Error("Bob's session survived his account being disabled")
		}
		if code, _, _ := f.ts.call(t, f.bobTok, "GET", "/api/v1/me", ""); code != 401 {
			t.Errorf("a disabled account's token = %d", code)
		}
		if _, body := f.page(t, f.adminC, "/admin/members?q=bob"); !strings.Contains(body, "<strong>Disabled</strong>") || !strings.Contains(body, "Enable") {
			t.Error("the members page does not show Bob disabled")
		}
		if code, _, _ := f.form(t, f.adminC, "/admin/members/"+bob+"/status", url.Values{"disabled": {"false"}}); code != http.StatusSeeOther {
			t.Errorf("enable = %d", code)
		}
		if code, _, _ := f.ts.call(t, f.bobTok, "GET", "/api/v1/me", ""); code != 200 {
			t.Errorf("an enabled account's token = %d", code)
		}

		// Refusals: oneself, odd values, unknown accounts.
		me := itoa(f.admin.ID)
		for _, tt := range []struct {
			path string
			form url.Values
			want int
		}{
			{"/admin/members/" + me + "/role", url.Values{"admin": {"false"}}, 409},
			{"/admin/members/" + me + "/status", url.Values{"disabled": {"true"}}, 409},
			{"/admin/members/" + ann + "/role", url.Values{"admin": {"yes"}}, 400},
			{"/admin/members/" + ann + "/status", url.Values{}, 400},
			{"/admin/members/999999/role", url.Values{"admin": {"true"}}, 404},
			{"/admin/members/abc/status", url.Values{"disabled": {"true"}}, 404},
		} {
			if code, _, body := f.form(t, f.adminC, tt.path, tt.form); code != tt.want {
				t.Errorf("POST %s %v = %d, want %d\n%s", tt.path, tt.form, code, tt.want, body)
			}
		}
		if u, _ := s.User(ctx, f.admin.ID); !u.IsAdmin || u.Disabled {
			t.Error("the admin demoted or disabled herself")
		}
		// Another admin can disable the first one, whose session ends at once.
		f.form(t, f.adminC, "/admin/members/"+ann+"/role", url.Values{"admin": {"true"}})
		annAdmin, _ = s.User(ctx, f.ann.ID)
		annC := f.ts.clientFor(t, annAdmin)
		if code, _, _ := f.form(t, annC, "/admin/members/"+me+"/status", url.Values{"disabled": {"true"}}); code != http.StatusSeeOther {
			t.Fatalf("Ann disabling the first admin = %d", code)
		}
		if code, _ := f.page(t, f.adminC, "/admin"); code != http.StatusSeeOther {
			t.Errorf("the disabled admin's session still opens /admin: %d", code)
		}
	})
}

// Every admin form goes through the cross-origin check like the rest of the site.
func TestAdminCrossOriginRefused(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	f := newAdminFixture(t, s)
	code, _, _ := f.ts.send(t, f.adminC, http.MethodPost, "/admin/lines", url.Values{"slug": {"toys"}, "name": {"Toys"}},
		"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	if code != http.StatusForbidden {
		t.Errorf("cross-site admin POST = %d, want 403", code)
	}
	if _, err := s.CategoryBySlug(context.Background(), "toys"); !errors.Is(err, store.ErrNotFound) {
		t.Error("a cross-site form created a line")
	}
}
