// Command gen draws the sample photos embedded in package samples: small,
// photo-like JPEGs made from gradients, shapes and noise (no camera, no
// copyright). Run it from the repository root when changing the pictures:
//
//	go run ./samples/gen
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

type scene struct {
	name string
	w, h int
	draw func(img *image.NRGBA, r *rand.Rand)
}

var scenes = []scene{
	{"sunset-lake.jpg", 800, 600, sunsetLake},
	{"alpine-morning.jpg", 800, 600, alpine},
	{"desert-dunes.jpg", 800, 600, dunes},
	{"night-city.jpg", 800, 600, nightCity},
	{"forest-path.jpg", 600, 800, forest},
	{"beach-ball.jpg", 800, 600, beachBall},
	{"fruit-bowl.jpg", 800, 600, fruit},
	{"lighthouse.jpg", 600, 800, lighthouse},
}

func main() {
	out := flag.String("o", "samples", "folder to write the images into")
	quality := flag.Int("q", 82, "JPEG quality")
	flag.Parse()
	for i, s := range scenes {
		img := image.NewNRGBA(image.Rect(0, 0, s.w, s.h))
		r := rand.New(rand.NewPCG(uint64(i+1), 42))
		s.draw(img, r)
		grain(img, r, 6)
		path := filepath.Join(*out, s.name)
		f, err := os.Create(path)
		if err != nil {
			log.Fatal(err)
		}
		if err := jpeg.Encode(f, img, &jpeg.Options{Quality: *quality}); err != nil {
			log.Fatal(err)
		}
		if err := f.Close(); err != nil {
			log.Fatal(err)
		}
		st, _ := os.Stat(path)
		fmt.Printf("%s %dx%d %d bytes\n", path, s.w, s.h, st.Size())
	}
}

// ---- helpers ----

type rgb struct{ r, g, b float64 }

func (c rgb) mix(d rgb, t float64) rgb {
	t = clamp(t, 0, 1)
	return rgb{c.r + (d.r-c.r)*t, c.g + (d.g-c.g)*t, c.b + (d.b-c.b)*t}
}

func (c rgb) scale(f float64) rgb { return rgb{c.r * f, c.g * f, c.b * f} }

func (c rgb) nrgba() color.NRGBA {
	return color.NRGBA{uint8(clamp(c.r, 0, 255)), uint8(clamp(c.g, 0, 255)), uint8(clamp(c.b, 0, 255)), 255}
}

func at(img *image.NRGBA, x, y int) rgb {
	c := img.NRGBAAt(x, y)
	return rgb{float64(c.R), float64(c.G), float64(c.B)}
}

func set(img *image.NRGBA, x, y int, c rgb) { img.SetNRGBA(x, y, c.nrgba()) }

func blend(img *image.NRGBA, x, y int, c rgb, a float64) {
	if !(image.Point{x, y}.In(img.Rect)) || a <= 0 {
		return
	}
	set(img, x, y, at(img, x, y).mix(c, a))
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func smooth(t float64) float64 { t = clamp(t, 0, 1); return t * t * (3 - 2*t) }

// vgrad fills with a vertical gradient through the given stops.
func vgrad(img *image.NRGBA, stops ...rgb) {
	h := img.Rect.Dy()
	for y := 0; y < h; y++ {
		t := float64(y) / float64(h-1) * float64(len(stops)-1)
		i := min(int(t), len(stops)-2)
		c := stops[i].mix(stops[i+1], t-float64(i))
		for x := 0; x < img.Rect.Dx(); x++ {
			set(img, x, y, c)
		}
	}
}

// disc draws a soft-edged filled circle.
func disc(img *image.NRGBA, cx, cy, rad float64, c rgb, alpha float64) {
	for y := int(cy - rad - 2); y <= int(cy+rad+2); y++ {
		for x := int(cx - rad - 2); x <= int(cx+rad+2); x++ {
			d := math.Hypot(float64(x)-cx, float64(y)-cy)
			blend(img, x, y, c, alpha*clamp(rad-d+0.5, 0, 1))
		}
	}
}

// glow adds a radial light.
func glow(img *image.NRGBA, cx, cy, rad float64, c rgb, alpha float64) {
	for y := int(cy - rad); y <= int(cy+rad); y++ {
		for x := int(cx - rad); x <= int(cx+rad); x++ {
			d := math.Hypot(float64(x)-cx, float64(y)-cy) / rad
			blend(img, x, y, c, alpha*math.Pow(clamp(1-d, 0, 1), 2))
		}
	}
}

// rect fills a rectangle.
func rect(img *image.NRGBA, x0, y0, x1, y1 int, c rgb, alpha float64) {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			blend(img, x, y, c, alpha)
		}
	}
}

