package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/starboard/starboard/internal/picture"
	"github.com/starboard/starboard/internal/store"
)

// The demo's pictures, drawn here rather than shipped: the Tellytubbies as simple figures in
// their colours, each with its own antenna; book covers with title and author; iPads as rounded
// rectangles sized by their display. The same data set gives the same pixels every run (and the
// same bytes, on one kind of processor: the scaler's floating point may differ between them).

// drawing is a picture the demo makes for one item.
type drawing struct {
	img image.Image
	alt string
}

// drawItem returns the drawing of an item of a demo line, or false for an item without one.
func drawItem(lineSlug string, it store.Item) (drawing, bool) {
	switch lineSlug {
	case "tellytubbies":
		if tubby, ok := tubbies[it.Slug]; ok {
			return drawing{drawTubby(tubby), it.Name + ", drawn: a " + strings.ToLower(it.Attributes["colour"]) +
				" Tellytubby with " + tubby.antennaText + " on its head"}, true
		}
	case "books":
		author := it.Attributes["author"]
		return drawing{drawCover(it.Name, author), "The cover of " + it.Name + " by " + author}, true
	case "ipads":
		inches, err := strconv.ParseFloat(strings.TrimSuffix(it.Attributes["display"], `"`), 64)
		if err != nil {
			return drawing{}, false
		}
		return drawing{drawTablet(inches), it.Name + ", drawn to scale with the other iPads: a " +
			strings.TrimSuffix(it.Attributes["display"], `"`) + "-inch tablet"}, true
	}
	return drawing{}, false
}

// encoded is a drawing encoded, kept for the process's next load of the same item.
type encoded struct {
	pic picture.Picture
	alt string
	err error
}

// drawings keeps each item's encoded drawing, by line, slug, name and attributes: the drawings
// are the same every time, and tests load the demo many times.
var drawings sync.Map

// drawn returns the encoded drawing of an item, drawing it the first time.
func drawn(lineSlug string, it store.Item) (encoded, bool) {
	key := fmt.Sprint(lineSlug, "\x00", it.Slug, "\x00", it.Name, "\x00", map[string]string(it.Attributes))
	if e, ok := drawings.Load(key); ok {
		return e.(encoded), true
	}
	d, ok := drawItem(lineSlug, it)
	if !ok {
		return encoded{}, false
	}
	pic, err := picture.Encode(d.img)
	e := encoded{pic: pic, alt: d.alt, err: err}
	drawings.Store(key, e)
	return e, true
}

