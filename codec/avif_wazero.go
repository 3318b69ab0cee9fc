//go:build !cgo || picpool_purego || (picpool_wasmcodecs && !picpool_static_heif)

package codec

// AVIF in builds without libavif and without the static libheif of
// -tags picpool_static_heif (avif_heif.go): gen2brain's libavif/libaom
// compiled to WebAssembly, run from PicPool's own host (wasmhost.go), or a
// shared libavif that gen2brain's package loads through purego (builds
// without -tags nodynamic; see codecs_wazero.go).

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "unsafe" // go:linkname

	"github.com/gen2brain/avif"
)

//go:linkname avifDecodeWasm github.com/gen2brain/avif.decodeWasm
var avifDecodeWasm []byte

//go:linkname avifEncodeWasm github.com/gen2brain/avif.encodeWasm
var avifEncodeWasm []byte

var (
	avifDecodeModule = &wasmModule{gz: &avifDecodeWasm}
	avifEncodeModule = &wasmModule{gz: &avifEncodeWasm}
)

// The AVIF codec of this build: the versions the WebAssembly module was built
// from (its Makefile in the pinned module version), or the shared library
// gen2brain's package loaded instead. HEIC's is in heif_wazero.go, or, with
// -tags picpool_static_heif, libheif linked in (heif_cgo.go); WebP's in
// webp_go.go, or, with -tags picpool_static_webp, libwebp linked in
// (webp_cgo.go).
var AVIFCodec = wasmOrShared(avif.Dynamic(), "libavif 1.1.1 with libaom 3.10.0 (WebAssembly: github.com/gen2brain/avif v0.4.4, wazero)", "libavif")

// avifOpaqueAlpha is not used in this build: the WebAssembly module cannot write one: a grid with alpha whose some cells are opaque is written as one frame.
func avifOpaqueAlpha(int, int, bool, avifOptions) ([]byte, error) { return nil, nil }

// NativeCodecs says that this build runs the WebAssembly codecs (see
// avif_cgo.go).
const NativeCodecs = false

// avifScales says that this build's AVIF decoder does not shrink on load.
const avifScales = false

// avifDecode decodes the primary image of an AVIF file at its coded size (scale is 1),
// without transformations: premultiplied RGBA, 16 bits a sample for deeper
// files (decodeHEIF takes the alpha apart).
func avifDecode(data []byte, h *heifHeader, _ int) (image.Image, error) {
	if avif.Dynamic() == nil { // the shared library, through gen2brain's package
		defer collect()
		img, err := avif.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return detach(img), nil
	}
	c, in, vars, err := avifDecodeModule.decodeCall(data, 16) // width, height, depth, frame count
	if err != nil {
		return nil, err
	}
	defer c.close()
	// decode(in, size, configOnly, all frames, &width, &height, &depth, &count, delays, out): 1 if it worked.
	decode := func(configOnly, delays, out uint64) error {
		return c.callOK(errAVIFDecode, "decode", in, uint64(len(data)), configOnly, 0, vars, vars+4, vars+8, vars+12, delays, out)
	}
	if err := decode(1, 0, 0); err != nil {
		return nil, err
	}
	w, hh, depth := int(c.u32(vars)), int(c.u32(vars+4)), c.u32(vars+8)
	if w != h.DecW || hh != h.DecH {
		return nil, fmt.Errorf("libavif reads %dx%d, the header says %dx%d", w, hh, h.DecW, h.DecH)
	}
	bpp := 4
	if depth > 8 {
		bpp = 8
	}
	out, err := c.malloc(w * hh * bpp)
	if err != nil {
		return nil, err
	}
	delay, err := c.malloc(8)
	if err != nil {
		return nil, err
	}
	if err := decode(0, delay, out); err != nil {
		return nil, err
	}
	pix, err := c.get(out, w*hh*bpp)
	if err != nil {
		return nil, err
	}
	r := image.Rect(0, 0, w, hh)
	if bpp == 4 {
		return &image.RGBA{Pix: pix, Stride: 4 * w, Rect: r}, nil
	}
	for i := 0; i+1 < len(pix); i += 2 { // libavif's 16-bit samples are little-endian, Go's big-endian
		pix[i], pix[i+1] = pix[i+1], pix[i]
	}
	return &image.RGBA64{Pix: pix, Stride: 8 * w, Rect: r}, nil
}

var (
	errAVIFDecode = errors.New("libavif cannot decode it")
	errAVIFEncode = errors.New("libavif cannot encode it")
)

// avifEncode writes img as an 8-bit AVIF; the metadata is left out.
func avifEncode(img image.Image, o avifOptions, _ *Metadata) ([]byte, error) {
	q := o.Quality // libavif 1.x maps it to the quantizer as avifOptions.quantizer does
	if q == 0 {
		q = DefaultAVIFQuality
	}
	sub, chroma := image.YCbCrSubsampleRatio420, uint64(3) // AVIF_PIXEL_FORMAT_YUV420
	if o.Lossless {
		q, sub, chroma = 100, image.YCbCrSubsampleRatio444, 1 // AVIF_PIXEL_FORMAT_YUV444
	}
	if avif.Dynamic() == nil { // the shared library, through gen2brain's package
		defer collect()
		var b bytes.Buffer
		err := avif.Encode(&b, img, avif.Options{Quality: q, QualityAlpha: q, Speed: o.speed(), ChromaSubsampling: sub})
		return b.Bytes(), err
	}
	rgba := premultipliedRGBA(img)
	c, err := avifEncodeModule.instance()
	if err != nil {
		return nil, err
	}
	defer c.close()
	in, err := c.put(rgba.Pix)
	if err != nil {
		return nil, err
	}
	size, err := c.malloc(8)
	if err != nil {
		return nil, err
	}
	r := img.Bounds()
	// encode(rgba, width, height, &size, quality, alpha quality, speed, chroma): the file, in the module's memory.
	file, err := c.call("encode", in, uint64(r.Dx()), uint64(r.Dy()), size, uint64(q), uint64(q), uint64(o.speed()), chroma)
	if err != nil {
		return nil, err
	}
	n := c.u64(size)
	if file == 0 || n == 0 {
		return nil, errAVIFEncode
	}
	return c.get(file, int(n))
}

// premultipliedRGBA returns img as packed premultiplied 8-bit RGBA at (0, 0),
// which the encoding module reads.
func premultipliedRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	if m, ok := img.(*image.NRGBA); ok && isOpaque(m) && m.Stride == 4*b.Dx() {
		return &image.RGBA{Pix: m.Pix, Stride: m.Stride, Rect: image.Rect(0, 0, b.Dx(), b.Dy())}
	}
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}
