package processing

import (
	"image"
	"image/color"
	"testing"

	"github.com/disintegration/imaging"
)

func TestAutolevelPixels(t *testing.T) {
	// Luminance: the same stretch on every channel, so hues stay.
	in := pixels(3, 1, color.NRGBA{50, 50, 50, 255}, color.NRGBA{100, 60, 60, 255}, color.NRGBA{150, 150, 150, 255})
	out := apply(t, "autolevel=0", in)
	for i, want := range []color.NRGBA{{0, 0, 0, 255}, {127, 25, 25, 255}, {255, 255, 255, 255}} {
		if got := at(out, i, 0); !near(got, want, 1) {
			t.Errorf("luminance: pixel %d = %v, want %v", i, got, want)
		}
	}
	// Channels: each channel stretched alone, which removes a cast.
	in = pixels(2, 1, color.NRGBA{60, 10, 0, 255}, color.NRGBA{200, 250, 100, 255})
	out = apply(t, "autolevel=0:mode=channels", in)
	if at(out, 0, 0) != (color.NRGBA{0, 0, 0, 255}) || at(out, 1, 0) != (color.NRGBA{255, 255, 255, 255}) {
		t.Errorf("channels: %v %v", at(out, 0, 0), at(out, 1, 0))
	}
	// Clipping: one dark and one light outlier in 100 pixels are ignored
	// at 1% and stretched to at 0%.
	ramp := image.NewNRGBA(image.Rect(0, 0, 100, 1))
	for x := 0; x < 100; x++ {
		v := uint8(100 + x/2)
		switch x {
		case 0:
			v = 0
		case 99:
			v = 255
		}
		ramp.SetNRGBA(x, 0, color.NRGBA{v, v, v, 255})
	}
	if got := at(apply(t, "autolevel=0", ramp), 1, 0).R; got != 100 {
		t.Errorf("at 0%% the outliers set the range: pixel 1 = %d, want 100 (unchanged)", got)
	}
	if got := at(apply(t, "autolevel=1%", ramp), 1, 0).R; got != 0 {
		t.Errorf("at 1%% the outliers are clipped: pixel 1 = %d, want 0", got)
	}
	// A flat image, or one that is nearly so, is left alone; alpha is kept
	// and transparent pixels do not count.
	if got := at(apply(t, "autolevel", flat(3, 3, gray)), 1, 1); got != gray {
		t.Errorf("flat: %v", got)
	}
	in = pixels(3, 1, color.NRGBA{80, 80, 80, 200}, color.NRGBA{160, 160, 160, 255}, color.NRGBA{255, 255, 255, 0})
	out = apply(t, "autolevel=0", in)
	if at(out, 0, 0) != (color.NRGBA{0, 0, 0, 200}) || at(out, 1, 0) != (color.NRGBA{255, 255, 255, 255}) {
		t.Errorf("with transparency: %v %v", at(out, 0, 0), at(out, 1, 0))
	}
}

// On a photo with a blue cast and low contrast, autolevel restores the
// range, and the white balance brings the channels' means together.
func TestAutolevelPhoto(t *testing.T) {
	p := photo(t, "Portrait_1.jpg", 200)
	dull := imaging.AdjustFunc(p, func(c color.NRGBA) color.NRGBA {
		return color.NRGBA{60 + c.R/3, 60 + c.G/3, 90 + c.B/3, c.A}
	})
	spread := func(img *image.NRGBA) (lo, hi uint8) {
		lo = 255
		for i := 0; i < len(img.Pix); i += 4 {
			y := uint8((299*int(img.Pix[i]) + 587*int(img.Pix[i+1]) + 114*int(img.Pix[i+2])) / 1000)
			lo, hi = min(lo, y), max(hi, y)
		}
		return lo, hi
	}
	if lo, hi := spread(apply(t, "autolevel=0.5", dull)); lo > 10 || hi < 245 {
		t.Errorf("luminance after autolevel spans %d..%d", lo, hi)
	}
	cast := func(img *image.NRGBA) float64 {
		var r, b float64
		for i := 0; i < len(img.Pix); i += 4 {
			r += float64(img.Pix[i])
			b += float64(img.Pix[i+2])
		}
		return (b - r) / float64(len(img.Pix)/4)
	}
	before, plain, balanced := cast(dull), cast(apply(t, "autolevel", dull)), cast(apply(t, "autolevel=whitebalance=true", dull))
	if !(balanced < 3 && balanced < before/4) {
		t.Errorf("blue minus red, mean: %.1f before, %.1f levelled, %.1f white-balanced", before, plain, balanced)
	}
}
