package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
)

// user runs the account subcommands: create, list and reset-link.
func (e env) user(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{errors.New("want a subcommand: user create, user list or user reset-link")}
	}
	switch args[0] {
	case "create":
		return e.userCreate(ctx, args[1:])
	case "list":
		return e.userList(ctx, args[1:])
	case "reset-link":
		return e.userResetLink(ctx, args[1:])
	}
	return usageError{fmt.Errorf("unknown subcommand %q: want user create, user list or user reset-link", args[0])}
}

// userCreate creates an account. The password is read from standard input (its first line), or
// asked for twice without echo when standard input is a terminal; never from the command line,
// where other users and shell history could see it.
func (e env) userCreate(ctx context.Context, args []string) error {
	fs := e.flags("user create")
	var db, email, name string
	var admin bool
	fs.StringVar(&db, "db", "", "SQLite path or database URL (default $DATABASE_URL or ./starboard.db)")
	fs.StringVar(&email, "email", "", "the account's email address (required)")
	fs.StringVar(&name, "name", "", "display name (default: the part of the email before @)")
	fs.BoolVar(&admin, "admin", false, "make the account an admin")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	email, err := auth.CheckEmail(email)
	if err != nil {
		return usageError{fmt.Errorf("--email: %w", err)}
	}
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	if name, err = auth.CheckDisplayName(name); err != nil {
		return usageError{fmt.Errorf("--name: %w", err)}
	}
	pw, err := e.readNewPassword()
	if err != nil {
		return err
	}
	if err := auth.ValidatePassword(pw, email, name); err != nil {
		return usageError{fmt.Errorf("password refused: %w", err)}
	}

	s, err := e.openMigratedDB(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	u := store.User{Email: email, DisplayName: name, PasswordHash: auth.HashPassword(pw), IsAdmin: admin}
	if admin {
		// Making an admin is an admin action: the audit log names the command line as its actor.
		e := &store.AuditEntry{Actor: store.CommandLine, Action: store.ActionMemberCreate, Detail: "as an admin"}
		err = s.Audited(ctx, e, func(tx *store.Tx) error {
			if err := tx.CreateUser(&u); err != nil {
				return err
			}
			e.Target = store.AuditTarget{Kind: store.TargetMember, ID: u.ID, Label: u.DisplayName + " <" + u.Email + ">"}
			return nil
		})
	} else {
		err = s.CreateUser(ctx, &u)
	}
	if errors.Is(err, store.ErrConflict) {
		return usageError{fmt.Errorf("an account with the email %s already exists", email)}
	}
	if err != nil {
		return err
	}
	role := "member"
	if u.IsAdmin {
		role = "admin"
	}
	fmt.Fprintf(e.stdout, "created %s %s (%s), id %d\n", role, u.Email, u.DisplayName, u.ID)
	return nil
}

// readNewPassword reads the password: prompted twice without echo on a terminal, else the first
// line of standard input.
func (e env) readNewPassword() (string, error) {
	if f, ok := e.stdin.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(e.stderr, "Password: ")
		pw, err := readHidden(f)
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(e.stderr, "Password again: ")
		again, err := readHidden(f)
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if pw != again {
			return "", usageError{errors.New("the two passwords differ")}
		}
		return pw, nil
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", usageError{errors.New("no password on standard input: pipe it in, e.g. `starboard user create --email E < file`, or run in a terminal to be asked")}
	}
	return line, nil
}

// userList prints every account.
func (e env) userList(ctx context.Context, args []string) error {
	fs := e.flags("user list")
	var db string
	fs.StringVar(&db, "db", "", "SQLite path or database URL (default $DATABASE_URL or ./starboard.db)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	s, err := e.openMigratedDB(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	users, err := s.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tSTATUS\tCREATED")
	for _, u := range users {
		role, status := "member", "active"
		if u.IsAdmin {
			role = "admin"
		}
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.DisplayName, role, status, u.CreatedAt.Format("2006-01-02 15:04"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d accounts\n", len(users))
	return nil
}
