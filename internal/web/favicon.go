package web

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
)

// faviconICO is /favicon.ico, for browsers and tools that ask for it by that name: the brand's star
// drawn at 32×32 and stored as a PNG inside an ICO, made once at start-up.
var faviconICO = drawFaviconICO(32)

// drawFaviconICO returns an ICO file holding one size×size PNG of a five-pointed star.
func drawFaviconICO(size int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	var pts [10][2]float64
	c := float64(size) / 2
	for i := range pts {
		r := c * 0.98
		if i%2 == 1 {
			r *= 0.42
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		pts[i] = [2]float64{c + r*math.Cos(a), c + 0.06*float64(size) + r*math.Sin(a)}
	}
	star := color.NRGBA{0xc2, 0x65, 0x0a, 0xff}
	const n = 4 // samples per axis, for smooth edges
	for y := range size {
		for x := range size {
			hits := 0
			for sy := range n {
				for sx := range n {
					if inPolygon(pts[:], float64(x)+(float64(sx)+.5)/n, float64(y)+(float64(sy)+.5)/n) {
						hits++
					}
				}
			}
			if hits > 0 {
				s := star
				s.A = uint8(255 * hits / (n * n))
				img.SetNRGBA(x, y, s)
			}
		}
	}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		panic(err) // encoding an in-memory image cannot fail
	}
	var ico bytes.Buffer
	// ICONDIR (reserved, type 1 = icon, one image), then one ICONDIRENTRY, then the PNG.
	binary.Write(&ico, binary.LittleEndian, [3]uint16{0, 1, 1})
	ico.Write([]byte{byte(size), byte(size), 0, 0})
	binary.Write(&ico, binary.LittleEndian, [2]uint16{1, 32})
	binary.Write(&ico, binary.LittleEndian, [2]uint32{uint32(pngData.Len()), 6 + 16})
	ico.Write(pngData.Bytes())
	return ico.Bytes()
}

// inPolygon reports whether (x, y) lies inside the polygon (even-odd rule).
func inPolygon(pts [][2]float64, x, y float64) bool {
	in := false
	for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
		a, b := pts[i], pts[j]
		if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// favicon serves /favicon.ico.
func (srv *Server) favicon(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "image/x-icon")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(faviconICO)
}
