package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// auditWatch follows the audit log, for "this request left exactly this entry" checks.
type auditWatch struct {
	s    *store.Store
	seen int
}

// all returns every entry, newest first.
func (aw *auditWatch) all(t *testing.T) []store.AuditEntry {
	t.Helper()
	entries, total, err := aw.s.AuditLog(context.Background(), store.AuditQuery{Limit: 1000})
	if err != nil || total != len(entries) {
		t.Fatalf("audit log: %d of %d, %v", len(entries), total, err)
	}
	return entries
}

// one wants exactly one new entry since the last check, by actor, with the action, target label
// and detail given.
func (aw *auditWatch) one(t *testing.T, what string, actor store.User, action, label, detail string) store.AuditEntry {
	t.Helper()
	entries := aw.all(t)
	if len(entries) != aw.seen+1 {
		t.Fatalf("%s: %d new audit entries, want 1: %+v", what, len(entries)-aw.seen, entries[:len(entries)-aw.seen])
	}
	aw.seen++
	e := entries[0]
	if e.Actor != store.ActorOf(actor) || e.Action != action || e.Target.Label != label || e.Detail != detail || e.At.IsZero() {
		t.Errorf("%s: entry %+v\nwant by %s: %s %q %q", what, e, actor.Email, action, label, detail)
	}
	return e
}

// none wants no new entry since the last check.
func (aw *auditWatch) none(t *testing.T, what string) {
	t.Helper()
	if entries := aw.all(t); len(entries) != aw.seen {
		t.Errorf("%s: %d new audit entries, want none: %+v", what, len(entries)-aw.seen, entries[:len(entries)-aw.seen])
	}
}

func TestAuditFormActions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAdminFixture(t, s)
		aw := &auditWatch{s: s}
		admin := f.admin
		post := func(path string, v url.Values, want int) {
			t.Helper()
			if code, _, body := f.form(t, f.adminC, path, v); code != want {
				t.Fatalf("POST %s = %d, want %d\n%s", path, code, want, body)
			}
		}
		po, ann := itoa(f.po.ID), itoa(f.ann.ID)

		post("/admin/lines", url.Values{"slug": {"toys"}, "name": {"Toys"}}, 303)
		line := aw.one(t, "create line", admin, store.ActionLineCreate, "Toys (toys)", "")
		post("/admin/lines/toys", url.Values{"slug": {"games"}, "name": {"Games"}, "description": {"To play"}}, 303)
		aw.one(t, "update line", admin, store.ActionLineUpdate, "Games (games)", "slug toys → games; name “Toys” → “Games”; description “” → “To play”")
		post("/admin/lines/games", url.Values{"slug": {"tubbies"}, "name": {"Games"}}, 422)
		aw.none(t, "a line renamed to a taken slug")
		post("/admin/lines/games", url.Values{"slug": {""}, "name": {"Games"}}, 422)
		aw.none(t, "a line form with errors")

		post("/admin/lines/tubbies/items", url.Values{"slug": {"laa-laa"}, "name": {"Laa-Laa"}, "attr_key": {"colour"}, "attr_value": {"Yellow"}}, 303)
		aw.one(t, "create item", admin, store.ActionItemCreate, "Laa-Laa (laa-laa) in Tellytubbies", "+colour “Yellow”")
		post("/admin/items/"+po, url.Values{"slug": {"po"}, "name": {"Po"}, "attr_key": {"colour", "size"}, "attr_value": {"Blue", "S"}}, 303)
		aw.one(t, "update item", admin, store.ActionItemUpdate, "Po (po) in Tellytubbies", "colour “Red” → “Blue”; +size “S”")
		post("/admin/items/"+po, url.Values{"slug": {"po"}, "name": {"Po"}, "attr_key": {"colour", "size"}, "attr_value": {"Blue", "S"}}, 303)
		aw.one(t, "save an item unchanged", admin, store.ActionItemUpdate, "Po (po) in Tellytubbies", "nothing changed")
		post("/admin/items/"+po, url.Values{"slug": {"dipsy"}, "name": {"Po"}}, 422)
		aw.none(t, "an item renamed to a taken slug")

		post("/admin/members/"+ann+"/role", url.Values{"admin": {"true"}}, 303)
		aw.one(t, "promote", admin, store.ActionMemberPromote, "ann <ann@example.com>", "")
		post("/admin/members/"+ann+"/role", url.Values{"admin": {"true"}}, 303)
		aw.none(t, "promote an admin")
		post("/admin/members/"+ann+"/status", url.Values{"disabled": {"true"}}, 303)
		aw.one(t, "disable", admin, store.ActionMemberDisable, "ann <ann@example.com>", "")
		post("/admin/members/"+ann+"/status", url.Values{"disabled": {"false"}}, 303)
		aw.one(t, "enable", admin, store.ActionMemberEnable, "ann <ann@example.com>", "")
		post("/admin/members/"+ann+"/role", url.Values{"admin": {"false"}}, 303)
		aw.one(t, "demote", admin, store.ActionMemberDemote, "ann <ann@example.com>", "")
		post("/admin/members/"+itoa(admin.ID)+"/role", url.Values{"admin": {"false"}}, 409)
		aw.none(t, "an admin demoting themselves")

		post("/admin/reviews/"+itoa(f.bobReview.ID)+"/remove", url.Values{}, 303)
		aw.one(t, "remove review", admin, store.ActionReviewRemove, "bob's review of Dipsy",
			fmt.Sprintf("2 stars, “Too green”, by member %d", f.bob.ID))
		post("/admin/reviews/"+itoa(f.bobReview.ID)+"/remove", url.Values{}, 404)
		aw.none(t, "remove a removed review")
		post("/admin/items/"+po+"/delete", url.Values{}, 303)
		aw.one(t, "delete item", admin, store.ActionItemDelete, "Po (po) in Tellytubbies", "with its 0 reviews")
		post("/admin/lines/games/delete", url.Values{}, 303)
		aw.one(t, "delete line", admin, store.ActionLineDelete, "Games (games)", "with its 0 items and 0 reviews")

		// Refused requests by a member record nothing.
		f.form(t, f.annC, "/admin/lines", url.Values{"slug": {"x"}, "name": {"X"}})
		aw.none(t, "a member's admin form")
		if e := aw.all(t)[len(aw.all(t))-1]; e.ID != line.ID {
			t.Errorf("oldest entry %+v", e)
		}
	})
}

