package processing

import (
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/disintegration/imaging"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/golden")

// TestGoldenImages runs each of the newer kinds on a small copy of a shared
// photo and compares the result with testdata/golden/<kind>.png, so that a
// change in what a kind computes shows. After a deliberate change:
//
//	go test ./processing/ -run TestGoldenImages -update
//
// and look at the new images before committing them.
func TestGoldenImages(t *testing.T) {
	small := photo(t, "Landscape_1.jpg", 96) // 96x64
	dull := imaging.AdjustFunc(small, func(c color.NRGBA) color.NRGBA {
		return color.NRGBA{70 + c.R/3, 60 + c.G/3, 50 + c.B/3, c.A}
	})
	// A round logo: a red disc fading to transparent at its edge.
	logo := image.NewNRGBA(image.Rect(0, 0, 24, 24))
	for y := 0; y < 24; y++ {
		for x := 0; x < 24; x++ {
			d := math.Hypot(float64(x)-11.5, float64(y)-11.5)
			logo.SetNRGBA(x, y, color.NRGBA{220, 30, 30, uint8(255 * math.Max(0, math.Min(1, 11-d)))})
		}
	}
	logoFile := writeImage(t, "logo.png", logo)
	cases := []struct {
		kind, spec string
		in         *image.NRGBA
	}{
		{"watermark", "watermark='© PicPool, 2026':size=11%:anchor=bottom-left:margin=3", small},
		{"overlay", "overlay=" + Quote(logoFile) + ":size=30%:opacity=80:anchor=top-right", small},
		{"canvas", "canvas=1/1:background=#204060:border=4", small},
		{"trim", "trim", imaging.Paste(filled(120, 80, white), small, image.Pt(10, 6))},
		{"autolevel", "autolevel=1%:whitebalance=true", dull},
		{"smartcrop", "smartcrop=40x48", small},
	}
	for _, tc := range cases {
		golden(t, tc.kind+" ("+tc.spec+")", apply(t, tc.spec, tc.in), filepath.Join("testdata", "golden", tc.kind+".png"))
	}
}

// golden compares got with the PNG at path, or with -update writes it there.
func golden(t *testing.T, what string, got *image.NRGBA, path string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(f, got); err != nil || f.Close() != nil {
			t.Fatal(err)
		}
		return
	}
	want := readPNG(t, path)
	if got.Bounds().Size() != want.Bounds().Size() {
		t.Errorf("%s: %v, %s is %v", what, got.Bounds().Size(), path, want.Bounds().Size())
		return
	}
	// Rounding may differ by a level or two between builds (C or Go
	// kernels); a drift moves many values or some by much.
	off, worst := 0, 0
	for i := range got.Pix {
		d := int(got.Pix[i]) - int(want.Pix[i])
		d = max(d, -d)
		if d > 2 {
			off++
		}
		worst = max(worst, d)
	}
	if off > len(got.Pix)/200 || worst > 40 {
		t.Errorf("%s drifted from %s: %d values differ by more than 2, the most by %d", what, path, off, worst)
	}
}

// TestDocImages: docs/autolevel.png, the before and after in
// docs/actions.md, is what the code makes of a hazy, tinted copy of a
// shared photo (-update rewrites it too).
func TestDocImages(t *testing.T) {
	p := photo(t, "Landscape_1.jpg", 200) // 200x133
	hazy := imaging.AdjustFunc(p, func(c color.NRGBA) color.NRGBA {
		return color.NRGBA{90 + c.R/2, 70 + c.G/2, 40 + c.B/2, c.A}
	})
	panels := []*image.NRGBA{hazy, apply(t, "autolevel", hazy), apply(t, "autolevel=mode=channels:whitebalance=true", hazy)}
	sheet := filled(3*200+2*4, 133, color.NRGBA{255, 255, 255, 255})
	for i, panel := range panels {
		drawOver(sheet, panel, image.Pt(i*204, 0), 1)
	}
	golden(t, "the autolevel example", sheet, filepath.Join("..", "docs", "autolevel.png"))
}
