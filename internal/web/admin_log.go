package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/starboard/starboard/internal/store"
)

// The admin audit log: every admin action, from a form or the API, records who did what to
// which target in the action's own write transaction (store.Tx.Audit), and /admin/log shows
// the entries. Recording one is a line inside the write:
//
//	return srv.store.Write(ctx, func(tx *store.Tx) error {
//		if err := tx.DoTheThing(id); err != nil {
//			return err
//		}
//		return tx.Audit(auditEntry(r, store.ActionX, someTarget(x), "what changed"))
//	})

// adminLogPerPage is how many entries /admin/log shows at once.
const adminLogPerPage = 50

// auditEntry returns the entry of an action by the signed-in admin on target. Without a
// signed-in member it has no actor, which the store refuses, with the action.
func auditEntry(r *http.Request, action string, target store.AuditTarget, detail string) *store.AuditEntry {
	e := &store.AuditEntry{Action: action, Target: target, Detail: detail}
	if u := userFrom(r.Context()); u != nil {
		e.Actor = store.ActorOf(*u)
	}
	return e
}

// Targets, labelled as a person would recognise them later, after a rename or a delete.

func lineTarget(c store.Category) store.AuditTarget {
	return store.AuditTarget{Kind: store.TargetLine, ID: c.ID, Label: c.Name + " (" + c.Slug + ")"}
}

func itemTarget(it store.Item, lineName string) store.AuditTarget {
	return store.AuditTarget{Kind: store.TargetItem, ID: it.ID, Label: it.Name + " (" + it.Slug + ") in " + lineName}
}

func reviewTarget(rv store.Review, it store.Item) store.AuditTarget {
	return store.AuditTarget{Kind: store.TargetReview, ID: rv.ID, Label: rv.UserName + "'s review of " + it.Name}
}

func memberTarget(u store.User) store.AuditTarget {
	return store.AuditTarget{Kind: store.TargetMember, ID: u.ID, Label: u.DisplayName + " <" + u.Email + ">"}
}

// changeList says what an update changed, field by field: `slug ipads → tablets; name “iPads” →
// “Tablets”`. Long values are cut; an update that changed nothing says so.
type changeList []string

// text adds a field's change when its value changed.
func (cl *changeList) text(field, from, to string) {
	if from != to {
		*cl = append(*cl, field+" "+quoteShort(from)+" → "+quoteShort(to))
	}
}

// slug adds a slug's change, unquoted.
func (cl *changeList) slug(from, to string) {
	if from != to {
		*cl = append(*cl, "slug "+from+" → "+to)
	}
}

// attributes adds each attribute added, changed or removed, by key.
func (cl *changeList) attributes(from, to store.Attributes) {
	keys := make([]string, 0, len(from)+len(to))
	for k := range from {
		keys = append(keys, k)
	}
	for k := range to {
		if _, ok := from[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		old, had := from[k]
		v, has := to[k]
		switch {
		case !had:
			*cl = append(*cl, "+"+k+" "+quoteShort(v))
		case !has:
			*cl = append(*cl, "−"+k+" "+quoteShort(old))
		default:
			cl.text(k, old, v)
		}
	}
}

func (cl changeList) String() string {
	if len(cl) == 0 {
		return "nothing changed"
	}
	return strings.Join(cl, "; ")
}

// quoteShort quotes s for a detail, cut to 60 characters.
func quoteShort(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:59]) + "…"
	}
	return "“" + s + "”"
}

// The admin writes, each with its entry, in the caller's transaction: the forms run them in
// store.Write, the API in its create (idempotent or not) or in store.Write.

func createLineAudited(r *http.Request, tx *store.Tx, c *store.Category) error {
	if err := tx.CreateCategory(c); err != nil {
		return err
	}
	detail := ""
	if c.Description != "" {
		detail = "description " + quoteShort(c.Description)
	}
	return tx.Audit(auditEntry(r, store.ActionLineCreate, lineTarget(*c), detail))
}

func updateLineAudited(r *http.Request, tx *store.Tx, old store.Category, c *store.Category) error {
	if err := tx.UpdateCategory(c); err != nil {
		return err
	}
	var detail changeList
	detail.slug(old.Slug, c.Slug)
	detail.text("name", old.Name, c.Name)
	detail.text("description", old.Description, c.Description)
	detail.text("currency", old.Currency, c.Currency)
	return tx.Audit(auditEntry(r, store.ActionLineUpdate, lineTarget(*c), detail.String()))
}

func deleteLineAudited(r *http.Request, tx *store.Tx, c store.Category) error {
	if err := tx.DeleteCategory(c.ID); err != nil {
		return err
	}
	return tx.Audit(auditEntry(r, store.ActionLineDelete, lineTarget(c), fmt.Sprintf("with its %s and %s",
		plural(c.ItemCount, "item", "items"), plural(c.ReviewCount, "review", "reviews"))))
}

func createItemAudited(r *http.Request, tx *store.Tx, it *store.Item, lineName string) error {
	if err := tx.CreateItem(it); err != nil {
		return err
	}
	var detail changeList
	detail.attributes(nil, it.Attributes)
	return tx.Audit(auditEntry(r, store.ActionItemCreate, itemTarget(*it, lineName), strings.Join(detail, "; ")))
}