// addPictures draws and stores the pictures of the items of a line, in one transaction, and
// returns how many it added.
func addPictures(ctx context.Context, s *store.Store, l line) (int, error) {
	var pics []store.Picture
	for _, di := range l.items {
		d, ok := drawn(l.cat.Slug, di.item)
		if !ok {
			continue
		}
		if d.err != nil {
			return 0, fmt.Errorf("demo: picture of %s: %w", di.item.Name, d.err)
		}
		p := store.Picture{ItemID: di.item.ID, Alt: d.alt, Width: d.pic.Width, Height: d.pic.Height}
		for _, r := range d.pic.Renditions {
			p.Files = append(p.Files, store.PictureFile{Width: r.Width, Height: r.Height, ContentType: r.ContentType, SHA256: r.SHA256, Bytes: r.Bytes})
		}
		pics = append(pics, p)
	}
	if len(pics) == 0 {
		return 0, nil
	}
	err := s.Write(ctx, func(tx *store.Tx) error {
		for i := range pics {
			if err := tx.AddPicture(&pics[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("demo: pictures of %s: %w", l.cat.Name, err)
	}
	return len(pics), nil
}

// canvas is an image being drawn, with a rasterizer for its shapes.
type canvas struct {
	img *image.RGBA
	z   vector.Rasterizer
	pen pen
}

// pen records a shape's path, so that it is rasterized over its own bounds only, not the whole
// canvas: that is most of the cost of drawing.
type pen struct {
	segs []seg
}

type seg struct {
	op  byte // 'M', 'L', 'Q', 'C' or 'Z'
	pts [6]float32
}

// MoveTo starts a new part of the shape at (x, y).
func (p *pen) MoveTo(x, y float32) { p.segs = append(p.segs, seg{op: 'M', pts: [6]float32{x, y}}) }

// LineTo adds a line to (x, y).
func (p *pen) LineTo(x, y float32) { p.segs = append(p.segs, seg{op: 'L', pts: [6]float32{x, y}}) }

// QuadTo adds a quadratic curve.
func (p *pen) QuadTo(bx, by, cx, cy float32) {
	p.segs = append(p.segs, seg{op: 'Q', pts: [6]float32{bx, by, cx, cy}})
}

// CubeTo adds a cubic curve.
func (p *pen) CubeTo(bx, by, cx, cy, dx, dy float32) {
	p.segs = append(p.segs, seg{op: 'C', pts: [6]float32{bx, by, cx, cy, dx, dy}})
}

// ClosePath closes the current part of the shape.
func (p *pen) ClosePath() { p.segs = append(p.segs, seg{op: 'Z'}) }

// points returns how many coordinate pairs a segment holds.
func (s seg) points() int {
	switch s.op {
	case 'M', 'L':
		return 1
	case 'Q':
		return 2
	case 'C':
		return 3
	}
	return 0
}

func newCanvas(w, h int, bg color.RGBA) *canvas {
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h))}
	draw.Draw(c.img, c.img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	return c
}

// fill paints the shape path draws in a colour, rasterizing only within its bounds.
func (c *canvas) fill(col color.RGBA, path func(z *pen)) {
	c.pen.segs = c.pen.segs[:0]
	path(&c.pen)
	minX, minY, maxX, maxY := float32(math.Inf(1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Inf(-1))
	for _, s := range c.pen.segs {
		for i := range s.points() {
			minX, maxX = min(minX, s.pts[2*i]), max(maxX, s.pts[2*i])
			minY, maxY = min(minY, s.pts[2*i+1]), max(maxY, s.pts[2*i+1])
		}
	}
	r := image.Rect(int(math.Floor(float64(minX))), int(math.Floor(float64(minY))),
		int(math.Ceil(float64(maxX))), int(math.Ceil(float64(maxY)))).Intersect(c.img.Bounds())
	if r.Empty() {
		return
	}
	ox, oy := float32(r.Min.X), float32(r.Min.Y)
	z := &c.z
	z.Reset(r.Dx(), r.Dy())
	z.DrawOp = draw.Over
	for _, s := range c.pen.segs {
		q := s.pts
		switch s.op {
		case 'M':
			z.MoveTo(q[0]-ox, q[1]-oy)
		case 'L':
			z.LineTo(q[0]-ox, q[1]-oy)
		case 'Q':
			z.QuadTo(q[0]-ox, q[1]-oy, q[2]-ox, q[3]-oy)
		case 'C':
			z.CubeTo(q[0]-ox, q[1]-oy, q[2]-ox, q[3]-oy, q[4]-ox, q[5]-oy)
		case 'Z':
			z.ClosePath()
		}
	}
	z.Draw(c.img, r, image.NewUniform(col), image.Point{})
}

// ellipse adds an ellipse centred on (cx, cy), drawn with four cubic curves.
func ellipse(z *pen, cx, cy, rx, ry float32) {
	const k = 0.5523 // control point distance of a quarter circle
	z.MoveTo(cx+rx, cy)
	z.CubeTo(cx+rx, cy+k*ry, cx+k*rx, cy+ry, cx, cy+ry)
	z.CubeTo(cx-k*rx, cy+ry, cx-rx, cy+k*ry, cx-rx, cy)
	z.CubeTo(cx-rx, cy-k*ry, cx-k*rx, cy-ry, cx, cy-ry)
	z.CubeTo(cx+k*rx, cy-ry, cx+rx, cy-k*ry, cx+rx, cy)
	z.ClosePath()
}

// roundRect adds a rectangle with corners of radius r.
func roundRect(z *pen, x0, y0, x1, y1, r float32) {
	const k = 0.5523
	z.MoveTo(x0+r, y0)
	z.LineTo(x1-r, y0)
	z.CubeTo(x1-r+k*r, y0, x1, y0+r-k*r, x1, y0+r)
	z.LineTo(x1, y1-r)
	z.CubeTo(x1, y1-r+k*r, x1-r+k*r, y1, x1-r, y1)
	z.LineTo(x0+r, y1)
	z.CubeTo(x0+r-k*r, y1, x0, y1-r+k*r, x0, y1-r)
	z.LineTo(x0, y0+r)
	z.CubeTo(x0, y0+r-k*r, x0+r-k*r, y0, x0+r, y0)
	z.ClosePath()
}

// stroke adds a line w wide from (x0, y0) to (x1, y1).
func stroke(z *pen, x0, y0, x1, y1, w float32) {
	dx, dy := x1-x0, y1-y0
	l := float32(math.Hypot(float64(dx), float64(dy)))
	nx, ny := -dy/l*w/2, dx/l*w/2
	z.MoveTo(x0+nx, y0+ny)
	z.LineTo(x1+nx, y1+ny)
	z.LineTo(x1-nx, y1-ny)
	z.LineTo(x0-nx, y0-ny)
	z.ClosePath()
}

// tubby is how one Tellytubby is drawn.
type tubby struct {
	body, dark  color.RGBA
	antennaText string
	antenna     func(c *canvas, x, top float32, col color.RGBA)
}

var tubbies = map[string]tubby{
	"tinky-winky": {rgb(0x8e, 0x4c, 0xc4), rgb(0x6a, 0x33, 0x99), "a triangle", func(c *canvas, x, top float32, col color.RGBA) {
		c.fill(col, func(z *pen) {
			stroke(z, x, top+40, x, top+14, 7)
			// A triangle outline: the outer triangle and, wound the other way, the inner one.
			z.MoveTo(x, top-32)
			z.LineTo(x+26, top+14)
			z.LineTo(x-26, top+14)
			z.ClosePath()
			z.MoveTo(x, top-14)
			z.LineTo(x-13, top+7)
			z.LineTo(x+13, top+7)
			z.ClosePath()
		})
	}},
	"dipsy": {rgb(0x7c, 0xb8, 0x3e), rgb(0x55, 0x8c, 0x27), "a straight antenna", func(c *canvas, x, top float32, col color.RGBA) {
		c.fill(col, func(z *pen) {
			stroke(z, x, top+40, x, top-40, 9)
			ellipse(z, x, top-40, 5, 5)
		})
	}},
	"laa-laa": {rgb(0xf2, 0xd5, 0x2e), rgb(0xc9, 0xa8, 0x10), "a curl", func(c *canvas, x, top float32, col color.RGBA) {
		c.fill(col, func(z *pen) {
			stroke(z, x, top+40, x, top, 7)
			// A spiral of overlapping dots, from the stalk's top inwards.
			cx, cy := float64(x), float64(top)-20
			for i := 0; i <= 120; i++ {
				f := float64(i) / 120
				a := math.Pi/2 + f*1.75*2*math.Pi
				r := 20 - 15*f
				ellipse(z, float32(cx+r*math.Cos(a)), float32(cy+r*math.Sin(a)), 3.5, 3.5)
			}
		})
	}},
	"po": {rgb(0xe0, 0x2f, 0x2f), rgb(0xab, 0x1d, 0x1d), "a circle", func(c *canvas, x, top float32, col color.RGBA) {
		c.fill(col, func(z *pen) {
			stroke(z, x, top+40, x, top-4, 7)
			ellipse(z, x, top-22, 20, 20)
		})
		c.fill(sky, func(z *pen) { ellipse(z, x, top-22, 12, 12) })
	}},
}

var (
	sky   = rgb(0xbf, 0xe3, 0xf7)
	grass = rgb(0x6c, 0xc0, 0x4a)
	face  = rgb(0xf6, 0xd9, 0xb8)
	ink   = rgb(0x2b, 0x2b, 0x33)
	white = rgb(0xff, 0xff, 0xff)
)

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 0xff} }

// drawTubby draws a Tellytubby standing on a hill under the sky, 640×480.
func drawTubby(t tubby) image.Image {
	c := newCanvas(640, 480, sky)
	c.fill(rgb(0xff, 0xe8, 0x7a), func(z *pen) { ellipse(z, 560, 70, 36, 36) }) // the sun
	c.fill(grass, func(z *pen) {
		z.MoveTo(0, 400)
		z.CubeTo(200, 330, 440, 330, 640, 400)
		z.LineTo(640, 480)
		z.LineTo(0, 480)
		z.ClosePath()
	})
	const x = 320
	t.antenna(c, x, 70, t.body)
	c.fill(t.dark, func(z *pen) {
		ellipse(z, x-45, 392, 30, 18) // feet
		ellipse(z, x+45, 392, 30, 18)
	})
	c.fill(t.body, func(z *pen) {
		ellipse(z, x, 290, 92, 100)            // body
		ellipse(z, x, 150, 70, 66)             // head
		ellipse(z, x-100, 260, 24, 52)         // arms
		ellipse(z, x+100, 260, 24, 52)         //
		roundRect(z, x-70, 330, x-20, 392, 18) // legs
		roundRect(z, x+20, 330, x+70, 392, 18) //
		stroke(z, x-62, 92, x-70, 112, 18)     // ears
		stroke(z, x+62, 92, x+70, 112, 18)     //
		ellipse(z, x, 110, 40, 14)             // the hood's top
		roundRect(z, x-30, 200, x+30, 220, 8)  // the neck
	})
	c.fill(rgb(0xc9, 0xcf, 0xd6), func(z *pen) { roundRect(z, x-44, 248, x+44, 330, 12) }) // tummy screen
	c.fill(rgb(0xe9, 0xee, 0xf3), func(z *pen) { roundRect(z, x-34, 258, x+34, 320, 8) })
	c.fill(face, func(z *pen) { ellipse(z, x, 160, 50, 46) })
	c.fill(ink, func(z *pen) {
		ellipse(z, x-18, 150, 6, 7) // eyes
		ellipse(z, x+18, 150, 6, 7)
		// A smile: the area between two arcs.
		z.MoveTo(x-22, 176)
		z.QuadTo(x, 200, x+22, 176)
		z.QuadTo(x, 190, x-22, 176)
		z.ClosePath()
	})
	return c.img
}

// Fonts for the covers, parsed once.
var fonts = sync.OnceValues(func() ([2]*opentype.Font, error) {
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return [2]*opentype.Font{}, err
	}
	regular, err := opentype.Parse(goregular.TTF)
	return [2]*opentype.Font{bold, regular}, err
})

