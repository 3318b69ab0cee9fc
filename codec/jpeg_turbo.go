//go:build cgo && !picpool_purego

package codec

// The fast JPEG codec: libjpeg-turbo through its TurboJPEG 2.x API (Debian:
// libturbojpeg0-dev), in one small cgo file of our own. The Go bindings that
// exist either need TurboJPEG 3 (Debian 12 ships 2.1.5), wrap the older
// libjpeg API, or have not been kept up and cannot be fetched through the
// module proxy; the part PicPool needs is four calls, kept here with their
// error handling in plain sight.
//
// Rules kept on both sides of the boundary: C never keeps a Go pointer after
// a call returns (pixel buffers are Go memory, passed for the duration of
// one call and holding no Go pointers); every TurboJPEG handle is created
// and destroyed within one C function, so nothing leaks and no handle is
// ever shared between goroutines; compressed output is allocated by
// TurboJPEG and freed with tjFree once copied out.
//
// The library is found with pkg-config and linked dynamically, or, with
// -tags picpool_static_turbo (every package), linked in from
// libturbojpeg.a so that the binary runs where libturbojpeg.so is missing
// (Windows and macOS: packaging/thirdparty/ builds it, CGO_LDFLAGS finds
// it; Apple's linker has no -l:file, but finds only the .a there).

