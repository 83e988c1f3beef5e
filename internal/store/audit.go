package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The admin audit log (admin_log, migration 00016): one entry per admin action, saying who did
// what to which target, when. An entry is written inside the action's own transaction, so an
// action that fails leaves no entry and an action that commits cannot lose its entry:
//
//	err := s.Audited(ctx, entry, func(tx *Tx) error { return tx.UpdateCategory(&c) })
//
// or, when the write decides whether anything happened, tx.Audit(entry) inside Write. Audit
// records on its own transaction, for an action the store does not do in one transaction.
// The actor's email and name and the target's label are copies taken at the time: the entry
// reads the same after the account or the target is gone. Entries are never changed or deleted.

// The action codes recorded so far. A code is "kind.verb"; the kind before the dot is the
// target's kind unless the entry names another.
const (
	ActionLineCreate   = "line.create"
	ActionLineUpdate   = "line.update"
	ActionLineDelete   = "line.delete"
	ActionItemCreate   = "item.create"
	ActionItemUpdate   = "item.update"
	ActionItemDelete   = "item.delete"
	ActionReviewRemove = "review.remove"
	// An item's pictures: the entry's target is the item.
	ActionPictureAdd    = "picture.add"
	ActionPictureDelete = "picture.delete"
	ActionPictureMove   = "picture.move"
	ActionMemberCreate  = "member.create"
	ActionMemberPromote = "member.promote"
	ActionMemberDemote  = "member.demote"
	ActionMemberDisable = "member.disable"
	ActionMemberEnable  = "member.enable"
	// Reserved for the review reports and password reset branches.
	ActionReportDismiss   = "report.dismiss"
	ActionResetLinkCreate = "reset_link.create"
)

// The target kinds the log knows how to link to while the target exists.
const (
	TargetLine   = "line"
	TargetItem   = "item"
	TargetReview = "review"
	TargetMember = "member"
)

// auditDetailMax bounds an entry's detail, in characters: it says what changed, not the whole
// record.
const auditDetailMax = 2000

// Actor is who did an admin action: an account, or no account (ID 0) for the command line.
type Actor struct {
	ID    int64
	Email string
	Name  string
}

// CommandLine is the actor of admin actions run by `starboard` subcommands on the server.
var CommandLine = Actor{Name: "command line"}

// ActorOf returns the account u as an actor.
func ActorOf(u User) Actor { return Actor{ID: u.ID, Email: u.Email, Name: u.DisplayName} }

// AuditTarget is what an admin action acted on: its kind (TargetLine, …), its id (0 for none)
// and a label a person recognises, captured at the time ("iPads (ipads)").
type AuditTarget struct {
	Kind  string
	ID    int64
	Label string
}

// AuditEntry is one admin action in the log.
type AuditEntry struct {
	ID     int64     // set when recorded
	At     time.Time // set when recorded: the action's transaction time, UTC
	Actor  Actor     // Actor.ID is 0 once the account is deleted
	Action string    // a code such as ActionLineUpdate
	Target AuditTarget
	// Detail says what changed, for a person: "slug ipads → tablets". Never a secret, a
	// password hash or a link that grants access.
	Detail string
	// Now is where the target is when the log is read (AuditLog fills it).
	Now AuditTargetNow
}

// AuditTargetNow is what is left of an entry's target when the log is read.
type AuditTargetNow struct {
	Exists bool
	Slug   string // a line's current slug
	ItemID int64  // a review's item
	Email  string // a member's current email
}

// Audit records e inside the transaction, at its time, and sets e.ID and e.At.
func (t *Tx) Audit(e *AuditEntry) error {
	return translate(insertAudit(t.ctx, t.tx, e, t.t))
}

// Audited runs fn in one write transaction and records e in it when fn succeeds: both commit,
// or neither. It sets e.ID and e.At.
func (s *Store) Audited(ctx context.Context, e *AuditEntry, fn func(*Tx) error) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.Audit(e)
	})
}

// Audit records e on its own, for an action already done outside the store's transactions.
// Prefer Audited or Tx.Audit, which cannot lose the entry. It sets e.ID and e.At.
func (s *Store) Audit(ctx context.Context, e *AuditEntry) error {
	t := now()
	return wrap("audit", s.tx(ctx, func(tx *sql.Tx) error { return insertAudit(ctx, tx, e, t) }))
}

