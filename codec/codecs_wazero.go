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
// once per process, on first use or before a batch's first file (Warm, in
// wasmhost.go); what each call then pays (a fresh instance
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
	"image"
	"runtime"
)

// wasmOrShared names the WebAssembly module, or, when gen2brain's package
// loaded a shared library instead (dynamicErr nil), says so.
func wasmOrShared(dynamicErr error, wasm, lib string) string {
	if dynamicErr == nil {
		return lib + " (the system's shared library, loaded through purego by github.com/gen2brain: not the WebAssembly build; build with -tags nodynamic)"
	}
	return wasm
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
