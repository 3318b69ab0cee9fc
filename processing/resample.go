package processing

import (
	"image"
	"math"
	"runtime"
	"sync"

	"github.com/disintegration/imaging"
)

// Fast separable filters for opaque images: resize, blur and sharpen, the
// three filters that took nine tenths of a typical batch's time once decoding
// was fast (docs/speed.md). imaging v1.6.2 defines what they compute and stays
// the implementation for everything else (images with transparency, nearest
// neighbour, reductions beyond about 10:1); these do the same arithmetic as
// imaging's (the same filter weights, the same rounding of each pass to 8
// bits, the same clamping) with four differences that make them 5-9x faster:
//
//   - integer weights (14 fractional bits) instead of float64, summing
//     exactly to one, so that no division by the weights' sum is needed per
//     pixel;
//   - no alpha weighting: on an opaque image it multiplies and divides every
//     sample by 255, which changes nothing;
//   - the vertical passes walk rows, not columns: imaging reads each column
//     of the image (one cache line per pixel); these add whole source rows;
//   - the inner loops are C with SSE2 in cgo builds (resample_simd.go), with
//     the same integer arithmetic in Go elsewhere (resample_kernels.go).
//
// Results agree with imaging's to within 2 levels per channel (rounding of
// the weights), see resample_test.go.

const (
	fixBits = 14
	fixOne  = 1 << fixBits
	fixHalf = 1 << (fixBits - 1)
	// maxTaps bounds the taps per output sample: with 14-bit weights the
	// rounding of n weights moves an output by at most n/128 of a level.
	// Wider filters (reductions beyond about 10:1, blurs beyond sigma 10) go
	// to imaging.
	maxTaps = 64
)

// taps are a 1-D filter as weights: output sample i is the sum of
// coef[i*n+k] * in[start[i]+k] for k < n, in fixed point (16-bit weights,
// what SIMD multiply-adds take).
type taps struct {
	n     int
	start []int32
	coef  []int16
	// Outputs [uniformLo, uniformHi) all have the same weights, starting at
	// the output's own index minus a fixed offset (a blur away from the edges).
	uniformLo, uniformHi int
}

// newTaps turns each output's (first source index, float weights) into
// fixed-point rows of one common length n, within [0, srcSize). ok is false
// when the filter is too wide for the integer weights.
func newTaps(srcSize int, weights func(i int) (begin int, w []float64), dstSize int) (t *taps, ok bool) {
	begins := make([]int, dstSize)
	ws := make([][]float64, dstSize)
	n := 1
	for i := range dstSize {
		begins[i], ws[i] = weights(i)
		n = max(n, len(ws[i]))
	}
	if n > maxTaps || n > srcSize {
		return nil, false
	}
	t = &taps{n: n, start: make([]int32, dstSize), coef: make([]int16, dstSize*n)}
	for i := range dstSize {
		start := min(begins[i], srcSize-n)
		t.start[i] = int32(start)
		row := make([]int, n)
		var sum float64
		for _, w := range ws[i] {
			sum += w
		}
		if sum == 0 {
			return nil, false
		}
		// Round each weight; the rounding error goes to the largest one so
		// that the row sums to exactly one (a flat image stays flat, alpha
		// stays 255).
		total, largest := 0, 0
		for k, w := range ws[i] {
			j := begins[i] - start + k
			row[j] = int(math.Round(w / sum * fixOne))
			total += row[j]
			if abs(row[j]) > abs(row[largest]) {
				largest = j
			}
		}
		row[largest] += fixOne - total
		for k, v := range row {
			if v < math.MinInt16 || v > math.MaxInt16 {
				return nil, false
			}
			t.coef[i*n+k] = int16(v)
		}
	}
	return t, true
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// resampleTaps are imaging's resize weights (resize.go precomputeWeights).
func resampleTaps(dstSize, srcSize int, filter imaging.ResampleFilter) (*taps, bool) {
	du := float64(srcSize) / float64(dstSize)
	scale := max(du, 1)
	ru := math.Ceil(scale * filter.Support)
	return newTaps(srcSize, func(v int) (int, []float64) {
		fu := (float64(v)+0.5)*du - 0.5
		begin := max(int(math.Ceil(fu-ru)), 0)
		end := min(int(math.Floor(fu+ru)), srcSize-1)
		w := make([]float64, 0, end-begin+1)
		for u := begin; u <= end; u++ {
			w = append(w, filter.Kernel((float64(u)-fu)/scale))
		}
		// Zero weights at either end would only widen the row.
		for len(w) > 0 && w[len(w)-1] == 0 {
			w = w[:len(w)-1]
		}
		for len(w) > 0 && w[0] == 0 {
			w, begin = w[1:], begin+1
		}
		return begin, w
	}, dstSize)
}

// gaussianTaps are imaging's blur weights (effects.go Blur): radius
// ceil(3 sigma), cut at the edges and normalised over what is left.
func gaussianTaps(size int, sigma float64) (*taps, bool) {
	radius := int(math.Ceil(sigma * 3))
	kernel := make([]float64, radius+1)
	for i := range kernel {
		kernel[i] = math.Exp(-float64(i*i) / (2 * sigma * sigma))
	}
	t, ok := newTaps(size, func(x int) (int, []float64) {
		begin, end := max(x-radius, 0), min(x+radius, size-1)
		w := make([]float64, 0, end-begin+1)
		for ix := begin; ix <= end; ix++ {
			d := x - ix
			if d < 0 {
				d = -d
			}
			w = append(w, kernel[d])
		}
		return begin, w
	}, size)
	if ok && size > 2*radius {
		t.uniformLo, t.uniformHi = radius, size-radius
	}
	return t, ok
}

// opaque reports whether img is an NRGBA with every alpha at 255, which is
// what the fast filters need; JPEGs decode to one.
func opaque(img image.Image) (*image.NRGBA, bool) {
	n, ok := img.(*image.NRGBA)
	if !ok || n.Rect.Empty() {
		return nil, false
	}
	w := n.Rect.Dx() * 4
	for y := n.Rect.Min.Y; y < n.Rect.Max.Y; y++ {
		i := n.PixOffset(n.Rect.Min.X, y)
		row := n.Pix[i : i+w : i+w]
		for j := 3; j < len(row); j += 4 {
			if row[j] != 0xff {
				return nil, false
			}
		}
	}
	return n, true
}

// row returns row y of img (0-based from its top) as bytes.
func row(img *image.NRGBA, y int) []uint8 {
	i := img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y)
	w := img.Rect.Dx() * 4
	return img.Pix[i : i+w : i+w]
}

