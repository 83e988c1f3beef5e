package picture_test

import (
	"testing"

	"github.com/starboard/starboard/internal/picture"
	"github.com/starboard/starboard/internal/picture/picturetest"
)

func TestJPEGOrientation(t *testing.T) {
	t.Parallel()
	plain := picturetest.JPEG(32, 32)
	for o := 1; o <= 8; o++ {
		if got := picture.JPEGOrientation(picturetest.WithExif(plain, o)); got != o {
			t.Errorf("orientation %d read as %d", o, got)
		}
	}
	for name, b := range map[string][]byte{
		"no exif":         plain,
		"out of range":    picturetest.WithExif(plain, 9),
		"zero":            picturetest.WithExif(plain, 0),
		"not a jpeg":      []byte("hello"),
		"empty":           nil,
		"truncated":       picturetest.WithExif(plain, 6)[:30],
		"only the marker": {0xFF, 0xD8, 0xFF, 0xE1},
	} {
		if got := picture.JPEGOrientation(b); got != 1 {
			t.Errorf("%s: orientation %d, want 1", name, got)
		}
	}
}

// FuzzJPEGOrientation wants the parser never to panic and always to answer 1-8.
func FuzzJPEGOrientation(f *testing.F) {
	plain := picturetest.JPEG(16, 16)
	f.Add(plain)
	f.Add(picturetest.WithExif(plain, 6))
	f.Add(picturetest.WithExif(plain, 3)[:80])
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00II*\x00\x08\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := picture.JPEGOrientation(b); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
