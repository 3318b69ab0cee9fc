//go:build !cgo || picpool_purego || (picpool_wasmcodecs && !picpool_static_webp)

package codec

// WebP in the builds without libwebp (codecs_wazero.go says which those
// are): golang.org/x/image/webp decodes, libwebp compiled to WebAssembly
// (github.com/gen2brain/webp) encodes. -tags picpool_static_webp with
// picpool_wasmcodecs keeps libwebp itself instead (webp_cgo.go).

import (
	"bytes"
	"image"

	"github.com/disintegration/imaging"
	gwebp "github.com/gen2brain/webp"
	xwebp "golang.org/x/image/webp"
)

// nativeWebP says that this build's WebP codec is not libwebp through cgo.
const nativeWebP = false

// WebPCodec names the WebP decoder and encoder of this build.
var WebPCodec = "golang.org/x/image/webp (pure Go) to decode, " +
	wasmOrShared(gwebp.Dynamic(), "libwebp 1.4.0 to encode (WebAssembly: github.com/gen2brain/webp v0.5.5, wazero)", "libwebp")

// webpEncodeFrame encodes img as a one-frame WebP file.
func webpEncodeFrame(img *image.NRGBA, o webpOptions) ([]byte, error) {
	defer collect()
	if img.Rect.Min != (image.Point{}) || img.Stride != 4*img.Rect.Dx() {
		img = imaging.Clone(img) // gen2brain reads Pix as one packed image
	}
	var b bytes.Buffer
	err := gwebp.Encode(&b, img, gwebp.Options{Quality: int(o.quality()), Lossless: o.Lossless, Method: o.method(), Exact: o.Exact})
	return b.Bytes(), err
}

// webpDecodeFrame decodes a one-frame WebP file with golang.org/x/image/webp
// and converts lossy frames to RGB as libwebp does (vp8RGBA).
func webpDecodeFrame(file []byte, w, h int) (image.Image, bool, error) {
	img, err := xwebp.Decode(bytes.NewReader(file))
	if err != nil {
		return nil, false, err
	}
	switch m := img.(type) {
	case *image.YCbCr:
		return vp8RGBA(m, nil, 0), false, nil
	case *image.NYCbCrA:
		return vp8RGBA(&m.YCbCr, m.A, m.AStride), false, nil
	}
	return img, false, nil
}

// vp8RGBA converts a VP8 frame (4:2:0, BT.601 with video range: Y in
// 16..235) to NRGBA the way libwebp does, with its fixed-point constants and
// its "fancy" upsampling of the chroma (each chroma sample weighs 9, 3, 3, 1
// on the four luma pixels around it). golang.org/x/image/webp returns the
// samples as an image.YCbCr, whose own conversion takes them for full-range
// JPEG samples: colours then come out about 28 dB off libwebp's.
func vp8RGBA(m *image.YCbCr, alpha []byte, astride int) *image.NRGBA {
	b := m.Rect
	w, h := b.Dx(), b.Dy()
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	cw, ch := (w+1)/2, (h+1)/2
	chroma := func(p []byte, x, y int) int {
		x = min(max(x, 0), cw-1)
		y = min(max(y, 0), ch-1)
		return int(p[y*m.CStride+x])
	}
	// up samples plane p at luma (x, y): near is the chroma sample whose
	// quarter of the 2x2 block holds it, far the neighbours toward the pixel.
	up := func(p []byte, x, y int) int {
		nx, fx := x>>1, (x>>1)-1+2*(x&1)
		ny, fy := y>>1, (y>>1)-1+2*(y&1)
		return (9*chroma(p, nx, ny) + 3*chroma(p, fx, ny) + 3*chroma(p, nx, fy) + chroma(p, fx, fy) + 8) >> 4
	}
	for y := 0; y < h; y++ {
		row := out.Pix[y*out.Stride:]
		for x := 0; x < w; x++ {
			yy := int(m.Y[y*m.YStride+x])
			u, v := up(m.Cb, x, y), up(m.Cr, x, y)
			i := 4 * x
			row[i] = clip8(multHi(yy, 19077) + multHi(v, 26149) - 14234)
			row[i+1] = clip8(multHi(yy, 19077) - multHi(u, 6419) - multHi(v, 13320) + 8708)
			row[i+2] = clip8(multHi(yy, 19077) + multHi(u, 33050) - 17685)
			row[i+3] = 255
			if alpha != nil {
				row[i+3] = alpha[y*astride+x]
			}
		}
	}
	return out
}

func multHi(v, c int) int { return (v * c) >> 8 }

// clip8 is libwebp's VP8Clip8: the values above carry 6 fractional bits.
func clip8(v int) uint8 {
	switch {
	case v < 0:
		return 0
	case v >= 256<<6:
		return 255
	}
	return uint8(v >> 6)
}
