// Package picture turns an uploaded file into the pictures Starboard serves: it refuses what is
// not a JPEG, PNG, GIF or WebP image by its bytes (never its name), refuses decompression bombs
// before decoding, turns the image upright by its EXIF orientation, and re-encodes it in a few
// widths, so no metadata (GPS position, camera serial) and no polyglot byte of the upload is
// ever served. It has no imports of ours.
package picture

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Limits on what Process accepts.
const (
	// MaxBytes is the largest upload, in bytes (10 MiB).
	MaxBytes = 10 << 20
	// MaxPixels is the most pixels an image may declare (40 megapixels).
	MaxPixels = 40_000_000
	// MaxSide is the longest side an image may declare, in pixels: a 40-megapixel image
	// 1 pixel high is no photo.
	MaxSide = 20_000
	// MinSide is the shortest side an image may have, in pixels.
	MinSide = 16
	// JPEGQuality is the quality opaque pictures are encoded at.
	JPEGQuality = 82
)

// Widths are the widths pictures are served in, in pixels; never wider than the upload.
var Widths = []int{160, 320, 640, 1280}

// Reason says why an upload was refused, for the status an HTTP answer gives it.
type Reason int

// The reasons Process refuses a file.
const (
	// TooLarge: over MaxBytes (HTTP 413).
	TooLarge Reason = iota + 1
	// Unsupported: not a JPEG, PNG, GIF or WebP image (HTTP 415).
	Unsupported
	// BadImage: one of those types, but unreadable, or its size out of bounds (HTTP 422).
	BadImage
)

// Refusal is an upload Process refused; Error is a sentence for the person who sent it.
type Refusal struct {
	Reason Reason
	Msg    string
}

func (r *Refusal) Error() string { return r.Msg }

func refuse(reason Reason, format string, args ...any) *Refusal {
	return &Refusal{Reason: reason, Msg: fmt.Sprintf(format, args...)}
}

// Rendition is a picture encoded at one width.
type Rendition struct {
	Width, Height int
	ContentType   string // image/jpeg or image/png
	Bytes         []byte
	SHA256        string // hex of the bytes' SHA-256
}

// Ext returns the file extension of the rendition's type: ".jpg" or ".png".
func (r Rendition) Ext() string { return Ext(r.ContentType) }

// Ext returns the file extension of a rendition's content type: ".jpg" or ".png".
func Ext(contentType string) string {
	if contentType == "image/png" {
		return ".png"
	}
	return ".jpg"
}

// Picture is an upload made safe: its upright size and its renditions, narrowest first.
type Picture struct {
	Width, Height int
	Renditions    []Rendition
}

// slots bounds how many images are decoded at once: a 40-megapixel image takes 160 MB decoded.
var slots = make(chan struct{}, 2)

// Read reads an upload of at most MaxBytes from r, or refuses it as TooLarge.
func Read(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBytes {
		return nil, refuse(TooLarge, "The file is larger than 10 MiB; upload a smaller picture.")
	}
	return b, nil
}

// Sniff returns the type of an image file read from its first bytes ("image/jpeg", "image/png",
// "image/gif" or "image/webp"), or a *Refusal naming what it looks like instead.
func Sniff(b []byte) (string, error) {
	if len(b) == 0 {
		return "", refuse(Unsupported, "The file is empty; choose a JPEG, PNG, GIF or WebP picture.")
	}
	ct := http.DetectContentType(b)
	switch ct {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		return ct, nil
	}
	what := "another kind of file"
	switch {
	case len(ct) > 5 && ct[:5] == "text/":
		what = "text"
	case len(ct) > 6 && ct[:6] == "image/":
		what = "a " + ct[6:] + " image"
	case ct == "application/pdf":
		what = "a PDF document"
	case ct == "application/zip":
		what = "a zip archive"
	}
	return "", refuse(Unsupported, "This file is %s, not a picture we accept: choose a JPEG, PNG, GIF or WebP image.", what)
}

// Check reads the type and declared size of an image file without decoding its pixels, and
// refuses what Process would refuse before decoding.
func Check(b []byte) (contentType string, cfg image.Config, err error) {
	if len(b) > MaxBytes {
		return "", cfg, refuse(TooLarge, "The file is larger than 10 MiB; upload a smaller picture.")
	}
	ct, err := Sniff(b)
	if err != nil {
		return "", cfg, err
	}
	switch ct {
	case "image/jpeg":
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(b))
	case "image/png":
		cfg, err = png.DecodeConfig(bytes.NewReader(b))
	case "image/gif":
		cfg, err = gif.DecodeConfig(bytes.NewReader(b))
	case "image/webp":
		cfg, err = webp.DecodeConfig(bytes.NewReader(b))
	}
	if err != nil {
		return ct, cfg, refuse(BadImage, "This %s file is damaged or incomplete and cannot be read.", kindName(ct))
	}
	w, h := cfg.Width, cfg.Height
	switch {
	case w <= 0 || h <= 0 || w > MaxSide || h > MaxSide:
		return ct, cfg, refuse(BadImage, "This picture says it is %d×%d pixels; each side must be %d to %d pixels.", w, h, MinSide, MaxSide)
	case int64(w)*int64(h) > MaxPixels:
		return ct, cfg, refuse(BadImage, "This picture is %d×%d pixels (%.0f megapixels); the limit is 40 megapixels.", w, h, float64(w)*float64(h)/1e6)
	case w < MinSide || h < MinSide:
		return ct, cfg, refuse(BadImage, "This picture is %d×%d pixels; each side must be at least %d pixels.", w, h, MinSide)
	}
	return ct, cfg, nil
}

