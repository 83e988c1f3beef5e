package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded files under fingerprinted names (style.3f2a9c1b.css), so they
// can be cached for a year and still change the moment a new build ships.
type staticFiles struct {
	byURL map[string]staticFile // "/static/style.3f2a9c1b.css" → file
	urls  map[string]string     // "style.css" → "/static/style.3f2a9c1b.css"
}

type staticFile struct {
	body        []byte
	contentType string
	etag        string
}

func loadStatic() (*staticFiles, error) {
	sf := &staticFiles{byURL: map[string]staticFile{}, urls: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		if path.Ext(p) == ".css" {
			body = minifyCSS(body)
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:12]
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		url := "/static/" + strings.TrimSuffix(name, ext) + "." + hash + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = http.DetectContentType(body)
		}
		sf.urls[name] = url
		sf.byURL[url] = staticFile{body: body, contentType: ctype, etag: `"` + hash + `"`}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	return sf, nil
}

// URL returns the fingerprinted address of an embedded file; an unknown name panics at template
// execution in tests, never silently links nowhere.
func (sf *staticFiles) URL(name string) (string, error) {
	u, ok := sf.urls[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return u, nil
}

func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := sf.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("ETag", f.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}

// minifyCSS drops comments and the whitespace CSS does not need: runs of spaces and line breaks
// become one space, and none is kept beside braces and semicolons. Strings are kept as they are,
// and so is the space inside calc() and selectors, so it never changes what the stylesheet means.
func minifyCSS(css []byte) []byte {
	out := make([]byte, 0, len(css))
	space := false // a whitespace run is pending
	for i := 0; i < len(css); i++ {
		c := css[i]
		switch {
		case c == '/' && i+1 < len(css) && css[i+1] == '*':
			end := bytes.Index(css[i+2:], []byte("*/"))
			if end < 0 {
				return out
			}
			i += end + 3
			space = true
			continue
		case c == '"' || c == '\'':
			if space && len(out) > 0 && !isCSSPunct(out[len(out)-1]) {
				out = append(out, ' ')
			}
			space = false
			j := i + 1
			for j < len(css) && css[j] != c {
				if css[j] == '\\' {
					j++
				}
				j++
			}
			out = append(out, css[i:min(j+1, len(css))]...)
			i = j
			continue
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			space = true
			continue
		}
		if space && len(out) > 0 && !isCSSPunct(out[len(out)-1]) && !isCSSPunct(c) {
			out = append(out, ' ')
		}
		space = false
		out = append(out, c)
	}
	return out
}

// isCSSPunct reports whether whitespace beside c can go.
func isCSSPunct(c byte) bool { return c == '{' || c == '}' || c == ';' }