func insertAudit(ctx context.Context, tx *sql.Tx, e *AuditEntry, t time.Time) error {
	if e.Action == "" || (e.Actor.Email == "" && e.Actor.Name == "") {
		return fmt.Errorf("%w: an audit entry needs an action and an actor", ErrInvalid)
	}
	if e.Target.Kind == "" {
		e.Target.Kind, _, _ = strings.Cut(e.Action, ".")
	}
	e.Detail = clip(e.Detail, auditDetailMax)
	e.Target.Label = clip(e.Target.Label, 500)
	var actorID, targetID sql.NullInt64
	if e.Actor.ID != 0 {
		actorID = sql.NullInt64{Int64: e.Actor.ID, Valid: true}
	}
	if e.Target.ID != 0 {
		targetID = sql.NullInt64{Int64: e.Target.ID, Valid: true}
	}
	if err := tx.QueryRowContext(ctx,
		`INSERT INTO admin_log (at, actor_id, actor_email, actor_name, action, target_kind, target_id, target_label, detail)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		t, actorID, e.Actor.Email, e.Actor.Name, e.Action, e.Target.Kind, targetID, e.Target.Label, e.Detail).Scan(&e.ID); err != nil {
		return err
	}
	e.At = t
	return nil
}

// clip cuts s to at most n characters, ending it with "…" when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// AuditQuery selects one page of the log.
type AuditQuery struct {
	Action string // keeps entries with this action code; "" keeps all
	// ByActor keeps only the entries of the actor whose email (as captured) is ActorEmail; the
	// command line's email is "".
	ByActor    bool
	ActorEmail string
	Limit      int
	Offset     int
}

// AuditLog returns one page of the log, newest first, each entry with where its target is now,
// and how many entries match in all.
func (s *Store) AuditLog(ctx context.Context, q AuditQuery) ([]AuditEntry, int, error) {
	var where []string
	var args []any
	if q.Action != "" {
		args = append(args, q.Action)
		where = append(where, `a.action = `+placeholder(len(args)))
	}
	if q.ByActor {
		args = append(args, q.ActorEmail)
		where = append(where, `a.actor_email = `+placeholder(len(args)))
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM admin_log a`+cond, args...).Scan(&total); err != nil {
		return nil, 0, wrap("count audit log", err)
	}
	n := len(args)
	rows, err := s.r.QueryContext(ctx,
		`SELECT a.id, a.at, a.actor_id, a.actor_email, a.actor_name, a.action, a.target_kind, a.target_id, a.target_label, a.detail,
		   (SELECT c.slug FROM categories c WHERE a.target_kind = 'line' AND c.id = a.target_id),
		   (SELECT i.id FROM items i WHERE a.target_kind = 'item' AND i.id = a.target_id),
		   (SELECT r.item_id FROM reviews r WHERE a.target_kind = 'review' AND r.id = a.target_id),
		   (SELECT u.email FROM users u WHERE a.target_kind = 'member' AND u.id = a.target_id)
		 FROM admin_log a`+cond+fmt.Sprintf(` ORDER BY a.id DESC LIMIT $%d OFFSET $%d`, n+1, n+2),
		append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, wrap("read audit log", err)
	}
	defer rows.Close()
	out := make([]AuditEntry, 0, q.Limit)
	for rows.Next() {
		var e AuditEntry
		var actorID, targetID, itemID, reviewItemID sql.NullInt64
		var lineSlug, email sql.NullString
		if err := rows.Scan(&e.ID, &e.At, &actorID, &e.Actor.Email, &e.Actor.Name, &e.Action, &e.Target.Kind, &targetID,
			&e.Target.Label, &e.Detail, &lineSlug, &itemID, &reviewItemID, &email); err != nil {
			return nil, 0, wrap("read audit log", err)
		}
		e.At = e.At.UTC()
		e.Actor.ID, e.Target.ID = actorID.Int64, targetID.Int64
		e.Now = AuditTargetNow{Exists: lineSlug.Valid || itemID.Valid || reviewItemID.Valid || email.Valid,
			Slug: lineSlug.String, ItemID: reviewItemID.Int64, Email: email.String}
		out = append(out, e)
	}
	return out, total, wrap("read audit log", rows.Err())
}

// AuditFilters returns the action codes and the actors that appear in the log, for choosing
// among them: codes sorted, actors by email (the command line's "" first).
func (s *Store) AuditFilters(ctx context.Context) (actions []string, actors []Actor, err error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT action FROM admin_log ORDER BY action`)
	if err != nil {
		return nil, nil, wrap("audit log actions", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, nil, wrap("audit log actions", err)
		}
		actions = append(actions, a)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, wrap("audit log actions", err)
	}
	rows.Close()
	rows, err = s.r.QueryContext(ctx, `SELECT actor_email, MAX(actor_name) FROM admin_log GROUP BY actor_email ORDER BY actor_email`)
	if err != nil {
		return nil, nil, wrap("audit log actors", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Actor
		if err := rows.Scan(&a.Email, &a.Name); err != nil {
			return nil, nil, wrap("audit log actors", err)
		}
		actors = append(actors, a)
	}
	return actions, actors, wrap("audit log actors", rows.Err())
}