// clip rounds a fixed-point sum (with fixHalf already added) to 8 bits.
func clip(v int32) uint8 {
	v >>= fixBits
	if uint32(v) > 0xff {
		if v < 0 {
			return 0
		}
		return 0xff
	}
	return uint8(v)
}

// The passes below hand whole rows to three kernels, each with a portable
// Go version (resample_kernels.go) and, in cgo builds, a C version using
// SSE2 multiply-adds on x86-64 (resample_simd.go). Both compute the same
// integer sums, so every build makes the same pixels:
//
//	sumRows(out, base, off, c):          out[i] = clip(half + sum c[k] x base[off[k]+i])
//	gatherRow(out, src, start, c, n):    pixel x of out from pixels start[x].. of src
//	sharpenRow(out, src, blurred):       out[i] = clamp(2 x src[i] - blurred[i])

// horizontal filters every row of src into dst (which is t's output width
// wide and as tall as src).
func horizontal(dst, src *image.NRGBA, t *taps) {
	n, lo, hi := t.n, t.uniformLo, t.uniformHi
	bands(src.Rect.Dy(), func(y0, y1 int) {
		// Between lo and hi every output byte is the same weighted sum of
		// the bytes 4, 8, ... before and after it: sumRows on shifted views
		// of the row. The rest gathers pixel by pixel.
		off := make([]int64, n)
		if hi > lo {
			for k := range off {
				off[k] = int64(t.start[lo]+int32(k)) * 4
			}
		}
		for y := y0; y < y1; y++ {
			s, d := row(src, y), row(dst, y)
			if hi <= lo {
				gatherRow(d, s, t.start, t.coef, n)
				continue
			}
			gatherRow(d[:lo*4], s, t.start[:lo], t.coef[:lo*n], n)
			gatherRow(d[hi*4:], s, t.start[hi:], t.coef[hi*n:], n)
			sumRows(d[lo*4:hi*4], s, off, t.coef[lo*n:lo*n+n])
		}
	})
}

