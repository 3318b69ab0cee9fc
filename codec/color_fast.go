package codec

import (
	"image"
	"math"
	"sync"
)

// The fast path for the common case: an 8-bit image with an RGB matrix/TRC
// profile (Adobe RGB, Display P3, ProPhoto: what cameras and phones embed).
// lcms2's own 8-bit path costs about 22 ns a pixel, a fifth of the reference
// job's time at its output size; this one a few. lcms2 stays the definition:
// the tables are its conversion of each channel's 256 levels to linear-light
// sRGB (a matrix/TRC conversion is affine in the three tone curves, so the
// three channels' contributions add up exactly), and TestColorFastMatchesLCMS
// checks the result against lcms2's 8-bit transform on every level.

// colorFast holds, scaled by fastOne, linear-light sRGB of black and what
// each channel's level adds to it.
type colorFast struct {
	base [3]int32
	add  [3][256][3]int32
}

const fastOne = 65535 // linear 1.0

// srgbEncode16 is sRGB's tone curve from linear (0..fastOne) to 8 bits.
var srgbEncode16 = sync.OnceValue(func() *[fastOne + 1]uint8 {
	var t [fastOne + 1]uint8
	for i := range t {
		t[i] = uint8(math.Round(255 * linearToSRGB(float64(i)/fastOne)))
	}
	return &t
})

// fastFromLinear makes the tables from lcms2's conversion of black and of
// each channel's levels alone: lin holds 1 + 3*256 RGB triples.
func fastFromLinear(lin *[3 * (1 + 3*256)]float64) *colorFast {
	f := &colorFast{}
	scale := func(v float64) int32 { return int32(math.Round(v * fastOne)) }
	for c := range 3 {
		f.base[c] = scale(lin[c])
	}
	for ch := range 3 {
		for v := range 256 {
			px := lin[3*(1+256*ch+v):]
			for c := range 3 {
				f.add[ch][v][c] = scale(px[c]) - f.base[c]
			}
		}
	}
	return f
}

// apply converts an NRGBA image in place; alpha is left as it is.
func (f *colorFast) apply(m *image.NRGBA) {
	enc := srgbEncode16()
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[m.PixOffset(b.Min.X, y):][:4*b.Dx()]
		for i := 0; i+3 < len(row); i += 4 {
			r, g, bl := &f.add[0][row[i]], &f.add[1][row[i+1]], &f.add[2][row[i+2]]
			row[i] = enc[clampFast(f.base[0]+r[0]+g[0]+bl[0])]
			row[i+1] = enc[clampFast(f.base[1]+r[1]+g[1]+bl[1])]
			row[i+2] = enc[clampFast(f.base[2]+r[2]+g[2]+bl[2])]
		}
	}
}

func clampFast(v int32) int32 { return min(max(v, 0), fastOne) }
