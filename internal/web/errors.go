package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/starboard/starboard/internal/store"
)

// Every handler returns an error, and serveError alone turns it into the answer: an HTML error
// page, or a problem document under /api. The kinds it knows:
//
//   - *httpError: the answer is in the error (status, a message for a person, field errors,
//     headers such as Retry-After, WWW-Authenticate or Allow);
//   - store.ErrNotFound: 404; store.ErrInvalid: 400; store.ErrConflict and store.ErrLastAdmin:
//     409;
//   - the client gone mid-request: 499 in the log, nothing written;
//   - the database unreachable: 503 with Retry-After;
//   - anything else: 500, logged.

// handlerFunc is a handler that returns its failure instead of answering it.
type handlerFunc func(http.ResponseWriter, *http.Request) error

// handle adapts h to net/http: an error h returns is answered by serveError.
func (srv *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			srv.serveError(w, r, err)
		}
	}
}

// httpError is an error that carries its answer. Detail is written for a person; Errors names
// the fields at fault.
type httpError struct {
	Status int
	Detail string
	Errors fieldErrors
	header http.Header
}

func (e *httpError) Error() string { return "web: " + strconv.Itoa(e.Status) + ": " + e.Detail }

// problemOf returns the answer status with msg, naming field as the one at fault when set.
func problemOf(status int, field, msg string) *httpError {
	e := &httpError{Status: status, Detail: msg}
	if field != "" {
		e.Errors = fieldErrors{{Field: field, Detail: msg}}
	}
	return e
}

// with returns e answered with the header key set to value as well.
func (e *httpError) with(key, value string) *httpError {
	if e.header == nil {
		e.header = http.Header{}
	}
	e.header.Set(key, value)
	return e
}

// errNotFound is the answer for an address that names nothing.
var errNotFound = problemOf(http.StatusNotFound, "", "There is nothing at this address.")

// onConflict returns conflict when err is store.ErrConflict, else err.
func onConflict(err error, conflict error) error {
	if errors.Is(err, store.ErrConflict) {
		return conflict
	}
	return err
}

// fieldError says what is wrong with one input field or parameter.
type fieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// fieldErrors is what is wrong with a form's or a request body's fields, in the order found: the
// one shape for HTML forms (templates call For) and the API (the problem's errors list).
type fieldErrors []fieldError

// For returns the first message for field, "" when the field is fine.
func (e fieldErrors) For(field string) string {
	for _, fe := range e {
		if fe.Field == field {
			return fe.Detail
		}
	}
	return ""
}

// has reports whether field has a message.
func (e fieldErrors) has(field string) bool { return e.For(field) != "" }

// add records msg for field unless the field already has a message.
func (e *fieldErrors) add(field, msg string) {
	if !e.has(field) {
		*e = append(*e, fieldError{field, msg})
	}
}

// problem is an RFC 9457 problem document; Errors names the fields at fault, at most
// maxProblemErrors of them, and MoreErrors counts the rest.
type problem struct {
	Type       string      `json:"type"`
	Title      string      `json:"title"`
	Status     int         `json:"status"`
	Detail     string      `json:"detail,omitempty"`
	Errors     fieldErrors `json:"errors,omitempty"`
	MoreErrors int         `json:"more_errors,omitempty"`
}

// A problem document stays small whatever the request: at most maxProblemErrors field errors,
// each field name and message cut to maxProblemText characters (they may quote the request).
const (
	maxProblemErrors = 20
	maxProblemText   = 200
)

// newProblem returns the problem document for an answer, kept small.
func newProblem(status int, msg string, fields fieldErrors) problem {
	p := problem{Type: "about:blank", Title: statusTitle(status), Status: status, Detail: cutText(msg, 4*maxProblemText)}
	if len(fields) > maxProblemErrors {
		p.MoreErrors = len(fields) - maxProblemErrors
		p.Detail += fmt.Sprintf(" The first %d are listed; %d more are not.", maxProblemErrors, p.MoreErrors)
		fields = fields[:maxProblemErrors]
	}
	for _, fe := range fields {
		p.Errors = append(p.Errors, fieldError{Field: cutText(fe.Field, maxProblemText), Detail: cutText(fe.Detail, maxProblemText)})
	}
	return p
}

// cutText returns s cut to at most limit characters, marked with an ellipsis when cut.
func cutText(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return keepText(s, limit-1) + "…"
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// writeError writes a problem document under /api and an error page elsewhere.
func (srv *Server) writeError(w http.ResponseWriter, r *http.Request, status int, msg string, fields fieldErrors) {
	if isAPI(r) {
		writeProblem(w, status, msg, fields)
		return
	}
	srv.errorPage(w, r, status, msg)
}

func writeProblem(w http.ResponseWriter, status int, msg string, fields fieldErrors) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(newProblem(status, msg, fields))
}

// statusTitle returns the status's reason phrase as RFC 9110 names it; http.StatusText still
// has the older phrases for these four.
func statusTitle(status int) string {
	switch status {
	case http.StatusRequestEntityTooLarge:
		return "Content Too Large"
	case http.StatusRequestURITooLong:
		return "URI Too Long"
	case http.StatusRequestedRangeNotSatisfiable:
		return "Range Not Satisfiable"
	case http.StatusUnprocessableEntity:
		return "Unprocessable Content"
	}
	return http.StatusText(status)
}

// statusClientClosed is logged for requests whose client hung up before the answer.
const statusClientClosed = 499

// lastAdminMessage explains an ErrLastAdmin.
const lastAdminMessage = "That would leave the site without an active admin. Make someone else an admin first."

// serveError answers err by its kind (see the top of this file).
func (srv *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
		for k, v := range he.header {
			w.Header()[k] = v
		}
		if he.Status >= 500 {
			srv.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		srv.writeError(w, r, he.Status, he.Detail, he.Errors)
	case errors.Is(err, store.ErrNotFound):
		srv.notFound(w, r)
	case errors.Is(err, store.ErrInvalid):
		// A value the database refused that validation let through: the client's to change.
		srv.log.Warn("value refused by the database", "path", r.URL.Path, "err", err)
		srv.writeError(w, r, http.StatusBadRequest, "That request holds a value that cannot be stored or looked up.", nil)
	case errors.Is(err, store.ErrLastAdmin):
		srv.writeError(w, r, http.StatusConflict, lastAdminMessage, nil)
	case errors.Is(err, store.ErrConflict):
		srv.writeError(w, r, http.StatusConflict, "That clashes with something already saved. Reload the page and try again.", nil)
	case r.Context().Err() != nil:
		// The client went away (or the server is stopping) mid-request: nobody reads an answer,
		// and it is no server error. 499 is nginx's "client closed request", so the request log
		// shows what happened without an ERROR line.
		w.WriteHeader(statusClientClosed)
	case isUnavailable(err):
		srv.log.Warn("database unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "2")
		srv.writeError(w, r, http.StatusServiceUnavailable, "The database is not answering right now. Please try again in a moment.", nil)
	default:
		srv.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		srv.writeError(w, r, http.StatusInternalServerError, "Something went wrong on our side. It has been logged; please try again.", nil)
	}
}

// notFound answers 404 for an address nothing is at, or 301 when it names a line or item by a
// slug it had before a rename (moved.go).
func (srv *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if srv.redirectMoved(w, r) {
		return
	}
	srv.serveError(w, r, errNotFound)
}
