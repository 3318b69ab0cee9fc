package processing

import (
	"image"
	"image/color"
	"path/filepath"
	"testing"
)

// tiny returns a 4x2 image whose pixels are all different:
//
//	R0 G0 B0 W0
//	K1 R1 G1 B1
var (
	red   = color.NRGBA{200, 0, 0, 255}
	green = color.NRGBA{0, 200, 0, 255}
	blue  = color.NRGBA{0, 0, 200, 255}
	white = color.NRGBA{255, 255, 255, 255}
	black = color.NRGBA{0, 0, 0, 255}
	gray  = color.NRGBA{100, 100, 100, 255}
)

func tiny() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 4, 2))
	row0 := []color.NRGBA{red, green, blue, white}
	row1 := []color.NRGBA{black, red, green, blue}
	for x := 0; x < 4; x++ {
		img.SetNRGBA(x, 0, row0[x])
		img.SetNRGBA(x, 1, row1[x])
	}
	return img
}

func flat(w, h int, c color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// framed is a w x h image of bg with the rectangle r in fg.
func framed(w, h int, bg color.NRGBA, r image.Rectangle, fg color.NRGBA) *image.NRGBA {
	img := flat(w, h, bg)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetNRGBA(x, y, fg)
		}
	}
	return img
}

// pixels is a w x h image of the colours given row by row.
func pixels(w, h int, cs ...color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i, c := range cs {
		img.SetNRGBA(i%w, i/w, c)
	}
	return img
}

// writeImage writes img as a PNG file in a temporary folder.
func writeImage(t testing.TB, name string, img image.Image) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	writePNG(t, path, img)
	return path
}

// ramp is a 2x1 image of two greys.
func ramp(a, b uint8) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	img.SetNRGBA(0, 0, color.NRGBA{a, a, a, 255})
	img.SetNRGBA(1, 0, color.NRGBA{b, b, b, 255})
	return img
}

func at(img *image.NRGBA, x, y int) color.NRGBA {
	b := img.Bounds()
	return img.NRGBAAt(b.Min.X+x, b.Min.Y+y)
}

func apply(t *testing.T, spec string, img *image.NRGBA) *image.NRGBA {
	t.Helper()
	c, err := ParseChain(spec)
	if err != nil {
		t.Fatalf("ParseChain(%q): %v", spec, err)
	}
	p, err := c.Compile()
	if err != nil {
		t.Fatalf("Compile(%q): %v", spec, err)
	}
	in := image.NewNRGBA(img.Bounds())
	copy(in.Pix, img.Pix)
	out := p.Apply(img)
	for i := range in.Pix {
		if in.Pix[i] != img.Pix[i] {
			t.Fatalf("%s modified its input", spec)
		}
	}
	ow, oh, _ := p.OutputSize(img.Bounds().Dx(), img.Bounds().Dy())
	if b := out.Bounds(); (b.Dx() != ow || b.Dy() != oh) && p.SizeKnown() {
		t.Errorf("%s: OutputSize says %dx%d, Apply made %dx%d", spec, ow, oh, b.Dx(), b.Dy())
	} else if b.Dx() > ow || b.Dy() > oh {
		t.Errorf("%s: OutputSize's bound is %dx%d, Apply made %dx%d", spec, ow, oh, b.Dx(), b.Dy())
	}
	return out
}

func near(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol && d(a.A, b.A) <= tol
}