// ridge returns a 1-D fractal noise function (a mountain profile).
func ridge(r *rand.Rand, octaves int) func(x float64) float64 {
	type oct struct{ amp, freq, phase float64 }
	var os []oct
	amp, freq := 1.0, 1.0
	for i := 0; i < octaves; i++ {
		os = append(os, oct{amp, freq, r.Float64() * 100})
		amp *= 0.5
		freq *= 2.1
	}
	return func(x float64) float64 {
		v := 0.0
		for _, o := range os {
			v += o.amp * math.Sin(x*o.freq+o.phase) * math.Cos(x*o.freq*0.37+o.phase*1.3)
		}
		return v
	}
}

// grain adds film grain so the JPEGs look like photos.
func grain(img *image.NRGBA, r *rand.Rand, amount float64) {
	for y := 0; y < img.Rect.Dy(); y++ {
		for x := 0; x < img.Rect.Dx(); x++ {
			n := r.NormFloat64() * amount
			c := at(img, x, y)
			set(img, x, y, rgb{c.r + n, c.g + n, c.b + n})
		}
	}
}

// vignette darkens the corners.
func vignette(img *image.NRGBA, strength float64) {
	w, h := float64(img.Rect.Dx()), float64(img.Rect.Dy())
	for y := 0; y < img.Rect.Dy(); y++ {
		for x := 0; x < img.Rect.Dx(); x++ {
			dx, dy := (float64(x)-w/2)/(w/2), (float64(y)-h/2)/(h/2)
			f := 1 - strength*smooth((dx*dx+dy*dy)/2)
			set(img, x, y, at(img, x, y).scale(f))
		}
	}
}

// ---- scenes ----

func sunsetLake(img *image.NRGBA, r *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	horizon := int(float64(h) * 0.58)
	vgrad(img, rgb{40, 30, 90}, rgb{200, 80, 90}, rgb{255, 170, 80}, rgb{255, 210, 140})
	glow(img, float64(w)*0.62, float64(horizon)-40, 260, rgb{255, 230, 160}, 0.6)
	disc(img, float64(w)*0.62, float64(horizon)-40, 38, rgb{255, 245, 210}, 1)
	m := ridge(r, 6)
	for x := 0; x < w; x++ {
		top := float64(horizon) - 60 - 45*m(float64(x)/140)
		for y := int(top); y < horizon; y++ {
			set(img, x, y, rgb{60, 40, 70}.mix(rgb{90, 50, 70}, float64(y-int(top))/80))
		}
	}
	// water: mirrored sky with ripples
	for y := horizon; y < h; y++ {
		for x := 0; x < w; x++ {
			d := y - horizon
			sy := horizon - 1 - d/2 - int(3*math.Sin(float64(x)/9+float64(d)/3))
			sy = int(clamp(float64(sy), 0, float64(horizon-1)))
			c := at(img, x, sy).scale(0.75).mix(rgb{20, 30, 60}, float64(d)/float64(h-horizon)*0.6)
			set(img, x, y, c)
		}
	}
	vignette(img, 0.4)
}

