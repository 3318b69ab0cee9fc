package codec

import (
	"image"
	"testing"

	"github.com/picpool/picpool/internal/imgtest"
)

// TestColorFastMatchesLCMS: the fast path for RGB matrix/TRC profiles gives
// what lcms2's own 8-bit transform gives, to one level, on a grid through
// every colour (every third level of each channel: 636,056 colours; every
// fifth under the race detector), for version 2 and 4 profiles of small and
// wide gamuts.
func TestColorFastMatchesLCMS(t *testing.T) {
	needColor(t)
	step := 3
	if imgtest.Race {
		step = 5
	}
	n := 255/step + 1
	img := image.NewNRGBA(image.Rect(0, 0, n*n, n))
	for i := 0; i < len(img.Pix); i += 4 {
		p := i / 4
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = byte(step*(p%n)), byte(step*(p/n%n)), byte(step*(p/n/n)), byte(p)
	}
	for _, name := range []string{"ghostscript/a98.icc", "colord/AdobeRGB1998.icc", "colord/ProPhotoRGB.icc", "colord/WideGamutRGB.icc",
		"colord/AppleRGB.icc", "colord/Rec709.icc", "ghostscript/esrgb.icc", "compatibleWithAdobeRGB1998.icc"} {
		p := profile(t, name)
		fast, err := newColorFast(p.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		slow, err := newTransform(p.Bytes(), pixRGBA8, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		a, b := imagingClone(img), imagingClone(img)
		fast.apply(a)
		slow.run(b.Pix, b.Pix, b.Rect.Dx(), b.Rect.Dy(), b.Stride, b.Stride)
		slow.free()
		worst, off := 0, 0
		for i := range a.Pix {
			d := abs(int(a.Pix[i]) - int(b.Pix[i]))
			if i%4 == 3 && d != 0 {
				t.Fatalf("%s: alpha changed", name)
			}
			worst = max(worst, d)
			if d != 0 {
				off++
			}
		}
		share := float64(off) / float64(len(a.Pix)*3/4)
		t.Logf("%s: %.2f%% of values one level from lcms2's, none further", name, 100*share)
		if worst > 1 || share > 0.05 {
			t.Errorf("%s: values up to %d levels from lcms2's, %.2f%% differ", name, worst, 100*share)
		}
	}
}

func imagingClone(m *image.NRGBA) *image.NRGBA {
	c := *m
	c.Pix = append([]byte(nil), m.Pix...)
	return &c
}
