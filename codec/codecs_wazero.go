//go:build !cgo || picpool_purego || picpool_wasmcodecs

package codec

// The codecs of builds without the C libraries (CGO_ENABLED=0, and
// -tags picpool_purego: the Windows and macOS packages; -tags
// picpool_wasmcodecs keeps libjpeg-turbo and the C filter kernels but runs
// these, for a Linux binary that needs no libheif, libavif or libwebp at
// run time): libheif/libde265,
// libavif/libaom and libwebp compiled to WebAssembly and run by wazero
// (github.com/gen2brain/heic, avif, webp), and golang.org/x/image/webp, pure
// Go, for decoding WebP frames (the WebAssembly WebP decoder returns lossless
// images as YCbCr 4:2:0, which would lose colour). Each module is compiled
// once per process, on first use; what each call then pays (a fresh instance
// of the module, its memory) is measured in docs/codecs.md.
//
// HEIC and AVIF run from PicPool's own host (wasmhost.go), which gives each
// instance memory outside the Go heap.
//
// What these builds cannot do: HEIC alpha planes (dropped), more than 8
// bits a sample in HEIC inputs and AVIF outputs (10- and 12-bit AVIF
// inputs are decoded to 16 bits), and metadata in AVIF outputs (the
// WebAssembly encoder has no way to pass it: it is left out, and WebP
// outputs carry it). Rotation and the clean aperture are applied
// by libheif itself here; the results match the cgo build's (tested).
//
// gen2brain's packages first try to load a shared libheif/libavif/libwebp
// through purego (which makes even a CGO_ENABLED=0 binary dynamically
// linked, so it finds the -dev packages' libheif.so), and only then fall
// back to WebAssembly; the codec names below say which ran. Packages are
// built with -tags nodynamic so that they always run the WebAssembly code
// that was tested (`make test` runs these tests so too; see docs/codecs.md).

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"runtime"

	"github.com/gen2brain/avif"
)

// The AVIF codec of this build: the versions the WebAssembly module was built
// from (its Makefile in the pinned module version), or the shared library
// gen2brain's package loaded instead. HEIC's is in heif_wazero.go, or, with
// -tags picpool_static_heif, libheif linked in (heif_cgo.go); WebP's in
// webp_go.go, or, with -tags picpool_static_webp, libwebp linked in
// (webp_cgo.go).
var AVIFCodec = wasmOrShared(avif.Dynamic(), "libavif 1.1.1 with libaom 3.10.0 (WebAssembly: github.com/gen2brain/avif v0.4.4, wazero)", "libavif")

// wasmOrShared names the WebAssembly module, or, when gen2brain's package
// loaded a shared library instead (dynamicErr nil), says so.
func wasmOrShared(dynamicErr error, wasm, lib string) string {
	if dynamicErr == nil {
		return lib + " (the system's shared library, loaded through purego by github.com/gen2brain: not the WebAssembly build; build with -tags nodynamic)"
	}
	return wasm
}

// NativeCodecs says that this build runs the WebAssembly codecs (see
// avif_cgo.go).
const NativeCodecs = false

// avifDecode decodes the primary image of an AVIF file at its coded size,
// without transformations: premultiplied RGBA, 16 bits a sample for deeper
// files (decodeHEIF takes the alpha apart).
func avifDecode(data []byte, h *heifHeader) (image.Image, error) {
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

// collect runs the garbage collector after a call through gen2brain's
// packages (the WebP encoder, and shared libraries they load): each call
// instantiates the module afresh, and its memory (in the Go heap there,
// grown a step at a time) is garbage when the call returns. Collected at
// once, it is reused by the next call instead of the heap growing past it
// (a 12-MP HEIC decoded three times in a row that way: resident memory
// 224-234 MB instead of 306-383). The cost, a collection of a heap of a few
// pixel buffers, is small beside the call's.
func collect() { runtime.GC() }

// detach copies a decoded image out of the WebAssembly module's memory
// (which its pixels point into, keeping all of that memory alive) into an
// image of its own: NRGBA for RGBA (un-premultiplying), a YCbCr copy for
// YCbCr.
func detach(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.YCbCr:
		c := *m
		c.Y, c.Cb, c.Cr = append([]byte(nil), m.Y...), append([]byte(nil), m.Cb...), append([]byte(nil), m.Cr...)
		return &c
	case *image.Gray:
		return &image.Gray{Pix: append([]byte(nil), m.Pix...), Stride: m.Stride, Rect: m.Rect}
	case *image.RGBA:
		if m.Opaque() {
			return &image.NRGBA{Pix: append([]byte(nil), m.Pix...), Stride: m.Stride, Rect: m.Rect}
		}
	case *image.NRGBA:
		return &image.NRGBA{Pix: append([]byte(nil), m.Pix...), Stride: m.Stride, Rect: m.Rect}
	}
	return toNRGBA(img)
}
