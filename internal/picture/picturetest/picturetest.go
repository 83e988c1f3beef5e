// Package picturetest makes image files for tests of uploads: plain ones, ones carrying EXIF
// metadata (GPS position, camera serial, orientation), and hostile ones.
package picturetest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// Marked is the colour of the top-left quarter of the images JPEG and PNG draw; the rest is
// Ground, so a test can tell which way up an image is.
var (
	Marked = color.NRGBA{R: 220, G: 30, B: 30, A: 255}
	Ground = color.NRGBA{R: 30, G: 60, B: 200, A: 255}
)

// Image returns a w×h image, Marked in its top-left quarter and Ground elsewhere; alpha below
// 255 makes the ground that transparent.
func Image(w, h int, alpha uint8) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := Ground
			c.A = alpha
			if x < w/2 && y < h/2 {
				c = Marked
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// JPEG returns a w×h JPEG file of Image.
func JPEG(w, h int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Image(w, h, 255), &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// PNG returns a w×h PNG file of Image, its ground alpha transparent.
func PNG(w, h int, alpha uint8) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, Image(w, h, alpha)); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// Secrets are the strings WithExif hides in a file, which no served picture may contain.
var Secrets = []string{"Exif", "SERIAL-0451-STARBOARD", "CanonTest"}

// WithExif returns a JPEG file with an APP1 Exif segment inserted after its start: IFD0 holds
// the orientation, the camera make and a GPS IFD pointer; the GPS IFD holds a latitude
// reference and latitude; an Exif IFD holds the body serial number.
func WithExif(file []byte, orientation int) []byte {
	be := binary.BigEndian
	var t bytes.Buffer
	t.WriteString("MM\x00\x2a")
	binary.Write(&t, be, uint32(8))
	// IFD0 at 8: 4 entries (make, orientation, Exif IFD, GPS IFD), then next-IFD 0.
	const ifd0Entries = 4
	ifd0End := 8 + 2 + ifd0Entries*12 + 4
	makeOff := ifd0End
	makeVal := "CanonTest\x00"
	exifOff := makeOff + len(makeVal)
	exifEnd := exifOff + 2 + 12 + 4
	serial := "SERIAL-0451-STARBOARD\x00"
	serialOff := exifEnd
	gpsOff := serialOff + len(serial)
	gpsEnd := gpsOff + 2 + 2*12 + 4
	latOff := gpsEnd
	entry := func(tag, typ uint16, count, value uint32) {
		binary.Write(&t, be, tag)
		binary.Write(&t, be, typ)
		binary.Write(&t, be, count)
		binary.Write(&t, be, value)
	}
	binary.Write(&t, be, uint16(ifd0Entries))
	entry(0x010F, 2, uint32(len(makeVal)), uint32(makeOff))
	entry(0x0112, 3, 1, uint32(orientation)<<16) // a SHORT sits in the first two bytes
	entry(0x8769, 4, 1, uint32(exifOff))
	entry(0x8825, 4, 1, uint32(gpsOff))
	binary.Write(&t, be, uint32(0))
	t.WriteString(makeVal)
	binary.Write(&t, be, uint16(1))
	entry(0xA431, 2, uint32(len(serial)), uint32(serialOff))
	binary.Write(&t, be, uint32(0))
	t.WriteString(serial)
	binary.Write(&t, be, uint16(2))
	entry(0x0001, 2, 2, uint32('N')<<24)
	entry(0x0002, 5, 3, uint32(latOff))
	binary.Write(&t, be, uint32(0))
	for _, v := range []uint32{48, 1, 51, 1, 2957, 100} { // 48° 51' 29.57"
		binary.Write(&t, be, v)
	}
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, file[:2]...)
	out = append(out, seg...)
	return append(out, file[2:]...)
}

// PNGBomb returns the start of a PNG file whose header declares w×h pixels: a signature and an
// IHDR chunk with a right checksum, then an IDAT that would inflate to far more than it holds.
func PNGBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		b.WriteString(kind)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x63, 0x60, 0x00, 0x00})
	return b.Bytes()
}
