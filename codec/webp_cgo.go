//go:build cgo && !picpool_purego && (!picpool_wasmcodecs || picpool_static_webp)

package codec

// WebP frames with libwebp (Debian: libwebp-dev): it decodes whatever dwebp
// decodes and encodes as cwebp does. The container (animation, metadata
// chunks) is read and written in Go (webpriff.go, webpmux.go): libwebp sees
// one frame's bitstream at a time. The rules of jpeg_turbo.go hold: C keeps
// no Go pointer past a call.
//
// Linked dynamically (pkg-config), or, with -tags picpool_static_webp,
// from libwebp.a, as jpeg_turbo.go links libturbojpeg.a: the Windows and
// macOS apps (packaging/thirdparty/ builds it from Debian's source) and the
// Linux tarball (libwebp-dev's libwebp.a) then run libwebp natively beside
// the WebAssembly HEIC and AVIF codecs of -tags picpool_wasmcodecs, and
// need no libwebp at run time.

/*
#cgo !picpool_static_webp pkg-config: libwebp
#cgo picpool_static_webp,!darwin LDFLAGS: -l:libwebp.a -lm
#cgo picpool_static_webp,darwin LDFLAGS: -lwebp
#include <stdio.h>
#include <stdlib.h>
#include <webp/decode.h>
#include <webp/encode.h>

static const char *pp_webp_status(VP8StatusCode s) {
	switch (s) {
	case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
	case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
	case VP8_STATUS_BITSTREAM_ERROR: return "bitstream error";
	case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
	case VP8_STATUS_SUSPENDED: return "suspended";
	case VP8_STATUS_USER_ABORT: return "aborted";
	case VP8_STATUS_NOT_ENOUGH_DATA: return "not enough data";
	default: return "error";
	}
}

// pp_webp_decode decodes a one-frame WebP file into dst (NRGBA, w x h).
static int pp_webp_decode(const uint8_t *data, size_t size, unsigned char *dst, int w, int h, int pitch,
		int *truncated, char *msg, int len) {
	WebPDecoderConfig c;
	if (!WebPInitDecoderConfig(&c)) {
		snprintf(msg, len, "libwebp version mismatch");
		return -1;
	}
	VP8StatusCode s = WebPGetFeatures(data, size, &c.input);
	if (s == VP8_STATUS_OK && (c.input.width != w || c.input.height != h)) {
		snprintf(msg, len, "the frame is %dx%d, its header says %dx%d", c.input.width, c.input.height, w, h);
		return -1;
	}
	if (s == VP8_STATUS_OK) {
		c.output.colorspace = MODE_RGBA;
		c.output.is_external_memory = 1;
		c.output.u.RGBA.rgba = dst;
		c.output.u.RGBA.stride = pitch;
		c.output.u.RGBA.size = (size_t)pitch * h;
		s = WebPDecode(data, size, &c);
		WebPFreeDecBuffer(&c.output);
	}
	if (s != VP8_STATUS_OK) {
		*truncated = s == VP8_STATUS_NOT_ENOUGH_DATA;
		snprintf(msg, len, "%s", pp_webp_status(s));
		return -1;
	}
	return 0;
}

// pp_webp_encode encodes src (RGBA, 8 bits a sample); *out is libwebp's
// (WebPFree).
static int pp_webp_encode(const uint8_t *src, int w, int h, int pitch, int opaque, float quality, int lossless,
		int method, int exact, uint8_t **out, size_t *out_n, char *msg, int len) {
	WebPConfig c;
	WebPPicture p;
	WebPMemoryWriter wr;
	if (!WebPConfigInit(&c) || !WebPPictureInit(&p)) {
		snprintf(msg, len, "libwebp version mismatch");
		return -1;
	}
	c.quality = quality;
	c.lossless = lossless;
	c.method = method;
	c.exact = exact;
	if (!WebPValidateConfig(&c)) {
		snprintf(msg, len, "invalid settings");
		return -1;
	}
	p.width = w;
	p.height = h;
	p.use_argb = lossless;
	int ok = opaque ? WebPPictureImportRGBX(&p, src, pitch) : WebPPictureImportRGBA(&p, src, pitch);
	if (!ok) {
		WebPPictureFree(&p);
		snprintf(msg, len, "out of memory");
		return -1;
	}
	WebPMemoryWriterInit(&wr);
	p.writer = WebPMemoryWrite;
	p.custom_ptr = &wr;
	ok = WebPEncode(&c, &p);
	WebPPictureFree(&p);
	if (!ok) {
		WebPMemoryWriterClear(&wr);
		snprintf(msg, len, "encoding failed (error %d)", p.error_code);
		return -1;
	}
	*out = wr.mem;
	*out_n = wr.size;
	return 0;
}
*/
import "C"

import (
	"fmt"
	"image"
	"unsafe"
)

func libwebpVersion(v C.int) string { return fmt.Sprintf("%d.%d.%d", v>>16, v>>8&0xFF, v&0xFF) }

// nativeWebP says that this build's WebP codec is libwebp through cgo.
const nativeWebP = true

// WebPCodec names the WebP decoder and encoder of this build.
var WebPCodec = fmt.Sprintf("libwebp %s (cgo)", libwebpVersion(C.WebPGetDecoderVersion()))

// webpDecodeFrame decodes a one-frame WebP file (see frameFile) of w x h
// into an *image.NRGBA. truncated reports a bitstream that ends early.
func webpDecodeFrame(file []byte, w, h int) (img image.Image, truncated bool, err error) {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	var trunc C.int
	var msg msgBuf
	if C.pp_webp_decode((*C.uint8_t)(unsafe.Pointer(&file[0])), C.size_t(len(file)), (*C.uchar)(unsafe.Pointer(&m.Pix[0])),
		C.int(w), C.int(h), C.int(m.Stride), &trunc, &msg[0], C.int(len(msg))) != 0 {
		return nil, trunc != 0, fmt.Errorf("%s", C.GoString(&msg[0]))
	}
	return m, false, nil
}

// webpEncodeFrame encodes img (an *image.NRGBA) as a one-frame WebP file.
func webpEncodeFrame(img *image.NRGBA, o webpOptions) ([]byte, error) {
	r := img.Bounds()
	var out *C.uint8_t
	var n C.size_t
	var msg msgBuf
	if C.pp_webp_encode((*C.uint8_t)(unsafe.Pointer(&img.Pix[img.PixOffset(r.Min.X, r.Min.Y)])), C.int(r.Dx()), C.int(r.Dy()), C.int(img.Stride),
		C.int(b2i(img.Opaque())), C.float(o.quality()), C.int(b2i(o.Lossless)), C.int(o.method()), C.int(b2i(o.Exact)),
		&out, &n, &msg[0], C.int(len(msg))) != 0 {
		return nil, fmt.Errorf("%s", C.GoString(&msg[0]))
	}
	defer C.WebPFree(unsafe.Pointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(n)), nil
}
