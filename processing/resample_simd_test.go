//go:build cgo

package processing

import (
	"bytes"
	"fmt"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/disintegration/imaging"
)

// randomImage is a w x h NRGBA of random bytes, cut out of one pad pixels
// wider (so that its rows are further apart than its width, and it does not
// start at the origin) when pad is not 0.
func randomImage(r *rand.Rand, w, h, pad int) *image.NRGBA {
	if pad == 0 {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = uint8(r.IntN(256))
		}
		return img
	}
	big := randomImage(r, w+pad, h+3, 0)
	return big.SubImage(image.Rect(3, 2, 3+w, 2+h)).(*image.NRGBA)
}

// randomTaps are count outputs of n taps each over size inputs, with
// random weights (negative ones included) summing to one and starts that
// never decrease, as newTaps makes them; no uniform run.
func randomTaps(r *rand.Rand, count, size, n int) *taps {
	t := &taps{n: n, start: make([]int32, count), coef: make([]int16, 0, count*n)}
	st := 0
	for x := range t.start {
		st = min(st+r.IntN(3), size-n)
		t.start[x] = int32(st)
		total := 0
		for k := range n {
			c := int16(r.IntN(fixOne/2) - fixOne/8)
			if k == n-1 {
				c = int16(fixOne - total)
			}
			t.coef = append(t.coef, c)
			total += int(c)
		}
	}
	return t
}

// The C kernels compute exactly what the Go ones do, band by band: random
// images (whole, and cut out of larger ones), random taps for every tap
// count up to 20, and the taps the filters really use (with their uniform
// middle run), at widths that are not multiples of the 16 bytes SSE2 takes
// at a time. Rows outside the band stay untouched.
func TestKernelsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	type tapCase struct {
		name string
		make func(count, size int) (*taps, bool)
	}
	var cases []tapCase
	for n := 1; n <= 20; n++ {
		cases = append(cases, tapCase{fmt.Sprintf("random %d taps", n), func(count, size int) (*taps, bool) {
			if n > size {
				return nil, false
			}
			return randomTaps(r, count, size, n), true
		}})
	}
	for _, sigma := range []float64{0.5, 0.75, 2} {
		cases = append(cases, tapCase{fmt.Sprintf("gaussian %.2f", sigma), func(count, size int) (*taps, bool) {
			if count != size {
				return nil, false
			}
			return gaussianTaps(size, sigma)
		}})
	}
	for _, f := range []imaging.ResampleFilter{imaging.Lanczos, imaging.CatmullRom, imaging.Linear} {
		cases = append(cases, tapCase{"resample", func(count, size int) (*taps, bool) { return resampleTaps(count, size, f) }})
	}
	for _, c := range cases {
		for _, sz := range [][3]int{{1, 1, 1}, {5, 4, 5}, {17, 9, 17}, {40, 33, 40}, {64, 21, 16}, {23, 19, 61}, {301, 37, 120}} {
			w, h, count := sz[0], sz[1], sz[2]
			// Padding: none, or each image's rows a different distance apart.
			for _, pad := range [][3]int{{0, 0, 0}, {5, 3, 9}} {
				label := fmt.Sprintf("%s, %dx%d to %d, padding %v", c.name, w, h, count, pad)
				src := randomImage(r, w, h, pad[0])
				y0, y1 := min(1, h-1), max(h-1, 1)
				if ht, ok := c.make(count, w); ok {
					got, want := randomImage(r, count, h, pad[1]), image.NewNRGBA(image.Rect(0, 0, count, h))
					copy(want.Pix, imaging.Clone(got).Pix)
					horizontalRows(got, src, ht, y0, y1)
					horizontalRowsGo(want, src, ht, y0, y1)
					if !bytes.Equal(imaging.Clone(got).Pix, want.Pix) {
						t.Fatalf("horizontal, %s: C and Go differ", label)
					}
				}
				vt, ok := c.make(count, h)
				if !ok {
					continue
				}
				for _, withSharpen := range []bool{false, true} {
					var sharp *image.NRGBA
					if withSharpen {
						sharp = randomImage(r, w, count, pad[2])
					}
					b0, b1 := min(1, count-1), max(count-1, 1)
					got, want := randomImage(r, w, count, pad[1]), image.NewNRGBA(image.Rect(0, 0, w, count))
					copy(want.Pix, imaging.Clone(got).Pix)
					verticalRows(got, src, vt, sharp, b0, b1)
					verticalRowsGo(want, src, vt, sharp, b0, b1)
					if !bytes.Equal(imaging.Clone(got).Pix, want.Pix) {
						t.Fatalf("vertical, %s, sharpen %v: C and Go differ", label, withSharpen)
					}
				}
			}
		}
	}
}

// The C kernels are called with images and taps the Go side checks: a wrong
// bound panics in Go rather than reaching C.
func TestKernelsCheckBounds(t *testing.T) {
	img := func(w, h int) *image.NRGBA { return image.NewNRGBA(image.Rect(0, 0, w, h)) }
	one := func(start ...int32) *taps {
		tp := &taps{n: 2, start: start}
		for range start {
			tp.coef = append(tp.coef, fixOne, 0)
		}
		return tp
	}
	for name, call := range map[string]func(){
		"horizontal: taps past the row's end": func() { horizontalRows(img(2, 4), img(4, 4), one(0, 3), 0, 4) },
		"horizontal: rows past the bottom":    func() { horizontalRows(img(2, 4), img(4, 4), one(0, 1), 0, 5) },
		"horizontal: output narrower":         func() { horizontalRows(img(1, 4), img(4, 4), one(0, 1), 0, 4) },
		"horizontal: too few weights": func() {
			horizontalRows(img(2, 4), img(4, 4), &taps{n: 2, start: []int32{0, 1}, coef: []int16{fixOne}}, 0, 4)
		},
		"vertical: taps past the bottom":    func() { verticalRows(img(4, 2), img(4, 4), one(0, 3), nil, 0, 2) },
		"vertical: negative start":          func() { verticalRows(img(4, 2), img(4, 4), one(-1, 0), nil, 0, 2) },
		"vertical: output wider":            func() { verticalRows(img(5, 2), img(4, 4), one(0, 1), nil, 0, 2) },
		"vertical: sharpen image too small": func() { verticalRows(img(4, 2), img(4, 4), one(0, 1), img(4, 1), 0, 2) },
		"vertical: sharpen image narrower":  func() { verticalRows(img(4, 2), img(4, 4), one(0, 1), img(3, 2), 0, 2) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			call()
		}()
	}
}
