package web

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

func TestFavicon(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := newTestServerWith(t, s, Options{})
		code, h, body := ts.get(t, "/favicon.ico")
		if code != 200 || h.Get("Content-Type") != "image/x-icon" {
			t.Fatalf("/favicon.ico = %d %s", code, h.Get("Content-Type"))
		}
		b := []byte(body)
		if len(b) < 22 || !bytes.Equal(b[:6], []byte{0, 0, 1, 0, 1, 0}) {
			t.Fatalf("/favicon.ico does not start with an ICO header: % x", b[:min(len(b), 6)])
		}
		img, err := png.Decode(bytes.NewReader(b[22:]))
		if err != nil || img.Bounds().Dx() != 32 {
			t.Fatalf("the ICO's image: %v, %v", img, err)
		}
		_, _, home := ts.get(t, "/")
		_, _, login := ts.get(t, "/password/forgot") // a page from html/template
		for _, page := range []string{home, login} {
			if !strings.Contains(page, `<link rel="icon" href="/static/favicon.`) || !strings.Contains(page, `type="image/svg+xml"`) {
				t.Errorf("a page lacks the SVG icon link")
			}
		}
	})
}
