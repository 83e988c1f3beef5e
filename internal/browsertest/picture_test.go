package browsertest

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/starboard/starboard/internal/picture/picturetest"
	"github.com/starboard/starboard/internal/store"
)

// TestPictureUpload: an admin adds a picture through the real form, as a person would. A text
// file named .jpg is refused beside the field with the alt text kept; a photo carrying Exif (GPS
// position, camera serial, orientation 6) is accepted, turned upright and served without any of
// it; the item's page then shows it with its alt text.
func TestPictureUpload(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	ctx := newTab(t)
	setUp(t, ctx, s, member{"boss@example.com", "Boss", "tubby custard machine 77"})
	line, err := s.store.CategoryBySlug(context.Background(), "tellytubbies")
	if err != nil {
		t.Fatal(err)
	}
	it := store.Item{CategoryID: line.ID, Slug: "tubby-toaster", Name: "Tubby Toaster"}
	if err := s.store.CreateItem(context.Background(), &it); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	notes, photo := filepath.Join(dir, "notes.jpg"), filepath.Join(dir, "photo.jpg")
	if err := os.WriteFile(notes, []byte("Not a picture at all, whatever its name says.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	exif := picturetest.WithExif(picturetest.JPEG(400, 300), 6)
	if err := os.WriteFile(photo, exif, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Exif", "CanonTest", "SERIAL-0451"} {
		if !bytes.Contains(exif, []byte(secret)) {
			t.Fatalf("the test photo lacks %q: nothing would be proved", secret)
		}
	}

	page := "/admin/items/" + strconv.FormatInt(it.ID, 10) + "/pictures"
	checkPage(t, ctx, page, open(t, ctx, s, page))
	res := submit(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#alt`), "A red toaster, from the front"),
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{notes}),
		chromedp.Submit(chromedp.CSS(`#alt`)))
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a text file named .jpg answered %d, want 422", res.Status)
	}
	checkPage(t, ctx, "pictures form with errors", res)
	if msg := eval[string](t, ctx, `document.querySelector('#file-error')?.textContent ?? ''`); msg == "" {
		t.Error("no error beside the file field")
	}
	if alt := eval[string](t, ctx, `document.querySelector('#alt').value`); alt != "A red toaster, from the front" {
		t.Errorf("the alt text was not kept: %q", alt)
	}

	res = submit(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{photo}),
		chromedp.Submit(chromedp.CSS(`#alt`)))
	if res.Status != http.StatusOK || !strings.HasSuffix(res.URL, page) {
		t.Fatalf("the photo answered %d at %s, want 200 at %s", res.Status, res.URL, page)
	}
	src := eval[string](t, ctx, `document.querySelector('.admin-pictures img').src`)
	served := fetch(t, src)
	for _, secret := range []string{"Exif", "CanonTest", "SERIAL-0451"} {
		if bytes.Contains(served, []byte(secret)) {
			t.Errorf("the served picture still holds %q", secret)
		}
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(served))
	if err != nil || format != "jpeg" || cfg.Width >= cfg.Height {
		t.Errorf("served picture: %s %dx%d, %v; want a JPEG turned upright (taller than wide)", format, cfg.Width, cfg.Height, err)
	}

	item := "/c/tellytubbies/tubby-toaster"
	checkPage(t, ctx, item, open(t, ctx, s, item))
	if alt := eval[string](t, ctx, `document.querySelector('img.item-picture')?.alt ?? ''`); alt != "A red toaster, from the front" {
		t.Errorf("the item page's picture has alt %q", alt)
	}
	if src := eval[string](t, ctx, `document.querySelector('img.item-picture').getAttribute('src')`); !strings.HasPrefix(src, "/pictures/") {
		t.Errorf("the item page's picture is %q, want one of /pictures/", src)
	}
}

// fetch GETs an address of the test site and returns its body.
func fetch(t *testing.T, u string) []byte {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, %v", u, res.StatusCode, err)
	}
	return b
}
