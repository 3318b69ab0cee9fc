package processing

import (
	"image"
	"image/color"
	"strings"
	"testing"
)

// canvas extends to a size or an aspect, never crops, puts the image at the
// anchor, and adds a border in pixels or as a share of the width.
func TestCanvasSizesAndPlaces(t *testing.T) {
	bg := color.NRGBA{0, 0, 0, 255}
	cases := []struct {
		spec  string
		in    image.Point
		size  image.Point
		image image.Rectangle // where the input lands
	}{
		{"canvas=10x6:background=black", image.Pt(4, 2), image.Pt(10, 6), image.Rect(3, 2, 7, 4)},
		{"canvas=10x6:anchor=bottom-right:background=black", image.Pt(4, 2), image.Pt(10, 6), image.Rect(6, 4, 10, 6)},
		{"canvas=2x2:background=black", image.Pt(4, 2), image.Pt(4, 2), image.Rect(0, 0, 4, 2)},            // never crops
		{"canvas=0x5:anchor=top:background=black", image.Pt(4, 2), image.Pt(4, 5), image.Rect(0, 0, 4, 2)}, // 0 keeps the width
		{"canvas=1/1:anchor=left:background=black", image.Pt(4, 2), image.Pt(4, 4), image.Rect(0, 1, 4, 3)},
		{"canvas=16/9:background=black", image.Pt(10, 10), image.Pt(18, 10), image.Rect(4, 0, 14, 10)},
		{"canvas=9/16:background=black", image.Pt(10, 10), image.Pt(10, 18), image.Rect(0, 4, 10, 14)},
		{"canvas=border=2:background=black", image.Pt(4, 2), image.Pt(8, 6), image.Rect(2, 2, 6, 4)},
		{"canvas=border=25%:background=black", image.Pt(8, 2), image.Pt(12, 6), image.Rect(2, 2, 10, 4)},
		{"canvas=6x4:border=1:anchor=top-left:background=black", image.Pt(4, 2), image.Pt(8, 6), image.Rect(1, 1, 5, 3)},
	}
	for _, tc := range cases {
		out := apply(t, tc.spec, flat(tc.in.X, tc.in.Y, white))
		if out.Bounds().Size() != tc.size {
			t.Errorf("%s on %v: %v, want %v", tc.spec, tc.in, out.Bounds().Size(), tc.size)
			continue
		}
		if got := changed(out, bg); got != tc.image {
			t.Errorf("%s on %v: the image landed at %v, want %v", tc.spec, tc.in, got, tc.image)
		}
	}
}

// A transparent image goes over the background colour; a transparent
// background keeps the image's own transparency.
func TestCanvasBackgroundAndTransparency(t *testing.T) {
	half := color.NRGBA{255, 0, 0, 128}
	out := apply(t, "canvas=3x1:anchor=left:background=#0000ff", flat(1, 1, half))
	if got := at(out, 0, 0); !near(got, color.NRGBA{128, 0, 127, 255}, 1) {
		t.Errorf("half-transparent red over blue = %v", got)
	}
	if got := at(out, 2, 0); got != (color.NRGBA{0, 0, 255, 255}) {
		t.Errorf("background = %v", got)
	}
	out = apply(t, "canvas=3x1:anchor=left:background=transparent", flat(1, 1, half))
	if at(out, 0, 0) != half || at(out, 2, 0) != (color.NRGBA{}) {
		t.Errorf("on a transparent canvas: %v, %v", at(out, 0, 0), at(out, 2, 0))
	}
}

func TestCanvasErrors(t *testing.T) {
	for spec, want := range map[string]string{
		"canvas":                     `step 1 (canvas): parameter "width": a canvas needs a size, an aspect or a border`,
		"canvas=100x100:aspect=1/1":  `parameter "aspect": give a size or an aspect, not both`,
		"canvas=100":                 `"100" should be WxH or W/H`,
		"canvas=border=-1":           `parameter "border": -1 is outside 0..32767`,
		"canvas=1/1:background=pink": `parameter "background": "pink" is not a colour`,
	} {
		if _, err := ParseChain(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseChain(%q) = %v, want %q", spec, err, want)
		}
	}
}
