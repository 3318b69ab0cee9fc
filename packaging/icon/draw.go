package main

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// Draw renders the icon at size x size pixels. All coordinates below are in a
// 1024-unit design space scaled to size.
func Draw(size int) *image.RGBA {
	c := &canvas{dst: image.NewRGBA(image.Rect(0, 0, size, size)), k: float64(size) / 1024}

	// The tile: a rounded square, blue at the top fading to teal.
	c.fill(rrect(512, 512, 944, 944, 208, 0, 0, 0), c.vgradient(40, 984, rgb(0x3b, 0x6f, 0xf0), rgb(0x0f, 0xa8, 0xa0)))

	// The stack is drawn around (512, 455) and moved to the tile's centre,
	// a little enlarged so that it still reads at 32x32.
	const sx, sy, scale, ty = 512, 455, 1.07, 530
	st := func(p path) path {
		q := make(path, len(p))
		for i, pt := range p {
			q[i] = [2]float64{sx + (pt[0]-sx)*scale, ty + (pt[1]-sy)*scale}
		}
		return q
	}
	sty := func(y float64) float64 { return ty + (y-sy)*scale }

	// Two cards behind, fanned out, and the photo in front.
	back := st(rrect(560, 420, 600, 470, 44, 13, 0, 0))
	mid := st(rrect(470, 450, 600, 470, 44, -9, 0, 0))
	front := st(rrect(512, 540, 620, 480, 44, 0, 0, 0))
	c.shadow(back)
	c.fill(back, rgb(0xc9, 0xda, 0xf0))
	c.shadow(mid)
	c.fill(mid, rgb(0xe6, 0xee, 0xf8))
	c.shadow(front)
	c.fill(front, rgb(0xff, 0xff, 0xff))

	// The photo inside the front card: sky, sun, hills, and the pool's water
	// with its waves.
	const px0, py0, px1, py1 = 240, 338, 784, 742
	pic := image.NewRGBA(c.dst.Bounds())
	pc := &canvas{dst: pic, k: c.k}
	pc.fill(rrect(512, 512, 1024, 1024, 0, 0, 0, 0), pc.vgradient(sty(py0), sty(620), rgb(0x8f, 0xd0, 0xff), rgb(0xd9, 0xf0, 0xff)))
	pc.fill(st(circle(650, 440, 58)), rgb(0xff, 0xc2, 0x2e))
	pc.fill(st(poly(px0-20, 640, 380, 470, 470, 560, 560, 470, 700, 600, px1+20, 560, px1+20, 700, px0-20, 700)), rgb(0x2e, 0x9e, 0x6a))
	pc.fill(st(poly(px0-20, 660, 330, 590, 430, 650, 520, 600, px1+20, 680, px1+20, 700, px0-20, 700)), rgb(0x1c, 0x7a, 0x55))
	pc.fill(st(rrect(512, 690, 1024, 110, 0, 0, 0, 0)), rgb(0x1e, 0x88, 0xe5))
	for _, y := range []float64{672, 706} {
		pc.fill(st(wave(px0, px1, y, 9, 6)), color.NRGBA{255, 255, 255, 210})
	}
	c.fill(st(rrect((px0+px1)/2, (py0+py1)/2, px1-px0, py1-py0, 14, 0, 0, 0)), pic)
	return c.dst
}

// path is a closed outline in design units.
type path [][2]float64

// canvas draws paths, scaled by k, onto dst.
type canvas struct {
	dst *image.RGBA
	k   float64
}

// raster rasterizes p over its bounding box only, which it returns (in
// canvas pixels): every fill costs its own area, not the canvas's.
func (c *canvas) raster(p path) (*vector.Rasterizer, image.Rectangle) {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, pt := range p {
		x0, y0 = math.Min(x0, pt[0]*c.k), math.Min(y0, pt[1]*c.k)
		x1, y1 = math.Max(x1, pt[0]*c.k), math.Max(y1, pt[1]*c.k)
	}
	box := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1))).Intersect(c.dst.Bounds())
	r := vector.NewRasterizer(box.Dx(), box.Dy())
	for i, pt := range p {
		x, y := float32(pt[0]*c.k-float64(box.Min.X)), float32(pt[1]*c.k-float64(box.Min.Y))
		if i == 0 {
			r.MoveTo(x, y)
		} else {
			r.LineTo(x, y)
		}
	}
	r.ClosePath()
	return r, box
}

