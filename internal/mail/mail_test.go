package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/mail"
	"github.com/starboard/starboard/internal/mail/mailtest"
)

func TestParseURL(t *testing.T) {
	t.Parallel()
	good := []struct {
		raw  string
		want mail.Server
	}{
		{"smtp://mail.example.com", mail.Server{Host: "mail.example.com", Port: 587}},
		{"smtp://u%40x:p%2Fw@mail.example.com:2525", mail.Server{Host: "mail.example.com", Port: 2525, User: "u@x", Password: "p/w"}},
		{"SMTPS://apikey:secret@smtp.example.com", mail.Server{Host: "smtp.example.com", Port: 465, TLS: true, User: "apikey", Password: "secret"}},
		{"smtp://[::1]:25/", mail.Server{Host: "::1", Port: 25}},
	}
	for _, tt := range good {
		got, err := mail.ParseURL(tt.raw)
		if err != nil || got != tt.want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", tt.raw, got, err, tt.want)
		}
	}
	bad := []struct{ raw, want string }{
		{"mail.example.com:587", "scheme"},
		{"http://mail.example.com", "scheme"},
		{"smtp://", "no host"},
		{"smtp://host:0", "port"},
		{"smtp://host:99999", "port"},
		{"smtp://host/path", "no path"},
		{"smtp://host?from=a@b", "MAIL_FROM"},
	}
	for _, tt := range bad {
		if _, err := mail.ParseURL(tt.raw); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseURL(%q) = %v, want an error naming %q", tt.raw, err, tt.want)
		}
	}
	if _, err := mail.New(mail.Options{URL: "ftp://u:hunter2@host", From: "a@example.com"}); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("New with a bad URL: %v (must fail without showing the password)", err)
	}
	if _, err := mail.New(mail.Options{URL: "smtp://host", From: "not an address"}); err == nil || !strings.Contains(err.Error(), "MAIL_FROM") {
		t.Errorf("New with a bad MAIL_FROM: %v", err)
	}
	if got := mail.Redact("smtp://u:hunter2@host:587"); strings.Contains(got, "hunter2") {
		t.Errorf("Redact kept the password: %s", got)
	}
}

func TestSendEveryKind(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	s, err := mail.New(mail.Options{URL: srv.URL, From: "Starboard <reviews@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	letters := []struct {
		l       mail.Letter
		subject string
		links   []string
		body    string
	}{
		{mail.Letter{Kind: mail.Reset, To: "ann@example.com", Name: "Ann", Site: "r.example", Link: "https://r.example/password/reset/abc"},
			"Set a new password", []string{"https://r.example/password/reset/abc"}, "within an hour"},
		{mail.Letter{Kind: mail.Signup, To: "bo@example.com", Name: "Bø Ünïcode", Site: "r.example", Link: "https://r.example/email/verify/x"},
			"Confirm your new account", []string{"https://r.example/email/verify/x"}, "Hello Bø Ünïcode,"},
		{mail.Letter{Kind: mail.Taken, To: "ann@example.com", Site: "r.example", SignIn: "https://r.example/login", Forgot: "https://r.example/password/forgot"},
			"tried to sign up", []string{"https://r.example/login", "https://r.example/password/forgot"}, "already have one"},
		{mail.Letter{Kind: mail.Verify, To: "ann@example.com", Name: "Ann", Site: "r.example", Link: "https://r.example/email/verify/y"},
			"Verify your e-mail", []string{"https://r.example/email/verify/y"}, "confirm that this is your address"},
	}
	for _, tt := range letters {
		// Posted ones arrive in order.
		s.Post(tt.l)
	}
	for _, tt := range letters {
		m := srv.Next(t)
		if len(m.To) != 1 || m.To[0] != tt.l.To || m.From != "reviews@example.com" {
			t.Errorf("%s: envelope from %q to %v", tt.l.Kind, m.From, m.To)
		}
		if !strings.Contains(m.Subject, tt.subject) || !strings.Contains(m.Text, tt.body) {
			t.Errorf("%s: subject %q, text:\n%s", tt.l.Kind, m.Subject, m.Text)
		}
		if got := m.Links(); strings.Join(got, " ") != strings.Join(tt.links, " ") {
			t.Errorf("%s: links %v, want %v", tt.l.Kind, got, tt.links)
		}
		if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || m.Header.Get("Message-Id") == "" || m.Header.Get("Date") == "" {
			t.Errorf("%s: headers %v", tt.l.Kind, m.Header)
		}
	}
	// Send reports a server that cannot be reached.
	dead, err := mail.New(mail.Options{URL: "smtp://127.0.0.1:1", From: "reviews@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dead.Close)
	if err := dead.Send(context.Background(), letters[0].l); err == nil {
		t.Error("Send to a closed port succeeded")
	}
}
