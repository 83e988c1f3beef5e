package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// runWithInput runs the command in-process with stdin, and returns its exit status and output.
func runWithInput(t *testing.T, environ map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"starboard"}, args...), strings.NewReader(stdin), &stdout, &stderr,
		func(k string) string { return environ[k] })
	return code, stdout.String(), stderr.String()
}

func TestUserCreateAndList(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			opt := storetest.Options(t, d)
			db := opt.DSN
			if d == store.SQLite {
				db = "sqlite:" + db
			}
			env := map[string]string{"DATABASE_URL": db}
			const pw = "a long operator passphrase"

			code, out, errOut := runWithInput(t, env, pw+"\n", "user", "create", "--admin", "--email", "Root@Example.com", "--name", "Root")
			if code != 0 || !strings.Contains(out, "created admin root@example.com (Root)") {
				t.Fatalf("user create --admin: %d %q %q", code, out, errOut)
			}
			// Without --admin, on a site that has one: a member; the name defaults from the email.
			code, out, errOut = runWithInput(t, env, pw, "user", "create", "--email", "ann@example.com")
			if code != 0 || !strings.Contains(out, "created member ann@example.com (ann)") {
				t.Fatalf("user create: %d %q %q", code, out, errOut)
			}

			refusals := []struct {
				name, stdin string
				args        []string
				want        string
			}{
				{"taken email", pw, []string{"--email", "ROOT@example.com"}, "already exists"},
				{"taken email for an admin", pw, []string{"--admin", "--email", "ann@example.com"}, "already exists"},
				{"no email", pw, nil, "--email"},
				{"bad email", pw, []string{"--email", "root"}, "--email"},
				{"common password", "password1\n", []string{"--email", "x@example.com"}, "most common"},
				{"short password", "short\n", []string{"--email", "x@example.com"}, "at least 8"},
				{"no password", "", []string{"--email", "x@example.com"}, "no password on standard input"},
				{"password in argv", pw, []string{"--email", "x@example.com", "--password", pw}, "flag provided but not defined"},
			}
			for _, tt := range refusals {
				code, out, errOut := runWithInput(t, env, tt.stdin, append([]string{"user", "create"}, tt.args...)...)
				if code != exitUsage || !strings.Contains(errOut, tt.want) || out != "" {
					t.Errorf("%s: exit %d, stdout %q, stderr %q; want 2 naming %q", tt.name, code, out, errOut, tt.want)
				}
			}

			code, out, errOut = runWithInput(t, env, "", "user", "list")
			if code != 0 {
				t.Fatalf("user list: %d %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 4 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[1], "root@example.com") ||
				!strings.Contains(lines[1], "admin") || !strings.Contains(lines[2], "ann@example.com") ||
				!strings.Contains(lines[2], "member") || lines[3] != "2 accounts" {
				t.Errorf("user list:\n%s", out)
			}
			if strings.Contains(out, "argon2") || strings.Contains(out, pw) {
				t.Error("user list shows password material")
			}

			// The created account signs in with the password given on stdin.
			s, err := store.Open(context.Background(), opt)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			u, err := s.UserByEmail(context.Background(), "root@example.com")
			if err != nil || !u.IsAdmin || !auth.VerifyPassword(pw, u.PasswordHash) {
				t.Errorf("stored admin %+v, %v", u, err)
			}
			// Only the admin's creation is an admin action, by the command line; the refused
			// one left nothing.
			log, n, err := s.AuditLog(context.Background(), store.AuditQuery{Limit: 10})
			if err != nil || n != 1 || log[0].Actor != store.CommandLine || log[0].Action != store.ActionMemberCreate ||
				log[0].Target.ID != u.ID || log[0].Target.Label != "Root <root@example.com>" || log[0].Detail != "as an admin" {
				t.Errorf("audit log %+v (%d), %v", log, n, err)
			}
			if code, _, _ := runWithInput(t, env, "", "user", "delete"); code != exitUsage {
				t.Errorf("unknown user subcommand: exit %d", code)
			}
			if code, _, _ := runWithInput(t, env, "", "user"); code != exitUsage {
				t.Errorf("bare user: exit %d", code)
			}
		})
	}
}

// The first account of an empty site is a member without --admin, and an admin with it.
func TestUserCreateFirstIsMember(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": "sqlite:" + storetest.Options(t, store.SQLite).DSN}
	code, out, errOut := runWithInput(t, env, "a long operator passphrase\n", "user", "create", "--email", "first@example.com")
	if code != 0 || !strings.Contains(out, "created member first@example.com") {
		t.Errorf("first account: %d %q %q", code, out, errOut)
	}
	code, out, errOut = runWithInput(t, env, "a long operator passphrase\n", "user", "create", "--email", "boss@example.com", "--admin")
	if code != 0 || !strings.Contains(out, "created admin boss@example.com") {
		t.Errorf("with --admin: %d %q %q", code, out, errOut)
	}
}