func updateItemAudited(r *http.Request, tx *store.Tx, old store.Item, it *store.Item, lineName string) error {
	if err := tx.UpdateItem(it); err != nil {
		return err
	}
	var detail changeList
	detail.slug(old.Slug, it.Slug)
	detail.text("name", old.Name, it.Name)
	detail.text("description", old.Description, it.Description)
	detail.attributes(old.Attributes, it.Attributes)
	return tx.Audit(auditEntry(r, store.ActionItemUpdate, itemTarget(*it, lineName), detail.String()))
}

func deleteItemAudited(r *http.Request, tx *store.Tx, it store.Item, lineName string) error {
	if err := tx.DeleteItem(it.ID); err != nil {
		return err
	}
	return tx.Audit(auditEntry(r, store.ActionItemDelete, itemTarget(it, lineName),
		"with its "+plural(it.Stats.Total(), "review", "reviews")))
}

func removeReviewAudited(r *http.Request, tx *store.Tx, rv store.Review, it store.Item) error {
	if err := tx.RemoveReview(rv.ID); err != nil {
		return err
	}
	return tx.Audit(auditEntry(r, store.ActionReviewRemove, reviewTarget(rv, it),
		fmt.Sprintf("%s, %s, by member %d", plural(rv.Rating, "star", "stars"), quoteShort(rv.Summary), rv.UserID)))
}

// The log page.

// logRow is one entry as /admin/log shows it.
type logRow struct {
	store.AuditEntry
	Ago  string // "5 minutes ago"
	Href string // the target's admin page while it exists; "" once it is gone
}

// logActor is one choice of the actor filter.
type logActor struct{ Value, Label string }

// logView is one page of the log with its filters.
type logView struct {
	Action, Actor      string // the filters asked for; "" for all
	Actions            []string
	Actors             []logActor
	Rows               []logRow
	Page               page
	PrevHref, NextHref string
}

// logHref returns the log's address for filters and a page.
func logHref(action, actor string, n int) string {
	return filteredHref("/admin/log", n, "action", action, "actor", actor)
}

// targetHref returns the admin page of an entry's target while it exists.
func targetHref(e store.AuditEntry) string {
	if !e.Now.Exists {
		return ""
	}
	switch e.Target.Kind {
	case store.TargetLine:
		return "/admin/lines/" + url.PathEscape(e.Now.Slug)
	case store.TargetItem:
		return "/admin/items/" + strconv.FormatInt(e.Target.ID, 10)
	case store.TargetReview:
		return "/admin/items/" + strconv.FormatInt(e.Now.ItemID, 10)
	case store.TargetMember:
		return membersHref(e.Now.Email, 1)
	}
	return ""
}

// agoText says how long ago d was, roughly: "just now", "5 minutes ago", "3 days ago".
func agoText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute", "minutes") + " ago"
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour", "hours") + " ago"
	}
	return plural(int(d/(24*time.Hour)), "day", "days") + " ago"
}

// adminLog lists the audit log, newest first, filtered by action or actor. A page past the last
// is 404.
func (srv *Server) adminLog(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := logView{Action: keepText(q.Get("action"), 100), Actor: keepText(q.Get("actor"), 300)}
	pg, field, msg := parsePageValues("", q.Get("page"), adminLogPerPage)
	if field != "" {
		return problemOf(http.StatusBadRequest, field, msg)
	}
	query := store.AuditQuery{Action: v.Action, Limit: pg.Limit, Offset: pg.offset()}
	switch v.Actor {
	case "":
	case store.CommandLine.Name: // no email has a space and no @
		query.ByActor = true
	default:
		query.ByActor, query.ActorEmail = true, v.Actor
	}
	entries, total, err := srv.store.AuditLog(r.Context(), query)
	if err != nil {
		return err
	}
	pg.Total = total
	if pg.Page > pg.Pages() {
		return errNotFound
	}
	actions, actors, err := srv.store.AuditFilters(r.Context())
	if err != nil {
		return err
	}
	v.Actions, v.Page = actions, pg
	for _, a := range actors {
		if a.Email == "" {
			v.Actors = append(v.Actors, logActor{Value: a.Name, Label: a.Name})
		} else {
			v.Actors = append(v.Actors, logActor{Value: a.Email, Label: a.Name + " <" + a.Email + ">"})
		}
	}
	now := time.Now()
	for _, e := range entries {
		v.Rows = append(v.Rows, logRow{AuditEntry: e, Ago: agoText(now.Sub(e.At)), Href: targetHref(e)})
	}
	if pg.Page > 1 {
		v.PrevHref = logHref(v.Action, v.Actor, pg.Page-1)
	}
	if pg.Page < pg.Pages() {
		v.NextHref = logHref(v.Action, v.Actor, pg.Page+1)
	}
	return srv.render(w, r, http.StatusOK, "admin_log", view{Title: "Admin: log", Data: v})
}
