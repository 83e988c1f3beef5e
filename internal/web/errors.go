package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/starboard/starboard/internal/store"
)

// problem is an RFC 9457 problem document; Errors names the fields at fault.
type problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []fieldError `json:"errors,omitempty"`
}

// fieldError says what is wrong with one input field or parameter.
type fieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// clientError answers a request the client got wrong: problem+json under /api, an HTML page
// elsewhere. field, when set, names the parameter at fault.
func (srv *Server) clientError(w http.ResponseWriter, r *http.Request, status int, field, msg string) {
	var fields []fieldError
	if field != "" {
		fields = []fieldError{{Field: field, Detail: msg}}
	}
	srv.problem(w, r, status, msg, fields)
}

// problem writes a problem document under /api and an error page elsewhere.
func (srv *Server) problem(w http.ResponseWriter, r *http.Request, status int, msg string, fields []fieldError) {
	if isAPI(r) {
		writeProblem(w, status, msg, fields)
		return
	}
	srv.errorPage(w, r, status, msg)
}

func writeProblem(w http.ResponseWriter, status int, msg string, fields []fieldError) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(problem{Type: "about:blank", Title: statusTitle(status), Status: status,
		Detail: msg, Errors: fields})
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

// serverError logs err and answers 503 when the database is unreachable, 404 for a missing row,
// 400 for a value the database refused, nothing (499 in the log) when the client has gone,
// else 500 without details.
func (srv *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		srv.notFound(w, r)
	case errors.Is(err, store.ErrInvalid):
		// A value the database refused that validation let through: the client's to change.
		srv.log.Warn("value refused by the database", "path", r.URL.Path, "err", err)
		srv.clientError(w, r, http.StatusBadRequest, "", "That request holds a value that cannot be stored or looked up.")
	case r.Context().Err() != nil:
		// The client went away (or the server is stopping) mid-request: nobody reads an answer,
		// and it is no server error. 499 is nginx's "client closed request", so the request log
		// shows what happened without an ERROR line.
		w.WriteHeader(statusClientClosed)
	case isUnavailable(err):
		srv.log.Warn("database unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "2")
		srv.clientError(w, r, http.StatusServiceUnavailable, "",
			"The database is not answering right now. Please try again in a moment.")
	default:
		srv.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		srv.clientError(w, r, http.StatusInternalServerError, "",
			"Something went wrong on our side. It has been logged; please try again.")
	}
}

func (srv *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if srv.redirectMoved(w, r) {
		return
	}
	srv.clientError(w, r, http.StatusNotFound, "", "There is nothing at this address.")
}