func alpine(img *image.NRGBA, r *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	vgrad(img, rgb{90, 150, 230}, rgb{170, 210, 245}, rgb{225, 235, 245})
	for i := 0; i < 6; i++ { // clouds
		cx, cy := r.Float64()*float64(w), 40+r.Float64()*140
		for j := 0; j < 8; j++ {
			disc(img, cx+r.Float64()*120-60, cy+r.Float64()*30-15, 20+r.Float64()*30, rgb{250, 250, 255}, 0.5)
		}
	}
	layers := []struct {
		base, amp, freq float64
		col             rgb
		snow            bool
	}{
		{0.45, 110, 180, rgb{110, 120, 150}, true},
		{0.60, 70, 120, rgb{70, 95, 90}, false},
		{0.75, 40, 90, rgb{50, 80, 50}, false},
	}
	for _, l := range layers {
		m := ridge(r, 7)
		for x := 0; x < w; x++ {
			top := float64(h)*l.base - l.amp*(m(float64(x)/l.freq)+0.8)
			for y := int(math.Max(top, 0)); y < h; y++ {
				c := l.col.scale(1 - 0.25*float64(y-int(top))/float64(h))
				if l.snow && float64(y) < top+30+10*math.Sin(float64(x)/7) {
					c = rgb{240, 242, 250}
				}
				set(img, x, y, c)
			}
		}
	}
	// meadow flowers
	for i := 0; i < 500; i++ {
		x, y := r.IntN(w), int(float64(h)*0.82)+r.IntN(h-int(float64(h)*0.82))
		col := []rgb{{250, 220, 60}, {240, 240, 250}, {200, 80, 160}}[r.IntN(3)]
		disc(img, float64(x), float64(y), 1.5+r.Float64()*1.5, col, 0.9)
	}
}

func dunes(img *image.NRGBA, r *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	vgrad(img, rgb{60, 120, 200}, rgb{150, 190, 230}, rgb{240, 220, 190})
	disc(img, float64(w)*0.2, 90, 30, rgb{255, 250, 230}, 1)
	glow(img, float64(w)*0.2, 90, 180, rgb{255, 240, 200}, 0.4)
	for k := 0; k < 4; k++ {
		m := ridge(r, 4)
		base := float64(h) * (0.5 + 0.12*float64(k))
		for x := 0; x < w; x++ {
			top := base - 50*m(float64(x)/(220-30*float64(k)))
			for y := int(top); y < h; y++ {
				// lit and shaded flanks from the slope
				slope := m(float64(x+1)/(220-30*float64(k))) - m(float64(x)/(220-30*float64(k)))
				lit := clamp(0.75+slope*40, 0.45, 1.1)
				c := rgb{225, 160, 95}.scale(lit * (1 - 0.1*float64(k)))
				set(img, x, y, c)
			}
		}
	}
	vignette(img, 0.3)
}

func nightCity(img *image.NRGBA, r *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	vgrad(img, rgb{5, 8, 30}, rgb{20, 25, 70}, rgb{70, 50, 90})
	for i := 0; i < 200; i++ {
		disc(img, r.Float64()*float64(w), r.Float64()*float64(h)*0.5, 0.6+r.Float64(), rgb{255, 255, 240}, 0.4+r.Float64()*0.6)
	}
	disc(img, float64(w)*0.8, 80, 28, rgb{245, 245, 225}, 1)
	x := 0
	for x < w {
		bw := 30 + r.IntN(70)
		bh := 100 + r.IntN(320)
		shade := rgb{20, 22, 40}.scale(0.8 + r.Float64()*0.6)
		rect(img, x, h-bh, x+bw, h, shade, 1)
		for wy := h - bh + 8; wy < h-10; wy += 14 {
			for wx := x + 5; wx < x+bw-8; wx += 11 {
				if r.Float64() < 0.45 {
					col := []rgb{{255, 220, 130}, {255, 240, 200}, {160, 200, 255}}[r.IntN(3)]
					rect(img, wx, wy, wx+6, wy+8, col, 0.9)
				}
			}
		}
		x += bw + r.IntN(6)
	}
	for i := 0; i < 12; i++ { // street lights
		glow(img, float64(r.IntN(w)), float64(h-20-r.IntN(30)), 40, rgb{255, 180, 80}, 0.5)
	}
}

