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
	"strconv"
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
	// encoded holds the body compressed once at start-up, in each coding where that is smaller;
	// nil for files too small or not text.
	encoded *[numEncodings][]byte
}

// compressStatic returns body in every coding, as small as the libraries make it, or nil when
// the file is not worth compressing.
func compressStatic(body []byte, contentType string) *[numEncodings][]byte {
	if len(body) < minCompressBytes || !compressible(contentType) {
		return nil
	}
	var out [numEncodings][]byte
	out[brotliCoding] = compressOnce(brotliCoding, body, staticBrotliLevel)
	out[zstdCoding] = compressOnce(zstdCoding, body, int(staticZstdLevel))
	out[gzipCoding] = compressOnce(gzipCoding, body, staticGzipLevel)
	for e, b := range out {
		if len(b) >= len(body) {
			out[e] = nil
		}
	}
	return &out
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
		sf.byURL[url] = staticFile{body: body, contentType: ctype, etag: `"` + hash + `"`, encoded: compressStatic(body, ctype)}
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

// ServeHTTP answers with a file in the coding the client prefers among those made at start-up,
// or as it is (with ranges) when it asks for none of them or for a range.
func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := sf.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	enc := identity
	if f.encoded != nil {
		addVary(h, "Accept-Encoding")
		if r.Header.Get("Range") == "" {
			enc = negotiate(r.Header.Get("Accept-Encoding"), storedOrder)
		}
		if enc != identity && f.encoded[enc] == nil {
			enc = identity
		}
	}
	if enc == identity {
		h.Set("ETag", f.etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
		return
	}
	tag := variantTag(f.etag, enc)
	h.Set("ETag", tag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, tag) {
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.encoded[enc]
	h.Set("Content-Encoding", enc.String())
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
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