func TestEveryKindOnTinyImages(t *testing.T) {
	type probe struct {
		x, y int
		want color.NRGBA
		tol  int
	}
	// A 2x2 logo: opaque red, transparent, blue at half opacity, transparent.
	logo := writeImage(t, "logo.png", pixels(2, 2, red, color.NRGBA{}, color.NRGBA{0, 0, 255, 128}, color.NRGBA{}))
	cases := []struct {
		spec   string
		in     *image.NRGBA
		w, h   int
		probes []probe
	}{
		{"resize=2x1:filter=nearest", tiny(), 2, 1, nil},
		{"resize=8x0:filter=nearest", tiny(), 8, 4, []probe{{0, 0, red, 0}, {7, 3, blue, 0}}},
		{"resize=0x4:filter=box", tiny(), 8, 4, nil},
		{"resize=2x2:mode=fit", tiny(), 2, 1, nil},
		{"resize=100x100:mode=fit:enlarge=false", tiny(), 4, 2, []probe{{0, 0, red, 0}}},
		{"resize=2x2:mode=fill:anchor=left:filter=nearest", tiny(), 2, 2, nil},
		{"resize=3x5:mode=exact", tiny(), 3, 5, nil},
		{"resize=3x0:mode=exact:filter=linear", flat(6, 4, gray), 3, 2, []probe{{1, 1, gray, 1}}},
		{"crop=2x1+1+1", tiny(), 2, 1, []probe{{0, 0, red, 0}, {1, 0, green, 0}}},
		{"crop=2x2:anchor=top-right", tiny(), 2, 2, []probe{{0, 0, blue, 0}, {1, 1, blue, 0}}},
		{"crop=2x2", tiny(), 2, 2, []probe{{0, 0, green, 0}}},
		{"crop=1/1:anchor=left", tiny(), 2, 2, []probe{{0, 0, red, 0}, {0, 1, black, 0}}},
		{"crop=16/9", flat(32, 32, gray), 32, 18, nil},
		{"crop=100x100", tiny(), 4, 2, nil},
		{"rotate=90", tiny(), 2, 4, []probe{{0, 0, black, 0}, {1, 0, red, 0}, {1, 3, white, 0}}},
		{"rotate=180", tiny(), 4, 2, []probe{{0, 0, blue, 0}, {3, 1, red, 0}}},
		{"rotate=270", tiny(), 2, 4, []probe{{0, 0, white, 0}, {1, 3, black, 0}}},
		{"rotate=-90", tiny(), 2, 4, []probe{{0, 0, white, 0}}},
		{"rotate=0", tiny(), 4, 2, []probe{{0, 0, red, 0}}},
		{"rotate=45:background=#00ff00", flat(10, 10, gray), 14, 14, []probe{{0, 0, color.NRGBA{0, 255, 0, 255}, 0}, {7, 7, gray, 0}}},
		{"flip=h", tiny(), 4, 2, []probe{{0, 0, white, 0}, {3, 1, black, 0}}},
		{"flip=v", tiny(), 4, 2, []probe{{0, 0, black, 0}, {3, 1, white, 0}}},
		{"transpose", tiny(), 2, 4, []probe{{0, 0, red, 0}, {1, 0, black, 0}, {0, 3, white, 0}}},
		{"transverse", tiny(), 2, 4, []probe{{0, 0, blue, 0}, {1, 3, red, 0}}},
		{"blur=1", flat(5, 5, gray), 5, 5, []probe{{2, 2, gray, 1}}},
		{"sharpen=1", flat(5, 5, gray), 5, 5, []probe{{2, 2, gray, 1}}},
		{"brightness=100", tiny(), 4, 2, []probe{{0, 1, white, 0}}},
		{"brightness=-100", tiny(), 4, 2, []probe{{3, 0, black, 0}}},
		{"contrast=-100", tiny(), 4, 2, []probe{{0, 0, color.NRGBA{128, 128, 128, 255}, 1}}},
		{"gamma=1", tiny(), 4, 2, []probe{{0, 0, red, 0}}},
		{"gamma=2", flat(2, 2, gray), 2, 2, []probe{{0, 0, color.NRGBA{160, 160, 160, 255}, 2}}},
		{"saturation=-100", tiny(), 4, 2, []probe{{0, 0, color.NRGBA{100, 100, 100, 255}, 1}}},
		{"hue=120", tiny(), 4, 2, []probe{{0, 0, green, 1}, {1, 0, blue, 1}, {3, 0, white, 0}}},
		{"hue=-120", tiny(), 4, 2, []probe{{0, 0, blue, 1}}},
		{"grayscale", tiny(), 4, 2, []probe{{3, 0, white, 0}, {0, 1, black, 0}}},
		{"invert", tiny(), 4, 2, []probe{{3, 0, black, 0}, {0, 0, color.NRGBA{55, 255, 255, 255}, 0}}},
		{"resize=8x0:filter=nearest,crop=4x4+0+0,flip=h", tiny(), 4, 4, []probe{{3, 0, red, 0}}},
		{"canvas=6x4:background=#000000", tiny(), 6, 4, []probe{{0, 0, black, 0}, {1, 1, red, 0}, {4, 2, blue, 0}, {5, 3, black, 0}}},
		{"canvas=1/1:anchor=top-left:background=transparent", tiny(), 4, 4, []probe{{0, 0, red, 0}, {3, 1, blue, 0}, {0, 3, color.NRGBA{}, 0}}},
		{"canvas=border=1:background=white", tiny(), 6, 4, []probe{{0, 0, white, 0}, {1, 1, red, 0}, {4, 2, blue, 0}}},
		{"smartcrop=2x2:filter=nearest", framed(8, 2, gray, image.Rect(6, 0, 8, 2), red), 2, 2, []probe{{0, 0, red, 0}, {1, 1, red, 0}}},
		{"trim", framed(6, 5, white, image.Rect(2, 1, 4, 3), red), 2, 2, []probe{{0, 0, red, 0}, {1, 1, red, 0}}},
		{"trim=0", tiny(), 4, 2, []probe{{0, 0, red, 0}}},
		{"autolevel=0%", ramp(50, 150), 2, 1, []probe{{0, 0, black, 0}, {1, 0, white, 0}}},
		{"watermark=I:size=20:anchor=top-left:margin=0:effect=none", flat(60, 30, gray), 60, 30, []probe{{59, 29, gray, 0}}},
		{"overlay=" + Quote(logo) + ":size=0:anchor=top-left:margin=0", flat(4, 4, white), 4, 4,
			[]probe{{0, 0, red, 0}, {1, 0, white, 0}, {0, 1, color.NRGBA{127, 127, 255, 255}, 0}, {1, 1, white, 0}, {3, 3, white, 0}}},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.spec, func(t *testing.T) {
			out := apply(t, tc.spec, tc.in)
			if b := out.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
				t.Fatalf("size %dx%d, want %dx%d", b.Dx(), b.Dy(), tc.w, tc.h)
			}
			for _, p := range tc.probes {
				if got := at(out, p.x, p.y); !near(got, p.want, p.tol) {
					t.Errorf("pixel (%d,%d) = %v, want %v (±%d)", p.x, p.y, got, p.want, p.tol)
				}
			}
		})
		c, _ := ParseChain(tc.spec)
		for _, s := range c {
			seen[s.Kind] = true
		}
	}
	for _, k := range Kinds() {
		if !seen[k.Name] {
			t.Errorf("kind %s has no table test", k.Name)
		}
	}
}

