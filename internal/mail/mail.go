// Package mail sends Starboard's e-mail (password reset links, sign-up confirmations) through the
// SMTP server SMTP_URL names, each message plain text from a template. Messages are queued and
// sent in the background, one at a time, so that a page answers as fast whether it sent mail
// or not.
package mail

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	gomail "github.com/wneessen/go-mail"
)

//go:embed templates/*.txt
var templateFiles embed.FS

// Kind names a message Starboard sends.
type Kind string

// The messages.
const (
	// Reset carries a link that sets a new password.
	Reset Kind = "reset"
	// Signup carries the link that creates a new account.
	Signup Kind = "signup"
	// Taken tells an account's owner that someone tried to sign up with their address, with
	// links to sign in and to set a new password.
	Taken Kind = "taken"
	// Verify carries a link that verifies an existing account's address.
	Verify Kind = "verify"
)

var kinds = []Kind{Reset, Signup, Taken, Verify}

// Letter is one message to send.
type Letter struct {
	Kind Kind
	To   string // the address
	Name string // the member's display name, if known
	Site string // the site's name: its host, reviews.example.com
	Link string // the link the message is about (Reset, Signup, Verify)
	// The sign-in and forgotten-password pages (Taken).
	SignIn, Forgot string
}

// Server is where and how to reach the SMTP server, as SMTP_URL says.
type Server struct {
	Host     string
	Port     int
	TLS      bool // TLS from the first byte (smtps://); else STARTTLS when the server offers it
	User     string
	Password string
}

// urlForms is the help every SMTP_URL error ends with.
const urlForms = "want smtp://user:password@host:587 (STARTTLS when the server offers it) or smtps://user:password@host:465 (TLS); " +
	"user and password are optional, and special characters in them must be %-escaped"

// ParseURL reads an SMTP_URL: smtp://[user[:password]@]host[:port] (port 587 by default,
// STARTTLS when offered) or smtps://... (TLS from the start, port 465 by default).
func ParseURL(raw string) (Server, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url's errors quote the whole URL, password and all.
		return Server{}, errors.New("not a URL: " + urlForms)
	}
	var s Server
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		s.Port = 587
	case "smtps":
		s.Port, s.TLS = 465, true
	default:
		return Server{}, fmt.Errorf("scheme %q: %s", u.Scheme, urlForms)
	}
	if s.Host = u.Hostname(); s.Host == "" || u.Opaque != "" {
		return Server{}, errors.New("no host: " + urlForms)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Server{}, fmt.Errorf("port %q: want 1-65535", p)
		}
		s.Port = n
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Server{}, errors.New("want no path, query or fragment (the sender is MAIL_FROM): " + urlForms)
	}
	if u.User != nil {
		s.User = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// Redact returns an SMTP_URL fit for logs: the password replaced.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Options configure a Sender.
type Options struct {
	URL    string // SMTP_URL
	From   string // MAIL_FROM: "Starboard <reviews@example.com>" or an address alone
	Logger *slog.Logger
	// Queue is how many messages may wait to be sent; more are dropped and logged. 0 means 100.
	Queue int
}

// Sender sends Letters through one SMTP server.
type Sender struct {
	client    *gomail.Client
	from      string
	log       *slog.Logger
	templates map[Kind]*template.Template
	queue     chan Letter
	done      chan struct{}
	closing   sync.Once
}

// New returns a Sender for the server opt.URL names, sending from opt.From, with its background
// queue running. It does not connect until the first message.
func New(opt Options) (*Sender, error) {
	srv, err := ParseURL(opt.URL)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL=%q: %w", Redact(opt.URL), err)
	}
	from, err := netmail.ParseAddress(opt.From)
	if err != nil {
		return nil, fmt.Errorf("MAIL_FROM=%q: want an address such as reviews@example.com or \"Starboard <reviews@example.com>\"", opt.From)
	}
	copts := []gomail.Option{gomail.WithPort(srv.Port), gomail.WithTimeout(15 * time.Second)}
	if srv.TLS {
		copts = append(copts, gomail.WithSSL())
	} else {
		copts = append(copts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if srv.User != "" {
		// Auto-discovery never picks PLAIN or LOGIN without TLS: a server that offers no TLS
		// gets no password in clear text.
		copts = append(copts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(srv.User), gomail.WithPassword(srv.Password))
	}
	client, err := gomail.NewClient(srv.Host, copts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL=%q: %w", Redact(opt.URL), err)
	}
	templates, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Queue <= 0 {
		opt.Queue = 100
	}
	s := &Sender{client: client, from: from.String(), log: opt.Logger, templates: templates,
		queue: make(chan Letter, opt.Queue), done: make(chan struct{})}
	go s.run()
	return s, nil
}

func parseTemplates() (map[Kind]*template.Template, error) {
	out := map[Kind]*template.Template{}
	for _, k := range kinds {
		t, err := template.ParseFS(templateFiles, "templates/"+string(k)+".txt")
		if err != nil {
			return nil, fmt.Errorf("mail: template %s: %w", k, err)
		}
		if t.Lookup("subject") == nil {
			return nil, fmt.Errorf("mail: template %s defines no subject", k)
		}
		out[k] = t
	}
	return out, nil
}

// Compose returns a letter's subject and plain-text body.
func (s *Sender) Compose(l Letter) (subject, body string, err error) {
	t, ok := s.templates[l.Kind]
	if !ok {
		return "", "", fmt.Errorf("mail: no message %q", l.Kind)
	}
	var subj, text bytes.Buffer
	if err := t.ExecuteTemplate(&subj, "subject", l); err != nil {
		return "", "", fmt.Errorf("mail: %s subject: %w", l.Kind, err)
	}
	if err := t.Execute(&text, l); err != nil {
		return "", "", fmt.Errorf("mail: %s body: %w", l.Kind, err)
	}
	return strings.TrimSpace(subj.String()), text.String(), nil
}

// Send composes a letter and sends it now, returning when the server has taken it.
func (s *Sender) Send(ctx context.Context, l Letter) error {
	subject, body, err := s.Compose(l)
	if err != nil {
		return err
	}
	m := gomail.NewMsg()
	if err := m.From(s.from); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := m.To(l.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	m.Subject(subject)
	m.SetDate()
	m.SetMessageID()
	m.SetBodyString(gomail.TypeTextPlain, body)
	if err := s.client.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("mail: send %s: %w", l.Kind, err)
	}
	return nil
}

// Post queues a letter to be sent in the background and returns at once. Letters are sent one at
// a time, in the order posted; a failure is logged, not retried. When the queue is full the
// letter is dropped and logged.
func (s *Sender) Post(l Letter) {
	select {
	case s.queue <- l:
	default:
		s.log.Error("mail queue full: message dropped", "kind", l.Kind)
	}
}

func (s *Sender) run() {
	defer close(s.done)
	for l := range s.queue {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := s.Send(ctx, l); err != nil {
			s.log.Error("mail not sent", "kind", l.Kind, "err", err)
		} else {
			s.log.Info("mail sent", "kind", l.Kind)
		}
		cancel()
	}
}

// Close sends the letters already queued and stops. Post must not be called after Close.
func (s *Sender) Close() {
	s.closing.Do(func() { close(s.queue) })
	<-s.done
}