/*
#cgo !picpool_static_turbo pkg-config: libturbojpeg
#cgo picpool_static_turbo,!darwin LDFLAGS: -l:libturbojpeg.a
#cgo picpool_static_turbo,darwin LDFLAGS: -lturbojpeg
#include <stdio.h>
#include <stdlib.h>
#include <turbojpeg.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#ifndef TJFLAG_LIMITSCANS
#define TJFLAG_LIMITSCANS 0
#endif

// pp_malloc_setup makes glibc serve large blocks (libjpeg's whole-image
// buffers for progressive JPEGs, up to tens of megabytes) with mmap and
// give them back on free. Left to itself, glibc raises that threshold after
// the first such free and keeps later blocks in per-thread arenas, and cgo
// calls run on many threads: resident memory then creeps up by an image's
// buffers per thread instead of staying flat.
static void pp_malloc_setup(void) {
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

static void pp_error(tjhandle h, char *msg, int len) {
	snprintf(msg, len, "%s", tjGetErrorStr2(h));
}

// pp_header reads the size, subsampling and colour space of a JPEG.
static int pp_header(const unsigned char *buf, unsigned long size, int *w, int *h,
		int *subsamp, int *cs, char *msg, int len) {
	tjhandle t = tjInitDecompress();
	if (t == NULL) {
		pp_error(NULL, msg, len);
		return -1;
	}
	int r = tjDecompressHeader3(t, buf, size, w, h, subsamp, cs);
	if (r != 0)
		pp_error(t, msg, len);
	tjDestroy(t);
	return r;
}

// pp_decode decompresses into dst, scaled to exactly w x h (a size TJSCALED
// gives). Warnings (a truncated or damaged file) stop it and count as
// failures: the caller then lets the Go decoder say what is wrong.
static int pp_decode(const unsigned char *buf, unsigned long size, unsigned char *dst,
		int w, int pitch, int h, int pf, char *msg, int len) {
	tjhandle t = tjInitDecompress();
	if (t == NULL) {
		pp_error(NULL, msg, len);
		return -1;
	}
	int r = tjDecompress2(t, buf, size, dst, w, pitch, h, pf,
		TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS);
	if (r != 0)
		pp_error(t, msg, len);
	tjDestroy(t);
	return r;
}

// pp_encode compresses src; *out is allocated by TurboJPEG (free with tjFree).
static int pp_encode(const unsigned char *src, int w, int pitch, int h, int pf, int subsamp,
		int quality, unsigned char **out, unsigned long *outSize, char *msg, int len) {
	tjhandle t = tjInitCompress();
	if (t == NULL) {
		pp_error(NULL, msg, len);
		return -1;
	}
	*out = NULL;
	*outSize = 0;
	int r = tjCompress2(t, src, w, pitch, h, pf, out, outSize, subsamp, quality, 0);
	if (r != 0) {
		pp_error(t, msg, len);
		if (*out != NULL) {
			tjFree(*out);
			*out = NULL;
		}
	}
	tjDestroy(t);
	return r;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"io"
	"unsafe"
)

func init() { C.pp_malloc_setup() }

// JPEGCodec names the JPEG decoder and encoder this build uses.
const JPEGCodec = "libjpeg-turbo (TurboJPEG API, cgo)"

// turboJPEG says whether this build has the fast codec.
const turboJPEG = true

type msgBuf [256]C.char

func (m *msgBuf) err(what string) error {
	return fmt.Errorf("libjpeg-turbo %s: %s", what, C.GoString(&m[0]))
}

// jpegHeader is what TurboJPEG reads from a JPEG's header.
type jpegHeader struct {
	Width, Height int
	Gray          bool // one component: decode to *image.Gray
	CMYK          bool // CMYK or YCCK: decoded to *image.CMYK
}

func turboHeader(data []byte) (jpegHeader, error) {
	if len(data) == 0 {
		return jpegHeader{}, errors.New("libjpeg-turbo: empty")
	}
	var w, h, subsamp, cs C.int
	var msg msgBuf
	if C.pp_header((*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)), &w, &h, &subsamp, &cs, &msg[0], C.int(len(msg))) != 0 {
		return jpegHeader{}, msg.err("header")
	}
	return jpegHeader{
		Width: int(w), Height: int(h),
		Gray: cs == C.TJCS_GRAY,
		CMYK: cs == C.TJCS_CMYK || cs == C.TJCS_YCCK,
	}, nil
}

// turboScaled is the size libjpeg-turbo decodes a side of n pixels to at
// 1/denom (TJSCALED: rounded up).
func turboScaled(n, denom int) int { return (n + denom - 1) / denom }

// turboDecode decodes a JPEG at 1/denom of its stored size (denom 1, 2, 4
// or 8): a *image.Gray for one-component JPEGs, an *image.CMYK for CMYK and
// YCCK ones, otherwise an opaque *image.NRGBA (RGBA output, alpha 255), the
// type imaging works on.
func turboDecode(data []byte, hd jpegHeader, denom int) (image.Image, error) {
	w, h := turboScaled(hd.Width, denom), turboScaled(hd.Height, denom)
	var img image.Image
	var pix []byte
	var pitch int
	var pf C.int
	switch {
	case hd.Gray:
		g := image.NewGray(image.Rect(0, 0, w, h))
		img, pix, pitch, pf = g, g.Pix, g.Stride, C.TJPF_GRAY
	case hd.CMYK: // as stored: the caller inverts Adobe's
		c := image.NewCMYK(image.Rect(0, 0, w, h))
		img, pix, pitch, pf = c, c.Pix, c.Stride, C.TJPF_CMYK
	default:
		n := image.NewNRGBA(image.Rect(0, 0, w, h))
		img, pix, pitch, pf = n, n.Pix, n.Stride, C.TJPF_RGBA
	}
	var msg msgBuf
	if C.pp_decode((*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)), (*C.uchar)(unsafe.Pointer(&pix[0])),
		C.int(w), C.int(pitch), C.int(h), pf, &msg[0], C.int(len(msg))) != 0 {
		return nil, msg.err("decode")
	}
	return img, nil
}

// turboEncode writes img as a JPEG of the given quality. It takes the
// types PicPool's filters and decoders hand it without a copy (opaque NRGBA
// or RGBA, Gray) and reports false for any other, which the caller converts.
func turboEncode(w io.Writer, img image.Image, quality int) (bool, error) {
	var pix []byte
	var stride int
	var pf, subsamp C.int = C.TJPF_RGBA, C.TJSAMP_420
	r := img.Bounds()
	switch m := img.(type) {
	case *image.NRGBA: // the caller flattened translucent pixels
		pix, stride = m.Pix[m.PixOffset(r.Min.X, r.Min.Y):], m.Stride
	case *image.RGBA:
		pix, stride = m.Pix[m.PixOffset(r.Min.X, r.Min.Y):], m.Stride
	case *image.Gray:
		pix, stride, pf, subsamp = m.Pix[m.PixOffset(r.Min.X, r.Min.Y):], m.Stride, C.TJPF_GRAY, C.TJSAMP_GRAY
	default:
		return false, nil
	}
	if r.Empty() {
		return true, errors.New("libjpeg-turbo encode: empty image")
	}
	var out *C.uchar
	var size C.ulong
	var msg msgBuf
	if C.pp_encode((*C.uchar)(unsafe.Pointer(&pix[0])), C.int(r.Dx()), C.int(stride), C.int(r.Dy()), pf, subsamp,
		C.int(quality), &out, &size, &msg[0], C.int(len(msg))) != 0 {
		return true, msg.err("encode")
	}
	defer C.tjFree(out)
	_, err := w.Write(unsafe.Slice((*byte)(unsafe.Pointer(out)), int(size)))
	return true, err
}