func TestSharpenAndBlurChangeEdges(t *testing.T) {
	// A vertical edge: blur softens it, sharpen overshoots it.
	edge := flat(8, 3, color.NRGBA{60, 60, 60, 255})
	for y := 0; y < 3; y++ {
		for x := 4; x < 8; x++ {
			edge.SetNRGBA(x, y, color.NRGBA{180, 180, 180, 255})
		}
	}
	blurred := apply(t, "blur=1.5", edge)
	if v := at(blurred, 3, 1).R; v <= 60 || v >= 180 {
		t.Errorf("blur left the edge pixel at %d", v)
	}
	sharp := apply(t, "sharpen=1.5", edge)
	if v := at(sharp, 3, 1).R; v >= 60 {
		t.Errorf("sharpen should darken the dark side of the edge, got %d", v)
	}
	if v := at(sharp, 4, 1).R; v <= 180 {
		t.Errorf("sharpen should lighten the light side of the edge, got %d", v)
	}
}

func TestDisabledStepIsSkipped(t *testing.T) {
	c := Chain{{Kind: "invert", Disabled: true}, {Kind: "flip", Params: map[string]string{"direction": "v"}}}
	p, err := c.Compile()
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != 1 {
		t.Fatalf("Len = %d, want 1", p.Len())
	}
	if got := at(p.Apply(tiny()), 0, 0); got != black {
		t.Errorf("got %v", got)
	}
}

func TestFirstDownscale(t *testing.T) {
	c, _ := ParseChain("resize=1920x0,sharpen=0.8")
	p, _ := c.Compile()
	if w, h, ok := p.FirstDownscale(4000, 3000); !ok || w != 1920 || h != 1440 {
		t.Errorf("FirstDownscale = %d, %d, %v", w, h, ok)
	}
	if _, _, ok := p.FirstDownscale(1000, 800); ok {
		t.Error("an enlargement is not a downscale")
	}
	c, _ = ParseChain("sharpen=1,resize=100x0")
	p, _ = c.Compile()
	if _, _, ok := p.FirstDownscale(4000, 3000); ok {
		t.Error("only a first resize counts")
	}
}

func TestParseColor(t *testing.T) {
	good := map[string]color.NRGBA{
		"#fff": {255, 255, 255, 255}, "#102030": {16, 32, 48, 255}, "#10203040": {16, 32, 48, 64},
		"black": {0, 0, 0, 255}, "Transparent": {0, 0, 0, 0},
	}
	for in, want := range good {
		if got, err := ParseColor(in); err != nil || got != want {
			t.Errorf("ParseColor(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "#ff", "#gggggg", "fff", "#1234567", "mauve"} {
		if _, err := ParseColor(bad); err == nil {
			t.Errorf("ParseColor(%q) accepted", bad)
		}
	}
}