func kindName(ct string) string {
	switch ct {
	case "image/jpeg":
		return "JPEG"
	case "image/png":
		return "PNG"
	case "image/gif":
		return "GIF"
	}
	return "WebP"
}

// Process checks an uploaded file, decodes it, turns it upright by its EXIF orientation and
// encodes it afresh in each of Widths no wider than it (and at its own width when narrower than
// the widest): JPEG when it is opaque, PNG when it has transparency. A file it refuses is a
// *Refusal.
func Process(b []byte) (Picture, error) {
	ct, _, err := Check(b)
	if err != nil {
		return Picture{}, err
	}
	slots <- struct{}{}
	defer func() { <-slots }()
	var img image.Image
	switch ct {
	case "image/jpeg":
		img, err = jpeg.Decode(bytes.NewReader(b))
	case "image/png":
		img, err = png.Decode(bytes.NewReader(b))
	case "image/gif":
		img, err = gif.Decode(bytes.NewReader(b))
	case "image/webp":
		img, err = webp.Decode(bytes.NewReader(b))
	}
	if err != nil {
		return Picture{}, refuse(BadImage, "This %s file is damaged or incomplete and cannot be read.", kindName(ct))
	}
	if ct == "image/jpeg" {
		img = Orient(img, JPEGOrientation(b))
	}
	return Encode(img)
}

// Encode encodes an upright image in each of Widths no wider than it (and at its own width when
// narrower than the widest), as JPEG when it is opaque and PNG when it is not.
func Encode(img image.Image) (Picture, error) {
	bounds := img.Bounds()
	pic := Picture{Width: bounds.Dx(), Height: bounds.Dy()}
	opaque := isOpaque(img)
	widths := renditionWidths(pic.Width)
	// Each width is scaled from the next wider one, largest first: a halving at each step keeps
	// the quality of a wide filter at a fraction of its cost on a large upload.
	out := make([]Rendition, len(widths))
	src := img
	for i := len(widths) - 1; i >= 0; i-- {
		w := widths[i]
		h := max(1, int((int64(pic.Height)*int64(w)+int64(pic.Width)/2)/int64(pic.Width)))
		var scaled image.Image
		if w == pic.Width && i == len(widths)-1 {
			scaled = src
		} else {
			dst := image.NewRGBA(image.Rect(0, 0, w, h))
			// Halving or less, bilinear sampling averages the pixels it spans, at a fraction of
			// Catmull-Rom's cost; a larger step needs the wider filter not to alias.
			var scaler draw.Scaler = draw.CatmullRom
			if src.Bounds().Dx() <= 2*w {
				scaler = draw.ApproxBiLinear
			}
			scaler.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
			scaled = dst
		}
		r, err := encodeOne(scaled, opaque)
		if err != nil {
			return Picture{}, err
		}
		out[i] = r
		src = scaled
	}
	pic.Renditions = out
	return pic, nil
}

// renditionWidths returns the widths a picture w pixels wide is kept in, narrowest first.
func renditionWidths(w int) []int {
	var out []int
	for _, x := range Widths {
		if x < w && x < Widths[len(Widths)-1] {
			out = append(out, x)
		}
	}
	if widest := Widths[len(Widths)-1]; w >= widest {
		return append(out, widest)
	}
	return append(out, w)
}

func encodeOne(img image.Image, opaque bool) (Rendition, error) {
	var buf bytes.Buffer
	r := Rendition{Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
	if opaque {
		r.ContentType = "image/jpeg"
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality}); err != nil {
			return r, fmt.Errorf("picture: encode JPEG: %w", err)
		}
	} else {
		r.ContentType = "image/png"
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(&buf, img); err != nil {
			return r, fmt.Errorf("picture: encode PNG: %w", err)
		}
	}
	r.Bytes = buf.Bytes()
	sum := sha256.Sum256(r.Bytes)
	r.SHA256 = hex.EncodeToString(sum[:])
	return r, nil
}

// isOpaque reports whether every pixel of img is fully opaque.
func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				return false
			}
		}
	}
	return true
}

// Orient returns img turned upright for an EXIF orientation (1-8); 1 or an unknown value
// returns img itself.
func Orient(img image.Image, orientation int) image.Image {
	if orientation <= OrientUpright || orientation > OrientRotate90CCW {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	src := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	dw, dh := w, h
	if orientation >= OrientTranspose {
		dw, dh = h, w
	}
	dst := image.NewNRGBA(image.Rect(0, 0, dw, dh))
	// from maps a destination pixel to the source pixel shown there.
	var from func(x, y int) (int, int)
	switch orientation {
	case OrientFlipH:
		from = func(x, y int) (int, int) { return w - 1 - x, y }
	case OrientRotate180:
		from = func(x, y int) (int, int) { return w - 1 - x, h - 1 - y }
	case OrientFlipV:
		from = func(x, y int) (int, int) { return x, h - 1 - y }
	case OrientTranspose:
		from = func(x, y int) (int, int) { return y, x }
	case OrientRotate90CW:
		from = func(x, y int) (int, int) { return y, h - 1 - x }
	case OrientTransverse:
		from = func(x, y int) (int, int) { return w - 1 - y, h - 1 - x }
	case OrientRotate90CCW:
		from = func(x, y int) (int, int) { return w - 1 - y, x }
	}
	for y := range dh {
		row := dst.Pix[y*dst.Stride:]
		for x := range dw {
			sx, sy := from(x, y)
			copy(row[x*4:x*4+4], src.Pix[sy*src.Stride+sx*4:])
		}
	}
	return dst
}