// vertical filters the columns of src into dst (as wide as src, t's output
// height tall) a row at a time: each output row is the weighted sum of n
// source rows. With sharpen set, the filtered row is a blur of sharpen's
// row, and the output is sharpen's row minus that blur, added to it.
func vertical(dst, src *image.NRGBA, t *taps, sharpen *image.NRGBA) {
	n := t.n
	bands(dst.Rect.Dy(), func(y0, y1 int) {
		off := make([]int64, n)
		var blurred []uint8
		if sharpen != nil {
			blurred = make([]uint8, dst.Rect.Dx()*4)
		}
		for y := y0; y < y1; y++ {
			for k := range off {
				off[k] = int64(src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+int(t.start[y])+k))
			}
			out := row(dst, y)
			if sharpen == nil {
				sumRows(out, src.Pix, off, t.coef[y*n:y*n+n])
				continue
			}
			sumRows(blurred, src.Pix, off, t.coef[y*n:y*n+n])
			sharpenRow(out, row(sharpen, y), blurred)
		}
	})
}

// bands runs fn over [0, h) split into one band of rows per usable core
// (GOMAXPROCS, which the pool sets to its worker count), as imaging does. A
// panic in a band is raised again in the caller, where the pool recovers it.
func bands(h int, fn func(y0, y1 int)) {
	parts := min(runtime.GOMAXPROCS(0), h/16)
	if parts <= 1 {
		fn(0, h)
		return
	}
	var (
		wg    sync.WaitGroup
		once  sync.Once
		fault any
	)
	for i := range parts {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					once.Do(func() { fault = r })
				}
			}()
			fn(h*i/parts, h*(i+1)/parts)
		})
	}
	wg.Wait()
	if fault != nil {
		panic(fault)
	}
}

// fastResize is imaging.Resize(img, w, h, filter) for an opaque image, or
// nil when it cannot take the image.
func fastResize(img image.Image, w, h int, filter imaging.ResampleFilter) *image.NRGBA {
	src, ok := opaque(img)
	if !ok || filter.Support <= 0 || w <= 0 || h <= 0 {
		return nil
	}
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	var ht, vt *taps
	if w != sw {
		if ht, ok = resampleTaps(w, sw, filter); !ok {
			return nil
		}
	}
	if h != sh {
		if vt, ok = resampleTaps(h, sh, filter); !ok {
			return nil
		}
	}
	out := src
	if ht != nil {
		next := image.NewNRGBA(image.Rect(0, 0, w, sh))
		horizontal(next, out, ht)
		out = next
	}
	if vt != nil {
		next := image.NewNRGBA(image.Rect(0, 0, w, h))
		vertical(next, out, vt, nil)
		out = next
	}
	if out == src {
		return imaging.Clone(src)
	}
	return out
}

// fastBlur is imaging.Blur for an opaque image, or nil.
func fastBlur(img image.Image, sigma float64) *image.NRGBA { return gaussian(img, sigma, false) }

// fastSharpen is imaging.Sharpen for an opaque image, or nil: 2 x image -
// blurred, clamped.
func fastSharpen(img image.Image, sigma float64) *image.NRGBA { return gaussian(img, sigma, true) }

// gaussian blurs an opaque image, or sharpens it with the blur: the blur's
// vertical pass and the difference are then done in one pass.
func gaussian(img image.Image, sigma float64, sharpen bool) *image.NRGBA {
	src, ok := opaque(img)
	if !ok || sigma <= 0 {
		return nil
	}
	ht, ok := gaussianTaps(src.Rect.Dx(), sigma)
	if !ok {
		return nil
	}
	vt, ok := gaussianTaps(src.Rect.Dy(), sigma)
	if !ok {
		return nil
	}
	tmp := image.NewNRGBA(image.Rect(0, 0, src.Rect.Dx(), src.Rect.Dy()))
	horizontal(tmp, src, ht)
	out := image.NewNRGBA(tmp.Rect)
	var from *image.NRGBA
	if sharpen {
		from = src
	}
	vertical(out, tmp, vt, from)
	return out
}

// resize, blur and sharpen are the kinds' implementations: the fast filters
// when they take the image, imaging otherwise. Images of other types are
// converted to NRGBA once (imaging converts them row by row in every pass
// otherwise).
func resize(img image.Image, w, h int, filter imaging.ResampleFilter) *image.NRGBA {
	if filter.Support > 0 {
		img = toNRGBA(img)
		if out := fastResize(img, w, h, filter); out != nil {
			return out
		}
	}
	return imaging.Resize(img, w, h, filter)
}

func blur(img image.Image, sigma float64) *image.NRGBA {
	img = toNRGBA(img)
	if out := fastBlur(img, sigma); out != nil {
		return out
	}
	return imaging.Blur(img, sigma)
}

func sharpen(img image.Image, sigma float64) *image.NRGBA {
	img = toNRGBA(img)
	if out := fastSharpen(img, sigma); out != nil {
		return out
	}
	return imaging.Sharpen(img, sigma)
}
