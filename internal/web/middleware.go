package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// MaxBodyBytes bounds every request body; larger ones get 413.
const MaxBodyBytes = 1 << 20

// statusRecorder remembers the status and size of a response for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
	route  string // the route pattern that took the request, for metrics (metrics.go)
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests writes one structured line per request: method, path, status, duration.
func (srv *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		srv.log.LogAttrs(r.Context(), level, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Duration("duration", time.Since(start)), slog.Int("bytes", rec.bytes))
	})
}

// recoverPanics turns a panic in a handler into a logged 500 instead of a dropped connection.
func (srv *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				srv.log.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				w.Header().Set("Connection", "close")
				srv.serveError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// secureHeaders sets the security headers every response carries.
func (srv *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'none'; object-src 'none'; "+
			"base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if srv.isHTTPS(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// isHTTPS reports whether the client reached us over HTTPS, believing a proxy's
// X-Forwarded-Proto only when told to.
func (srv *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return srv.opt.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https"
}

// limitBody caps request bodies at MaxBodyBytes, and picture uploads at uploadBodyBytes.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, limitText := int64(MaxBodyBytes), "1 MiB"
		if isPictureUpload(r) {
			limit, limitText = uploadBodyBytes, "10 MiB for a picture"
		}
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			if isAPI(r) {
				writeProblem(w, http.StatusRequestEntityTooLarge, "The body is too large: the limit is "+limitText+".", nil)
			} else {
				http.Error(w, "Request body too large: the limit is "+limitText+".", http.StatusRequestEntityTooLarge)
			}
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// crossOriginDenied answers a state-changing request from another site.
func (srv *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	srv.serveError(w, r, problemOf(http.StatusForbidden, "",
		"This request came from another website, so it was refused to protect your account. "+
			"Go back to the page and submit the form again from this site."))
}