func forest(img *image.NRGBA, r *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	vgrad(img, rgb{200, 225, 210}, rgb{120, 160, 110}, rgb{60, 90, 50}, rgb{90, 70, 45})
	glow(img, float64(w)*0.5, float64(h)*0.3, 350, rgb{255, 250, 210}, 0.5)
	for i := 0; i < 40; i++ { // trunks, far to near
		depth := float64(i) / 40
		tx := r.Float64() * float64(w)
		tw := 6 + depth*40
		col := rgb{80, 70, 60}.mix(rgb{35, 25, 20}, depth)
		rect(img, int(tx-tw/2), 0, int(tx+tw/2), h, col, 0.5+depth*0.5)
	}
	// path
	for y := h / 2; y < h; y++ {
		t := float64(y-h/2) / float64(h/2)
		half := 10 + t*260
		cx := float64(w)/2 + 40*math.Sin(t*3)
		for x := int(cx - half); x < int(cx+half); x++ {
			blend(img, x, y, rgb{170, 140, 100}, 0.85)
		}
	}
	for i := 0; i < 3000; i++ { // leaves
		disc(img, r.Float64()*float64(w), r.Float64()*float64(h)*0.6, 2+r.Float64()*4,
			rgb{40 + r.Float64()*60, 110 + r.Float64()*80, 30 + r.Float64()*40}, 0.6)
	}
	vignette(img, 0.5)
}

func beachBall(img *image.NRGBA, r *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	vgrad(img, rgb{80, 170, 240}, rgb{150, 215, 245})
	sea := int(float64(h) * 0.45)
	rect(img, 0, sea, w, int(float64(h)*0.62), rgb{20, 120, 170}, 1)
	for y := int(float64(h) * 0.62); y < h; y++ {
		for x := 0; x < w; x++ {
			set(img, x, y, rgb{235, 215, 170}.scale(0.92+0.08*math.Sin(float64(x)/13+float64(y)/7)))
		}
	}
	for y := int(float64(h)*0.6) - 6; y < int(float64(h)*0.62)+4; y++ { // surf
		for x := 0; x < w; x++ {
			blend(img, x, y+int(3*math.Sin(float64(x)/25)), rgb{250, 250, 250}, 0.7)
		}
	}
	// a striped ball with shading
	cx, cy, rad := float64(w)*0.55, float64(h)*0.72, 90.0
	cols := []rgb{{230, 40, 50}, {250, 250, 250}, {40, 110, 220}, {250, 210, 40}, {250, 250, 250}, {40, 170, 80}}
	for y := int(cy - rad); y <= int(cy+rad); y++ {
		for x := int(cx - rad); x <= int(cx+rad); x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			d := math.Hypot(dx, dy)
			if d > rad {
				continue
			}
			a := math.Atan2(dy, dx) + math.Pi
			c := cols[int(a/(2*math.Pi)*6)%6]
			light := clamp(1.1-0.6*math.Hypot(dx+30, dy+30)/rad, 0.35, 1.1)
			blend(img, x, y, c.scale(light), clamp(rad-d, 0, 1))
		}
	}
	disc(img, cx-25, cy-30, 14, rgb{255, 255, 255}, 0.5)
	_ = r
}