func TestAuditAPIActions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAPIFixture(t, s)
		aw := &auditWatch{s: s}
		admin, tok := f.admin, f.adminTok
		call := func(token, method, path, body string, want int, header ...string) string {
			t.Helper()
			code, _, out := f.ts.call(t, token, method, path, body, header...)
			if code != want {
				t.Fatalf("%s %s = %d, want %d\n%s", method, path, code, want, out)
			}
			return out
		}

		call(tok, "POST", "/api/v1/categories", `{"slug": "books", "name": "Books", "description": "To read"}`, 201)
		aw.one(t, "create line", admin, store.ActionLineCreate, "Books (books)", "description “To read”")
		call(tok, "POST", "/api/v1/categories", `{"slug": "books", "name": "Books again"}`, 409)
		aw.none(t, "create a line with a taken slug")
		call(tok, "PATCH", "/api/v1/categories/books", `{"name": "Good books"}`, 200)
		aw.one(t, "update line", admin, store.ActionLineUpdate, "Good books (books)", "name “Books” → “Good books”")
		call(tok, "PATCH", "/api/v1/categories/books", `{"slug": "tubbies"}`, 409)
		aw.none(t, "rename a line to a taken slug")
		call(tok, "PATCH", "/api/v1/categories/books", `{"slug": ""}`, 422)
		aw.none(t, "an invalid line")

		// An idempotent create retried records once.
		body := `{"category": "books", "slug": "dune", "name": "Dune", "attributes": {"author": "Frank Herbert"}}`
		out := call(tok, "POST", "/api/v1/items", body, 201, "Idempotency-Key", "k-1")
		call(tok, "POST", "/api/v1/items", body, 201, "Idempotency-Key", "k-1")
		aw.one(t, "create item, twice with one key", admin, store.ActionItemCreate, "Dune (dune) in Good books", "+author “Frank Herbert”")
		var it apiItem
		json.Unmarshal([]byte(out), &it)
		itemPath := "/api/v1/items/" + itoa(it.ID)
		call(tok, "POST", "/api/v1/items", `{"category": "books", "slug": "dune", "name": "Dune 2"}`, 409)
		aw.none(t, "create an item with a taken slug")
		call(tok, "PATCH", itemPath, `{"slug": "dune-1965", "attributes": {}}`, 200)
		aw.one(t, "update item", admin, store.ActionItemUpdate, "Dune (dune-1965) in Good books", "slug dune → dune-1965; −author “Frank Herbert”")

		// Reviews: an admin removing another's review is moderation; their own, and a member's
		// own, are not admin actions.
		own := store.Review{ItemID: f.po.ID, UserID: admin.ID, Rating: 5, Summary: "My own"}
		anns := store.Review{ItemID: f.po.ID, UserID: f.ann.ID, Rating: 1, Summary: "Not for me"}
		for _, rv := range []*store.Review{&own, &anns} {
			if err := s.CreateReview(context.Background(), rv); err != nil {
				t.Fatal(err)
			}
		}
		call(f.bobTok, "DELETE", f.revPath, "", 204)
		aw.none(t, "a member deletes their own review")
		call(tok, "DELETE", "/api/v1/reviews/"+itoa(own.ID), "", 204)
		aw.none(t, "an admin deletes their own review")
		call(tok, "DELETE", "/api/v1/reviews/"+itoa(anns.ID), "", 204)
		aw.one(t, "remove review", admin, store.ActionReviewRemove, "ann's review of Po", fmt.Sprintf("1 star, “Not for me”, by member %d", f.ann.ID))
		call(tok, "DELETE", "/api/v1/reviews/"+itoa(anns.ID), "", 404)
		aw.none(t, "remove a removed review")
		call(f.annTok, "DELETE", itemPath, "", 403)
		aw.none(t, "a member deletes an item")

		call(tok, "DELETE", itemPath, "", 204)
		aw.one(t, "delete item", admin, store.ActionItemDelete, "Dune (dune-1965) in Good books", "with its 0 reviews")
		call(tok, "DELETE", itemPath, "", 404)
		aw.none(t, "delete a deleted item")
		call(tok, "DELETE", "/api/v1/categories/books", "", 204)
		aw.one(t, "delete line", admin, store.ActionLineDelete, "Good books (books)", "with its 0 items and 0 reviews")
	})
}

func TestAdminLogPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAdminFixture(t, s)
		// Members see nothing there; visitors are sent to sign in.
		if code, body := f.page(t, f.annC, "/admin/log"); code != http.StatusNotFound || strings.Contains(body, "admin-log") {
			t.Errorf("member GET /admin/log = %d", code)
		}
		if code, h, _ := f.ts.send(t, f.ts.newClient(), "GET", "/admin/log", nil); code != http.StatusSeeOther || h.Get("Location") != "/login?next=%2Fadmin%2Flog" {
			t.Errorf("visitor GET /admin/log = %d %q", code, h.Get("Location"))
		}
		if code, body := f.page(t, f.adminC, "/admin/log"); code != 200 || !strings.Contains(body, "No entries yet.") ||
			!strings.Contains(body, `<a href="/admin/log" aria-current="page">Log</a>`) {
			t.Errorf("empty log = %d\n%s", code, body)
		}

		// A promotion from the member list, then 54 more entries: 55 in all, 50 a page.
		if code, _, body := f.form(t, f.adminC, "/admin/members/"+itoa(f.ann.ID)+"/role", url.Values{"admin": {"true"}}); code != 303 {
			t.Fatalf("promote = %d %s", code, body)
		}
		for i := range 54 {
			e := store.AuditEntry{Actor: store.CommandLine, Action: store.ActionLineCreate, Target: store.AuditTarget{Kind: store.TargetLine, ID: f.line.ID, Label: fmt.Sprintf("line %d", i)}}
			if i%2 == 1 {
				e.Actor, e.Action = store.ActorOf(f.ann), store.ActionItemDelete
				e.Target = store.AuditTarget{Kind: store.TargetItem, ID: 987654, Label: fmt.Sprintf("item %d <b>", i)}
			}
			if err := s.Audit(ctx, &e); err != nil {
				t.Fatal(err)
			}
		}
		_, page1 := f.page(t, f.adminC, "/admin/log")
		for _, want := range []string{
			"55 entries", `<a href="/admin/log?page=2" rel="next">Older entries</a>`, "Page 1 of 2",
			`<a href="/admin/lines/tubbies">line 52</a>`, // the newest first; a line that exists links to it
			`item 53 &lt;b&gt; <span class="meta">(gone)</span>`,
			`<option value="command line">command line</option>`, `<option value="ann@example.com">ann &lt;ann@example.com&gt;</option>`,
			`<option value="member.promote">member.promote</option>`,
		} {
			if !strings.Contains(page1, want) {
				t.Errorf("page 1 lacks %s", want)
			}
		}
		if n := strings.Count(page1, "<tr>") - 1; n != 50 {
			t.Errorf("page 1 has %d rows, want 50", n)
		}
		code, page2 := f.page(t, f.adminC, "/admin/log?page=2")
		if n := strings.Count(page2, "<tr>") - 1; code != 200 || n != 5 || !strings.Contains(page2, `<a href="/admin/log" rel="prev">Newer entries</a>`) ||
			!strings.Contains(page2, "member.promote") || !strings.Contains(page2, `<a href="/admin/members?q=ann%40example.com">ann &lt;ann@example.com&gt;</a>`) ||
			!strings.Contains(page2, "admin@example.com") {
			t.Errorf("page 2 = %d with %d rows\n%s", code, n, page2)
		}
		for path, want := range map[string]int{"/admin/log?page=3": 404, "/admin/log?page=0": 400, "/admin/log?page=x": 400,
			"/admin/log?action=line.create&page=2": 404, "/admin/log?action=nope": 200, "/admin/log?action=nope&page=2": 404} {
			if code, _ := f.page(t, f.adminC, path); code != want {
				t.Errorf("GET %s = %d, want %d", path, code, want)
			}
		}

		// Filters, each keeping its choice selected and its paging.
		_, byAction := f.page(t, f.adminC, "/admin/log?action=item.delete")
		if !strings.Contains(byAction, "27 entries matching") || strings.Contains(byAction, "line 52") ||
			!strings.Contains(byAction, `<option value="item.delete" selected>`) {
			t.Errorf("by action:\n%s", byAction)
		}
		_, byCLI := f.page(t, f.adminC, "/admin/log?actor=command+line")
		if !strings.Contains(byCLI, "27 entries matching") || strings.Contains(byCLI, "item 53") ||
			!strings.Contains(byCLI, `<option value="command line" selected>`) {
			t.Errorf("by the command line:\n%s", byCLI)
		}
		_, byAdmin := f.page(t, f.adminC, "/admin/log?actor=admin%40example.com&action=member.promote")
		if !strings.Contains(byAdmin, "1 entry matching") || !strings.Contains(byAdmin, "member.promote</code>") {
			t.Errorf("by admin and action:\n%s", byAdmin)
		}
		_, none := f.page(t, f.adminC, "/admin/log?actor=nobody%40example.com")
		if !strings.Contains(none, "No entries match.") {
			t.Errorf("by an unknown actor:\n%s", none)
		}
		_, paged := f.page(t, f.adminC, "/admin/log?action=line.create&actor=command+line")
		if strings.Contains(paged, "rel=\"next\"") {
			t.Errorf("27 entries should fit one page")
		}
	})
}

func TestAgoText(t *testing.T) {
	t.Parallel()
	for d, want := range map[string]string{"30s": "just now", "1m": "1 minute ago", "59m": "59 minutes ago", "47h": "47 hours ago", "48h": "2 days ago"} {
		dur, _ := time.ParseDuration(d)
		if got := agoText(dur); got != want {
			t.Errorf("agoText(%s) = %q, want %q", d, got, want)
		}
	}
}
