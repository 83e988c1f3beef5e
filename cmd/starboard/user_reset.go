package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/config"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/web"
)

// userResetLink prints a single-use link that sets a new password for an account, valid for an
// hour, for an admin to pass on to a member who forgot theirs. The site's address comes from
// --base-url or BASE_URL: the link is only useful whole.
func (e env) userResetLink(ctx context.Context, args []string) error {
	fs := e.flags("user reset-link")
	var f config.Flags
	var email string
	fs.StringVar(&f.Database, "db", "", "SQLite path or database URL (default $DATABASE_URL or ./starboard.db)")
	fs.StringVar(&email, "email", "", "the account's email address (required)")
	fs.StringVar(&f.BaseURL, "base-url", "", "the site's public address, e.g. https://reviews.example.com (default $BASE_URL)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	email, err := auth.CheckEmail(email)
	if err != nil {
		return usageError{fmt.Errorf("--email: %w", err)}
	}
	s, cfg, err := e.openMigrated(ctx, f)
	if err != nil {
		return err
	}
	defer s.Close()
	if cfg.BaseURL == "" {
		return usageError{errors.New("the link needs the site's public address: set BASE_URL or pass --base-url https://reviews.example.com")}
	}
	u, err := s.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return usageError{fmt.Errorf("no account has the email %s", email)}
	}
	if err != nil {
		return err
	}
	if u.Disabled {
		return usageError{fmt.Errorf("the account %s is disabled: enable it first (on /admin/members)", email)}
	}
	link, err := web.NewResetLink(ctx, s, u, cfg.BaseURL, &store.AuditEntry{Actor: store.CommandLine,
		Action: store.ActionResetLinkCreate, Detail: "valid one hour",
		Target: store.AuditTarget{Kind: store.TargetMember, ID: u.ID, Label: u.DisplayName + " <" + u.Email + ">"}})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, link)
	fmt.Fprintf(e.stderr, "A link for %s (%s): it sets a new password once, within an hour, and signs them out everywhere else. Pass it on privately.\n",
		u.Email, u.DisplayName)
	return nil
}
