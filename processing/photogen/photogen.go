// Package photogen makes large, photo-like test images from small real
// photos: a 4:3 window of the photo upscaled to the size asked for, with
// film-like grain so that the JPEG costs what a camera's would (about 0.3 to
// 0.5 bytes per pixel at quality 90). The output depends only on the inputs
// and the seed, so benchmarks and the side-by-side comparison
// (scripts/bench-compare.sh) run on the same bytes every time.
package photogen

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"

	"github.com/disintegration/imaging"
)

// Grain is the standard deviation, in 8-bit levels, of the luma grain Make
// adds, and Crisp the sigma of the unsharp mask that gives the upscaled photo
// back some edge detail. Together they put the 4000x3000 quality-90 JPEGs
// made from ../shared/testdata/photos at 0.336 to 0.341 bytes per pixel.
const (
	Grain = 6.0
	Crisp = 2.0
)

// Make returns a w x h photo-like image made from src. The seed picks the
// window of src that is used, whether it is mirrored, and the grain.
func Make(src image.Image, w, h int, seed uint64) *image.NRGBA {
	rng := rand.New(rand.NewPCG(seed, 0x9E3779B97F4A7C15))
	b := src.Bounds()
	// The largest window of src with w:h's aspect, shrunk by up to 10% and
	// moved by the seed, so images made from one photo still differ.
	cw, ch := b.Dx(), b.Dx()*h/w
	if ch > b.Dy() {
		cw, ch = b.Dy()*w/h, b.Dy()
	}
	shrink := 0.9 + 0.1*rng.Float64()
	cw, ch = max(1, int(float64(cw)*shrink)), max(1, int(float64(ch)*shrink))
	x0 := b.Min.X + rng.IntN(b.Dx()-cw+1)
	y0 := b.Min.Y + rng.IntN(b.Dy()-ch+1)
	img := imaging.Resize(imaging.Crop(src, image.Rect(x0, y0, x0+cw, y0+ch)), w, h, imaging.Lanczos)
	img = imaging.Sharpen(img, Crisp)
	if rng.IntN(2) == 1 {
		img = imaging.FlipH(img)
	}
	// Grain: mostly luma, a little chroma, roughly Gaussian (sum of four
	// uniforms), independent per pixel like a sensor's.
	noise := func(sigma float64) float64 {
		return (rng.Float64() + rng.Float64() + rng.Float64() + rng.Float64() - 2) * sigma * 1.732
	}
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+w*4]
		for x := 0; x < len(row); x += 4 {
			l := noise(Grain)
			row[x+0] = clamp(float64(row[x+0]) + l + noise(Grain/3))
			row[x+1] = clamp(float64(row[x+1]) + l)
			row[x+2] = clamp(float64(row[x+2]) + l + noise(Grain/3))
			row[x+3] = 255
		}
	}
	return img
}

func clamp(f float64) uint8 {
	switch {
	case f <= 0:
		return 0
	case f >= 255:
		return 255
	}
	return uint8(f + 0.5)
}

// JPEG encodes img with Go's encoder (deterministic for a given Go release).
func JPEG(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Reference makes the reference job's input: a 4000x3000 quality-90 JPEG
// from src, and checks that it costs a camera's 0.3 to 0.5 bytes per pixel.
func Reference(src image.Image, seed uint64) ([]byte, error) {
	const w, h = 4000, 3000
	data, err := JPEG(Make(src, w, h, seed), 90)
	if err != nil {
		return nil, err
	}
	if bpp := float64(len(data)) / (w * h); bpp < 0.3 || bpp > 0.5 {
		return data, fmt.Errorf("photogen: %.3f bytes per pixel, outside the 0.3-0.5 of a camera JPEG", bpp)
	}
	return data, nil
}