// coverColours are the covers' backgrounds, picked by the title.
var coverColours = []color.RGBA{rgb(0x1f, 0x3a, 0x5f), rgb(0x7a, 0x1f, 0x2b), rgb(0x2f, 0x5d, 0x3a), rgb(0x5b, 0x3a, 0x73),
	rgb(0x8a, 0x5a, 0x12), rgb(0x23, 0x5f, 0x66), rgb(0x44, 0x44, 0x4c)}

// drawCover draws a book cover, 400×600: the title large, the author below, on a colour chosen
// by the title, within a thin frame.
func drawCover(title, author string) image.Image {
	h := fnv.New32a()
	h.Write([]byte(title))
	bg := coverColours[h.Sum32()%uint32(len(coverColours))]
	c := newCanvas(400, 600, bg)
	accent := rgb(0xf3, 0xe6, 0xc4)
	c.fill(accent, func(z *pen) {
		roundRect(z, 18, 18, 382, 582, 6)
		roundRect(z, 24, 576, 376, 24, 0) // wound the other way: only the frame is left
	})
	c.fill(accent, func(z *pen) { stroke(z, 120, 400, 280, 400, 3) })
	fs, err := fonts()
	if err != nil {
		return c.img // the fonts are compiled in: cannot happen
	}
	size := 48.0
	var lines []string
	for ; size > 20; size -= 4 {
		if lines = wrap(fs[0], size, title, 320); len(lines) <= 4 {
			break
		}
	}
	y := 300 - float64(len(lines))*size*1.15/2 + size*0.8
	for _, l := range lines {
		text(c.img, fs[0], size, l, 200, y, white)
		y += size * 1.15
	}
	for i, l := range wrap(fs[1], 26, author, 320) {
		text(c.img, fs[1], 26, l, 200, 460+float64(i)*32, accent)
	}
	return c.img
}

