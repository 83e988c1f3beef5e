package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/auth"
	"github.com/starboard/starboard/internal/config"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
	"github.com/starboard/starboard/internal/web"
)

func TestUserResetLink(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			opt := storetest.Options(t, d)
			db := opt.DSN
			if d == store.SQLite {
				db = "sqlite:" + db
			}
			s := storetest.OpenWith(t, opt)
			ctx := context.Background()
			ann := store.User{Email: "ann@example.com", DisplayName: "Ann", PasswordHash: auth.HashPassword("the old passphrase")}
			if err := s.CreateUser(ctx, &ann); err != nil {
				t.Fatal(err)
			}
			h, err := web.New(s, web.Options{})
			if err != nil {
				t.Fatal(err)
			}
			site := httptest.NewServer(h)
			t.Cleanup(site.Close)

			code, out, errOut := runWithInput(t, map[string]string{"DATABASE_URL": db}, "", "user", "reset-link", "--email", "ann@example.com")
			if code != exitUsage || out != "" || !strings.Contains(errOut, "BASE_URL") {
				t.Errorf("without a base URL: %d %q %q", code, out, errOut)
			}
			code, out, errOut = runWithInput(t, map[string]string{"DATABASE_URL": db}, "", "user", "reset-link", "--email", "nobody@example.com", "--base-url", site.URL)
			if code != exitUsage || out != "" || !strings.Contains(errOut, "no account") {
				t.Errorf("unknown email: %d %q %q", code, out, errOut)
			}
			code, out, errOut = runWithInput(t, map[string]string{"DATABASE_URL": db, "BASE_URL": site.URL}, "", "user", "reset-link", "--email", "Ann@Example.com")
			link := strings.TrimSpace(out)
			if code != 0 || !strings.HasPrefix(link, site.URL+"/password/reset/") || !strings.Contains(errOut, "within an hour") {
				t.Fatalf("reset-link: %d %q %q", code, out, errOut)
			}

			entries, _, err := s.AuditLog(ctx, store.AuditQuery{Limit: 10})
			if err != nil || len(entries) != 1 || entries[0].Actor != store.CommandLine || entries[0].Action != store.ActionResetLinkCreate ||
				entries[0].Target.ID != ann.ID || strings.Contains(entries[0].Detail, "/password/") {
				t.Errorf("audit log after reset-link: %+v, %v; want one entry by the command line naming Ann, without the link", entries, err)
			}

			// The printed link works: it sets a new password, which then signs in.
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			const pw = "a passphrase from the link"
			res, err := c.PostForm(link, url.Values{"password": {pw}, "password_confirm": {pw}})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("POST the printed link = %d\n%s", res.StatusCode, body)
			}
			u, err := s.UserByEmail(ctx, "ann@example.com")
			if err != nil || !auth.VerifyPassword(pw, u.PasswordHash) {
				t.Errorf("the link did not set the password: %v", err)
			}
		})
	}
}

func TestNewMailerSettings(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.DiscardHandler)
	for _, tt := range []struct {
		cfg  config.Config
		want string // in the error; "" for none
	}{
		{config.Config{}, ""},
		{config.Config{SMTPURL: "smtp://127.0.0.1:2525", MailFrom: "r@example.com"}, "BASE_URL"},
		{config.Config{SMTPURL: "smtp://127.0.0.1:2525", BaseURL: "https://r.example"}, "MAIL_FROM"},
		{config.Config{SMTPURL: "imap://u:hunter2@host", MailFrom: "r@example.com", BaseURL: "https://r.example"}, "smtp://"},
		{config.Config{SMTPURL: "smtp://127.0.0.1:2525", MailFrom: "r@example.com", BaseURL: "https://r.example"}, ""},
	} {
		m, err := newMailer(tt.cfg, log)
		if m != nil {
			m.Close()
		}
		switch {
		case tt.want == "" && err != nil, tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("newMailer(%+v) = %v, want an error naming %q", tt.cfg, err, tt.want)
		case err != nil && strings.Contains(err.Error(), "hunter2"):
			t.Errorf("the error shows the SMTP password: %v", err)
		}
		if tt.want == "" && err == nil && (m != nil) != (tt.cfg.SMTPURL != "") {
			t.Errorf("newMailer(%+v) = %v", tt.cfg, m)
		}
	}
}
