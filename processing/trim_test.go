package processing

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"strings"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/picpool/picpool/codec"
)

func TestTrimPixels(t *testing.T) {
	cases := []struct {
		name string
		spec string
		in   *image.NRGBA
		want image.Rectangle // the part of in that is kept
	}{
		{"white margins", "trim", framed(8, 6, white, image.Rect(2, 1, 5, 4), red), image.Rect(2, 1, 5, 4)},
		{"a border of each side's own colour", "trim", sides(), image.Rect(1, 1, 5, 4)},
		{"one colour all over", "trim", flat(5, 5, gray), image.Rect(0, 0, 5, 5)},
		{"nothing to trim", "trim", tiny(), image.Rect(0, 0, 4, 2)},
		{"one colour within the tolerance", "trim=10", framed(6, 6, color.NRGBA{250, 245, 255, 255}, image.Rect(0, 0, 6, 1), white), image.Rect(0, 0, 6, 6)},
		{"a noisy margin at 10%", "trim=10", speckled(), image.Rect(2, 2, 4, 4)},
		{"a noisy margin at 1%", "trim=1", speckled(), image.Rect(0, 0, 6, 6)},
		{"transparent edges", "trim=0", framed(6, 4, color.NRGBA{}, image.Rect(1, 1, 3, 3), red), image.Rect(1, 1, 3, 3)},
		// Top half white, bottom half black: trimming the white leaves an
		// all-black image, whose bottom is not trimmed to nothing.
		{"two halves", "trim", framed(4, 4, white, image.Rect(0, 2, 4, 4), black), image.Rect(0, 2, 4, 4)},
	}
	for _, tc := range cases {
		out := apply(t, tc.spec, tc.in)
		want := imaging.Crop(tc.in, tc.want)
		if out.Bounds().Size() != want.Bounds().Size() || !bytes.Equal(out.Pix, want.Pix) {
			t.Errorf("%s: %s kept %v, want %v", tc.name, tc.spec, out.Bounds().Size(), tc.want)
		}
	}
}

// speckled is a 6x6 white margin with every other pixel 6 levels darker
// around a black 2x2 middle.
func speckled() *image.NRGBA {
	img := framed(6, 6, white, image.Rect(2, 2, 4, 4), black)
	for y := 0; y < 6; y++ {
		for x := (y % 2); x < 6; x += 2 {
			if at(img, x, y) == white {
				img.SetNRGBA(x, y, color.NRGBA{249, 249, 249, 255})
			}
		}
	}
	return img
}

// sides is a 6x5 image with a red top row, a blue bottom row, a green left
// column and a black right column around a white and gray middle.
func sides() *image.NRGBA {
	img := framed(6, 5, white, image.Rect(2, 2, 4, 3), gray)
	for x := 0; x < 6; x++ {
		img.SetNRGBA(x, 0, red)
		img.SetNRGBA(x, 4, blue)
	}
	for y := 1; y < 4; y++ {
		img.SetNRGBA(0, y, green)
		img.SetNRGBA(5, y, black)
	}
	return img
}

// A photo letterboxed in black bars and saved as a JPEG (whose noise
// blurs the bars' edges) comes back to its own size, within a pixel or
// two, and the bars are gone.
func TestTrimLetterboxedPhoto(t *testing.T) {
	p := photo(t, "Landscape_1.jpg", 300) // 300x200
	boxed := imaging.Paste(filled(300, 300, black), p, image.Pt(0, 50))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, boxed, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	noisy, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	out := apply(t, "trim", imaging.Clone(noisy))
	if b := out.Bounds(); b.Dx() != 300 || b.Dy() < 198 || b.Dy() > 202 {
		t.Errorf("trimmed to %v, want about 300x200", b.Size())
	}
	c, _ := ParseChain("trim")
	pl, _ := c.Compile()
	if pl.SizeKnown() {
		t.Error("trim's size depends on the content: SizeKnown must be false")
	}
	if w, h, _ := pl.OutputSize(300, 300); w != 300 || h != 300 {
		t.Errorf("OutputSize = %dx%d, want the upper bound 300x300", w, h)
	}
}

// Process with a trim: the steps after it work from the trimmed size (a
// resize to a width then makes the image taller than the header's
// estimate, which is no error), and each of them is checked against the
// pixel limit as it runs.
func TestProcessWithTrim(t *testing.T) {
	// A 10x100 strip in a 100x100 white square.
	src := writeImage(t, "strip.png", framed(100, 100, white, image.Rect(45, 0, 55, 100), red))
	run := func(chain string, maxPixels int64) (Result, error) {
		p, err := NewProcessor(Settings{Chain: mustChain(t, chain), Format: codec.PNG,
			Naming: Naming{Dir: t.TempDir()}, Decode: codec.DecodeOptions{MaxPixels: maxPixels}})
		if err != nil {
			t.Fatal(err)
		}
		return p.Process(context.Background(), Source{Path: src, Rel: "strip.png"}, nil)
	}
	res, err := run("trim,resize=30x0", 0)
	if err != nil || res.Width != 30 || res.Height != 300 {
		t.Errorf("trim,resize=30x0: %dx%d, %v; want 30x300 (the estimate from the header was 30x30)", res.Width, res.Height, err)
	}
	if _, err := os.Stat(res.Output); err != nil {
		t.Errorf("no output: %v", err)
	}
	// The header's estimate (300x300) is within 200,000 pixels, the real
	// resize (300x3000) is not.
	_, err = run("trim,resize=300x0", 200000)
	if KindOf(err) != ErrTooLarge || !strings.Contains(err.Error(), "step 2 (resize) would make a 300x3000 image") {
		t.Errorf("over the limit after the trim: %v", err)
	}
}