// face returns a face of f at size pixels.
func faceOf(f *opentype.Font, size float64) font.Face {
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(err) // only for a size below zero
	}
	return fc
}

// wrap breaks s into lines no wider than width pixels at size, word by word.
func wrap(f *opentype.Font, size float64, s string, width int) []string {
	fc := faceOf(f, size)
	defer fc.Close()
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		try := strings.TrimSpace(cur + " " + w)
		if cur != "" && font.MeasureString(fc, try).Ceil() > width {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur = try
	}
	return append(lines, cur)
}

// text draws s centred on x with its baseline at y.
func text(dst draw.Image, f *opentype.Font, size float64, s string, x, y float64, col color.RGBA) {
	fc := faceOf(f, size)
	defer fc.Close()
	d := font.Drawer{Dst: dst, Src: image.NewUniform(col), Face: fc}
	w := d.MeasureString(s)
	d.Dot = fixed.Point26_6{X: fixed.Int26_6(x*64) - w/2, Y: fixed.Int26_6(y * 64)}
	d.DrawString(s)
}

// drawTablet draws an iPad seen from the front, 640×480, its height in proportion to its
// display (13 inches fills most of the picture), so the line's pictures compare sizes.
func drawTablet(inches float64) image.Image {
	c := newCanvas(640, 480, rgb(0xee, 0xf0, 0xf4))
	h := float32(inches * 29)
	w := h * 0.72
	x0, y0 := 320-w/2, 225-h/2
	c.fill(rgb(0xd5, 0xd9, 0xe0), func(z *pen) { ellipse(z, 320, y0+h+8, w/2+10, 7) }) // a shadow
	c.fill(rgb(0x3a, 0x3d, 0x44), func(z *pen) { roundRect(z, x0, y0, x0+w, y0+h, h*0.06) })
	bezel := h * 0.035
	// The screen: bands from blue to violet, like a wallpaper.
	sx0, sy0, sx1, sy1 := x0+bezel, y0+bezel, x0+w-bezel, y0+h-bezel
	const bands = 12
	for i := range bands {
		f := float64(i) / (bands - 1)
		col := rgb(uint8(60+f*120), uint8(110-f*50), uint8(220-f*30))
		top := sy0 + (sy1-sy0)*float32(i)/bands
		bottom := sy0 + (sy1-sy0)*float32(i+1)/bands
		c.fill(col, func(z *pen) {
			if i == 0 || i == bands-1 {
				roundRect(z, sx0, max(sy0, top-8), sx1, min(sy1, bottom+8), h*0.03)
				return
			}
			z.MoveTo(sx0, top)
			z.LineTo(sx1, top)
			z.LineTo(sx1, bottom+0.5)
			z.LineTo(sx0, bottom+0.5)
			z.ClosePath()
		})
	}
	c.fill(rgb(0x1c, 0x1e, 0x22), func(z *pen) { ellipse(z, 320, y0+bezel/2, 2.5, 2.5) }) // the camera
	if fs, err := fonts(); err == nil {
		text(c.img, fs[1], 18, strconv.FormatFloat(inches, 'f', -1, 64)+`"`, 320, float64(y0+h)+38, ink)
	}
	return c.img
}
