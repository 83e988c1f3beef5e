package web

import (
	"net/http"
	"net/url"
	"strings"
)

// redirectMoved answers 301 for a GET or HEAD of an address under /c/ whose line or item was
// renamed (store.Moved), keeping the rest of the path and the query: /c/old/feed.atom,
// /c/old/compare?a=x, /c/line/old-item/feed.atom. It reports whether it answered. It is asked
// only where a 404 would go out, so a line or item that now has the slug always wins.
func (srv *Server) redirectMoved(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/c/")
	if !ok || rest == "" {
		return false
	}
	parts := strings.Split(rest, "/")
	item := ""
	if len(parts) > 1 {
		item = parts[1]
	}
	line, item, err := srv.store.Moved(r.Context(), parts[0], item)
	if err != nil {
		return false // unknown (or the database is out of reach): the 404 stands
	}
	parts[0] = line
	if len(parts) > 1 {
		parts[1] = item
	}
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	to := "/c/" + strings.Join(parts, "/")
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	// Permanent, but a browser keeps it only a day: a new line may take the old slug later.
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.Redirect(w, r, to, http.StatusMovedPermanently)
	return true
}