// fill paints p with a colour or an image (in canvas coordinates).
func (c *canvas) fill(p path, src any) {
	var img image.Image
	switch s := src.(type) {
	case color.Color:
		img = image.NewUniform(s)
	case image.Image:
		img = s
	}
	r, box := c.raster(p)
	if box.Empty() {
		return
	}
	r.Draw(c.dst, box, img, box.Min)
}

// shadow paints a soft drop shadow under p: stacked translucent copies,
// each a little larger and lower.
func (c *canvas) shadow(p path) {
	cx, cy := centre(p)
	for i := 6; i >= 1; i-- {
		s := 1 + float64(i)*0.006
		q := make(path, len(p))
		for j, pt := range p {
			q[j] = [2]float64{cx + (pt[0]-cx)*s, cy + (pt[1]-cy)*s + 6 + float64(i)*3}
		}
		c.fill(q, color.NRGBA{0x08, 0x20, 0x40, 14})
	}
}

// vgradient is a full-canvas vertical gradient from top (at y0) to bottom (at y1).
func (c *canvas) vgradient(y0, y1 float64, top, bottom color.NRGBA) image.Image {
	b := c.dst.Bounds()
	g := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		t := (float64(y)/c.k - y0) / (y1 - y0)
		t = math.Max(0, math.Min(1, t))
		col := color.NRGBA{lerp(top.R, bottom.R, t), lerp(top.G, bottom.G, t), lerp(top.B, bottom.B, t), 255}
		draw.Draw(g, image.Rect(b.Min.X, y, b.Max.X, y+1), image.NewUniform(col), image.Point{}, draw.Src)
	}
	return g
}

func lerp(a, b uint8, t float64) uint8 {
	return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t))
}

func rgb(r, g, b uint8) color.NRGBA { return color.NRGBA{r, g, b, 255} }

// rrect is a w x h rectangle centred on (cx, cy) with corner radius r,
// rotated by deg degrees about its centre and moved by (dx, dy).
func rrect(cx, cy, w, h, r, deg, dx, dy float64) path {
	var p path
	corners := [4][3]float64{ // corner centre offsets and start angle
		{w/2 - r, -h/2 + r, -90},
		{w/2 - r, h/2 - r, 0},
		{-w/2 + r, h/2 - r, 90},
		{-w/2 + r, -h/2 + r, 180},
	}
	for _, cr := range corners {
		steps := 16
		if r == 0 {
			steps = 0
		}
		for i := 0; i <= steps; i++ {
			a := (cr[2] + 90*float64(i)/float64(max(steps, 1))) * math.Pi / 180
			p = append(p, [2]float64{cr[0] + r*math.Cos(a), cr[1] + r*math.Sin(a)})
		}
	}
	s, co := math.Sincos(deg * math.Pi / 180)
	for i, pt := range p {
		p[i] = [2]float64{cx + dx + pt[0]*co - pt[1]*s, cy + dy + pt[0]*s + pt[1]*co}
	}
	return p
}

func circle(cx, cy, r float64) path {
	var p path
	for i := 0; i < 96; i++ {
		a := 2 * math.Pi * float64(i) / 96
		p = append(p, [2]float64{cx + r*math.Cos(a), cy + r*math.Sin(a)})
	}
	return p
}

func poly(xy ...float64) path {
	var p path
	for i := 0; i+1 < len(xy); i += 2 {
		p = append(p, [2]float64{xy[i], xy[i+1]})
	}
	return p
}

// wave is a thick sine line from x0 to x1 around y: amplitude amp, half-thickness t.
func wave(x0, x1, y, amp, t float64) path {
	var top, bot path
	for x := x0; x <= x1; x += 4 {
		dy := amp * math.Sin((x-x0)/42)
		top = append(top, [2]float64{x, y + dy - t})
		bot = append(bot, [2]float64{x, y + dy + t})
	}
	for i := len(bot) - 1; i >= 0; i-- {
		top = append(top, bot[i])
	}
	return top
}

func centre(p path) (float64, float64) {
	var x, y float64
	for _, pt := range p {
		x += pt[0]
		y += pt[1]
	}
	return x / float64(len(p)), y / float64(len(p))
}
