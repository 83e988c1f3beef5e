// Package mailtest runs a real SMTP server on 127.0.0.1 inside the test process
// (github.com/emersion/go-smtp) and hands each message it receives to the test, decoded.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one message the server received.
type Message struct {
	From    string   // the envelope sender
	To      []string // the envelope recipients
	Header  netmail.Header
	Subject string // decoded
	Text    string // the plain-text body, decoded
}

// Server is an SMTP server on 127.0.0.1. It offers no STARTTLS and no AUTH.
type Server struct {
	// URL is the server's address as an SMTP_URL.
	URL      string
	received chan Message
	t        testing.TB
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: "smtp://" + ln.Addr().String(), received: make(chan Message, 100), t: t}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Next returns the next message received, waiting for it as long as it takes a background
// sender to deliver (the test fails after a minute of nothing).
func (s *Server) Next(t testing.TB) Message {
	t.Helper()
	select {
	case m := <-s.received:
		return m
	case <-time.After(time.Minute):
		t.Fatal("no mail arrived")
		return Message{}
	}
}

// Pending returns the messages received and not yet taken by Next, without waiting.
func (s *Server) Pending() []Message {
	var out []Message
	for {
		select {
		case m := <-s.received:
			out = append(out, m)
		default:
			return out
		}
	}
}

var linkPattern = regexp.MustCompile(`https?://\S+`)

// Links returns the http(s) addresses in a message's text, in order.
func (m Message) Links() []string { return linkPattern.FindAllString(m.Text, -1) }

// Link returns the first address in a message's text that contains part, failing the test when
// there is none.
func (m Message) Link(t testing.TB, part string) string {
	t.Helper()
	for _, l := range m.Links() {
		if strings.Contains(l, part) {
			return l
		}
	}
	t.Fatalf("no link containing %q in the message %q:\n%s", part, m.Subject, m.Text)
	return ""
}

type session struct {
	srv  *Server
	from string
	to   []string
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parse(raw)
	if err != nil {
		s.srv.t.Errorf("mailtest: unreadable message: %v\n%s", err, raw)
		return err
	}
	m.From, m.To = s.from, s.to
	s.srv.received <- m
	return nil
}

// parse reads a single-part plain-text message as go-mail writes it.
func parse(raw []byte) (Message, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Message{}, err
	}
	var body io.Reader = msg.Body
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return Message{}, err
	}
	return Message{Header: msg.Header, Subject: subject, Text: strings.ReplaceAll(string(text), "\r\n", "\n")}, nil
}
