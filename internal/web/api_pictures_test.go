package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/picture"
	"github.com/starboard/starboard/internal/picture/picturetest"
	"github.com/starboard/starboard/internal/store"
	"github.com/starboard/starboard/internal/store/storetest"
)

// apiUpload posts a picture to the API with a token and holds the answer to the document.
func (f apiFixture) apiUpload(t *testing.T, token, path, alt, filename string, file []byte, header ...string) (int, http.Header, string) {
	t.Helper()
	ctype, body := multipartPicture(t, alt, filename, file)
	h := append([]string{"Content-Type", ctype, "Authorization", "Bearer " + token}, header...)
	code, hdr, out, err := f.ts.request(http.MethodPost, path, bytes.NewReader(body), h...)
	if err != nil {
		t.Fatal(err)
	}
	mustOpenAPI(t).checkAnswer(t, http.MethodPost, path, code, hdr.Get("Content-Type"), out)
	return code, hdr, out
}

func TestAPIPictures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAPIFixture(t, s)
		path := f.poPath + "/pictures"
		photo := picturetest.WithExif(picturetest.JPEG(800, 600), picture.OrientRotate90CW)

		if code, _, _ := f.apiUpload(t, f.annTok, path, "Po", "po.jpg", photo); code != 403 {
			t.Errorf("member upload = %d, want 403", code)
		}
		if code, _, _ := f.ts.call(t, "", "GET", path, ""); code != 200 {
			t.Errorf("list = %d", code)
		}
		refused := []struct {
			name, alt string
			file      []byte
			code      int
			field     string
		}{
			{"text", "Po", []byte("plain text, named .jpg"), 415, "file"},
			{"bomb", "Po", picturetest.PNGBomb(60_000, 60_000), 422, "file"},
			{"too large", "Po", append(picturetest.JPEG(32, 32), make([]byte, picture.MaxBytes)...), 413, "file"},
			{"no alt", "", photo, 422, "alt"},
		}
		for _, tc := range refused {
			code, _, body := f.apiUpload(t, f.adminTok, path, tc.alt, "po.jpg", tc.file)
			var p problem
			json.Unmarshal([]byte(body), &p)
			if code != tc.code || len(p.Errors) == 0 || p.Errors[0].Field != tc.field {
				t.Errorf("%s: %d %s, want %d naming %s", tc.name, code, body, tc.code, tc.field)
			}
		}
		// Not multipart at all.
		if code, _, _ := f.ts.call(t, f.adminTok, "POST", path, `{"alt": "Po"}`); code != 415 {
			t.Errorf("JSON upload = %d, want 415", code)
		}

		before, _ := s.ItemVersion(ctx, f.po.ID)
		code, h, body := f.apiUpload(t, f.adminTok, path, "Po, sideways", "po.jpg", photo, "Idempotency-Key", "pic-1")
		if code != 201 {
			t.Fatalf("upload = %d %s", code, body)
		}
		var got apiPicture
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		if h.Get("Location") != "/api/v1/pictures/"+itoa(got.ID) || got.Width != 600 || got.Height != 800 || got.Position != 0 ||
			len(got.Files) != 3 || got.Files[2].Width != 600 || got.Files[0].Bytes == 0 {
			t.Errorf("created %+v at %q", got, h.Get("Location"))
		}
		if after, _ := s.ItemVersion(ctx, f.po.ID); after <= before {
			t.Errorf("item counter did not move")
		}
		// A retry with the same key replays the answer and adds nothing.
		code, h, again := f.apiUpload(t, f.adminTok, path, "Po, sideways", "po.jpg", photo, "Idempotency-Key", "pic-1")
		if code != 201 || again != body || h.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry = %d %q", code, h.Get("Idempotent-Replayed"))
		}
		if pics, _ := s.ItemPictures(ctx, f.po.ID); len(pics) != 1 {
			t.Errorf("%d pictures after a retry", len(pics))
		}
		res, b := f.ts.fetch(t, got.Files[1].URL)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || bytes.Contains(b, []byte("Exif")) {
			t.Errorf("file %s = %d %s", got.Files[1].URL, res.StatusCode, res.Header.Get("Content-Type"))
		}

		code, _, body = f.apiUpload(t, f.adminTok, path, "Po's logo", "logo.png", picturetest.PNG(200, 200, 0))
		var second apiPicture
		json.Unmarshal([]byte(body), &second)
		if code != 201 || second.Position != 1 || second.Files[0].ContentType != "image/png" {
			t.Fatalf("second upload = %d %+v", code, second)
		}
		pic := "/api/v1/pictures/" + itoa(second.ID)
		if code, _, _ := f.ts.call(t, f.annTok, "PATCH", pic, `{"position": 0}`); code != 403 {
			t.Errorf("member move = %d", code)
		}
		if code, _, _ := f.ts.call(t, f.adminTok, "PATCH", pic, `{"position": -1}`); code != 422 {
			t.Errorf("move to -1 = %d", code)
		}
		code, _, body = f.ts.call(t, f.adminTok, "PATCH", pic, `{"position": 0}`)
		if code != 200 || !strings.Contains(body, `"position":0`) {
			t.Errorf("move = %d %s", code, body)
		}
		code, _, body = f.ts.call(t, "", "GET", path, "")
		var list struct{ Pictures []apiPicture }
		json.Unmarshal([]byte(body), &list)
		if code != 200 || len(list.Pictures) != 2 || list.Pictures[0].ID != second.ID || list.Pictures[1].Position != 1 {
			t.Errorf("list = %d %s", code, body)
		}
		if code, _, _ := f.ts.call(t, f.annTok, "DELETE", pic, ""); code != 403 {
			t.Errorf("member delete = %d", code)
		}
		if code, _, _ := f.ts.call(t, f.adminTok, "DELETE", pic, ""); code != 204 {
			t.Errorf("delete = %d", code)
		}
		if code, _, _ := f.ts.call(t, "", "GET", pic, ""); code != 404 {
			t.Errorf("deleted picture = %d", code)
		}
		if code, _, _ := f.ts.call(t, "", "GET", "/api/v1/pictures/"+itoa(got.ID), ""); code != 200 {
			t.Errorf("remaining picture = %d", code)
		}
		if code, _, _ := f.ts.call(t, "", "GET", "/api/v1/items/999999/pictures", ""); code != 404 {
			t.Errorf("pictures of no item = %d", code)
		}
	})
}
