package picture_test

import (
	"bytes"
	"errors"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/starboard/starboard/internal/picture"
	"github.com/starboard/starboard/internal/picture/picturetest"
)

func refusal(t *testing.T, err error) *picture.Refusal {
	t.Helper()
	var r *picture.Refusal
	if !errors.As(err, &r) {
		t.Fatalf("error %v, want a refusal", err)
	}
	return r
}

func TestProcessRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		file   []byte
		reason picture.Reason
		says   string
	}{
		{"text named .jpg", []byte("just some text, named photo.jpg\n"), picture.Unsupported, "This file is text"},
		{"empty", nil, picture.Unsupported, "empty"},
		{"pdf", []byte("%PDF-1.4\n1 0 obj"), picture.Unsupported, "PDF"},
		{"bmp", append([]byte("BM"), make([]byte, 60)...), picture.Unsupported, "bmp image"},
		{"png bomb", picturetest.PNGBomb(100_000, 100_000), picture.BadImage, "100000×100000"},
		{"png over 40 megapixels", picturetest.PNGBomb(8000, 6000), picture.BadImage, "48 megapixels"},
		{"absurd strip", picturetest.PNGBomb(19_000, 1), picture.BadImage, "at least 16"},
		{"zero size", picturetest.PNGBomb(0, 0), picture.BadImage, ""},
		{"truncated jpeg", picturetest.JPEG(64, 64)[:300], picture.BadImage, "damaged"},
		{"over 10 MiB", append(picturetest.JPEG(64, 64), make([]byte, picture.MaxBytes)...), picture.TooLarge, "10 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := picture.Process(tc.file)
			r := refusal(t, err)
			if r.Reason != tc.reason || !strings.Contains(r.Msg, tc.says) {
				t.Errorf("refusal %d %q, want %d containing %q", r.Reason, r.Msg, tc.reason, tc.says)
			}
		})
	}
}

func TestReadRefusesOver10MiB(t *testing.T) {
	t.Parallel()
	_, err := picture.Read(bytes.NewReader(make([]byte, picture.MaxBytes+1)))
	if refusal(t, err).Reason != picture.TooLarge {
		t.Errorf("err %v", err)
	}
	if b, err := picture.Read(bytes.NewReader(make([]byte, 10))); err != nil || len(b) != 10 {
		t.Errorf("read %d, %v", len(b), err)
	}
}

// TestProcessStripsExifAndTurnsUpright uploads a 400×200 JPEG whose Exif says orientation 6
// (turn 90° clockwise) and carries a GPS position and camera serial.
func TestProcessStripsExifAndTurnsUpright(t *testing.T) {
	t.Parallel()
	file := picturetest.WithExif(picturetest.JPEG(400, 200), picture.OrientRotate90CW)
	if got := picture.JPEGOrientation(file); got != 6 {
		t.Fatalf("orientation %d", got)
	}
	pic, err := picture.Process(file)
	if err != nil {
		t.Fatal(err)
	}
	if pic.Width != 200 || pic.Height != 400 {
		t.Errorf("size %d×%d, want 200×400", pic.Width, pic.Height)
	}
	var widths []int
	for _, r := range pic.Renditions {
		widths = append(widths, r.Width)
		for _, s := range picturetest.Secrets {
			if bytes.Contains(r.Bytes, []byte(s)) {
				t.Errorf("width %d holds %q", r.Width, s)
			}
		}
		if r.ContentType != "image/jpeg" || !bytes.HasPrefix(r.Bytes, []byte{0xFF, 0xD8}) || len(r.SHA256) != 64 {
			t.Errorf("width %d: %s %d bytes", r.Width, r.ContentType, len(r.Bytes))
		}
		if bytes.Contains(r.Bytes, []byte{0xFF, 0xE1}) && picture.JPEGOrientation(r.Bytes) != 1 {
			t.Errorf("width %d keeps an orientation", r.Width)
		}
	}
	if want := []int{160, 200}; !equal(widths, want) {
		t.Errorf("widths %v, want %v", widths, want)
	}
	// Turned clockwise, the marked top-left quarter is now top-right.
	img, err := jpeg.Decode(bytes.NewReader(pic.Renditions[1].Bytes))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 200 || b.Dy() != 400 {
		t.Fatalf("decoded %v", b)
	}
	if !near(img, 150, 50, picturetest.Marked) || !near(img, 50, 50, picturetest.Ground) || !near(img, 150, 300, picturetest.Ground) {
		t.Errorf("not turned clockwise: top-left %v, top-right %v", img.At(50, 50), img.At(150, 50))
	}
}