func fruit(img *image.NRGBA, r *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	vgrad(img, rgb{60, 45, 40}, rgb{110, 80, 60}) // wall
	rect(img, 0, int(float64(h)*0.65), w, h, rgb{140, 95, 60}, 1)
	for y := int(float64(h) * 0.65); y < h; y += 9 { // wood grain
		rect(img, 0, y, w, y+1, rgb{110, 70, 45}, 0.5)
	}
	glow(img, float64(w)*0.3, 0, 600, rgb{255, 230, 190}, 0.35)
	// bowl
	for y := int(float64(h) * 0.55); y < int(float64(h)*0.8); y++ {
		t := float64(y-int(float64(h)*0.55)) / (float64(h) * 0.25)
		half := 230 * math.Sqrt(1-t*t)
		for x := int(float64(w)/2 - half); x < int(float64(w)/2+half); x++ {
			blend(img, x, y, rgb{230, 230, 235}.scale(0.7+0.3*(1-t)), 1)
		}
	}
	fruits := []struct {
		dx, dy, rad float64
		c           rgb
	}{
		{-120, -40, 70, rgb{230, 150, 30}}, {10, -70, 75, rgb{200, 30, 40}}, {130, -35, 68, rgb{120, 190, 50}},
		{-50, -120, 60, rgb{250, 210, 50}}, {80, -130, 55, rgb{140, 40, 120}},
	}
	for _, f := range fruits {
		cx, cy := float64(w)/2+f.dx, float64(h)*0.55+f.dy
		for y := int(cy - f.rad); y <= int(cy+f.rad); y++ {
			for x := int(cx - f.rad); x <= int(cx+f.rad); x++ {
				d := math.Hypot(float64(x)-cx, float64(y)-cy)
				light := clamp(1.15-0.7*math.Hypot(float64(x)-cx+f.rad/3, float64(y)-cy+f.rad/3)/f.rad, 0.3, 1.2)
				blend(img, x, y, f.c.scale(light), clamp(f.rad-d, 0, 1))
			}
		}
		disc(img, cx-f.rad/3, cy-f.rad/3, f.rad/6, rgb{255, 255, 255}, 0.35)
	}
	vignette(img, 0.5)
	_ = r
}

func lighthouse(img *image.NRGBA, r *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	vgrad(img, rgb{250, 180, 120}, rgb{180, 120, 160}, rgb{60, 70, 120})
	cliff := ridge(r, 6)
	base := float64(h) * 0.7
	for x := 0; x < w; x++ {
		top := base - 30*cliff(float64(x)/90) - 80*smooth(1-float64(x)/float64(w)*1.4)
		for y := int(top); y < h; y++ {
			set(img, x, y, rgb{70, 60, 55}.scale(0.7+0.3*math.Sin(float64(x*y)/900)))
		}
	}
	sea := int(float64(h) * 0.82)
	for y := sea; y < h; y++ {
		for x := int(float64(w) * 0.55); x < w; x++ {
			set(img, x, y, rgb{40, 60, 110}.scale(0.85+0.15*math.Sin(float64(x)/11+float64(y)/3)))
		}
	}
	// tower with stripes
	tx := float64(w) * 0.3
	top, bottom := float64(h)*0.25, base-60
	for y := int(top); y < int(bottom); y++ {
		t := (float64(y) - top) / (bottom - top)
		half := 22 + 18*t
		col := rgb{245, 245, 240}
		if int((float64(y)-top)/45)%2 == 1 {
			col = rgb{200, 40, 40}
		}
		for x := int(tx - half); x < int(tx+half); x++ {
			shade := 0.75 + 0.35*(1-math.Abs(float64(x)-tx+half/3)/half)
			blend(img, x, y, col.scale(shade), 1)
		}
	}
	rect(img, int(tx-26), int(top)-40, int(tx+26), int(top), rgb{40, 40, 45}, 1)
	glow(img, tx, top-20, 160, rgb{255, 250, 200}, 0.8)
	// beam
	for y := 0; y < h; y++ {
		for x := int(tx); x < w; x++ {
			dy := float64(y) - (top - 20) + 0.18*(float64(x)-tx)
			if spread := 10 + 0.12*(float64(x)-tx); math.Abs(dy) < spread {
				blend(img, x, y, rgb{255, 250, 210}, 0.25*(1-math.Abs(dy)/spread))
			}
		}
	}
}
