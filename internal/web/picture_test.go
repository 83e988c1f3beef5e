package web

import (
	"bytes"
	"context"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/picture"
	"github.com/starboard/starboard/internal/picture/picturetest"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// multipartPicture returns a multipart/form-data body with an alt text and a file, and its
// content type.
func multipartPicture(t *testing.T, alt, filename string, file []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("alt", alt); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.Bytes()
}

// upload posts a picture as the browser c (nil: the test server's own client, with a token
// when one is given) and returns the status, headers and body.
func (ts *testServer) upload(t *testing.T, c *http.Client, token, path, alt, filename string, file []byte) (int, http.Header, string) {
	t.Helper()
	ctype, body := multipartPicture(t, alt, filename, file)
	req, err := http.NewRequest(http.MethodPost, ts.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if c == nil {
		c = ts.client
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// fetch gets a path as a visitor, with extra headers, and returns the answer with its body.
func (ts *testServer) fetch(t *testing.T, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func TestPictureViewAndPlaceholder(t *testing.T) {
	t.Parallel()
	srv := &Server{static: mustStatic()}
	p := store.Picture{ID: 7, Alt: "Po from the front", Width: 800, Height: 600, Files: []store.PictureFile{
		{Width: 160, Height: 120, ContentType: "image/jpeg", SHA256: "0123456789abcdef"},
		{Width: 320, Height: 240, ContentType: "image/jpeg", SHA256: "1123456789abcdef"},
		{Width: 640, Height: 480, ContentType: "image/jpeg", SHA256: "2123456789abcdef"},
		{Width: 800, Height: 600, ContentType: "image/png", SHA256: "3123456789abcdef"},
	}}
	v := srv.pictureView(p, 300, aboveFold)
	want := pictureView{Src: "/pictures/7-320.11234567.jpg",
		Srcset: "/pictures/7-160.01234567.jpg 160w, /pictures/7-320.11234567.jpg 320w, /pictures/7-640.21234567.jpg 640w, /pictures/7-800.31234567.png 800w",
		Sizes:  "(max-width: 300px) 100vw, 300px", Width: 300, Height: 225, Alt: "Po from the front", Loading: "eager"}
	if v != want {
		t.Errorf("view\n%+v\nwant\n%+v", v, want)
	}
	// Wider than the picture: its own size, its widest file.
	if v := srv.pictureView(p, 1200, belowFold); v.Width != 800 || v.Height != 600 || v.Src != "/pictures/7-800.31234567.png" || v.Loading != "lazy" {
		t.Errorf("wide view %+v", v)
	}
	ph := srv.pictureView(store.Picture{}, 320, belowFold)
	if !ph.Placeholder || !strings.HasPrefix(ph.Src, "/static/placeholder.") || ph.Alt != "" || ph.Width != 320 || ph.Height != 240 ||
		ph.Srcset != "" || ph.Loading != "lazy" {
		t.Errorf("placeholder %+v", ph)
	}
	if body := srv.static.byURL[ph.Src].body; !bytes.Contains(body, []byte("<svg")) {
		t.Errorf("placeholder is not an SVG: %q", body)
	}
}

func TestParsePictureName(t *testing.T) {
	t.Parallel()
	if id, w, h, ext, ok := parsePictureName("12-640.abcdef12.jpg"); !ok || id != 12 || w != 640 || h != "abcdef12" || ext != ".jpg" {
		t.Errorf("parsed %d %d %q %q %v", id, w, h, ext, ok)
	}
	for _, bad := range []string{"", "12-640.jpg", "12.abcdef12.jpg", "x-640.abcdef12.jpg", "12-640.abcdef1.jpg", "12-640.abcdef12.gif",
		"0-640.abcdef12.jpg", "12--1.abcdef12.jpg", "12-640.abcdef12.jpg.png"} {
		if _, _, _, _, ok := parsePictureName(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestAdminPictures uploads through the real multipart form: refused files come back beside the
// field with the alt text kept; a photo with Exif GPS tags and orientation 6 is served without
// them, turned upright, in fingerprinted widths; reorder and delete move the item's counter and
// are in the audit log.
func TestAdminPictures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAdminFixture(t, s)
		path := "/admin/items/" + itoa(f.po.ID) + "/pictures"
		if _, body := f.page(t, f.adminC, "/admin/items/"+itoa(f.po.ID)); !strings.Contains(body, `<a href="`+path+`">Pictures of Po</a>`) {
			t.Errorf("the item's admin page does not link its pictures")
		}
		code, body := f.page(t, f.adminC, path)
		if code != 200 || !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "Po has no picture yet") {
			t.Fatalf("pictures page = %d\n%s", code, body)
		}
		if code, _ := f.page(t, f.annC, path); code != 404 {
			t.Errorf("member on the pictures page = %d, want 404", code)
		}
		if code, _, _ := f.ts.upload(t, f.annC, "", path, "Po", "po.jpg", picturetest.JPEG(64, 64)); code != 404 {
			t.Errorf("member upload = %d, want 404", code)
		}

		refused := []struct {
			name, alt, filename string
			file                []byte
			field, says         string
		}{
			{"text named .jpg", "Po", "po.jpg", []byte("I am not a picture, whatever my name says.\n"), "file", "This file is text"},
			{"png bomb", "Po", "po.png", picturetest.PNGBomb(100_000, 100_000), "file", "100000×100000"},
			{"over 10 MiB", "Po", "big.jpg", append(picturetest.JPEG(64, 64), make([]byte, picture.MaxBytes)...), "file", "larger than 10 MiB"},
			{"no alt", "  ", "po.jpg", picturetest.JPEG(64, 64), "alt", "alt text is required"},
			{"no file", "Po", "", nil, "file", "Choose a picture"},
		}
		for _, tc := range refused {
			code, _, body := f.ts.upload(t, f.adminC, "", path, tc.alt, tc.filename, tc.file)
			if code != 422 || !strings.Contains(body, `id="`+tc.field+`-error"`) || !strings.Contains(body, tc.says) {
				t.Errorf("%s: %d, want 422 with %q beside %s", tc.name, code, tc.says, tc.field)
				continue
			}
			if strings.TrimSpace(tc.alt) != "" && !strings.Contains(body, `value="`+tc.alt+`"`) {
				t.Errorf("%s: alt text not kept", tc.name)
			}
		}
		if pics, _ := s.ItemPictures(ctx, f.po.ID); len(pics) != 0 {
			t.Fatalf("refused uploads stored %d pictures", len(pics))
		}

		before, _ := s.ItemVersion(ctx, f.po.ID)
		photo := picturetest.WithExif(picturetest.JPEG(1400, 700), picture.OrientRotate90CW)
		code, h, _ := f.ts.upload(t, f.adminC, "", path, "Po on her scooter", "IMG_0001.JPG", photo)
		if code != http.StatusSeeOther || h.Get("Location") != path {
			t.Fatalf("upload = %d to %q", code, h.Get("Location"))
		}
		if msg := f.flashOn(t, f.adminC, path); msg != "Added a picture of Po." {
			t.Errorf("flash %q", msg)
		}
		if after, _ := s.ItemVersion(ctx, f.po.ID); after <= before {
			t.Errorf("item counter %d → %d: kept pages would not show the picture", before, after)
		}
		pics, err := s.ItemPictures(ctx, f.po.ID)
		if err != nil || len(pics) != 1 {
			t.Fatalf("pictures %d, %v", len(pics), err)
		}
		p := pics[0]
		if p.Width != 700 || p.Height != 1400 || p.Alt != "Po on her scooter" {
			t.Errorf("stored picture %+v: want 700×1400, turned upright", p)
		}
		var widths []int
		for _, file := range p.Files {
			widths = append(widths, file.Width)
			u := pictureURL(p.ID, file)
			res, b := f.ts.fetch(t, u)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || res.Header.Get("Cache-Control") != pictureCache ||
				res.Header.Get("ETag") != `"`+file.SHA256+`"` || len(b) != file.Size {
				t.Errorf("%s = %d %v, %d bytes", u, res.StatusCode, res.Header, len(b))
			}
			for _, secret := range picturetest.Secrets {
				if bytes.Contains(b, []byte(secret)) {
					t.Errorf("%s serves %q", u, secret)
				}
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
			if err != nil || cfg.Width != file.Width || cfg.Height != file.Height || cfg.Height <= cfg.Width {
				t.Errorf("%s decodes as %+v, %v: want upright, taller than wide", u, cfg, err)
			}
			if res, _ := f.ts.fetch(t, u, "If-None-Match", `"`+file.SHA256+`"`); res.StatusCode != http.StatusNotModified {
				t.Errorf("%s revalidated = %d", u, res.StatusCode)
			}
			// The same picture under another hash, or as a PNG, is nothing.
			wrong := strings.Replace(u, "."+file.SHA256[:8]+".", ".00000000.", 1)
			if res, _ := f.ts.fetch(t, wrong); res.StatusCode != 404 {
				t.Errorf("%s = %d, want 404", wrong, res.StatusCode)
			}
			if res, _ := f.ts.fetch(t, strings.TrimSuffix(u, ".jpg")+".png"); res.StatusCode != 404 {
				t.Errorf("%s as png = %d, want 404", u, res.StatusCode)
			}
			// A signed-in admin's browser may keep it as long.
			req, _ := http.NewRequest(http.MethodGet, f.ts.URL+u, nil)
			if res, err := f.adminC.Do(req); err != nil || res.Header.Get("Cache-Control") != pictureCache {
				t.Errorf("%s signed in: %v %v", u, res.Header.Get("Cache-Control"), err)
			} else {
				res.Body.Close()
			}
		}
		if len(widths) != 4 || widths[0] != 160 || widths[3] != 700 {
			t.Errorf("widths %v, want 160 320 640 700", widths)
		}

		// A second picture, with transparency, made the main one, then the first deleted.
		if code, _, _ := f.ts.upload(t, f.adminC, "", path, "Po's logo", "logo.png", picturetest.PNG(300, 200, 0)); code != http.StatusSeeOther {
			t.Fatalf("second upload = %d", code)
		}
		pics, _ = s.ItemPictures(ctx, f.po.ID)
		if len(pics) != 2 || pics[1].Files[0].ContentType != "image/png" {
			t.Fatalf("pictures %+v", pics)
		}
		_, body = f.page(t, f.adminC, path)
		if !strings.Contains(body, `alt="Po on her scooter"`) || !strings.Contains(body, `srcset="/pictures/`) || !strings.Contains(body, `<strong>Main picture.</strong>`) {
			t.Errorf("pictures page does not show the pictures\n%s", body)
		}
		before, _ = s.ItemVersion(ctx, f.po.ID)
		if code, h, _ := f.form(t, f.adminC, "/admin/pictures/"+itoa(pics[1].ID)+"/move", url.Values{"to": {"1"}}); code != http.StatusSeeOther || h.Get("Location") != path {
			t.Fatalf("move = %d", code)
		}
		if after, _ := s.ItemVersion(ctx, f.po.ID); after <= before {
			t.Errorf("move did not move the item counter")
		}
		main, _ := s.MainPictures(ctx, []int64{f.po.ID})
		if main[f.po.ID].ID != pics[1].ID {
			t.Errorf("main picture %d, want %d", main[f.po.ID].ID, pics[1].ID)
		}
		if code, body := f.page(t, f.adminC, "/admin/pictures/"+itoa(p.ID)+"/delete"); code != 200 || !strings.Contains(body, "Delete the picture “Po on her scooter” of Po?") {
			t.Errorf("confirm delete = %d", code)
		}
		if code, _, _ := f.form(t, f.annC, "/admin/pictures/"+itoa(p.ID)+"/delete", url.Values{}); code != 404 {
			t.Errorf("member delete = %d", code)
		}
		if code, _, _ := f.form(t, f.adminC, "/admin/pictures/"+itoa(p.ID)+"/delete", url.Values{}); code != http.StatusSeeOther {
			t.Errorf("delete = %d", code)
		}
		if res, _ := f.ts.fetch(t, pictureURL(p.ID, p.Files[0])); res.StatusCode != 404 {
			t.Errorf("deleted picture served: %d", res.StatusCode)
		}
		entries, _, err := s.AuditLog(ctx, store.AuditQuery{Limit: 10})
		var actions []string
		for _, e := range entries {
			if strings.HasPrefix(e.Action, "picture.") {
				actions = append(actions, e.Action)
				if e.Target.Kind != store.TargetItem || e.Target.ID != f.po.ID || e.Actor.ID != f.admin.ID {
					t.Errorf("entry %+v", e)
				}
			}
		}
		if strings.Join(actions, " ") != "picture.delete picture.move picture.add picture.add" {
			t.Errorf("audit log %v, %v", actions, err)
		}
	})
}