func TestOrientEveryValue(t *testing.T) {
	t.Parallel()
	src := picturetest.Image(4, 2, 255) // marked pixels: (0,0) only (quarter of 4×2 is 2×1: x<2,y<1)
	// Where the marked block's first pixel (0,0) lands, and the size, for each orientation.
	for o, want := range map[int]struct {
		w, h, x, y int
	}{
		1: {4, 2, 0, 0}, 2: {4, 2, 3, 0}, 3: {4, 2, 3, 1}, 4: {4, 2, 0, 1},
		5: {2, 4, 0, 0}, 6: {2, 4, 1, 0}, 7: {2, 4, 1, 3}, 8: {2, 4, 0, 3},
	} {
		img := picture.Orient(src, o)
		if b := img.Bounds(); b.Dx() != want.w || b.Dy() != want.h {
			t.Errorf("orientation %d: size %v", o, b)
			continue
		}
		if c := img.At(want.x, want.y); !sameColor(c, picturetest.Marked) {
			t.Errorf("orientation %d: (%d,%d) is %v, want marked", o, want.x, want.y, c)
		}
	}
}

func TestProcessWidthsAndTypes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		file   []byte
		ctype  string
		widths []int
	}{
		{"big jpeg", picturetest.JPEG(2000, 1500), "image/jpeg", []int{160, 320, 640, 1280}},
		{"exactly 640", picturetest.JPEG(640, 480), "image/jpeg", []int{160, 320, 640}},
		{"small", picturetest.JPEG(100, 80), "image/jpeg", []int{100}},
		{"transparent png", picturetest.PNG(700, 300, 100), "image/png", []int{160, 320, 640, 700}},
		{"opaque png", picturetest.PNG(300, 300, 255), "image/jpeg", []int{160, 300}},
		{"gif", gifFile(t, 200, 100), "image/jpeg", []int{160, 200}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pic, err := picture.Process(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			var widths []int
			for _, r := range pic.Renditions {
				widths = append(widths, r.Width)
				if r.ContentType != tc.ctype {
					t.Errorf("width %d is %s, want %s", r.Width, r.ContentType, tc.ctype)
				}
				wantH := (pic.Height*r.Width + pic.Width/2) / pic.Width
				if r.Height != max(1, wantH) {
					t.Errorf("width %d height %d, want %d", r.Width, r.Height, wantH)
				}
				var cfg image.Config
				if r.ContentType == "image/png" {
					cfg, err = png.DecodeConfig(bytes.NewReader(r.Bytes))
				} else {
					cfg, err = jpeg.DecodeConfig(bytes.NewReader(r.Bytes))
				}
				if err != nil || cfg.Width != r.Width || cfg.Height != r.Height {
					t.Errorf("width %d decodes as %+v, %v", r.Width, cfg, err)
				}
			}
			if !equal(widths, tc.widths) {
				t.Errorf("widths %v, want %v", widths, tc.widths)
			}
		})
	}
}

func TestProcessWebP(t *testing.T) {
	t.Parallel()
	// A 1×1 lossless WebP, too small to keep.
	webp := []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
	if ct, err := picture.Sniff(webp); err != nil || ct != "image/webp" {
		t.Fatalf("sniff %q, %v", ct, err)
	}
	_, cfg, err := picture.Check(webp)
	if cfg.Width != 1 || cfg.Height != 1 {
		t.Fatalf("config %+v, %v", cfg, err)
	}
	if r := refusal(t, err); r.Reason != picture.BadImage || !strings.Contains(r.Msg, "at least 16") {
		t.Errorf("refusal %+v", r)
	}
}

func gifFile(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, picturetest.Image(w, h, 255), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func near(img image.Image, x, y int, c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r1, g1, b1, _ := img.At(x, y).RGBA()
	r2, g2, b2, _ := c.RGBA()
	d := func(a, b uint32) bool { return a>>8 < b>>8+40 && b>>8 < a>>8+40 }
	return d(r1, r2) && d(g1, g2) && d(b1, b2)
}

func sameColor(a, b interface{ RGBA() (r, g, b, a uint32) }) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}
